import { type SQL, sql } from "drizzle-orm";
import type { Db } from "@/db/connect";
import { queryRows, toNumber, uuidArray } from "@/db/rows";
import { type Actor, assertCan } from "@/lib/auth/actor";
import { addMonthsUtc, startOfMonthUtc, toIsoDay } from "@/lib/time";
import type { Granularity, SpendFilters } from "./filter-query";
import { forecastMonth } from "./forecast";

// The organisation's spend for the analytics pages, read from the daily rollups only (never the
// raw events), so that every page costs the same at any volume. Organisation totals come from the
// per-member rollup (each request once); group figures from the per-group rollup (a request in
// each group its member belonged to at the time, ancestors included, once per group).

const n = toNumber;

export interface SpendSummary {
  thisMonthMicros: number;
  lastMonthMicros: number;
  // The comparison runs over whole days: this month's complete days (today excluded) against
  // the same number of days at the start of last month. Null on the 1st, when there are none.
  comparison: { days: number; thisMonthMicros: number; lastMonthMicros: number } | null;
  projectedMicros: number | null;
  requestsThisMonth: number;
}

export async function spendSummary(db: Db, actor: Actor, now = new Date()): Promise<SpendSummary> {
  assertCan(actor, "org:manage");
  const thisMonth = toIsoDay(startOfMonthUtc(now));
  const nextMonth = toIsoDay(addMonthsUtc(now, 1));
  const lastMonth = toIsoDay(addMonthsUtc(now, -1));
  const today = toIsoDay(now);
  const days = Math.round((Date.parse(today) - Date.parse(thisMonth)) / 86_400_000);
  // Last month's first `days` days (never past its end: 30 complete days of a 31-day month
  // compare with all of a 30-day one).
  const lastMonthCut = toIsoDay(
    new Date(Math.min(Date.parse(lastMonth) + days * 86_400_000, Date.parse(thisMonth))),
  );
  const [row] = await queryRows<{
    this_month: string;
    this_complete: string;
    last_month: string;
    last_cut: string;
    requests: string;
  }>(
    db,
    sql`select
      coalesce(sum(cost_micros) filter (where day >= ${thisMonth}::date), 0) as this_month,
      coalesce(sum(cost_micros) filter (where day >= ${thisMonth}::date and day < ${today}::date), 0) as this_complete,
      coalesce(sum(cost_micros) filter (where day < ${thisMonth}::date), 0) as last_month,
      coalesce(sum(cost_micros) filter (where day < ${lastMonthCut}::date), 0) as last_cut,
      coalesce(sum(requests) filter (where day >= ${thisMonth}::date), 0) as requests
    from usage_daily_org_model
    where org_id = ${actor.orgId}::uuid and day >= ${lastMonth}::date and day < ${nextMonth}::date`,
  );
  const thisMonthMicros = n(row?.this_month);
  return {
    thisMonthMicros,
    lastMonthMicros: n(row?.last_month),
    comparison: days
      ? { days, thisMonthMicros: n(row?.this_complete), lastMonthMicros: n(row?.last_cut) }
      : null,
    projectedMicros: forecastMonth(thisMonthMicros, null, now).projectedMicros,
    requestsThisMonth: n(row?.requests),
  };
}

export interface GroupRef {
  id: string;
  name: string;
}

export interface MonthlyByGroup {
  groups: GroupRef[];
  // One row per month, oldest first: the org total and each group's spend.
  months: { month: string; totalMicros: number; byGroup: Record<string, number> }[];
}

/**
 * The last `months` calendar months, per group and in total. Groups can overlap (a person in two
 * counts in both), so the organisation's total is drawn beside the stack rather than implied.
 */
export async function monthlySpendByGroup(
  db: Db,
  actor: Actor,
  options: { groupIds: string[]; months?: number; now?: Date },
): Promise<MonthlyByGroup> {
  assertCan(actor, "org:manage");
  const now = options.now ?? new Date();
  const first = toIsoDay(addMonthsUtc(now, -((options.months ?? 12) - 1)));
  const chosen = await chosenGroups(db, actor.orgId, options.groupIds);
  const [totals, perGroup] = await Promise.all([
    queryRows<{ month: string; cost: string }>(
      db,
      sql`select to_char(date_trunc('month', day), 'YYYY-MM') as month, sum(cost_micros) as cost
          from usage_daily_org_model where org_id = ${actor.orgId}::uuid and day >= ${first}::date
          group by 1`,
    ),
    queryRows<{ month: string; group_id: string; cost: string }>(
      db,
      sql`select to_char(date_trunc('month', day), 'YYYY-MM') as month, group_id, sum(cost_micros) as cost
          from usage_daily_group_total
          where org_id = ${actor.orgId}::uuid and day >= ${first}::date
            and group_id = any(${uuidArray(chosen.map((g) => g.id))})
          group by 1, 2`,
    ),
  ]);
  const months = [];
  for (let m = new Date(`${first}T00:00:00Z`); m <= now; m = addMonthsUtc(m, 1)) {
    const month = toIsoDay(m).slice(0, 7);
    months.push({
      month,
      totalMicros: n(totals.find((t) => t.month === month)?.cost),
      byGroup: Object.fromEntries(
        chosen.map((g) => [
          g.id,
          n(perGroup.find((p) => p.month === month && p.group_id === g.id)?.cost),
        ]),
      ),
    });
  }
  return { groups: chosen, months };
}

/**
 * The chosen live groups; by default the top-level departments (the nearest thing to a partition
 * of the company), or every top-level group where there are no departments.
 */
async function chosenGroups(db: Db, orgId: string, groupIds: string[]): Promise<GroupRef[]> {
  const where = groupIds.length
    ? sql`id = any(${uuidArray(groupIds)})`
    : sql`parent_id is null and (kind = 'department' or not exists (
        select 1 from groups d where d.org_id = ${orgId}::uuid and d.parent_id is null
          and d.kind = 'department' and d.archived_at is null))`;
  return queryRows<GroupRef>(
    db,
    sql`select id, name from groups where org_id = ${orgId}::uuid and archived_at is null and ${where}
        order by lower(name) limit 12`,
  );
}

export interface Trend {
  groups: GroupRef[];
  // One point per bucket (day, ISO week or month start) in the range, empty buckets included.
  points: { bucket: string; totalMicros: number; byGroup: Record<string, number> }[];
}

export async function spendTrend(db: Db, actor: Actor, filters: SpendFilters): Promise<Trend> {
  assertCan(actor, "org:manage");
  const chosen = filters.groupIds.length
    ? await chosenGroups(db, actor.orgId, filters.groupIds)
    : [];
  const bucket = (g: Granularity) => sql.raw(`date_trunc('${g}', day)::date`);
  const [totals, perGroup, buckets] = await Promise.all([
    queryRows<{ bucket: string; cost: string }>(
      db,
      sql`select to_char(${bucket(filters.granularity)}, 'YYYY-MM-DD') as bucket, sum(cost_micros) as cost
          from usage_daily_org_model
          where org_id = ${actor.orgId}::uuid and day between ${filters.from}::date and ${filters.to}::date
          group by 1`,
    ),
    chosen.length
      ? queryRows<{ bucket: string; group_id: string; cost: string }>(
          db,
          sql`select to_char(${bucket(filters.granularity)}, 'YYYY-MM-DD') as bucket, group_id, sum(cost_micros) as cost
              from usage_daily_group_total
              where org_id = ${actor.orgId}::uuid and day between ${filters.from}::date and ${filters.to}::date
                and group_id = any(${uuidArray(chosen.map((g) => g.id))})
              group by 1, 2`,
        )
      : [],
    queryRows<{ bucket: string }>(
      db,
      sql`select distinct to_char(date_trunc(${filters.granularity}, d), 'YYYY-MM-DD') as bucket
          from generate_series(${filters.from}::timestamp, ${filters.to}::timestamp, interval '1 day') as d
          order by 1`,
    ),
  ]);
  return {
    groups: chosen,
    points: buckets.map(({ bucket: b }) => ({
      bucket: b,
      totalMicros: n(totals.find((t) => t.bucket === b)?.cost),
      byGroup: Object.fromEntries(
        chosen.map((g) => [
          g.id,
          n(perGroup.find((p) => p.bucket === b && p.group_id === g.id)?.cost),
        ]),
      ),
    })),
  };
}

export interface BudgetProgress {
  groupId: string;
  name: string;
  mode: "soft" | "hard";
  budgetMicros: number;
  spentMicros: number;
  projectedMicros: number | null;
  crossesBudgetAt: Date | null;
}

/** Every live group with a budget: this month's spend, and where its pace leads. */
export async function budgetProgress(
  db: Db,
  actor: Actor,
  now = new Date(),
): Promise<BudgetProgress[]> {
  assertCan(actor, "org:manage");
  const month = toIsoDay(startOfMonthUtc(now));
  const nextMonth = toIsoDay(addMonthsUtc(now, 1));
  const rows = await queryRows<{
    id: string;
    name: string;
    budget_mode: "soft" | "hard";
    monthly_budget_micros: string;
    spent: string;
  }>(
    db,
    sql`select g.id, g.name, g.budget_mode, g.monthly_budget_micros,
          (select coalesce(sum(cost_micros), 0) from usage_daily_group_total u
           where u.org_id = g.org_id and u.group_id = g.id and u.day >= ${month}::date
             and u.day < ${nextMonth}::date) as spent
        from groups g
        where g.org_id = ${actor.orgId}::uuid and g.archived_at is null and g.monthly_budget_micros is not null
        order by lower(g.name)`,
  );
  return rows.map((r) => {
    const budgetMicros = n(r.monthly_budget_micros);
    const spentMicros = n(r.spent);
    return {
      groupId: r.id,
      name: r.name,
      mode: r.budget_mode,
      budgetMicros,
      spentMicros,
      ...forecastMonth(spentMicros, budgetMicros, now),
    };
  });
}

export interface TopRow {
  id: string;
  name: string;
  detail: string;
  requests: number;
  tokens: number;
  costMicros: number;
}

const topQueries: Record<
  "member" | "key" | "model",
  (orgId: string, from: string, to: string) => SQL
> = {
  member: (orgId, from, to) => sql`
    select om.id, u.name, u.email as detail, sum(r.requests) as requests,
      sum(r.input_tokens + r.output_tokens) as tokens, sum(r.cost_micros) as cost
    from usage_daily_org_member r join org_members om on om.id = r.member_id join users u on u.id = om.user_id
    where r.org_id = ${orgId}::uuid and r.day between ${from}::date and ${to}::date
    group by om.id, u.name, u.email`,
  key: (orgId, from, to) => sql`
    select k.id, k.name, k.prefix || '…' || k.last_four as detail, sum(r.requests) as requests,
      sum(r.input_tokens + r.output_tokens) as tokens, sum(r.cost_micros) as cost
    from usage_daily_org_key r join api_keys k on k.id = r.key_id
    where r.org_id = ${orgId}::uuid and r.day between ${from}::date and ${to}::date
    group by k.id, k.name, k.prefix, k.last_four`,
  model: (orgId, from, to) => sql`
    select r.model as id, coalesce(m.display_name, r.model) as name, coalesce(m.provider, '') as detail,
      sum(r.requests) as requests, sum(r.input_tokens + r.output_tokens) as tokens, sum(r.cost_micros) as cost
    from usage_daily_org_model r left join models m on m.id = r.model
    where r.org_id = ${orgId}::uuid and r.day between ${from}::date and ${to}::date
    group by r.model, m.display_name, m.provider`,
};

/** The biggest spenders in the range: members, keys or models. */
export async function topSpenders(
  db: Db,
  actor: Actor,
  by: keyof typeof topQueries,
  filters: Pick<SpendFilters, "from" | "to">,
  limit = 10,
): Promise<TopRow[]> {
  assertCan(actor, "org:manage");
  const rows = await queryRows<{
    id: string;
    name: string;
    detail: string;
    requests: string;
    tokens: string;
    cost: string;
  }>(
    db,
    sql`select * from (${topQueries[by](actor.orgId, filters.from, filters.to)}) t order by cost desc, name limit ${limit}`,
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    detail: r.detail,
    requests: n(r.requests),
    tokens: n(r.tokens),
    costMicros: n(r.cost),
  }));
}

export interface MySpend {
  thisMonthMicros: number;
  limitMicros: number | null;
  days: { day: string; costMicros: number }[];
  byModel: { model: string; requests: number; costMicros: number }[];
}

/** A member's own spend this month, their limit, and where it went: what a member may see. */
export async function mySpend(db: Db, actor: Actor, now = new Date()): Promise<MySpend> {
  assertCan(actor, "org:read");
  if (actor.kind !== "user")
    return { thisMonthMicros: 0, limitMicros: null, days: [], byModel: [] };
  const month = toIsoDay(startOfMonthUtc(now));
  const [days, byModel, [member]] = await Promise.all([
    queryRows<{ day: string; cost: string }>(
      db,
      sql`select to_char(d, 'YYYY-MM-DD') as day, coalesce(sum(u.cost_micros), 0) as cost
          from generate_series(${month}::timestamp, ${toIsoDay(now)}::timestamp, interval '1 day') d
          left join usage_daily_member u on u.org_id = ${actor.orgId}::uuid
            and u.member_id = ${actor.memberId}::uuid and u.day = d::date
          group by d order by d`,
    ),
    queryRows<{ model: string; requests: string; cost: string }>(
      db,
      sql`select model, sum(requests) as requests, sum(cost_micros) as cost from usage_daily_member
          where org_id = ${actor.orgId}::uuid and member_id = ${actor.memberId}::uuid and day >= ${month}::date
          group by model order by cost desc`,
    ),
    queryRows<{ limit: string | null }>(
      db,
      sql`select monthly_limit_micros as limit from org_members where id = ${actor.memberId}::uuid`,
    ),
  ]);
  return {
    thisMonthMicros: days.reduce((sum, d) => sum + n(d.cost), 0),
    limitMicros: member?.limit === null || member?.limit === undefined ? null : n(member.limit),
    days: days.map((d) => ({ day: d.day, costMicros: n(d.cost) })),
    byModel: byModel.map((m) => ({
      model: m.model,
      requests: n(m.requests),
      costMicros: n(m.cost),
    })),
  };
}
