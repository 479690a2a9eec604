"use server";

import { action } from "@/app/_server/action";
import {
  type ImportInput,
  importMembers,
  previewMemberImport,
  undoMemberImport,
} from "@/lib/members/import/import";

const revalidate = ["/members", "/groups", "/members/import"];

export const previewMemberImportAction = action(
  "previewMemberImport",
  (input: ImportInput, actor, db) => previewMemberImport(db, actor, input),
);
export const importMembersAction = action(
  "importMembers",
  (input: ImportInput, actor, db) => importMembers(db, actor, input),
  { revalidate },
);
export const undoMemberImportAction = action(
  "undoMemberImport",
  (input: { importId: string }, actor, db) => undoMemberImport(db, actor, input),
  { revalidate },
);
