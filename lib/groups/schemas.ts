import { z } from "zod";
import { budgetMode, groupKind } from "@/db/schema";
import { optionalDollars, optionalEndOfDay } from "@/lib/form-input";

const name = z
  .string({ error: "Enter a name." })
  .trim()
  .min(1, "Enter a name.")
  .max(100, "Keep the name to 100 characters or fewer.")
  .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), "The name cannot contain control characters.");

const description = z
  .string()
  .trim()
  .max(2000, "Keep the description to 2,000 characters or fewer.")
  .default("");

const optionalGroupId = z
  .union([z.literal("").transform(() => null), z.null(), z.uuid("Unknown group.")])
  .optional()
  .transform((v) => v ?? null);

export const createGroupInput = z.object({
  name,
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

// Alert thresholds as typed ("50, 80, 100"): whole percentages, ascending, at most ten.
const thresholds = z
  .union([z.string(), z.array(z.number())])
  .transform((v) =>
    typeof v === "string"
      ? v
          .split(/[\s,;%]+/)
          .filter(Boolean)
          .map(Number)
      : v,
  )
  .pipe(
    z
      .array(
        z
          .number({ error: "Thresholds are whole percentages, like 50, 80, 100." })
          .int("Thresholds are whole percentages, like 50, 80, 100.")
          .min(1, "Thresholds lie between 1 and 1000 %.")
          .max(1000, "Thresholds lie between 1 and 1000 %."),
      )
      .min(1, "Give at least one threshold, like 100.")
      .max(10, "Give at most ten thresholds."),
  )
  .transform((ts) => [...new Set(ts)].sort((a, b) => a - b));

export const setGroupBudgetInput = z.object({
  groupId: z.uuid("Unknown group."),
  budgetDollars: optionalDollars,
  mode: z.enum(budgetMode.enumValues, { error: "Choose soft or hard." }),
  thresholds,
});

export type SetGroupBudgetInput = z.input<typeof setGroupBudgetInput>;
