"use server";

import { action } from "@/app/_server/action";
import { createRule, deleteRule, liftRuleException, previewRule } from "@/lib/rules/commands";
import type { RuleInput } from "@/lib/rules/schemas";

export const previewRuleAction = action("previewRule", (input: RuleInput, actor, db) =>
  previewRule(db, actor, input),
);

export const createRuleAction = action(
  "createRule",
  (input: RuleInput, actor, db) => createRule(db, actor, input),
  { revalidate: ["/groups", "/members"] },
);

export const deleteRuleAction = action(
  "deleteRule",
  (input: { ruleId: string }, actor, db) => deleteRule(db, actor, input),
  { revalidate: ["/groups"] },
);

export const liftRuleExceptionAction = action(
  "liftRuleException",
  (input: { groupId: string; memberId: string }, actor, db) => liftRuleException(db, actor, input),
  { revalidate: ["/groups", "/members"] },
);
