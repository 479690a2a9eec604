import { type SQL, sql } from "drizzle-orm";
import type { Db } from "@/db/connect";
import type { KeyPolicy, memberStatus } from "@/db/schema";
import { queryRows } from "@/db/rows";

// What a decision is about, read in one round trip: the key, the member, and every live group the
// member belongs to directly or through a subgroup, marked where the key is assigned.

export interface SubjectKey {
  id: string;
  name: string;
  features: string[];
  policy: KeyPolicy;
  monthlyLimitMicros: number | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

export interface SubjectMember {
  id: string;
  name: string;
  status: (typeof memberStatus.enumValues)[number];
  limitMicros: number | null;
}

export interface SubjectGroup {
  id: string;
  name: string;
  budgetMode: "soft" | "hard";
  budgetMicros: number | null;
  grantsKey: boolean;
}

export interface Subject {
  key: SubjectKey | null;
  member: SubjectMember | null;
  groups: SubjectGroup[];
}

export type KeyLookup = { secretHash: string } | { id: string };
export type MemberLookup = { email: string } | { externalId: string } | { id: string };

function keyCondition(lookup: KeyLookup): SQL {
  return "id" in lookup ? sql`id = ${lookup.id}::uuid` : sql`secret_hash = ${lookup.secretHash}`;
}

function memberCondition(lookup: MemberLookup): SQL {
  if ("id" in lookup) return sql`om.id = ${lookup.id}::uuid`;
  if ("externalId" in lookup) return sql`om.external_id = ${lookup.externalId}`;
  return sql`u.email = ${lookup.email}`;
}

const date = (v: string | null) => (v === null ? null : new Date(v));

export async function loadSubject(
  db: Db,
  orgId: string,
  keyLookup: KeyLookup,
  memberLookup: MemberLookup,
): Promise<Subject> {
  const [row] = await queryRows<{
    key: {
      id: string;
      name: string;
      features: string[];
      policy: KeyPolicy;
      monthly_limit_micros: number | null;
      expires_at: string | null;
      revoked_at: string | null;
    } | null;
    member: {
      id: string;
      name: string;
      status: (typeof memberStatus.enumValues)[number];
      monthly_limit_micros: number | null;
    } | null;
    groups: SubjectGroup[];
  }>(
    db,
    sql`
    with recursive
    k as (
      select id, name, features, policy, monthly_limit_micros, expires_at, revoked_at
      from api_keys where org_id = ${orgId}::uuid and ${keyCondition(keyLookup)}
    ),
    m as (
      select om.id, u.name, om.status, om.monthly_limit_micros
      from org_members om join users u on u.id = om.user_id
      where om.org_id = ${orgId}::uuid and ${memberCondition(memberLookup)}
    ),
    up (id, depth) as (
      select g.id, 0 from group_members gm
      join m on m.id = gm.member_id
      join groups g on g.id = gm.group_id and g.archived_at is null
      union
      select p.id, up.depth + 1 from up
      join groups g on g.id = up.id
      join groups p on p.id = g.parent_id and p.archived_at is null
      where up.depth < 64
    )
    select
      (select row_to_json(k) from k) as key,
      (select row_to_json(m) from m) as member,
      (select coalesce(json_agg(json_build_object(
          'id', g.id,
          'name', g.name,
          'budgetMode', g.budget_mode,
          'budgetMicros', g.monthly_budget_micros,
          'grantsKey', exists (
            select 1 from api_key_groups akg join k on k.id = akg.key_id where akg.group_id = g.id)
        ) order by g.name), '[]'::json)
       from (select distinct id from up) d join groups g on g.id = d.id) as groups`,
  );
  const key = row?.key ?? null;
  const member = row?.member ?? null;
  return {
    key: key && {
      id: key.id,
      name: key.name,
      features: key.features,
      policy: key.policy,
      monthlyLimitMicros: key.monthly_limit_micros,
      expiresAt: date(key.expires_at),
      revokedAt: date(key.revoked_at),
    },
    member: member && {
      id: member.id,
      name: member.name,
      status: member.status,
      limitMicros: member.monthly_limit_micros,
    },
    groups: row?.groups ?? [],
  };
}
