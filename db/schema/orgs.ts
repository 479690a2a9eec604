import { sql } from "drizzle-orm";
import {
  bigint,
  check,
  index,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

export const memberRole = pgEnum("member_role", ["owner", "admin", "member"]);
// `removed` keeps the row: usage history and audit rows still point at the member.
export const memberStatus = pgEnum("member_status", ["active", "suspended", "removed"]);

// How readily a day's or week's spend counts as unusual (lib/spend/anomalies.ts); off: never.
export const anomalySensitivity = pgEnum("anomaly_sensitivity", ["off", "low", "medium", "high"]);

export const orgs = pgTable(
  "orgs",
  {
    id: uuid().primaryKey().defaultRandom(),
    name: text().notNull(),
    slug: text().notNull().unique(),
    // Where the days and weeks of budget windows start (an IANA zone). Monthly budgets and the
    // charts count UTC days and months.
    timeZone: text().notNull().default("UTC"),
    anomalySensitivity: anomalySensitivity().notNull().default("medium"),
    // Spend below this in a day (or a week) is never unusual, however it compares: $1 unless set.
    anomalyMinSpendMicros: bigint({ mode: "number" }).notNull().default(1_000_000),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check("orgs_name_length", sql`char_length(${t.name}) between 1 and 100`),
    check("orgs_slug_format", sql`${t.slug} ~ '^[a-z0-9][a-z0-9-]{0,62}$'`),
    check("orgs_time_zone_length", sql`char_length(${t.timeZone}) between 1 and 64`),
    check("orgs_anomaly_min_spend_nonnegative", sql`${t.anomalyMinSpendMicros} >= 0`),
  ],
);

export const users = pgTable(
  "users",
  {
    id: uuid().primaryKey().defaultRandom(),
    email: text().notNull(),
    name: text().notNull(),
    // null: the user cannot sign in with a password (SSO only, or not yet invited).
    passwordHash: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("users_email_key").on(t.email),
    check(
      "users_email_lowercase",
      sql`${t.email} = lower(${t.email}) and position('@' in ${t.email}) > 1`,
    ),
    check("users_name_length", sql`char_length(${t.name}) between 1 and 200`),
  ],
);

export const orgMembers = pgTable(
  "org_members",
  {
    id: uuid().notNull().defaultRandom(),
    orgId: uuid()
      .notNull()
      .references(() => orgs.id, { onDelete: "cascade" }),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: memberRole().notNull().default("member"),
    status: memberStatus().notNull().default("active"),
    // The id the gateway knows this person by, when it is not their email.
    externalId: text(),
    // Directory sync (SCIM): set while the identity provider owns this person. `directoryAttributes`
    // is the SCIM resource as the provider last sent it (minus id, meta, password and groups), so
    // that what it reads back is what it wrote; `directoryExternalId` is the provider's own id.
    directoryLinkedAt: timestamp({ withTimezone: true }),
    directoryExternalId: text(),
    directoryAttributes: jsonb(),
    // The groups the organisation's own identity provider named at the last sign-in (its
    // `groups` claim), for the auto-assign rules (lib/rules); null until it names any.
    ssoGroups: text().array(),
    monthlyLimitMicros: bigint({ mode: "number" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.id, t.orgId] }),
    unique("org_members_org_user_key").on(t.orgId, t.userId),
    unique("org_members_org_id_key").on(t.orgId, t.id),
    unique("org_members_org_external_id_key").on(t.orgId, t.externalId),
    unique("org_members_org_directory_id_key").on(t.orgId, t.directoryExternalId),
    index("org_members_user_idx").on(t.userId),
    check("org_members_limit_nonnegative", sql`${t.monthlyLimitMicros} >= 0`),
  ],
);

export type Org = typeof orgs.$inferSelect;
export type User = typeof users.$inferSelect;
export type OrgMember = typeof orgMembers.$inferSelect;
export type MemberRole = (typeof memberRole.enumValues)[number];

// An invitation link, shown once to the admin who added the member; only its hash is stored.
export const memberInvitations = pgTable(
  "member_invitations",
  {
    id: uuid().primaryKey().defaultRandom(),
    orgId: uuid()
      .notNull()
      .references(() => orgs.id, { onDelete: "cascade" }),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    tokenHash: text().notNull(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    usedAt: timestamp({ withTimezone: true }),
    createdBy: uuid().references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("member_invitations_token_key").on(t.tokenHash)],
);
