"use server";

import { action } from "@/app/_server/action";
import {
  addMembers,
  moveMembers,
  previewAddMembers,
  removeMembers,
  revertMembershipChange,
} from "@/lib/memberships/commands";
import type {
  AddMembersInput,
  MembershipChange,
  MoveMembersInput,
  RemoveMembersInput,
} from "@/lib/memberships/schemas";

const revalidate = ["/groups", "/members"];

export const moveMembersAction = action(
  "moveMembers",
  (input: MoveMembersInput, actor, db) => moveMembers(db, actor, input),
  { revalidate },
);
export const addMembersAction = action(
  "addMembers",
  (input: AddMembersInput, actor, db) => addMembers(db, actor, input),
  {
    revalidate,
  },
);
export const removeMembersAction = action(
  "removeMembers",
  (input: RemoveMembersInput, actor, db) => removeMembers(db, actor, input),
  { revalidate },
);
export const revertMembershipChangeAction = action(
  "revertMembershipChange",
  (input: MembershipChange, actor, db) => revertMembershipChange(db, actor, input),
  { revalidate },
);
export const previewAddMembersAction = action(
  "previewAddMembers",
  (input: AddMembersInput, actor, db) => previewAddMembers(db, actor, input),
);
