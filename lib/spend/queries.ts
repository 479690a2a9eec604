import { and, eq, gte, lt, sql } from "drizzle-orm";
import type { Db } from "@/db/connect";
import { groups, usageDailyGroup, usageDailyMember } from "@/db/schema";
import { type Actor, assertCan } from "@/lib/auth/actor";
import { addMonthsUtc, startOfMonthUtc, toIsoDay } from "@/lib/time";

async function orgSpendBetween(db: Db, orgId: string, from: Date, to: Date): Promise<number> {
  const [row] = await db
    .select({ cost: sql<string>`coalesce(sum(${usageDailyMember.costMicros}), 0)` })
    .from(usageDailyMember)
    .where(
      and(
        eq(usageDailyMember.orgId, orgId),
        gte(usageDailyMember.day, toIsoDay(from)),
        lt(usageDailyMember.day, toIsoDay(to)),
      ),
    );
  return Number(row?.cost ?? 0);
}

/** This calendar month's spend against last month's, and each group's spend this month. */
export async function spendOverview(db: Db, actor: Actor, now = new Date()) {
  assertCan(actor, "org:read");
  const thisMonth = startOfMonthUtc(now);
  const nextMonth = addMonthsUtc(now, 1);
  const lastMonth = addMonthsUtc(now, -1);
  const [current, previous, byGroup] = await Promise.all([
    orgSpendBetween(db, actor.orgId, thisMonth, nextMonth),
    orgSpendBetween(db, actor.orgId, lastMonth, thisMonth),
    db
      .select({
        groupId: groups.id,
        name: groups.name,
        budgetMicros: groups.monthlyBudgetMicros,
        spendMicros: sql<string>`coalesce(sum(${usageDailyGroup.costMicros}), 0)`,
      })
      .from(groups)
      .leftJoin(
        usageDailyGroup,
        and(
          eq(usageDailyGroup.groupId, groups.id),
          gte(usageDailyGroup.day, toIsoDay(thisMonth)),
          lt(usageDailyGroup.day, toIsoDay(nextMonth)),
        ),
      )
      .where(and(eq(groups.orgId, actor.orgId), sql`${groups.archivedAt} is null`))
      .groupBy(groups.id, groups.name, groups.monthlyBudgetMicros),
  ]);
  return {
    thisMonthMicros: current,
    lastMonthMicros: previous,
    groups: byGroup
      .map((g) => ({ ...g, spendMicros: Number(g.spendMicros) }))
      .sort((a, b) => b.spendMicros - a.spendMicros),
  };
}
