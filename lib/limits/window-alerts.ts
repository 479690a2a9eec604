import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/connect";
import { budgetWindowAlerts, budgetWindows } from "@/db/schema";
import { usedAgainstLimits } from "@/lib/access/used";
import { enqueueWebhookEvent } from "@/lib/webhooks/enqueue";
import { orgTimeZone } from "@/lib/orgs/time-zone";
import { targetIdOf } from "./targets";
import { amountInForce, windowSpan } from "./windows";

/**
 * Records the alerts of budget windows that spend just added makes due: for each window on one
 * of these members, keys or groups, each threshold its current span's spend has reached, once
 * per span (the table's unique key makes that exact), and sends budget_window.threshold_crossed
 * to the webhooks. Runs in the ingest transaction; each window's check holds a lock until commit,
 * so of two concurrent batches that together cross a threshold, the later sees the other's spend.
 * Spend that arrives late for a span already over is not alerted again.
 */
export async function raiseWindowAlerts(
  tx: Db,
  orgId: string,
  scopeIds: readonly string[],
  now = new Date(),
) {
  if (!scopeIds.length) return [];
  const ids = [...new Set(scopeIds)];
  const windows = await tx
    .select()
    .from(budgetWindows)
    .where(
      and(
        eq(budgetWindows.orgId, orgId),
        sql`coalesce(${budgetWindows.keyId}, ${budgetWindows.groupId}, ${budgetWindows.memberId}) = any(${sql`${`{${ids.join(",")}}`}::uuid[]`})`,
        sql`cardinality(${budgetWindows.alertThresholds}) > 0`,
      ),
    )
    .orderBy(budgetWindows.id);
  if (!windows.length) return [];
  for (const w of windows)
    await tx.execute(
      sql`select pg_advisory_xact_lock(hashtextextended(${`gatehouse:window-alerts:${w.id}`}, 0))`,
    );
  const timeZone = await orgTimeZone(tx, orgId);
  const spans = windows.map((w) => ({
    window: w,
    ...windowSpan(w, targetIdOf(w), timeZone, now),
  }));
  // Spend only: the scope lists are empty, so no reservations are added.
  const { windows: spent } = await usedAgainstLimits(
    tx,
    orgId,
    { memberIds: [], keyIds: [], groupIds: [], windows: spans },
    now,
  );
  const due: (typeof budgetWindowAlerts.$inferInsert)[] = [];
  for (const { window, span, start } of spans) {
    const spend = spent.get(span) ?? 0;
    const budget = amountInForce(window, now);
    for (const percent of window.alertThresholds)
      if (spend > 0 && spend * 100 >= budget * percent)
        due.push({
          orgId,
          windowId: window.id,
          windowStart: start,
          thresholdPercent: percent,
          spendMicros: spend,
          budgetMicros: budget,
          createdAt: now,
        });
  }
  if (!due.length) return [];
  const raised = await tx.insert(budgetWindowAlerts).values(due).onConflictDoNothing().returning();
  for (const alert of raised) {
    const { window } = spans.find((s) => s.window.id === alert.windowId)!;
    await enqueueWebhookEvent(tx, orgId, {
      type: "budget_window.threshold_crossed",
      data: {
        alertId: alert.id,
        window: {
          id: window.id,
          on: window.keyId
            ? { kind: "key", id: window.keyId }
            : window.groupId
              ? { kind: "group", id: window.groupId }
              : { kind: "member", id: window.memberId },
          period: window.period,
          days: window.days,
          mode: window.mode,
        },
        windowStart: alert.windowStart.toISOString(),
        thresholdPercent: alert.thresholdPercent,
        spendMicros: alert.spendMicros,
        budgetMicros: alert.budgetMicros,
      },
    });
  }
  return raised;
}
