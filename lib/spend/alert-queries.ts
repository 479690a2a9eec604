import { and, count, desc, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/connect";
import { budgetAlerts, groups } from "@/db/schema";
import { audit } from "@/lib/audit/record";
import { type Actor, assertCan } from "@/lib/auth/actor";

// Budget alerts in the console: a bell with the unread count, a list, "mark all read". Alerts are
// the organisation's, not one admin's: one admin reading them reads them for all.

const PAGE_SIZE = 50;

export async function unreadAlertCount(db: Db, actor: Actor): Promise<number> {
  assertCan(actor, "org:manage");
  const [row] = await db
    .select({ n: count() })
    .from(budgetAlerts)
    .where(and(eq(budgetAlerts.orgId, actor.orgId), isNull(budgetAlerts.readAt)));
  return row?.n ?? 0;
}

export async function listAlerts(db: Db, actor: Actor, rawPage: unknown) {
  assertCan(actor, "org:manage");
  const page = z.coerce
    .number()
    .int()
    .min(1)
    .max(10_000)
    .catch(1)
    .parse(rawPage ?? 1);
  const where = eq(budgetAlerts.orgId, actor.orgId);
  const [rows, [total]] = await Promise.all([
    db
      .select({
        id: budgetAlerts.id,
        groupId: budgetAlerts.groupId,
        groupName: groups.name,
        month: budgetAlerts.month,
        kind: budgetAlerts.kind,
        thresholdPercent: budgetAlerts.thresholdPercent,
        spendMicros: budgetAlerts.spendMicros,
        budgetMicros: budgetAlerts.budgetMicros,
        createdAt: budgetAlerts.createdAt,
        readAt: budgetAlerts.readAt,
      })
      .from(budgetAlerts)
      .innerJoin(groups, eq(groups.id, budgetAlerts.groupId))
      .where(where)
      .orderBy(
        desc(budgetAlerts.createdAt),
        desc(budgetAlerts.month),
        desc(budgetAlerts.thresholdPercent),
      )
      .limit(PAGE_SIZE)
      .offset((page - 1) * PAGE_SIZE),
    db.select({ n: count() }).from(budgetAlerts).where(where),
  ]);
  return { rows, page, pageSize: PAGE_SIZE, total: total?.n ?? 0 };
}

export async function markAlertsRead(db: Db, actor: Actor, now = new Date()) {
  assertCan(actor, "org:manage");
  return db.transaction(async (tx) => {
    const read = await tx
      .update(budgetAlerts)
      .set({ readAt: now })
      .where(and(eq(budgetAlerts.orgId, actor.orgId), isNull(budgetAlerts.readAt)))
      .returning({ id: budgetAlerts.id });
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

export type AlertRow = Awaited<ReturnType<typeof listAlerts>>["rows"][number];
