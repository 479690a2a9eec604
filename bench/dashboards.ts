import { sql } from "drizzle-orm";
import type { Db } from "@/db/connect";
import { queryRows } from "@/db/rows";
import type { Actor } from "@/lib/auth/actor";
import { boardData } from "@/lib/groups/board";
import { effectiveMembers, getGroupDetail, listGroupsWithCounts } from "@/lib/groups/queries";
import { listMembers } from "@/lib/members/queries";
import { monthlySpendByGroup } from "@/lib/spend/analytics";
import { spendFiltersOf } from "@/lib/spend/filters";
import { groupSpend } from "@/lib/spend/group-analytics";
import { recommendations } from "@/lib/recommendations/recommendations";
import { forgetUsageWindows } from "@/lib/recommendations/usage-window";
import { detectSpendAnomalies } from "@/lib/spend/anomalies";
import { spendOverview } from "@/lib/spend/overview";
import { addMonthsUtc, startOfMonthUtc } from "@/lib/time";
import { timed } from "./timing";

// The reads behind the console's pages, on a large organisation (bench:data), each as its page
// makes them (in parallel where the page does), p50 and p95 of 20 after a warm-up (bench/timing.ts); beside them
// the same kind of answer computed by a straightforward GROUP BY over the raw events: spend per
// month for a year (the organisation, and one group by its membership history), which is what a
// dashboard without rollups scans, and grows with traffic.

export interface DashboardFigure {
  case: string;
  p50Ms: number;
  p95Ms: number;
  /** p95 over the p95 of the organisation's raw GROUP BY, the first baseline (below 1: faster). */
  ratioToRaw: number | null;
}

/** The organisation's owner, and its largest group with children (a department). */
export async function subjects(db: Db, orgId: string) {
  const [owner] = await queryRows<{ user_id: string; id: string }>(
    db,
    sql`select user_id, id from org_members where org_id = ${orgId}::uuid and role = 'owner' limit 1`,
  );
  const [department] = await queryRows<{ id: string }>(
    db,
    sql`select g.id from groups g where g.org_id = ${orgId}::uuid and g.parent_id is null
      and exists (select 1 from groups c where c.parent_id = g.id) order by g.name limit 1`,
  );
  const actor: Actor = {
    kind: "user",
    userId: owner!.user_id,
    memberId: owner!.id,
    orgId,
    role: "owner",
    label: "bench",
  };
  return { actor, groupId: department!.id };
}

export async function benchDashboards(db: Db, orgId: string, now = new Date()) {
  const { actor, groupId } = await subjects(db, orgId);
  const filters = spendFiltersOf({}, now);
  const yearAgo = addMonthsUtc(startOfMonthUtc(now), -11).toISOString();

  const raw: [string, () => Promise<unknown>][] = [
    [
      "raw GROUP BY: the organisation's spend per month for a year",
      () =>
        queryRows(
          db,
          sql`select date_trunc('month', occurred_at) as month, sum(cost_micros) from usage_events
            where org_id = ${orgId}::uuid and occurred_at >= ${yearAgo}::timestamptz group by 1`,
        ),
    ],
    [
      "raw GROUP BY: a department's spend per month for a year (membership history)",
      () =>
        queryRows(
          db,
          sql`with recursive tree as (
              select id from groups where id = ${groupId}::uuid
              union all select g.id from groups g join tree t on g.parent_id = t.id
            ), spans as (
              select distinct h.member_id, h.valid_from, h.valid_to from group_membership_history h
              join tree t on t.id = h.group_id
            )
            select date_trunc('month', e.occurred_at) as month, sum(e.cost_micros) from usage_events e
            where e.org_id = ${orgId}::uuid and e.occurred_at >= ${yearAgo}::timestamptz
              and exists (select 1 from spans s where s.member_id = e.member_id
                and e.occurred_at >= s.valid_from and (s.valid_to is null or e.occurred_at < s.valid_to))
            group by 1`,
        ),
    ],
    [
      "raw GROUP BY: each member's spend per day for the 35 days unusual spend reads",
      () =>
        queryRows(
          db,
          sql`select member_id, date_trunc('day', occurred_at) as day, sum(cost_micros) from usage_events
            where org_id = ${orgId}::uuid and occurred_at >= ${new Date(now.getTime() - 36 * 86_400_000).toISOString()}::timestamptz
            group by 1, 2`,
        ),
    ],
  ];
  const cases: [string, () => Promise<unknown>][] = [
    [
      "/spend: the organisation's spend per month for a year (rollups)",
      () => monthlySpendByGroup(db, actor, { groupIds: [], now }),
    ],
    [
      "/spend: every read of the page (in parallel, as it makes them)",
      () => spendOverview(db, actor, filters, now),
    ],
    ["a department's spend tab", () => groupSpend(db, actor, groupId, filters, now)],
    [
      "a department's page (detail and members)",
      () => Promise.all([getGroupDetail(db, actor, groupId), effectiveMembers(db, actor, groupId)]),
    ],
    ["/groups: the groups with their counts", () => listGroupsWithCounts(db, actor)],
    ["/members: the first page", () => listMembers(db, actor, {})],
    ["/groups/board: every group and member", () => boardData(db, actor)],
    [
      "unusual spend: the organisation, every group and member, yesterday and today (rollups)",
      () => detectSpendAnomalies(db, orgId, now),
    ],
    [
      "recommendations, cold: all six kinds, the 30 days of rollups read",
      () => {
        forgetUsageWindows(db);
        return recommendations(db, actor, now);
      },
    ],
    [
      "recommendations, warm: the 30 days' use kept (5 min), the organisation read",
      () => recommendations(db, actor, now),
    ],
  ];

  const figures: DashboardFigure[] = [];
  let rawP95 = 0;
  for (const [name, run] of raw) {
    const t = await timed(run);
    rawP95 ||= t.p95Ms;
    figures.push({ case: `${name} (baseline)`, ...t, ratioToRaw: null });
  }
  for (const [name, run] of cases) {
    const t = await timed(run);
    figures.push({ case: name, ...t, ratioToRaw: +(t.p95Ms / rawP95).toFixed(4) });
  }
  return figures;
}
