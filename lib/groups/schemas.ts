import { z } from "zod";
import { groupKind } from "@/db/schema";

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

// A date from a form (yyyy-mm-dd, meaning the end of that day in UTC), or nothing.
const endDate = z
  .union([
    z.literal("").transform(() => null),
    z.null(),
    z.iso.date("Enter a date like 2026-12-31."),
  ])
  .optional()
  .transform((v) => (v ? new Date(`${v}T23:59:59.999Z`) : null));

const optionalGroupId = z
  .union([z.literal("").transform(() => null), z.null(), z.uuid("Unknown group.")])
  .optional()
  .transform((v) => v ?? null);

export const createGroupInput = z.object({
  name,
  kind: z.enum(groupKind.enumValues, { error: "Choose a kind." }),
  description,
  parentId: optionalGroupId,
  endsOn: endDate,
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
