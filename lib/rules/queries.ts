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

export interface RuleException {
  groupId: string;
  groupName: string;
  memberId: string;
  memberName: string;
  memberEmail: string;
  /** Who kept them out (null once that user is gone), and when. */
  keptOutBy: string | null;
  keptOutAt: Date;
}

/**
 * The people an admin kept out of a group's rules, newest first; only where the rules could add
 * them (not people removed since, archived groups or groups the directory owns).
 */
export async function listRuleExceptions(db: Db, actor: Actor): Promise<RuleException[]> {
  assertCan(actor, "org:manage");
  const org = sql`${actor.orgId}::uuid`;
  const rows = await queryRows<{
    group_id: string;
    group_name: string;
    member_id: string;
    member_name: string;
    member_email: string;
    kept_out_by: string | null;
    created_at: string;
  }>(
    db,
    sql`select e.group_id, g.name as group_name,
          e.member_id, u.name as member_name, u.email as member_email,
          by_user.email as kept_out_by, e.created_at
        from rule_exceptions e
        join groups g on g.org_id = ${org} and g.id = e.group_id
          and g.archived_at is null and g.directory_linked_at is null
        join org_members m on m.org_id = ${org} and m.id = e.member_id and m.status <> 'removed'
        join users u on u.id = m.user_id
        left join users by_user on by_user.id = e.created_by
        where e.org_id = ${org}
        order by e.created_at desc, u.name, g.name`,
  );
  return rows.map((r) => ({
    groupId: r.group_id,
    groupName: r.group_name,
    memberId: r.member_id,
    memberName: r.member_name,
    memberEmail: r.member_email,
    keptOutBy: r.kept_out_by,
    keptOutAt: new Date(r.created_at),
  }));
}
