import { type SQL, and, eq, gte, sql } from "drizzle-orm";
import type { Db } from "@/db/connect";
import { queryRows, toNumber } from "@/db/rows";
import { orgs, spendAnomalies } from "@/db/schema";
import { enqueueWebhookEvent } from "@/lib/webhooks/enqueue";
import { toIsoDay } from "@/lib/time";
import { judgeSpend } from "./anomaly-judge";
import { type SpendDriver, scopeNames, spendDrivers } from "./anomaly-drivers";

// Unusual spend: the organisation's, each group's and each member's spend of a UTC day, and of
// the 7 days ending on it, against their own 28 days before (anomaly-judge.ts). Judged from the
// daily rollups, never the raw events, for yesterday (late usage) and today (so far), after new
// usage arrives (anomaly-schedule.ts). Each anomaly is raised once, with what drove it, to the
// bell and to webhooks (spend.anomaly).

export type AnomalyScope = "org" | "group" | "member";
export type SpendAnomaly = typeof spendAnomalies.$inferSelect;

const DAY_MS = 86_400_000;
const BASELINE_DAYS = 28;
const WEEK = 7;
export const addDays = (isoDay: string, days: number) =>
  toIsoDay(new Date(Date.parse(`${isoDay}T00:00:00Z`) + days * DAY_MS));

interface Series {
  scope: AnomalyScope;
  scopeId: string | null;
  byDay: Map<string, number>;
}

interface Candidate {
  scope: AnomalyScope;
  scopeId: string | null;
  period: "day" | "week";
  day: string;
  spendMicros: number;
  medianMicros: number;
  p90Micros: number;
  score: number;
}

/**
 * Judges yesterday and today for the organisation, its groups and members with spend in the last
 * week, and records the anomalies not raised before. Runs under a lock of the organisation's
 * checks, so two instances checking at once raise each anomaly once and read each other's.
 */
export async function detectSpendAnomalies(
  db: Db,
  orgId: string,
  now = new Date(),
): Promise<SpendAnomaly[]> {
  return db.transaction(async (tx) => {
    await tx.execute(
      sql`select pg_advisory_xact_lock(hashtextextended(${`gatehouse:anomalies:${orgId}`}, 0))`,
    );
    const [settings] = await tx
      .select({ sensitivity: orgs.anomalySensitivity, minSpendMicros: orgs.anomalyMinSpendMicros })
      .from(orgs)
      .where(eq(orgs.id, orgId));
    if (!settings || settings.sensitivity === "off") return [];
    const sensitivity = settings.sensitivity;
    const today = toIsoDay(now);
    const days = [addDays(today, -1), today];
    const from = addDays(days[0]!, -(BASELINE_DAYS + WEEK - 1));
    const series = await spendSeries(tx, orgId, from, addDays(today, -WEEK), days[0]!, settings);

    const candidates: Candidate[] = [];
    for (const s of series)
      for (const day of days) {
        const spendOn = (d: string) => s.byDay.get(d) ?? 0;
        const dayBaseline = Array.from({ length: BASELINE_DAYS }, (_, i) =>
          spendOn(addDays(day, -1 - i)),
        );
        const weekSum = (end: string) =>
          Array.from({ length: WEEK }, (_, i) => spendOn(addDays(end, -i))).reduce((a, b) => a + b);
        const weekBaseline = Array.from({ length: BASELINE_DAYS / WEEK }, (_, i) =>
          weekSum(addDays(day, -WEEK * (i + 1))),
        );
        const rules = { sensitivity, minSpendMicros: settings.minSpendMicros };
        const dayVerdict = judgeSpend(dayBaseline, spendOn(day), { ...rules, minActivePeriods: 7 });
        if (dayVerdict.unusual)
          candidates.push({ ...s, period: "day", day, spendMicros: spendOn(day), ...dayVerdict });
        const weekVerdict = judgeSpend(weekBaseline, weekSum(day), {
          ...rules,
          minSpendMicros: rules.minSpendMicros * WEEK,
          minActivePeriods: 2,
        });
        if (weekVerdict.unusual)
          candidates.push({ ...s, period: "week", day, spendMicros: weekSum(day), ...weekVerdict });
      }
    if (!candidates.length) return [];

    const fresh = await notRaisedBefore(tx, orgId, candidates, days[0]!);
    if (!fresh.length) return [];
    const names = await scopeNames(tx, orgId, fresh);
    const rows = [];
    for (const c of fresh) {
      const drivers = await spendDrivers(tx, orgId, c.scope, c.scopeId, spanStart(c), c.day);
      rows.push({
        orgId,
        scope: c.scope,
        groupId: c.scope === "group" ? c.scopeId : null,
        memberId: c.scope === "member" ? c.scopeId : null,
        period: c.period,
        day: c.day,
        spendMicros: c.spendMicros,
        medianMicros: c.medianMicros,
        p90Micros: c.p90Micros,
        score: c.score,
        sensitivity,
        drivers,
        createdAt: now,
      });
    }
    const raised = await tx.insert(spendAnomalies).values(rows).onConflictDoNothing().returning();
    for (const a of raised) {
      const scopeId = a.groupId ?? a.memberId ?? orgId;
      await enqueueWebhookEvent(tx, orgId, {
        type: "spend.anomaly",
        data: {
          anomalyId: a.id,
          on: { kind: a.scope, id: scopeId, name: names.get(scopeId) ?? "" },
          period: a.period,
          from: spanStart(a),
          to: a.day,
          spendMicros: a.spendMicros,
          medianMicros: a.medianMicros,
          p90Micros: a.p90Micros,
          score: a.score,
          sensitivity: a.sensitivity,
          drivers: a.drivers as SpendDriver[],
        },
      });
    }
    return raised;
  });
}

/** The first day an anomaly covers: its day, or the first of its 7. */
export const spanStart = (a: { period: "day" | "week"; day: string }) =>
  a.period === "day" ? a.day : addDays(a.day, -(WEEK - 1));

/**
 * The candidates not raised already. A week that contains a raised day or week of the same scope
 * is the same spike seen again (a week stays high for 7 days after one bad day): not raised.
 */
async function notRaisedBefore(tx: Db, orgId: string, candidates: Candidate[], firstDay: string) {
  const earlier = await tx
    .select({
      scope: spendAnomalies.scope,
      groupId: spendAnomalies.groupId,
      memberId: spendAnomalies.memberId,
      period: spendAnomalies.period,
      day: spendAnomalies.day,
    })
    .from(spendAnomalies)
    .where(and(eq(spendAnomalies.orgId, orgId), gte(spendAnomalies.day, addDays(firstDay, -WEEK))));
  const raised = earlier.map((e) => ({ ...e, scopeId: e.groupId ?? e.memberId }));
  const fresh: Candidate[] = [];
  const same = (a: { scope: string; scopeId: string | null }, b: typeof a) =>
    a.scope === b.scope && a.scopeId === b.scopeId;
  // Days first, so that a week is judged against the days of this check too.
  for (const c of [...candidates].sort((a, b) =>
    a.period === b.period ? 0 : a.period === "day" ? -1 : 1,
  )) {
    const seen = [...raised, ...fresh];
    const already =
      c.period === "day"
        ? seen.some((r) => same(r, c) && r.period === "day" && r.day === c.day)
        : seen.some((r) => same(r, c) && r.day > addDays(c.day, -WEEK) && r.day <= c.day);
    if (!already) fresh.push(c);
  }
  return fresh;
}

/**
 * Each scope's spend per day from `from` on: the organisation's (from its rollup by model, a few
 * rows a day), and of each live group and each member whose yesterday or today reaches the
 * minimum, or whose week reaches 7 times it (the rest cannot be unusual).
 */
async function spendSeries(
  tx: Db,
  orgId: string,
  from: string,
  weekFrom: string,
  judgedFrom: string,
  settings: { minSpendMicros: number },
): Promise<Series[]> {
  const org = sql`${orgId}::uuid`;
  const perScope = (table: SQL, column: SQL, live: SQL) =>
    queryRows<{ scope_id: string; day: string; cost: string }>(
      tx,
      sql`with active as (
            select ${column} as scope_id from ${table}
            where org_id = ${org} and day >= ${weekFrom}::date
            group by ${column}
            having max(cost_micros) filter (where day >= ${judgedFrom}::date) >= ${settings.minSpendMicros}
              or sum(cost_micros) >= ${settings.minSpendMicros * 7})
          select t.${column} as scope_id, to_char(t.day, 'YYYY-MM-DD') as day, t.cost_micros as cost
          from ${table} t join active a on a.scope_id = t.${column}
          where t.org_id = ${org} and t.day >= ${from}::date ${live}`,
    );
  const [orgDays, groupDays, memberDays] = [
    await queryRows<{ day: string; cost: string }>(
      tx,
      sql`select to_char(day, 'YYYY-MM-DD') as day, sum(cost_micros) as cost
          from usage_daily_org_model where org_id = ${org} and day >= ${from}::date group by day`,
    ),
    await perScope(
      sql.raw("usage_daily_group_total"),
      sql.raw("group_id"),
      sql`and exists (select 1 from groups g where g.org_id = t.org_id and g.id = t.group_id and g.archived_at is null)`,
    ),
    await perScope(sql.raw("usage_daily_org_member"), sql.raw("member_id"), sql``),
  ];
  const grouped = (
    scope: AnomalyScope,
    rows: { scope_id: string; day: string; cost: string }[],
  ) => {
    const byScope = new Map<string, Map<string, number>>();
    for (const r of rows) {
      let days = byScope.get(r.scope_id);
      if (!days) byScope.set(r.scope_id, (days = new Map()));
      days.set(r.day, toNumber(r.cost));
    }
    return [...byScope].map(([scopeId, byDay]) => ({ scope, scopeId, byDay }));
  };
  return [
    {
      scope: "org" as const,
      scopeId: null,
      byDay: new Map(orgDays.map((r) => [r.day, toNumber(r.cost)])),
    },
    ...grouped("group", groupDays),
    ...grouped("member", memberDays),
  ];
}
