"use server";

import { action } from "@/app/_server/action";
import {
  archiveGroup,
  createGroup,
  moveGroup,
  restoreGroup,
  setGroupBudget,
  updateGroup,
} from "@/lib/groups/commands";
import type {
  CreateGroupInput,
  MoveGroupInput,
  SetGroupBudgetInput,
  UpdateGroupInput,
} from "@/lib/groups/schemas";

const revalidate = ["/groups", "/members"];
const summary = (g: { id: string; name: string }) => ({ id: g.id, name: g.name });
// Form input arrives as whatever the client sent: the domain parses it (zod) before use.

export const createGroupAction = action(
  "createGroup",
  async (input: unknown, actor, db) =>
    summary(await createGroup(db, actor, input as CreateGroupInput)),
  { revalidate },
);
export const updateGroupAction = action(
  "updateGroup",
  async (input: unknown, actor, db) =>
    summary(await updateGroup(db, actor, input as UpdateGroupInput)),
  { revalidate },
);
export const moveGroupAction = action(
  "moveGroup",
  async (input: MoveGroupInput, actor, db) => summary(await moveGroup(db, actor, input)),
  { revalidate },
);
export const archiveGroupAction = action(
  "archiveGroup",
  async (input: { groupId: string }, actor, db) => summary(await archiveGroup(db, actor, input)),
  { revalidate },
);
export const restoreGroupAction = action(
  "restoreGroup",
  async (input: { groupId: string }, actor, db) => summary(await restoreGroup(db, actor, input)),
  { revalidate },
);
export const setGroupBudgetAction = action(
  "setGroupBudget",
  async (input: SetGroupBudgetInput, actor, db) => summary(await setGroupBudget(db, actor, input)),
  { revalidate: [...revalidate, "/spend"] },
);
