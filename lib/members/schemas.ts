import { z } from "zod";
import { memberRole, memberStatus } from "@/db/schema";
import { FIELD_LIMITS } from "@/lib/field-limits";
import { optionalDollars } from "@/lib/form-input";

const memberId = z.uuid("Unknown member.");

export const memberEmail = z
  .string()
  .trim()
  .toLowerCase()
  .max(FIELD_LIMITS.memberEmail, "That email address is too long.")
  .pipe(z.email("Enter a valid email address."));

export const memberName = z
  .string()
  .trim()
  .min(1, "Enter a name.")
  .max(FIELD_LIMITS.memberName, `Keep the name to ${FIELD_LIMITS.memberName} characters or fewer.`);

const newMember = {
  email: memberEmail,
  name: memberName,
  role: z.enum(memberRole.enumValues, { error: "Choose a role." }),
};

export const addMemberInput = z.discriminatedUnion("access", [
  z.object({
    ...newMember,
    access: z.literal("password"),
    password: z
      .string()
      .min(12, "Use at least 12 characters.")
      .max(FIELD_LIMITS.password, "That password is too long."),
  }),
  z.object({ ...newMember, access: z.literal("invite") }),
  // Signs in through single sign-on only: no password, no invitation link.
  z.object({ ...newMember, access: z.literal("sso") }),
]);

export const changeRoleInput = z.object({
  memberId,
  role: z.enum(memberRole.enumValues, { error: "Choose a role." }),
});

export const setSpendingLimitInput = z.object({ memberId, limitDollars: optionalDollars });

export const memberIdInput = z.object({ memberId });

export const listMembersInput = z.object({
  q: z.string().trim().max(FIELD_LIMITS.memberSearch).default(""),
  groupId: z.uuid().optional().catch(undefined),
  notInGroupId: z.uuid().optional().catch(undefined),
  role: z.enum(memberRole.enumValues).optional().catch(undefined),
  status: z.enum(memberStatus.enumValues).exclude(["removed"]).optional().catch(undefined),
  sort: z.enum(["name", "email", "role", "status", "joined"]).default("name").catch("name"),
  dir: z.enum(["asc", "desc"]).default("asc").catch("asc"),
  page: z.coerce.number().int().min(1).max(100_000).default(1).catch(1),
  pageSize: z.coerce.number().int().min(10).max(200).default(50).catch(50),
});

export const acceptInvitationInput = z.object({
  token: z.string().min(20).max(200),
  password: z
    .string()
    .min(12, "Use at least 12 characters.")
    .max(FIELD_LIMITS.password, "That password is too long."),
});

export type AddMemberInput = z.input<typeof addMemberInput>;
export type ListMembersInput = z.input<typeof listMembersInput>;
