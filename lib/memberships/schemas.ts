import { z } from "zod";

const ids = (what: string, max: number) =>
  z
    .array(z.uuid(`Unknown ${what}.`), { error: `Choose at least one ${what}.` })
    .min(1, `Choose at least one ${what}.`)
    .max(max, `At most ${max.toLocaleString("en-US")} ${what}s at once.`)
    .transform((list) => [...new Set(list)]);

export const memberIds = ids("member", 10_000);
export const groupIds = ids("group", 100);

export const addMembersInput = z.object({ memberIds, groupIds });
export const removeMembersInput = z.object({
  memberIds,
  groupIds,
  /** Keep the auto-assign rules from adding them back (lib/rules). */
  keepOutOfRules: z.boolean().default(false),
});

export const moveMembersInput = z
  .object({
    memberIds,
    fromGroupId: z.uuid("Unknown group."),
    toGroupId: z.uuid("Unknown group."),
    /** Keep the auto-assign rules from adding them back to the group they leave. */
    keepOutOfRules: z.boolean().default(false),
  })
  .refine((v) => v.fromGroupId !== v.toGroupId, {
    message: "The member is already in that group.",
    path: ["toGroupId"],
  });

const pair = z.object({ groupId: z.uuid(), memberId: z.uuid() });

/** What a change did, as returned to the client: enough to undo it exactly. */
export const membershipChange = z.object({
  added: z.array(pair).max(1_000_000),
  removed: z.array(pair).max(1_000_000),
});

export type AddMembersInput = z.input<typeof addMembersInput>;
export type RemoveMembersInput = z.input<typeof removeMembersInput>;
export type MoveMembersInput = z.input<typeof moveMembersInput>;
export type MembershipPair = z.infer<typeof pair>;
export type MembershipChange = z.infer<typeof membershipChange>;
