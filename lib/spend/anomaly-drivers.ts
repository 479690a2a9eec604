import { type SQL, sql } from "drizzle-orm";
import type { Db } from "@/db/connect";
import { queryRows, toNumber, uuidArray } from "@/db/rows";
import type { AnomalyScope } from "./anomalies";

// What drove an unusual spend: the members, keys and models that spent most of it, from the
// daily rollups. Stored with the anomaly, so the alert shows what was true when it was raised.

export interface SpendDriver {
  kind: "member" | "key" | "model";
  /** A member's or key's id; a model's name. */
  id: string;
  name: string;
  costMicros: number;
}

const TOP = 3;

interface DriverRow {
  id: string;
  name: string | null;
  cost: string;
}

export async function spendDrivers(
  tx: Db,
  orgId: string,
  scope: AnomalyScope,
  scopeId: string | null,
  from: string,
  to: string,
): Promise<SpendDriver[]> {
  const org = sql`${orgId}::uuid`;
  const span = sql`u.org_id = ${org} and u.day between ${from}::date and ${to}::date`;
  const memberName = sql`(select us.name from org_members m join users us on us.id = m.user_id
                          where m.org_id = ${org} and m.id = u.member_id)`;
  const keyName = sql`(select k.name from api_keys k where k.org_id = ${org} and k.id = u.key_id)`;
  const top = (select: SQL, from: SQL, where: SQL, id: SQL) =>
    queryRows<DriverRow>(
      tx,
      sql`select ${id}::text as id, ${select} as name, sum(u.cost_micros) as cost
          from ${from} where ${span} ${where}
          group by ${id} order by sum(u.cost_micros) desc, ${id}::text limit ${TOP}`,
    );
  const is = (column: string) => sql`and u.${sql.raw(column)} = ${scopeId}::uuid`;
  // A group's requests by key are not rolled up: its members' requests that day through each key.
  const inGroup = sql`and exists (select 1 from usage_daily_group g where g.org_id = u.org_id
                        and g.day = u.day and g.member_id = u.member_id and g.group_id = ${scopeId}::uuid)`;
  const [members, keys, models] =
    scope === "org"
      ? [
          await top(memberName, sql`usage_daily_org_member u`, sql``, sql`u.member_id`),
          await top(keyName, sql`usage_daily_org_key u`, sql``, sql`u.key_id`),
          await top(sql`u.model`, sql`usage_daily_org_model u`, sql``, sql`u.model`),
        ]
      : scope === "group"
        ? [
            await top(memberName, sql`usage_daily_group u`, is("group_id"), sql`u.member_id`),
            await top(keyName, sql`usage_daily_member u`, inGroup, sql`u.key_id`),
            await top(sql`u.model`, sql`usage_daily_group_model u`, is("group_id"), sql`u.model`),
          ]
        : [
            [],
            await top(keyName, sql`usage_daily_member u`, is("member_id"), sql`u.key_id`),
            await top(sql`u.model`, sql`usage_daily_member u`, is("member_id"), sql`u.model`),
          ];
  const as = (kind: SpendDriver["kind"], rows: DriverRow[]) =>
    rows.map((r) => ({ kind, id: r.id, name: r.name ?? r.id, costMicros: toNumber(r.cost) }));
  return [...as("member", members), ...as("key", keys), ...as("model", models)];
}

/** The names of the groups and members these anomalies are about, and the organisation's. */
export async function scopeNames(
  tx: Db,
  orgId: string,
  anomalies: { scope: AnomalyScope; scopeId: string | null }[],
): Promise<Map<string, string>> {
  const ids = [...new Set(anomalies.map((a) => a.scopeId).filter((id): id is string => !!id))];
  const org = sql`${orgId}::uuid`;
  const rows = await queryRows<{ id: string; name: string }>(
    tx,
    sql`select id::text, name from orgs where id = ${org}
        union all select id::text, name from groups where org_id = ${org} and id = any(${uuidArray(ids)})
        union all select m.id::text, u.name from org_members m join users u on u.id = m.user_id
          where m.org_id = ${org} and m.id = any(${uuidArray(ids)})`,
  );
  return new Map(rows.map((r) => [r.id, r.name]));
}
