import { and, count, eq, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/connect";
import { queryRows } from "@/db/rows";
import { budgetAlerts, budgetWindowAlerts } from "@/db/schema";
import { audit } from "@/lib/audit/record";
import { type Actor, assertCan } from "@/lib/auth/actor";
import type { WindowPeriod } from "@/lib/limits/windows";

// Budget alerts in the console, of monthly budgets and of budget windows: a bell with the unread
// count, a list, "mark all read". Alerts are
// the organisation's, not one admin's: one admin reading them reads them for all.

const PAGE_SIZE = 50;

export async function unreadAlertCount(db: Db, actor: Actor): Promise<number> {
  assertCan(actor, "org:manage");
  const [[budgets], [windows]] = await Promise.all([
    db
      .select({ n: count() })
      .from(budgetAlerts)
      .where(and(eq(budgetAlerts.orgId, actor.orgId), isNull(budgetAlerts.readAt))),
    db
      .select({ n: count() })
      .from(budgetWindowAlerts)
      .where(and(eq(budgetWindowAlerts.orgId, actor.orgId), isNull(budgetWindowAlerts.readAt))),
  ]);
  return (budgets?.n ?? 0) + (windows?.n ?? 0);
}

/** A monthly budget's alert (a group's) or a budget window's (a key's, group's or member's). */
export interface AlertRow {
  id: string;
  source: "budget" | "window";
  kind: "threshold" | "forecast";
  /** What it is about: exactly one of these. */
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
}

interface AlertRecord {
  id: string;
  source: "budget" | "window";
  kind: "threshold" | "forecast";
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
            a.threshold_percent, a.spend_micros, a.budget_micros, a.created_at, a.read_at
          from budget_alerts a join groups g on g.id = a.group_id
          where a.org_id = ${org}
          union all
          select a.id, 'window', 'threshold', w.group_id, w.key_id, w.member_id,
            coalesce(g.name, k.name, u.name, ''), null, w.period::text, w.days, a.window_start,
            a.threshold_percent, a.spend_micros, a.budget_micros, a.created_at, a.read_at
          from budget_window_alerts a
          join budget_windows w on w.org_id = a.org_id and w.id = a.window_id
          left join groups g on g.org_id = w.org_id and g.id = w.group_id
          left join api_keys k on k.org_id = w.org_id and k.id = w.key_id
          left join org_members m on m.org_id = w.org_id and m.id = w.member_id
          left join users u on u.id = m.user_id
          where a.org_id = ${org}
          order by created_at desc, threshold_percent desc, id
          limit ${PAGE_SIZE} offset ${(page - 1) * PAGE_SIZE}`,
    ),
    queryRows<{ n: string }>(
      db,
      sql`select (select count(*) from budget_alerts where org_id = ${org})
            + (select count(*) from budget_window_alerts where org_id = ${org}) as n`,
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
