import { sql } from "drizzle-orm";
import type { Db } from "@/db/connect";
import { queryRows, toNumber } from "@/db/rows";
import { type Actor, assertCan } from "@/lib/auth/actor";
import { addMonthsUtc, toIsoDay } from "@/lib/time";
import type { SpendFilters } from "./filter-query";

// One group's spend, and groups side by side, from the rollups. A group's figures count its
// members' requests as they were attributed at the time (subgroups included, once per request);
// the organisation's figures, for comparison, count every request once.

type Range = Pick<SpendFilters, "from" | "to">;
const n = toNumber;

export interface GroupSpend {
  months: { month: string; costMicros: number }[];
  byModel: { model: string; requests: number; tokens: number; costMicros: number }[];
  byFeature: { feature: string; requests: number; costMicros: number }[];
  byMember: { memberId: string; name: string; requests: number; costMicros: number }[];
  totals: Totals;
  org: Totals & { byModel: { model: string; requests: number }[] };
}

interface Totals {
  requests: number;
  tokens: number;
  costMicros: number;
}

export async function groupSpend(
  db: Db,
  actor: Actor,
  groupId: string,
  range: Range,
  now = new Date(),
): Promise<GroupSpend> {
  assertCan(actor, "org:manage");
  const org = actor.orgId;
  const first = toIsoDay(addMonthsUtc(now, -11));
  const inRange = sql`day between ${range.from}::date and ${range.to}::date`;
  const [months, byModel, byFeature, byMember, orgModels] = await Promise.all([
    queryRows<{ month: string; cost: string }>(
      db,
      sql`select to_char(m, 'YYYY-MM') as month, coalesce(sum(u.cost_micros), 0) as cost
          from generate_series(${first}::timestamp, ${toIsoDay(now)}::timestamp, interval '1 month') m
          left join usage_daily_group_total u on u.org_id = ${org}::uuid and u.group_id = ${groupId}::uuid
            and u.day >= m::date and u.day < (m + interval '1 month')::date
          group by m order by m`,
    ),
    queryRows<{ model: string; requests: string; tokens: string; cost: string }>(
      db,
      sql`select model, sum(requests) as requests, sum(input_tokens + output_tokens) as tokens,
            sum(cost_micros) as cost
          from usage_daily_group_model where org_id = ${org}::uuid and group_id = ${groupId}::uuid and ${inRange}
          group by model order by cost desc`,
    ),
    queryRows<{ feature: string; requests: string; cost: string }>(
      db,
      sql`select feature, sum(requests) as requests, sum(cost_micros) as cost
          from usage_daily_feature where org_id = ${org}::uuid and group_id = ${groupId}::uuid and ${inRange}
          group by feature order by requests desc`,
    ),
    queryRows<{ member_id: string; name: string; requests: string; cost: string }>(
      db,
      sql`select r.member_id, u.name, sum(r.requests) as requests, sum(r.cost_micros) as cost
          from usage_daily_group r join org_members om on om.id = r.member_id
          join users u on u.id = om.user_id
          where r.org_id = ${org}::uuid and r.group_id = ${groupId}::uuid
            and r.day between ${range.from}::date and ${range.to}::date
          group by r.member_id, u.name order by cost desc limit 10`,
    ),
    queryRows<{ model: string; requests: string; tokens: string; cost: string }>(
      db,
      sql`select model, sum(requests) as requests, sum(input_tokens + output_tokens) as tokens,
            sum(cost_micros) as cost
          from usage_daily_org_model where org_id = ${org}::uuid and ${inRange}
          group by model`,
    ),
  ]);
  const total = (rows: { requests: string; tokens: string; cost: string }[]): Totals => ({
    requests: rows.reduce((s, r) => s + n(r.requests), 0),
    tokens: rows.reduce((s, r) => s + n(r.tokens), 0),
    costMicros: rows.reduce((s, r) => s + n(r.cost), 0),
  });
  return {
    months: months.map((m) => ({ month: m.month, costMicros: n(m.cost) })),
    byModel: byModel.map((m) => ({
      model: m.model,
      requests: n(m.requests),
      tokens: n(m.tokens),
      costMicros: n(m.cost),
    })),
    byFeature: byFeature.map((f) => ({
      feature: f.feature,
      requests: n(f.requests),
      costMicros: n(f.cost),
    })),
    byMember: byMember.map((m) => ({
      memberId: m.member_id,
      name: m.name,
      requests: n(m.requests),
      costMicros: n(m.cost),
    })),
    totals: total(byModel),
    org: {
      ...total(orgModels),
      byModel: orgModels.map((m) => ({ model: m.model, requests: n(m.requests) })),
    },
  };
}

export interface GroupMatrix {
  groups: { id: string; name: string; requests: number }[];
  columns: string[];
  // cells[groupId][column] = requests
  cells: Record<string, Record<string, number>>;
}

/**
 * Live groups side by side: requests per feature (`by: "feature"`) or per model (`"model"`),
 * for heatmaps of who uses what. Groups without requests in the range are left out.
 */
export async function groupsSideBySide(
  db: Db,
  actor: Actor,
  by: "feature" | "model",
  range: Range,
): Promise<GroupMatrix> {
  assertCan(actor, "org:manage");
  const table = by === "feature" ? sql`usage_daily_feature` : sql`usage_daily_group_model`;
  const column = by === "feature" ? sql`r.feature` : sql`r.model`;
  const inRange = sql`r.org_id = ${actor.orgId}::uuid
    and r.day between ${range.from}::date and ${range.to}::date`;
  const [rows, groupTotals] = await Promise.all([
    queryRows<{ group_id: string; col: string; requests: string }>(
      db,
      sql`select r.group_id, ${column} as col, sum(r.requests) as requests
          from ${table} r where ${inRange} group by r.group_id, ${column}`,
    ),
    // Each group's requests, the denominator: from the group rollup, since a request can use no
    // feature or several.
    queryRows<{ group_id: string; name: string; requests: string }>(
      db,
      sql`select g.id as group_id, g.name, sum(r.requests) as requests
          from usage_daily_group_total r join groups g on g.id = r.group_id and g.archived_at is null
          where ${inRange} group by g.id, g.name`,
    ),
  ]);
  const totals = new Map(
    groupTotals.map((g) => [g.group_id, { id: g.group_id, name: g.name, requests: n(g.requests) }]),
  );
  const cells: GroupMatrix["cells"] = {};
  const columnTotals = new Map<string, number>();
  for (const r of rows) {
    if (!totals.has(r.group_id)) continue;
    (cells[r.group_id] ??= {})[r.col] = n(r.requests);
    columnTotals.set(r.col, (columnTotals.get(r.col) ?? 0) + n(r.requests));
  }
  return {
    groups: [...totals.values()].sort((a, b) => a.name.localeCompare(b.name)),
    columns: [...columnTotals.entries()].sort((a, b) => b[1] - a[1]).map(([c]) => c),
    cells,
  };
}
