"use server";

import { action } from "@/app/_server/action";
import { orgHasEnabledProvider } from "@/lib/auth/sso-providers";
import { oidcEnabled } from "@/lib/env";
import {
  addMember,
  changeMemberRole,
  reactivateMember,
  removeMember,
  setSpendingLimit,
  suspendMember,
} from "@/lib/members/commands";
import { signOutEverywhere } from "@/lib/auth/sessions";
import { matchingMemberIds } from "@/lib/members/queries";
import type { AddMemberInput, ListMembersInput } from "@/lib/members/schemas";

const revalidate = ["/members", "/groups"];

export const addMemberAction = action(
  "addMember",
  async (input: AddMemberInput, actor, db) =>
    addMember(db, actor, input, {
      ssoConfigured: oidcEnabled() || (await orgHasEnabledProvider(db, actor.orgId)),
    }),
  { revalidate },
);
export const changeMemberRoleAction = action(
  "changeMemberRole",
  (input: { memberId: string; role: string }, actor, db) =>
    changeMemberRole(db, actor, input).then(() => null),
  { revalidate },
);
export const setSpendingLimitAction = action(
  "setSpendingLimit",
  (input: { memberId: string; limitDollars: string }, actor, db) =>
    setSpendingLimit(db, actor, input),
  { revalidate },
);
export const suspendMemberAction = action(
  "suspendMember",
  (input: { memberId: string }, actor, db) => suspendMember(db, actor, input),
  {
    revalidate,
  },
);
export const reactivateMemberAction = action(
  "reactivateMember",
  (input: { memberId: string }, actor, db) => reactivateMember(db, actor, input),
  { revalidate },
);
export const removeMemberAction = action(
  "removeMember",
  (input: { memberId: string }, actor, db) => removeMember(db, actor, input),
  {
    revalidate,
  },
);
export const matchingMemberIdsAction = action(
  "matchingMemberIds",
  (input: ListMembersInput, actor, db) => matchingMemberIds(db, actor, input),
);
export const signOutEverywhereAction = action(
  "signOutEverywhere",
  (input: { memberId: string }, actor, db) => signOutEverywhere(db, actor, input),
);
