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
import type { CreateKeyInput, KeyGroupsInput, UpdateKeyInput } from "@/lib/keys/schemas";

const revalidate = ["/keys", "/groups", "/access"];

export const createKeyAction = action(
  (input: CreateKeyInput, actor, db) => createKey(db, actor, input),
  { revalidate },
);
export const updateKeyAction = action(
  (input: UpdateKeyInput, actor, db) => updateKey(db, actor, input),
  { revalidate },
);
export const revokeKeyAction = action(
  (input: { keyId: string }, actor, db) => revokeKey(db, actor, input),
  { revalidate },
);
export const rotateKeyAction = action(
  (input: { keyId: string }, actor, db) => rotateKey(db, actor, input),
  { revalidate },
);
export const assignKeyAction = action(
  (input: KeyGroupsInput, actor, db) => assignKeyToGroups(db, actor, input),
  { revalidate },
);
export const unassignKeyAction = action(
  (input: KeyGroupsInput, actor, db) => unassignKeyFromGroups(db, actor, input),
  { revalidate },
);
