import { sql } from "drizzle-orm";
import {
  check,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { orgs, users } from "./orgs";

// Auto-assign rules (lib/rules): "people whose department is Finance join Finance and Budget
// Owners". Evaluated when someone joins and whenever the directory changes their attributes; a
// membership a rule made names it (group_members.rule_id), and goes when the person stops
// matching.

/**
 * What a rule looks at: the email's domain, an attribute the directory (SCIM) sends, or the
 * groups an organisation's own identity provider names at sign-in.
 */
export const ruleAttribute = pgEnum("membership_rule_attribute", [
  "email_domain",
  "department",
  "title",
  "cost_center",
  "division",
  "organization",
  "manager",
  "sso_group",
]);

export const membershipRules = pgTable(
  "membership_rules",
  {
    id: uuid().notNull().defaultRandom(),
    orgId: uuid()
      .notNull()
      .references(() => orgs.id, { onDelete: "cascade" }),
    name: text().notNull(),
    attribute: ruleAttribute().notNull(),
    // Any of these, compared case-insensitively (stored lower-cased and trimmed).
    values: text().array().notNull(),
    groupIds: uuid().array().notNull(),
    createdBy: uuid().references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    uniqueIndex("membership_rules_org_name_key").on(t.orgId, sql`lower(${t.name})`),
    check("membership_rules_name_length", sql`char_length(${t.name}) between 1 and 100`),
    check(
      "membership_rules_values_count",
      sql`cardinality(${t.values}) between 1 and 50 and cardinality(${t.groupIds}) between 1 and 20`,
    ),
  ],
);

// "Rules, leave this person out of this group": written when an admin removes a rule-made
// membership by hand and asks for it; cleared when an admin adds the person to the group again.
export const ruleExceptions = pgTable(
  "rule_exceptions",
  {
    orgId: uuid()
      .notNull()
      .references(() => orgs.id, { onDelete: "cascade" }),
    groupId: uuid().notNull(),
    memberId: uuid().notNull(),
    createdBy: uuid().references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.groupId, t.memberId] })],
);
