import { type SQL, sql } from "drizzle-orm";
import { ENTERPRISE_SCHEMA } from "@/lib/scim/schema-ids";

// What a rule can look at, and where each value comes from: the email's domain for everyone, the
// rest from the SCIM resource the identity provider last sent (core `title`, the enterprise
// extension's department, costCenter, division and organization).

export const RULE_ATTRIBUTES = [
  "email_domain",
  "department",
  "title",
  "cost_center",
  "division",
  "organization",
] as const;
export type RuleAttribute = (typeof RULE_ATTRIBUTES)[number];

export const RULE_ATTRIBUTE_LABELS: Record<RuleAttribute, string> = {
  email_domain: "Email domain",
  department: "Department (directory)",
  title: "Job title (directory)",
  cost_center: "Cost centre (directory)",
  division: "Division (directory)",
  organization: "Organisation (directory)",
};

/** As it reads in a sentence: "When the department is …". */
export const RULE_ATTRIBUTE_NOUNS: Record<RuleAttribute, string> = {
  email_domain: "email domain",
  department: "department",
  title: "job title",
  cost_center: "cost centre",
  division: "division",
  organization: "organisation",
};

const ENTERPRISE_KEY: Partial<Record<RuleAttribute, string>> = {
  department: "department",
  cost_center: "costCenter",
  division: "division",
  organization: "organization",
};

/**
 * The attribute of a member as SQL, lower-cased and trimmed (null when absent), given the
 * member's row as `m` (org_members) and their user as `u` (users).
 */
export function attributeSql(attribute: RuleAttribute): SQL {
  if (attribute === "email_domain") return sql`lower(split_part(u.email, '@', 2))`;
  if (attribute === "title") return sql`lower(btrim(m.directory_attributes ->> 'title'))`;
  const key = ENTERPRISE_KEY[attribute]!;
  return sql`lower(btrim(m.directory_attributes -> ${ENTERPRISE_SCHEMA}::text ->> ${key}::text))`;
}
