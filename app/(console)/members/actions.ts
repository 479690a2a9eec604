"use server";

import { action } from "@/app/_server/action";
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
  (input: AddMemberInput, actor, db) => addMember(db, actor, input),
  { revalidate },
);
export const changeMemberRoleAction = action(
  (input: { memberId: string; role: string }, actor, db) =>
    changeMemberRole(db, actor, input).then(() => null),
  { revalidate },
);
export const setSpendingLimitAction = action(
  (input: { memberId: string; limitDollars: string }, actor, db) =>
    setSpendingLimit(db, actor, input),
  { revalidate },
);
export const suspendMemberAction = action(
  (input: { memberId: string }, actor, db) => suspendMember(db, actor, input),
  {
    revalidate,
  },
);
export const reactivateMemberAction = action(
  (input: { memberId: string }, actor, db) => reactivateMember(db, actor, input),
  { revalidate },
);
export const removeMemberAction = action(
  (input: { memberId: string }, actor, db) => removeMember(db, actor, input),
  {
    revalidate,
  },
);
export const matchingMemberIdsAction = action((input: ListMembersInput, actor, db) =>
  matchingMemberIds(db, actor, input),
);
export const signOutEverywhereAction = action((input: { memberId: string }, actor, db) =>
  signOutEverywhere(db, actor, input),
);
