import { sql } from "drizzle-orm";
import type { Db } from "@/db/connect";
import { queryRows } from "@/db/rows";
import { type Actor, assertCan } from "@/lib/auth/actor";
import type { RuleAttribute } from "./attributes";

export interface RuleSummary {
  id: string;
  name: string;
  attribute: RuleAttribute;
  values: string[];
  groups: { id: string; name: string }[];
  /** Memberships it made that stand now. */
  memberships: number;
  createdAt: Date;
}

/** The organisation's rules, oldest first (the order in which they claim a membership). */
export async function listRules(db: Db, actor: Actor): Promise<RuleSummary[]> {
  assertCan(actor, "org:manage");
  const org = sql`${actor.orgId}::uuid`;
  const rows = await queryRows<{
    id: string;
    name: string;
    attribute: RuleAttribute;
    values: string[];
    groups: { id: string; name: string }[] | null;
    memberships: string;
    created_at: string;
  }>(
    db,
    sql`select r.id, r.name, r.attribute, r.values, r.created_at,
          (select jsonb_agg(jsonb_build_object('id', g.id, 'name', g.name) order by g.name)
            from groups g where g.org_id = ${org} and g.id = any(r.group_ids)) as groups,
          (select count(*) from group_members gm where gm.org_id = ${org} and gm.rule_id = r.id) as memberships
        from membership_rules r where r.org_id = ${org}
        order by r.created_at, r.id`,
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    attribute: r.attribute,
    values: r.values,
    groups: r.groups ?? [],
    memberships: Number(r.memberships),
    createdAt: new Date(r.created_at),
  }));
}
