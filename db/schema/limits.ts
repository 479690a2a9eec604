import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  foreignKey,
  index,
  bigint,
  integer,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
  type AnyPgColumn,
} from "drizzle-orm/pg-core";
import { budgetMode, groups } from "./groups";
import { apiKeys } from "./keys";
import { orgMembers, orgs } from "./orgs";

// What a control (a rate limit, a budget window) is on: exactly one of the organisation's keys,
// groups or members (lib/limits/targets.ts), removed with it.
type TargetColumns = {
  orgId: AnyPgColumn;
  keyId: AnyPgColumn;
  groupId: AnyPgColumn;
  memberId: AnyPgColumn;
};

function targetReferences(table: string, t: TargetColumns) {
  return [
    foreignKey({
      name: `${table}_key_fk`,
      columns: [t.orgId, t.keyId],
      foreignColumns: [apiKeys.orgId, apiKeys.id],
    }).onDelete("cascade"),
    foreignKey({
      name: `${table}_group_fk`,
      columns: [t.orgId, t.groupId],
      foreignColumns: [groups.orgId, groups.id],
    }).onDelete("cascade"),
    foreignKey({
      name: `${table}_member_fk`,
      columns: [t.orgId, t.memberId],
      foreignColumns: [orgMembers.orgId, orgMembers.id],
    }).onDelete("cascade"),
  ];
}

// Rate limits the gateway's authorize enforces, each on exactly one of a key, a group (all its
// members together, or with `perMember` each member of it) or a member, optionally only for the
// models a pattern matches (`claude-opus-*`). Counted in lib/access/rate-store.ts.
export const rateLimits = pgTable(
  "rate_limits",
  {
    id: uuid().notNull().defaultRandom(),
    orgId: uuid()
      .notNull()
      .references(() => orgs.id, { onDelete: "cascade" }),
    keyId: uuid(),
    groupId: uuid(),
    memberId: uuid(),
    perMember: boolean().notNull().default(false),
    modelPattern: text(),
    requestsPerMinute: integer(),
    requestsPerDay: integer(),
    // Input and output tokens in any 60 seconds: what usage reports, and the estimates authorize
    // was given until their usage settles them.
    tokensPerMinute: integer(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.id, t.orgId] }),
    ...targetReferences("rate_limits", t),
    // One limit per target, group mode and model pattern: a second one would be a contradiction.
    uniqueIndex("rate_limits_target_key").on(
      t.orgId,
      sql`coalesce(${t.keyId}, ${t.groupId}, ${t.memberId})`,
      t.perMember,
      sql`coalesce(${t.modelPattern}, '')`,
    ),
    index("rate_limits_org_idx").on(t.orgId),
    check(
      "rate_limits_one_target",
      sql`num_nonnulls(${t.keyId}, ${t.groupId}, ${t.memberId}) = 1 and (not ${t.perMember} or ${t.groupId} is not null)`,
    ),
    check(
      "rate_limits_some_limit",
      sql`coalesce(${t.requestsPerMinute}, ${t.requestsPerDay}, ${t.tokensPerMinute}) is not null`,
    ),
    check(
      "rate_limits_positive",
      sql`${t.requestsPerMinute} > 0 and ${t.requestsPerDay} > 0 and ${t.tokensPerMinute} > 0`,
    ),
    check("rate_limits_pattern_length", sql`char_length(${t.modelPattern}) between 1 and 200`),
  ],
);

// The requests counted against rate limits on PostgreSQL (without REDIS_URL): one row per
// counter and window — a clock second for per-minute limits, a UTC day for per-day ones.
export const rateLimitCounts = pgTable(
  "rate_limit_counts",
  {
    orgId: uuid()
      .notNull()
      .references(() => orgs.id, { onDelete: "cascade" }),
    counter: text().notNull(),
    windowStart: timestamp({ withTimezone: true }).notNull(),
    requests: bigint({ mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.counter, t.windowStart] })],
);

// The token estimates authorize counted against tokens-a-minute limits, until the usage that
// settles them arrives (it names the decision's reservation id): which counters, in which second,
// how many. Kept two minutes at most: by then the estimate has left every window anyway.
export const rateLimitHolds = pgTable(
  "rate_limit_holds",
  {
    orgId: uuid()
      .notNull()
      .references(() => orgs.id, { onDelete: "cascade" }),
    id: uuid().notNull(),
    second: integer().notNull(),
    counters: text().array().notNull(),
    amounts: integer().array().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    index("rate_limit_holds_second_idx").on(t.orgId, t.second),
  ],
);

export type RateLimit = typeof rateLimits.$inferSelect;

export const modelListSense = pgEnum("model_list_sense", ["allow", "deny"]);

// Named, reusable lists of model patterns ("Frontier models": claude-opus-*, gpt-4.1, o3), each
// allowing only its models or denying them, attached to keys and groups (lib/limits/model-lists.ts,
// checked by the model rule of lib/access/checks.ts).
export const modelLists = pgTable(
  "model_lists",
  {
    id: uuid().notNull().defaultRandom(),
    orgId: uuid()
      .notNull()
      .references(() => orgs.id, { onDelete: "cascade" }),
    name: text().notNull(),
    sense: modelListSense().notNull().default("allow"),
    patterns: text().array().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.id, t.orgId] }),
    unique("model_lists_org_id_key").on(t.orgId, t.id),
    uniqueIndex("model_lists_org_name_key").on(t.orgId, sql`lower(${t.name})`),
    check("model_lists_name_length", sql`char_length(${t.name}) between 1 and 100`),
    check("model_lists_patterns_count", sql`cardinality(${t.patterns}) between 1 and 200`),
  ],
);

export const modelListAttachments = pgTable(
  "model_list_attachments",
  {
    id: uuid().notNull().defaultRandom(),
    orgId: uuid().notNull(),
    listId: uuid().notNull(),
    keyId: uuid(),
    groupId: uuid(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.id, t.orgId] }),
    uniqueIndex("model_list_attachments_target_key").on(
      t.orgId,
      t.listId,
      sql`coalesce(${t.keyId}, ${t.groupId})`,
    ),
    foreignKey({
      name: "model_list_attachments_list_fk",
      columns: [t.orgId, t.listId],
      foreignColumns: [modelLists.orgId, modelLists.id],
    }).onDelete("cascade"),
    foreignKey({
      name: "model_list_attachments_key_fk",
      columns: [t.orgId, t.keyId],
      foreignColumns: [apiKeys.orgId, apiKeys.id],
    }).onDelete("cascade"),
    foreignKey({
      name: "model_list_attachments_group_fk",
      columns: [t.orgId, t.groupId],
      foreignColumns: [groups.orgId, groups.id],
    }).onDelete("cascade"),
    check("model_list_attachments_one_target", sql`num_nonnulls(${t.keyId}, ${t.groupId}) = 1`),
  ],
);

export type ModelList = typeof modelLists.$inferSelect;

export const budgetWindowPeriod = pgEnum("budget_window_period", ["day", "week", "days", "month"]);

// Budgets over windows besides the monthly budgets of groups, keys and members (which count UTC
// months) (lib/limits/budget-windows.ts): a day, a week (from Monday), the last `days` days (today
// and the days before it) or a calendar month, each starting at midnight in the organisation's
// time zone, on exactly one of a key, a group or a member. Hard
// ones refuse at authorize (lib/access/checks.ts), soft ones only alert. A temporary increase
// (raised_amount_micros until raised_until) lapses by itself: the amount in force is read at
// the time of each decision.
export const budgetWindows = pgTable(
  "budget_windows",
  {
    id: uuid().notNull().defaultRandom(),
    orgId: uuid()
      .notNull()
      .references(() => orgs.id, { onDelete: "cascade" }),
    keyId: uuid(),
    groupId: uuid(),
    memberId: uuid(),
    period: budgetWindowPeriod().notNull(),
    days: integer(),
    amountMicros: bigint({ mode: "number" }).notNull(),
    mode: budgetMode().notNull().default("hard"),
    alertThresholds: integer()
      .array()
      .notNull()
      .default(sql`'{80,100}'::int[]`),
    raisedAmountMicros: bigint({ mode: "number" }),
    raisedUntil: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.id, t.orgId] }),
    unique("budget_windows_org_id_key").on(t.orgId, t.id),
    ...targetReferences("budget_windows", t),
    // One window of each length per target: a second would contradict the first.
    uniqueIndex("budget_windows_target_key").on(
      t.orgId,
      sql`coalesce(${t.keyId}, ${t.groupId}, ${t.memberId})`,
      t.period,
      sql`coalesce(${t.days}, 0)`,
    ),
    index("budget_windows_org_idx").on(t.orgId),
    check(
      "budget_windows_one_target",
      sql`num_nonnulls(${t.keyId}, ${t.groupId}, ${t.memberId}) = 1`,
    ),
    check(
      "budget_windows_days",
      sql`(${t.period} = 'days') = (${t.days} is not null) and (${t.days} is null or ${t.days} between 2 and 31)`,
    ),
    check("budget_windows_amount_positive", sql`${t.amountMicros} > 0`),
    check(
      "budget_windows_raise",
      sql`(${t.raisedAmountMicros} is null) = (${t.raisedUntil} is null) and (${t.raisedAmountMicros} is null or ${t.raisedAmountMicros} > ${t.amountMicros})`,
    ),
    check(
      "budget_windows_thresholds",
      sql`cardinality(${t.alertThresholds}) <= 10 and 0 < all(${t.alertThresholds}) and 1000 >= all(${t.alertThresholds})`,
    ),
  ],
);

export type BudgetWindow = typeof budgetWindows.$inferSelect;

// A budget window's spend crossing one of its alert thresholds: once per window, span (the day,
// week or N days it was in) and threshold, however many ingests cross it at once
// (lib/limits/window-alerts.ts). Shown with the monthly budgets' alerts, sent to webhooks.
export const budgetWindowAlerts = pgTable(
  "budget_window_alerts",
  {
    id: uuid().notNull().defaultRandom(),
    orgId: uuid().notNull(),
    windowId: uuid().notNull(),
    windowStart: timestamp({ withTimezone: true }).notNull(),
    thresholdPercent: integer().notNull(),
    spendMicros: bigint({ mode: "number" }).notNull(),
    budgetMicros: bigint({ mode: "number" }).notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    readAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.id, t.orgId] }),
    unique("budget_window_alerts_once_key").on(
      t.windowId,
      t.windowStart,
      t.thresholdPercent,
      t.orgId,
    ),
    index("budget_window_alerts_org_idx").on(t.orgId, t.createdAt),
    foreignKey({
      name: "budget_window_alerts_window_fk",
      columns: [t.orgId, t.windowId],
      foreignColumns: [budgetWindows.orgId, budgetWindows.id],
    }).onDelete("cascade"),
  ],
);
