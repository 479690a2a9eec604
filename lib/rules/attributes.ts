import { type SQL, sql } from "drizzle-orm";
import { ENTERPRISE_SCHEMA } from "@/lib/scim/schema-ids";

// What a rule can look at, and where each value comes from: the email's domain for everyone; the
// SCIM resource the identity provider last sent (core `title`, the enterprise extension's
// department, costCenter, division, organization and manager); the groups the organisation's
// own identity provider named at the person's last sign-in (lib/auth/sso.ts).

export const RULE_ATTRIBUTES = [
  "email_domain",
  "department",
  "title",
  "cost_center",
  "division",
  "organization",
  "manager",
  "sso_group",
] as const;
export type RuleAttribute = (typeof RULE_ATTRIBUTES)[number];

export const RULE_ATTRIBUTE_LABELS: Record<RuleAttribute, string> = {
  email_domain: "Email domain",
  department: "Department (directory)",
  title: "Job title (directory)",
  cost_center: "Cost centre (directory)",
  division: "Division (directory)",
  organization: "Organisation (directory)",
  manager: "Manager (directory: their email or name)",
  sso_group: "Group at sign-in (your identity provider)",
};

/** As it reads in a sentence: "When the department is …". */
export const RULE_ATTRIBUTE_NOUNS: Record<RuleAttribute, string> = {
  email_domain: "email domain",
  department: "department",
  title: "job title",
  cost_center: "cost centre",
  division: "division",
  organization: "organisation",
  manager: "manager",
  sso_group: "identity provider's group",
};

const ENTERPRISE_KEY: Partial<Record<RuleAttribute, string>> = {
  department: "department",
  cost_center: "costCenter",
  division: "division",
  organization: "organization",
};

const enterprise = (key: string) =>
  sql`(m.directory_attributes -> ${ENTERPRISE_SCHEMA}::text ->> ${key}::text)`;

/**
 * Whether a member's attribute is one of the rule's values, as SQL, given the member's row as
 * `m` (org_members), their user as `u` (users) and the rule as `r` (values lower-cased).
 */
export function attributeMatchesSql(attribute: RuleAttribute): SQL {
  const oneOf = (value: SQL) => sql`lower(btrim(${value})) = any(r.values)`;
  switch (attribute) {
    case "email_domain":
      return oneOf(sql`split_part(u.email, '@', 2)`);
    case "title":
      return oneOf(sql`(m.directory_attributes ->> 'title')`);
    case "manager": {
      // The enterprise extension's manager is a reference: its value the manager's SCIM id (ours,
      // as Entra sends it) or the provider's own id (Okta); its displayName their name. The rule
      // may name them by email, name or that id.
      const manager = sql`(m.directory_attributes -> ${ENTERPRISE_SCHEMA}::text -> 'manager')`;
      const email = sql`(select mu.email from org_members mm join users mu on mu.id = mm.user_id
        where mm.org_id = m.org_id and (mm.id::text = ${manager} ->> 'value'
          or mm.directory_external_id = ${manager} ->> 'value') limit 1)`;
      return sql`(${oneOf(email)} or ${oneOf(sql`(${manager} ->> 'displayName')`)}
        or ${oneOf(sql`(${manager} ->> 'value')`)})`;
    }
    case "sso_group":
      return sql`exists (select 1 from unnest(m.sso_groups) g where lower(btrim(g)) = any(r.values))`;
    default:
      return oneOf(enterprise(ENTERPRISE_KEY[attribute]!));
  }
}
