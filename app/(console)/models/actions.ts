"use server";

import { action } from "@/app/_server/action";
import {
  createModelList,
  deleteModelList,
  setModelListAttached,
  updateModelList,
} from "@/lib/limits/model-lists";
import type { ModelListAttachmentInput, ModelListInput } from "@/lib/limits/schemas";

// Lists are kept on the Models page and attached from the key and group pages.
const revalidate = ["/models", "/keys", "/groups", "/access"];

export const createModelListAction = action(
  "createModelList",
  async (input: ModelListInput, actor, db) => {
    await createModelList(db, actor, input);
    return null;
  },
  { revalidate },
);

export const updateModelListAction = action(
  "updateModelList",
  async (input: ModelListInput & { listId: string }, actor, db) => {
    await updateModelList(db, actor, input);
    return null;
  },
  { revalidate },
);

export const deleteModelListAction = action(
  "deleteModelList",
  async (input: { listId: string }, actor, db) => {
    await deleteModelList(db, actor, input);
    return null;
  },
  { revalidate },
);

export const setModelListAttachedAction = action(
  "setModelListAttached",
  (input: ModelListAttachmentInput & { attached: boolean }, actor, db) =>
    setModelListAttached(db, actor, input),
  { revalidate },
);
