import { sql } from "drizzle-orm";
import {
  bigint,
  check,
  date,
  doublePrecision,
  foreignKey,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uuid,
} from "drizzle-orm/pg-core";
import { groups } from "./groups";
import { apiKeys } from "./keys";
import { orgMembers, orgs } from "./orgs";

export const usageStatus = pgEnum("usage_status", ["success", "error"]);
export const alertKind = pgEnum("alert_kind", ["threshold", "forecast"]);
export const anomalyScope = pgEnum("anomaly_scope", ["org", "group", "member"]);
export const anomalyPeriod = pgEnum("anomaly_period", ["day", "week"]);

// Idempotency ledger: one row per gateway event id and organisation. usage_events is
// partitioned by month, and a partitioned table cannot enforce uniqueness of event_id alone.
export const usageEventIds = pgTable(
  "usage_event_ids",
  {
    orgId: uuid()
      .notNull()
      .references(() => orgs.id, { onDelete: "cascade" }),
    eventId: text().notNull(),
    occurredAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.eventId] })],
);

// Partitioned by range of occurred_at (see the migration): old months can be detached.
export const usageEvents = pgTable(
  "usage_events",
  {
    id: uuid().notNull().defaultRandom(),
    orgId: uuid().notNull(),
    eventId: text().notNull(),
    occurredAt: timestamp({ withTimezone: true }).notNull(),
    receivedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    memberId: uuid().notNull(),
    keyId: uuid().notNull(),
    model: text().notNull(),
    provider: text().notNull(),
    features: text()
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    inputTokens: integer().notNull(),
    outputTokens: integer().notNull(),
    cachedTokens: integer().notNull().default(0),
    costMicros: bigint({ mode: "number" }).notNull(),
    latencyMs: integer(),
    status: usageStatus().notNull().default("success"),
    reservationId: uuid(),
  },
  (t) => [
    primaryKey({ columns: [t.occurredAt, t.id, t.orgId] }),
    index("usage_events_org_time_idx").on(t.orgId, t.occurredAt),
    foreignKey({
      name: "usage_events_member_fk",
      columns: [t.orgId, t.memberId],
      foreignColumns: [orgMembers.orgId, orgMembers.id],
    }),
    foreignKey({
      name: "usage_events_key_fk",
      columns: [t.orgId, t.keyId],
      foreignColumns: [apiKeys.orgId, apiKeys.id],
    }),
    check(
      "usage_events_amounts_nonnegative",
      sql`${t.inputTokens} >= 0 and ${t.outputTokens} >= 0 and ${t.cachedTokens} >= 0 and ${t.costMicros} >= 0`,
    ),
  ],
);

const rollupMeasures = {
  requests: integer().notNull().default(0),
  errors: integer().notNull().default(0),
  inputTokens: bigint({ mode: "number" }).notNull().default(0),
  outputTokens: bigint({ mode: "number" }).notNull().default(0),
  cachedTokens: bigint({ mode: "number" }).notNull().default(0),
  costMicros: bigint({ mode: "number" }).notNull().default(0),
};

// Organisation totals: every event once, whether or not its member is in any group.
export const usageDailyMember = pgTable(
  "usage_daily_member",
  {
    orgId: uuid().notNull(),
    day: date({ mode: "string" }).notNull(),
    memberId: uuid().notNull(),
    keyId: uuid().notNull(),
    model: text().notNull(),
    ...rollupMeasures,
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.day, t.memberId, t.keyId, t.model] }),
    index("usage_daily_member_member_idx").on(t.orgId, t.memberId, t.day),
  ],
);

// Group totals by member: each event counted once in every group its member belonged to at the
// time (directly or through a child group). A group's top members read it; its totals and models
// are in the dashboards' rollups below.
export const usageDailyGroup = pgTable(
  "usage_daily_group",
  {
    orgId: uuid().notNull(),
    day: date({ mode: "string" }).notNull(),
    groupId: uuid().notNull(),
    memberId: uuid().notNull(),
    ...rollupMeasures,
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.day, t.groupId, t.memberId] }),
    index("usage_daily_group_group_idx").on(t.groupId, t.day),
  ],
);

// The dashboards' grain: a group's day, and per model (each event once in each group, as in
// usage_daily_group), and the organisation's day per model (every event once). A few rows a day whatever the
// traffic, where the rollups above grow with the people, keys and models in use: the year views
// and the budgets read these (bench/dashboards.ts).
export const usageDailyGroupTotal = pgTable(
  "usage_daily_group_total",
  {
    orgId: uuid().notNull(),
    day: date({ mode: "string" }).notNull(),
    groupId: uuid().notNull(),
    ...rollupMeasures,
  },
  (t) => [primaryKey({ columns: [t.orgId, t.day, t.groupId] })],
);

export const usageDailyGroupModel = pgTable(
  "usage_daily_group_model",
  {
    orgId: uuid().notNull(),
    day: date({ mode: "string" }).notNull(),
    groupId: uuid().notNull(),
    model: text().notNull(),
    ...rollupMeasures,
  },
  (t) => [primaryKey({ columns: [t.orgId, t.day, t.groupId, t.model] })],
);

// A member's day and a key's day (every event once): the top spenders and the limits of members
// and keys, which read a month of one member or key, or a range of everyone.
export const usageDailyOrgMember = pgTable(
  "usage_daily_org_member",
  {
    orgId: uuid().notNull(),
    day: date({ mode: "string" }).notNull(),
    memberId: uuid().notNull(),
    ...rollupMeasures,
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.day, t.memberId] }),
    index("usage_daily_org_member_member_idx").on(t.orgId, t.memberId, t.day),
  ],
);

export const usageDailyOrgKey = pgTable(
  "usage_daily_org_key",
  {
    orgId: uuid().notNull(),
    day: date({ mode: "string" }).notNull(),
    keyId: uuid().notNull(),
    ...rollupMeasures,
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.day, t.keyId] }),
    index("usage_daily_org_key_key_idx").on(t.orgId, t.keyId, t.day),
  ],
);

export const usageDailyOrgModel = pgTable(
  "usage_daily_org_model",
  {
    orgId: uuid().notNull(),
    day: date({ mode: "string" }).notNull(),
    model: text().notNull(),
    ...rollupMeasures,
  },
  (t) => [primaryKey({ columns: [t.orgId, t.day, t.model] })],
);

export const usageDailyFeature = pgTable(
  "usage_daily_feature",
  {
    orgId: uuid().notNull(),
    day: date({ mode: "string" }).notNull(),
    groupId: uuid().notNull(),
    feature: text().notNull(),
    requests: integer().notNull().default(0),
    costMicros: bigint({ mode: "number" }).notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.day, t.groupId, t.feature] })],
);

// Spend per quarter of an hour (UTC) of each member, key and group (a group's as in
// usage_daily_group_total): what budget windows sum, since a day that starts at midnight in the
// organisation's time zone is a whole number of quarters in every zone (UTC+5:45 too), where it is
// not a whole number of UTC days. Kept for 40 days (the longest window is 31); a BRIN index on
// the quarter serves the pruning at almost no cost to the inserts.
export const usageQuarterScope = pgTable(
  "usage_quarter_scope",
  {
    orgId: uuid().notNull(),
    // A member, key or group id (UUIDs: they cannot collide), as in budget_holds.
    scopeId: uuid().notNull(),
    quarter: timestamp({ withTimezone: true }).notNull(),
    requests: integer().notNull().default(0),
    costMicros: bigint({ mode: "number" }).notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.scopeId, t.quarter] }),
    index("usage_quarter_scope_quarter_idx").using("brin", t.quarter),
  ],
);

// Estimated cost held by an authorize call against hard budgets until its usage arrives.
export const budgetReservations = pgTable(
  "budget_reservations",
  {
    id: uuid().notNull().defaultRandom(),
    orgId: uuid()
      .notNull()
      .references(() => orgs.id, { onDelete: "cascade" }),
    memberId: uuid().notNull(),
    keyId: uuid().notNull(),
    groupIds: uuid().array().notNull(),
    amountMicros: bigint({ mode: "number" }).notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    settledAt: timestamp({ withTimezone: true }),
    // When its amount left budget_holds: set once it is settled or expired (by the next batch of
    // reservations of its organisation, or the background sweep). Until then it is held.
    releasedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.id, t.orgId] }),
    // What a batch of reservations releases, and subtracts while still held: the settled ones,
    // and the open ones past their expiry (a range at the start of this index).
    index("budget_reservations_settled_held_idx")
      .on(t.orgId)
      .where(sql`${t.releasedAt} is null and ${t.settledAt} is not null`),
    index("budget_reservations_open_held_idx")
      .on(t.orgId, t.expiresAt)
      .where(sql`${t.releasedAt} is null and ${t.settledAt} is null`),
    // What the sweep prunes: released, long expired.
    index("budget_reservations_released_idx")
      .on(t.expiresAt)
      .where(sql`${t.releasedAt} is not null`),
    check("budget_reservations_amount_positive", sql`${t.amountMicros} > 0`),
  ],
);

// The amount of the reservations not yet released, per member, key and hard-budget group they
// count against: what authorize reads instead of summing every open reservation (thousands, at
// a few hundred requests a second of LLM calls that last seconds). Moved only in the
// transactions that insert or release reservations, so it always equals that sum.
export const budgetHolds = pgTable(
  "budget_holds",
  {
    orgId: uuid()
      .notNull()
      .references(() => orgs.id, { onDelete: "cascade" }),
    // A member, key or group id (UUIDs: they cannot collide).
    scopeId: uuid().notNull(),
    heldMicros: bigint({ mode: "number" }).notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.scopeId] })],
);

export const budgetAlerts = pgTable(
  "budget_alerts",
  {
    id: uuid().notNull().defaultRandom(),
    orgId: uuid().notNull(),
    groupId: uuid().notNull(),
    month: date({ mode: "string" }).notNull(),
    kind: alertKind().notNull().default("threshold"),
    thresholdPercent: integer().notNull(),
    spendMicros: bigint({ mode: "number" }).notNull(),
    budgetMicros: bigint({ mode: "number" }).notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    readAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.id, t.orgId] }),
    // One alert per group, threshold and month, however many ingests cross it at once.
    unique("budget_alerts_once_key").on(t.groupId, t.month, t.kind, t.thresholdPercent, t.orgId),
    index("budget_alerts_org_idx").on(t.orgId, t.createdAt),
    foreignKey({
      name: "budget_alerts_group_fk",
      columns: [t.orgId, t.groupId],
      foreignColumns: [groups.orgId, groups.id],
    }).onDelete("cascade"),
    check("budget_alerts_month_first_day", sql`extract(day from ${t.month}) = 1`),
  ],
);

// A day's (or a week's) spend far above the scope's own last 28 days (lib/spend/anomalies.ts):
// raised once per scope, period and day, with the figures it was judged on and what drove it.
export const spendAnomalies = pgTable(
  "spend_anomalies",
  {
    id: uuid().notNull().defaultRandom(),
    orgId: uuid()
      .notNull()
      .references(() => orgs.id, { onDelete: "cascade" }),
    scope: anomalyScope().notNull(),
    // The organisation's own spend has neither.
    groupId: uuid(),
    memberId: uuid(),
    period: anomalyPeriod().notNull(),
    // The UTC day judged, or the last day of the 7 judged.
    day: date({ mode: "string" }).notNull(),
    spendMicros: bigint({ mode: "number" }).notNull(),
    // The median and the 90th percentile of the baseline: the 28 days (or 4 weeks) before.
    medianMicros: bigint({ mode: "number" }).notNull(),
    p90Micros: bigint({ mode: "number" }).notNull(),
    // How many robust standard deviations (1.4826 × MAD, see anomalies.ts) above the median.
    score: doublePrecision().notNull(),
    sensitivity: text().notNull(),
    // Who, which keys and which models spent it: [{ kind, id, name, costMicros }].
    drivers: jsonb()
      .notNull()
      .default(sql`'[]'::jsonb`),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    readAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.id, t.orgId] }),
    unique("spend_anomalies_once_key")
      .on(t.orgId, t.scope, t.groupId, t.memberId, t.period, t.day)
      .nullsNotDistinct(),
    index("spend_anomalies_org_idx").on(t.orgId, t.createdAt),
    foreignKey({
      name: "spend_anomalies_group_fk",
      columns: [t.orgId, t.groupId],
      foreignColumns: [groups.orgId, groups.id],
    }).onDelete("cascade"),
    foreignKey({
      name: "spend_anomalies_member_fk",
      columns: [t.orgId, t.memberId],
      foreignColumns: [orgMembers.orgId, orgMembers.id],
    }).onDelete("cascade"),
    check(
      "spend_anomalies_scope_target",
      sql`(${t.scope} = 'org' and ${t.groupId} is null and ${t.memberId} is null)
        or (${t.scope} = 'group' and ${t.groupId} is not null and ${t.memberId} is null)
        or (${t.scope} = 'member' and ${t.memberId} is not null and ${t.groupId} is null)`,
    ),
  ],
);

export type UsageEvent = typeof usageEvents.$inferSelect;
export type BudgetAlert = typeof budgetAlerts.$inferSelect;
