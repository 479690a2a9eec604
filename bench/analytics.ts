import { sql } from "drizzle-orm";
import type { Connection } from "@/db/connect";
import { queryRows } from "@/db/rows";
import { seedDemo } from "@/db/seed/demo";
import type { Actor } from "@/lib/auth/actor";
import { monthlySpendByGroup } from "@/lib/spend/analytics";
import { spendFiltersOf } from "@/lib/spend/filters";
import { groupSpend } from "@/lib/spend/group-analytics";
import { spendOverview } from "@/lib/spend/overview";
import { toIsoDay } from "@/lib/time";
import { timed } from "./timing";

// The spend pages read the daily rollups only. Measured on the demo organisation (six months,
// ~63,000 requests): every read the Spend page makes, as it makes them (in parallel), and a
// group's spend tab; baseline in the same run: the one figure "spend per month for a year" computed
// from the raw events, which is what a dashboard without rollups would scan, and grows with traffic.

const median = async (run: () => Promise<unknown>) => (await timed(run)).p50Ms;

export async function benchAnalytics(connection: Connection) {
  const { db } = connection;
  const { acmeOrgId, events } = await seedDemo(db);
  const [admin] = await queryRows<{ user_id: string; id: string }>(
    db,
    sql`select user_id, id from org_members where org_id = ${acmeOrgId}::uuid and role = 'owner' limit 1`,
  );
  const actor: Actor = {
    kind: "user",
    userId: admin!.user_id,
    memberId: admin!.id,
    orgId: acmeOrgId,
    role: "owner",
    label: "bench",
  };
  const now = new Date();
  const filters = spendFiltersOf({}, now);
  const [engineering] = await queryRows<{ id: string }>(
    db,
    sql`select id from groups where org_id = ${acmeOrgId}::uuid and name = 'Engineering'`,
  );
  const yearAgo = toIsoDay(new Date(now.getTime() - 365 * 86_400_000));

  const baseline = await median(() =>
    queryRows(
      db,
      sql`select date_trunc('month', occurred_at) as month, sum(cost_micros) from usage_events
          where org_id = ${acmeOrgId}::uuid and occurred_at >= ${yearAgo}::timestamptz group by 1`,
    ),
  );
  const cases: [string, () => Promise<unknown>][] = [
    [
      "spend per month for a year, from the rollups",
      () => monthlySpendByGroup(db, actor, { groupIds: [], now }),
    ],
    ["the whole Spend page (its reads in parallel)", () => spendOverview(db, actor, filters, now)],
    [
      "a group's spend tab (Engineering)",
      () => groupSpend(db, actor, engineering!.id, filters, now),
    ],
  ];
  const rows: { case: string; medianMs: number; ratio: number }[] = [
    {
      case: `spend per month for a year, from ${events.toLocaleString("en-US")} raw events (baseline)`,
      medianMs: baseline,
      ratio: 1,
    },
  ];
  for (const [name, run] of cases) {
    const ms = await median(run);
    rows.push({ case: name, medianMs: ms, ratio: +(ms / baseline).toFixed(2) });
  }
  return rows;
}
