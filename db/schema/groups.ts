import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  foreignKey,
  index,
  integer,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { orgMembers, orgs, users } from "./orgs";

export const groupKind = pgEnum("group_kind", ["department", "project", "function", "custom"]);
export const budgetMode = pgEnum("budget_mode", ["soft", "hard"]);
export const membershipSource = pgEnum("membership_source", ["manual", "rule", "sync"]);

export const groups = pgTable(
  "groups",
  {
    id: uuid().notNull().defaultRandom(),
    orgId: uuid()
      .notNull()
      .references(() => orgs.id, { onDelete: "cascade" }),
    name: text().notNull(),
    parentId: uuid(),
    kind: groupKind().notNull().default("custom"),
    description: text().notNull().default(""),
    // Temporary groups: archived (not deleted) once this moment has passed.
    endsAt: timestamp({ withTimezone: true }),
    archivedAt: timestamp({ withTimezone: true }),
    monthlyBudgetMicros: bigint({ mode: "number" }),
    alertThresholds: integer()
      .array()
      .notNull()
      .default(sql`'{50,80,100}'::integer[]`),
    budgetMode: budgetMode().notNull().default("soft"),
    isDefault: boolean().notNull().default(false),
    // Directory sync (SCIM): set while the identity provider owns this group's direct membership
    // (its name too); admins still nest, budget and assign keys to it.
    directoryLinkedAt: timestamp({ withTimezone: true }),
    directoryExternalId: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.id, t.orgId] }),
    unique("groups_org_id_key").on(t.orgId, t.id),
    // Names are unique per organisation regardless of case: "Backend" and "backend" would confuse.
    unique("groups_org_directory_id_key").on(t.orgId, t.directoryExternalId),
    uniqueIndex("groups_org_name_key").on(t.orgId, sql`lower(${t.name})`),
    index("groups_parent_idx").on(t.parentId),
    // The parent must live in the same organisation.
    foreignKey({
      name: "groups_parent_fk",
      columns: [t.orgId, t.parentId],
      foreignColumns: [t.orgId, t.id],
    }),
    check("groups_not_own_parent", sql`${t.parentId} <> ${t.id}`),
    check("groups_name_length", sql`char_length(${t.name}) between 1 and 100`),
    check("groups_description_length", sql`char_length(${t.description}) <= 2000`),
    check("groups_budget_nonnegative", sql`${t.monthlyBudgetMicros} >= 0`),
    check(
      "groups_thresholds_range",
      sql`0 < all(${t.alertThresholds}) and 1000 >= all(${t.alertThresholds}) and cardinality(${t.alertThresholds}) <= 10`,
    ),
  ],
);

export const groupMembers = pgTable(
  "group_members",
  {
    orgId: uuid().notNull(),
    groupId: uuid().notNull(),
    memberId: uuid().notNull(),
    source: membershipSource().notNull().default("manual"),
    // The auto-assign rule that made it (lib/rules); null for a default group or a rule deleted.
    ruleId: uuid(),
    addedBy: uuid().references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.groupId, t.memberId, t.orgId] }),
    index("group_members_member_idx").on(t.memberId),
    foreignKey({
      name: "group_members_group_fk",
      columns: [t.orgId, t.groupId],
      foreignColumns: [groups.orgId, groups.id],
    }).onDelete("cascade"),
    foreignKey({
      name: "group_members_member_fk",
      columns: [t.orgId, t.memberId],
      foreignColumns: [orgMembers.orgId, orgMembers.id],
    }).onDelete("cascade"),
  ],
);

// Who belonged to which group, from when to when: spend is attributed by membership at the
// time of the request, so moving someone today does not rewrite last month.
export const groupMembershipHistory = pgTable(
  "group_membership_history",
  {
    id: uuid().notNull().defaultRandom(),
    orgId: uuid().notNull(),
    groupId: uuid().notNull(),
    memberId: uuid().notNull(),
    validFrom: timestamp({ withTimezone: true }).notNull().defaultNow(),
    validTo: timestamp({ withTimezone: true }),
    source: membershipSource().notNull().default("manual"),
    addedBy: uuid().references(() => users.id, { onDelete: "set null" }),
    removedBy: uuid().references(() => users.id, { onDelete: "set null" }),
  },
  (t) => [
    primaryKey({ columns: [t.id, t.orgId] }),
    uniqueIndex("group_membership_history_open_key")
      .on(t.groupId, t.memberId, t.orgId)
      .where(sql`${t.validTo} is null`),
    index("group_membership_history_member_idx").on(t.orgId, t.memberId, t.validFrom),
    index("group_membership_history_group_idx").on(t.groupId, t.validFrom),
    foreignKey({
      name: "group_membership_history_group_fk",
      columns: [t.orgId, t.groupId],
      foreignColumns: [groups.orgId, groups.id],
    }).onDelete("cascade"),
    foreignKey({
      name: "group_membership_history_member_fk",
      columns: [t.orgId, t.memberId],
      foreignColumns: [orgMembers.orgId, orgMembers.id],
    }).onDelete("cascade"),
    check(
      "group_membership_history_period",
      sql`${t.validTo} is null or ${t.validTo} >= ${t.validFrom}`,
    ),
  ],
);

export type Group = typeof groups.$inferSelect;
export type GroupKind = (typeof groupKind.enumValues)[number];
export type GroupMember = typeof groupMembers.$inferSelect;
