import { z } from "zod";
import { budgetMode, groupKind } from "@/db/schema";
import { optionalDollars, optionalEndOfDay } from "@/lib/form-input";
import { FIELD_LIMITS } from "@/lib/field-limits";

export const groupName = z
  .string({ error: "Enter a name." })
  .trim()
  .min(1, "Enter a name.")
  .max(FIELD_LIMITS.groupName, `Keep the name to ${FIELD_LIMITS.groupName} characters or fewer.`)
  .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), "The name cannot contain control characters.");

const description = z
  .string()
  .trim()
  .max(
    FIELD_LIMITS.groupDescription,
    `Keep the description to ${FIELD_LIMITS.groupDescription.toLocaleString("en-US")} characters or fewer.`,
  )
  .default("");

const optionalGroupId = z
  .union([z.literal("").transform(() => null), z.null(), z.uuid("Unknown group.")])
  .optional()
  .transform((v) => v ?? null);

export const createGroupInput = z.object({
  name: groupName,
  kind: z.enum(groupKind.enumValues, { error: "Choose a kind." }),
  description,
  parentId: optionalGroupId,
  endsOn: optionalEndOfDay,
  isDefault: z.coerce.boolean().default(false),
});

export const updateGroupInput = createGroupInput
  .omit({ parentId: true })
  .extend({ groupId: z.uuid("Unknown group.") });

export const moveGroupInput = z.object({
  groupId: z.uuid("Unknown group."),
  parentId: optionalGroupId,
});

export const groupIdInput = z.object({ groupId: z.uuid("Unknown group.") });

export type CreateGroupInput = z.input<typeof createGroupInput>;
export type UpdateGroupInput = z.input<typeof updateGroupInput>;
export type MoveGroupInput = z.input<typeof moveGroupInput>;

// Alert thresholds as typed ("50, 80, 100"): whole percentages, at most ten; stored ascending.
// Every problem is reported on the field itself, not on one element of it.
const thresholds = z
  .preprocess(
    (v) =>
      typeof v === "string"
        ? v
            .split(/[\s,;%]+/)
            .filter(Boolean)
            .map(Number)
        : v,
    z.array(z.unknown(), { error: "Thresholds are whole percentages, like 50, 80, 100." }),
  )
  .superRefine((ts, ctx) => {
    const problem = !ts.length
      ? "Give at least one threshold, like 100."
      : ts.length > 10
        ? "Give at most ten thresholds."
        : !ts.every(Number.isInteger)
          ? "Thresholds are whole percentages, like 50, 80, 100."
          : !ts.every((t) => (t as number) >= 1 && (t as number) <= 1000)
            ? "Thresholds lie between 1 and 1000 %."
            : null;
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  })
  .transform((ts) => [...new Set(ts as number[])].sort((a, b) => a - b));

export const setGroupBudgetInput = z.object({
  groupId: z.uuid("Unknown group."),
  budgetDollars: optionalDollars,
  mode: z.enum(budgetMode.enumValues, { error: "Choose soft or hard." }),
  thresholds,
});

export type SetGroupBudgetInput = z.input<typeof setGroupBudgetInput>;
