import { z } from "zod";
import { groupKind } from "@/db/schema";
import { optionalEndOfDay } from "@/lib/form-input";

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
