import { and, eq, inArray, isNotNull, isNull, sql } from "drizzle-orm";
import type { Db } from "@/db/connect";
import { queryRows } from "@/db/rows";
import { budgetAlerts, groups } from "@/db/schema";
import { enqueueWebhookEvent } from "@/lib/webhooks/enqueue";
import { startOfMonthUtc, toIsoDay } from "@/lib/time";
import { forecastMonth } from "./forecast";

export interface TouchedGroupMonth {
  groupId: string;
  // First day of the month, yyyy-mm-01.
  month: string;
  // The latest of the new requests in that group and month: when a threshold they cross was crossed.
  lastAt: string;
}

/**
 * Records the budget alerts that spend just added makes due: one per group, threshold and month
 * (the table's unique key makes that exact), and one when this month's pace projects past the
 * budget. Runs in the ingest transaction. Each group's check holds a lock on that group's alerts
 * until commit, so of two concurrent batches that together cross a threshold, the later one sees
 * the other's spend and raises it: a crossing is never missed between them.
 */
export async function raiseBudgetAlerts(
  tx: Db,
  orgId: string,
  touched: TouchedGroupMonth[],
  now = new Date(),
) {
  const budgeted = await tx
    .select({
      id: groups.id,
      name: groups.name,
      budgetMicros: groups.monthlyBudgetMicros,
      thresholds: groups.alertThresholds,
      mode: groups.budgetMode,
    })
    .from(groups)
    .where(
      and(
        eq(groups.orgId, orgId),
        inArray(groups.id, [...new Set(touched.map((t) => t.groupId))]),
        isNotNull(groups.monthlyBudgetMicros),
        isNull(groups.archivedAt),
      ),
    )
    .orderBy(groups.id);
  if (!budgeted.length) return [];

  for (const group of budgeted)
    await tx.execute(
      sql`select pg_advisory_xact_lock(hashtextextended(${`gatehouse:budget-alerts:${group.id}`}, 0))`,
    );

  const pairs = touched.filter((t) => budgeted.some((g) => g.id === t.groupId));
  const spent = await monthSpend(tx, orgId, pairs);
  const currentMonth = toIsoDay(startOfMonthUtc(now));
  const due: (typeof budgetAlerts.$inferInsert)[] = [];
  for (const { groupId, month, lastAt } of pairs) {
    const group = budgeted.find((g) => g.id === groupId)!;
    const budget = group.budgetMicros!;
    const spend = spent.get(`${groupId}/${month}`) ?? 0;
    const base = { orgId, groupId, month, spendMicros: spend, budgetMicros: budget };
    const crossedAt = new Date(Math.min(Date.parse(lastAt), now.getTime()));
    for (const percent of group.thresholds)
      if (spend > 0 && spend * 100 >= budget * percent)
        due.push({ ...base, kind: "threshold", thresholdPercent: percent, createdAt: crossedAt });
    const { projectedMicros } = forecastMonth(spend, budget, now);
    if (
      month === currentMonth &&
      spend < budget &&
      projectedMicros !== null &&
      projectedMicros >= budget
    )
      due.push({ ...base, kind: "forecast", thresholdPercent: 100, createdAt: now });
  }
  if (!due.length) return [];

  const raised = await tx.insert(budgetAlerts).values(due).onConflictDoNothing().returning();
  for (const alert of raised) {
    const group = budgeted.find((g) => g.id === alert.groupId)!;
    await enqueueWebhookEvent(tx, orgId, {
      type: alert.kind === "threshold" ? "budget.threshold_crossed" : "budget.forecast_over_budget",
      data: {
        alertId: alert.id,
        group: { id: group.id, name: group.name, budgetMode: group.mode },
        month: alert.month,
        thresholdPercent: alert.thresholdPercent,
        spendMicros: alert.spendMicros,
        budgetMicros: alert.budgetMicros,
      },
    });
  }
  return raised;
}

async function monthSpend(tx: Db, orgId: string, pairs: TouchedGroupMonth[]) {
  const rows = await queryRows<{ group_id: string; month: string; cost: string }>(
    tx,
    sql`select p.group_id, to_char(p.month, 'YYYY-MM-DD') as month, coalesce(sum(u.cost_micros), 0) as cost
        from jsonb_to_recordset(${JSON.stringify(pairs.map((p) => ({ group_id: p.groupId, month: p.month })))}::jsonb)
          as p(group_id uuid, month date)
        left join usage_daily_group_total u on u.org_id = ${orgId}::uuid and u.group_id = p.group_id
          and u.day >= p.month and u.day < (p.month + interval '1 month')
        group by p.group_id, p.month`,
  );
  return new Map(rows.map((r) => [`${r.group_id}/${r.month}`, Number(r.cost)]));
}
