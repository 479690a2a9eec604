import { and, count, eq, gte, inArray, isNull, lte, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/connect";
import { queryRows } from "@/db/rows";
import { accessReviews, budgetAlerts, budgetWindowAlerts, spendAnomalies } from "@/db/schema";
import { audit } from "@/lib/audit/record";
import { type Actor, assertCan } from "@/lib/auth/actor";
import type { WindowPeriod } from "@/lib/limits/windows";
import type { AnomalyScope } from "./anomalies";
import type { Granularity } from "./filter-query";
import type { SpendDriver } from "./anomaly-drivers";

// Alerts in the console, of monthly budgets, of budget windows, of unusual spend and of access
// reviews past their due date: a bell with
// the unread count, a list, "mark all read". Alerts are
// the organisation's, not one admin's: one admin reading them reads them for all.

const PAGE_SIZE = 50;

const reminderUnread = and(
  sql`${accessReviews.remindedAt} is not null`,
  isNull(accessReviews.reminderReadAt),
);

export async function unreadAlertCount(db: Db, actor: Actor): Promise<number> {
  assertCan(actor, "org:manage");
  const [[budgets], [windows], [anomalies], [reviews]] = await Promise.all([
    db
      .select({ n: count() })
      .from(budgetAlerts)
      .where(and(eq(budgetAlerts.orgId, actor.orgId), isNull(budgetAlerts.readAt))),
    db
      .select({ n: count() })
      .from(budgetWindowAlerts)
      .where(and(eq(budgetWindowAlerts.orgId, actor.orgId), isNull(budgetWindowAlerts.readAt))),
    db
      .select({ n: count() })
      .from(spendAnomalies)
      .where(and(eq(spendAnomalies.orgId, actor.orgId), isNull(spendAnomalies.readAt))),
    db
      .select({ n: count() })
      .from(accessReviews)
      .where(and(eq(accessReviews.orgId, actor.orgId), reminderUnread)),
  ]);
  return (budgets?.n ?? 0) + (windows?.n ?? 0) + (anomalies?.n ?? 0) + (reviews?.n ?? 0);
}

/** What an unusual spend alert says beyond the spend. */
export interface AnomalyDetail {
  scope: AnomalyScope;
  period: "day" | "week";
  /** The day, or the last of the 7 days. */
  day: string;
  medianMicros: number;
  p90Micros: number;
  score: number;
  drivers: SpendDriver[];
}

/** An access review that reached its due date while open, and what is undecided now. */
export interface ReviewReminder {
  reviewId: string;
  dueAt: string;
  status: "open" | "completed" | "cancelled";
  undecided: number;
}

/**
 * A monthly budget's alert (a group's), a budget window's (a key's, group's or member's), or
 * unusual spend (the organisation's, a group's or a member's), or an access review's reminder.
 */
export interface AlertRow {
  id: string;
  source: "budget" | "window" | "anomaly" | "review";
  kind: "threshold" | "forecast" | "anomaly" | "review";
  /** What it is about: at most one of these (none: the organisation). */
  groupId: string | null;
  keyId: string | null;
  memberId: string | null;
  targetName: string;
  /** A monthly budget's month (yyyy-mm-01). */
  month: string | null;
  /** A window's length, and where the span it alerted in started. */
  period: WindowPeriod | null;
  days: number | null;
  windowStart: Date | null;
  thresholdPercent: number;
  spendMicros: number;
  budgetMicros: number;
  createdAt: Date;
  readAt: Date | null;
  anomaly: AnomalyDetail | null;
  review: ReviewReminder | null;
}

interface AlertRecord {
  id: string;
  source: AlertRow["source"];
  kind: AlertRow["kind"];
  group_id: string | null;
  key_id: string | null;
  member_id: string | null;
  target_name: string;
  month: string | null;
  period: WindowPeriod | null;
  days: number | null;
  window_start: string | null;
  threshold_percent: number;
  spend_micros: string;
  budget_micros: string;
  created_at: string;
  read_at: string | null;
  anomaly:
    | (Omit<AnomalyDetail, "medianMicros" | "p90Micros"> & {
        medianMicros: string | number;
        p90Micros: string | number;
      })
    | null;
  review: ReviewReminder | null;
}

const date = (v: string | null) => (v === null ? null : new Date(v));

export async function listAlerts(db: Db, actor: Actor, rawPage: unknown) {
  assertCan(actor, "org:manage");
  const page = z.coerce
    .number()
    .int()
    .min(1)
    .max(10_000)
    .catch(1)
    .parse(rawPage ?? 1);
  const org = sql`${actor.orgId}::uuid`;
  const [records, [total]] = await Promise.all([
    queryRows<AlertRecord>(
      db,
      sql`select a.id, 'budget' as source, a.kind::text as kind, a.group_id, null::uuid as key_id,
            null::uuid as member_id, g.name as target_name, to_char(a.month, 'YYYY-MM-DD') as month,
            null::text as period, null::int as days, null::timestamptz as window_start,
            a.threshold_percent, a.spend_micros, a.budget_micros, a.created_at, a.read_at,
            null::jsonb as anomaly, null::jsonb as review
          from budget_alerts a join groups g on g.id = a.group_id
          where a.org_id = ${org}
          union all
          select a.id, 'window', 'threshold', w.group_id, w.key_id, w.member_id,
            coalesce(g.name, k.name, u.name, ''), null, w.period::text, w.days, a.window_start,
            a.threshold_percent, a.spend_micros, a.budget_micros, a.created_at, a.read_at, null, null
          from budget_window_alerts a
          join budget_windows w on w.org_id = a.org_id and w.id = a.window_id
          left join groups g on g.org_id = w.org_id and g.id = w.group_id
          left join api_keys k on k.org_id = w.org_id and k.id = w.key_id
          left join org_members m on m.org_id = w.org_id and m.id = w.member_id
          left join users u on u.id = m.user_id
          where a.org_id = ${org}
          union all
          select a.id, 'anomaly', 'anomaly', a.group_id, null, a.member_id,
            coalesce(g.name, u.name, o.name), null, null, null, null, 0, a.spend_micros, 0,
            a.created_at, a.read_at,
            jsonb_build_object('scope', a.scope, 'period', a.period, 'day', to_char(a.day, 'YYYY-MM-DD'),
              'medianMicros', a.median_micros, 'p90Micros', a.p90_micros, 'score', a.score,
              'drivers', a.drivers), null
          from spend_anomalies a
          join orgs o on o.id = a.org_id
          left join groups g on g.org_id = a.org_id and g.id = a.group_id
          left join org_members m on m.org_id = a.org_id and m.id = a.member_id
          left join users u on u.id = m.user_id
          where a.org_id = ${org}
          union all
          select r.id, 'review', 'review', null, null, null, r.name, null, null, null, null, 0, 0, 0,
            r.reminded_at, r.reminder_read_at, null,
            jsonb_build_object('reviewId', r.id, 'dueAt', r.due_at, 'status', r.status,
              'undecided', (select count(*) from access_review_items i
                where i.org_id = r.org_id and i.review_id = r.id and i.decision is null))
          from access_reviews r
          where r.org_id = ${org} and r.reminded_at is not null
          order by created_at desc, threshold_percent desc, id
          limit ${PAGE_SIZE} offset ${(page - 1) * PAGE_SIZE}`,
    ),
    queryRows<{ n: string }>(
      db,
      sql`select (select count(*) from budget_alerts where org_id = ${org})
            + (select count(*) from budget_window_alerts where org_id = ${org})
            + (select count(*) from spend_anomalies where org_id = ${org})
            + (select count(*) from access_reviews where org_id = ${org} and reminded_at is not null) as n`,
    ),
  ]);
  const rows: AlertRow[] = records.map((r) => ({
    id: r.id,
    source: r.source,
    kind: r.kind,
    groupId: r.group_id,
    keyId: r.key_id,
    memberId: r.member_id,
    targetName: r.target_name,
    month: r.month,
    period: r.period,
    days: r.days,
    windowStart: date(r.window_start),
    thresholdPercent: r.threshold_percent,
    spendMicros: Number(r.spend_micros),
    budgetMicros: Number(r.budget_micros),
    createdAt: new Date(r.created_at),
    readAt: date(r.read_at),
    anomaly: r.anomaly && {
      ...r.anomaly,
      medianMicros: Number(r.anomaly.medianMicros),
      p90Micros: Number(r.anomaly.p90Micros),
    },
    review: r.review,
  }));
  return { rows, page, pageSize: PAGE_SIZE, total: Number(total?.n ?? 0) };
}

export async function markAlertsRead(db: Db, actor: Actor, now = new Date()) {
  assertCan(actor, "org:manage");
  return db.transaction(async (tx) => {
    const read = [
      ...(await tx
        .update(budgetAlerts)
        .set({ readAt: now })
        .where(and(eq(budgetAlerts.orgId, actor.orgId), isNull(budgetAlerts.readAt)))
        .returning({ id: budgetAlerts.id })),
      ...(await tx
        .update(budgetWindowAlerts)
        .set({ readAt: now })
        .where(and(eq(budgetWindowAlerts.orgId, actor.orgId), isNull(budgetWindowAlerts.readAt)))
        .returning({ id: budgetWindowAlerts.id })),
      ...(await tx
        .update(spendAnomalies)
        .set({ readAt: now })
        .where(and(eq(spendAnomalies.orgId, actor.orgId), isNull(spendAnomalies.readAt)))
        .returning({ id: spendAnomalies.id })),
      ...(await tx
        .update(accessReviews)
        .set({ reminderReadAt: now })
        .where(and(eq(accessReviews.orgId, actor.orgId), reminderUnread))
        .returning({ id: accessReviews.id })),
    ];
    if (read.length)
      await audit(
        tx,
        actor,
        "alerts.read",
        { type: "budget_alert" },
        { after: { count: read.length } },
      );
    return { read: read.length };
  });
}

/** A marker on the spend trend: an unusual day (or week) of the organisation or of a group. */
export interface TrendAnomaly {
  id: string;
  /** The trend's point it belongs to: its day, or the start of its week or month. */
  bucket: string;
  groupId: string | null;
  period: "day" | "week";
  day: string;
  spendMicros: number;
  medianMicros: number;
}

/** The organisation's and these groups' anomalies whose day falls in the range (UTC days). */
export async function trendAnomalies(
  db: Db,
  actor: Actor,
  range: { from: string; to: string; groupIds: readonly string[]; granularity: Granularity },
): Promise<TrendAnomaly[]> {
  assertCan(actor, "org:manage");
  return db
    .select({
      id: spendAnomalies.id,
      bucket: sql<string>`to_char(date_trunc(${range.granularity}, ${spendAnomalies.day})::date, 'YYYY-MM-DD')`,
      groupId: spendAnomalies.groupId,
      period: spendAnomalies.period,
      day: spendAnomalies.day,
      spendMicros: spendAnomalies.spendMicros,
      medianMicros: spendAnomalies.medianMicros,
    })
    .from(spendAnomalies)
    .where(
      and(
        eq(spendAnomalies.orgId, actor.orgId),
        range.groupIds.length
          ? and(
              eq(spendAnomalies.scope, "group"),
              inArray(spendAnomalies.groupId, [...range.groupIds]),
            )
          : eq(spendAnomalies.scope, "org"),
        gte(spendAnomalies.day, range.from),
        lte(spendAnomalies.day, range.to),
      ),
    )
    .orderBy(spendAnomalies.day);
}
