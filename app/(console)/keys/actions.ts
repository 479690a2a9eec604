"use server";

import { action } from "@/app/_server/action";
import {
  assignKeyToGroups,
  createKey,
  revokeKey,
  rotateKey,
  unassignKeyFromGroups,
  updateKey,
} from "@/lib/keys/commands";
import { type RestrictKeyInput, restrictKey } from "@/lib/keys/restrict";
import type { CreateKeyInput, KeyGroupsInput, UpdateKeyInput } from "@/lib/keys/schemas";

const revalidate = ["/keys", "/groups", "/access"];

export const createKeyAction = action(
  "createKey",
  (input: CreateKeyInput, actor, db) => createKey(db, actor, input),
  { revalidate },
);
export const updateKeyAction = action(
  "updateKey",
  (input: UpdateKeyInput, actor, db) => updateKey(db, actor, input),
  { revalidate },
);
export const restrictKeyAction = action(
  "restrictKey",
  (input: RestrictKeyInput, actor, db) => restrictKey(db, actor, input),
  { revalidate: [...revalidate, "/recommendations"] },
);
export const revokeKeyAction = action(
  "revokeKey",
  (input: { keyId: string }, actor, db) => revokeKey(db, actor, input),
  { revalidate },
);
export const rotateKeyAction = action(
  "rotateKey",
  (input: { keyId: string }, actor, db) => rotateKey(db, actor, input),
  { revalidate },
);
export const assignKeyAction = action(
  "assignKey",
  (input: KeyGroupsInput, actor, db) => assignKeyToGroups(db, actor, input),
  { revalidate },
);
export const unassignKeyAction = action(
  "unassignKey",
  (input: KeyGroupsInput, actor, db) => unassignKeyFromGroups(db, actor, input),
  { revalidate },
);
