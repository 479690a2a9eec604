import { z } from "zod";
import { RULE_ATTRIBUTES } from "./attributes";

// Values as an admin types them ("Finance, FP&A" or one per line): trimmed, lower-cased, unique.
const values = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => [
    ...new Set(
      (Array.isArray(v) ? v : v.split(/[,\n]/)).map((s) => s.trim().toLowerCase()).filter(Boolean),
    ),
  ])
  .pipe(
    z
      .array(z.string().max(200, "Keep each value to 200 characters."))
      .min(1, "Enter at least one value.")
      .max(50, "Enter at most 50 values."),
  );

export const ruleInput = z.object({
  name: z.string().trim().min(1, "Name the rule.").max(100, "Keep the name to 100 characters."),
  attribute: z.enum(RULE_ATTRIBUTES, { error: "Choose what the rule looks at." }),
  values,
  groupIds: z
    .array(z.uuid("Unknown group."))
    .min(1, "Choose at least one group.")
    .max(20, "Choose at most 20 groups."),
  /** Also add the current members who match, now. */
  applyToExisting: z.boolean().default(false),
});
export type RuleInput = z.input<typeof ruleInput>;

export const ruleRef = z.object({ ruleId: z.uuid("Unknown rule.") });

/** One person kept out of one group's rules (rule_exceptions). */
export const ruleExceptionRef = z.object({
  groupId: z.uuid("Unknown group."),
  memberId: z.uuid("Unknown member."),
});
