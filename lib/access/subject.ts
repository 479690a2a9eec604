import { type SQL, sql } from "drizzle-orm";
import type { Db } from "@/db/connect";
import type { KeyPolicy, memberStatus } from "@/db/schema";
import { queryRows } from "@/db/rows";
import { targetIdOf } from "@/lib/limits/targets";
import type { WindowPeriod } from "@/lib/limits/windows";

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

/** A rate limit that applies to the subject (on its key, its member, or one of their groups). */
export interface SubjectRateLimit {
  id: string;
  scope: "key" | "member" | "group" | "group_member";
  /** What it is set on: the key, the member or the group, by id. */
  targetId: string;
  modelPattern: string | null;
  requestsPerMinute: number | null;
  requestsPerDay: number | null;
  tokensPerMinute: number | null;
}

/** A model list attached to the subject's key or to one of the member's groups. */
export interface SubjectModelList {
  id: string;
  name: string;
  sense: "allow" | "deny";
  patterns: string[];
  /** Where it is attached: the key (keyId) or a group (groupId). */
  keyId: string | null;
  groupId: string | null;
}

/** A budget window on the subject's key, its member, or one of their groups. */
export interface SubjectBudgetWindow {
  id: string;
  scope: "key" | "member" | "group";
  /** What it is set on: the key, the member or the group, by id. */
  targetId: string;
  period: WindowPeriod;
  days: number | null;
  mode: "soft" | "hard";
  amountMicros: number;
  raisedAmountMicros: number | null;
  raisedUntil: Date | null;
}

export interface Subject {
  key: SubjectKey | null;
  member: SubjectMember | null;
  groups: SubjectGroup[];
  rateLimits: SubjectRateLimit[];
  modelLists: SubjectModelList[];
  budgetWindows: SubjectBudgetWindow[];
  /** The organisation's, where its budget windows' days start. */
  timeZone: string;
}

/** The lists of these attachments that concern the key and the groups, by name, for messages. */
export function applicableModelLists(
  rows: SubjectModelList[],
  keyId: string | null,
  groups: { id: string }[],
): SubjectModelList[] {
  const groupIds = new Set(groups.map((g) => g.id));
  return rows
    .filter((r) => (r.keyId !== null ? r.keyId === keyId : groupIds.has(r.groupId!)))
    .sort(
      (a, b) => a.name.localeCompare(b.name) || (a.groupId ?? "").localeCompare(b.groupId ?? ""),
    );
}

export interface RateLimitRow {
  id: string;
  keyId: string | null;
  groupId: string | null;
  memberId: string | null;
  perMember: boolean;
  modelPattern: string | null;
  requestsPerMinute: number | null;
  requestsPerDay: number | null;
  tokensPerMinute: number | null;
}

const SCOPE_ORDER = ["key", "member", "group", "group_member"] as const;

/** Which of the subject's key, member and groups a row set on one of them is on, if any. */
function targetOf(
  row: { keyId: string | null; groupId: string | null; memberId: string | null },
  keyId: string | null,
  memberId: string | null,
  groupRank: ReadonlyMap<string, number>,
): "key" | "member" | "group" | null {
  if (row.keyId) return row.keyId === keyId ? "key" : null;
  if (row.memberId) return row.memberId === memberId ? "member" : null;
  return groupRank.has(row.groupId!) ? "group" : null;
}

/** Controls in the order they are checked: the key's, the member's, then by the group's order. */
const byTarget =
  (groupRank: ReadonlyMap<string, number>) =>
  (a: { scope: (typeof SCOPE_ORDER)[number]; targetId: string }, b: typeof a) =>
    SCOPE_ORDER.indexOf(a.scope) - SCOPE_ORDER.indexOf(b.scope) ||
    (groupRank.get(a.targetId) ?? 0) - (groupRank.get(b.targetId) ?? 0);

/**
 * The limits of these rows that apply to the key, the member and their groups, in the order they
 * are checked: the key's, the member's, then each group's (in the subject's group order), the
 * group's own before its per-member one, a limit for all models before a model pattern's.
 */
export function applicableRateLimits(
  rows: RateLimitRow[],
  keyId: string | null,
  memberId: string | null,
  groups: { id: string }[],
): SubjectRateLimit[] {
  const groupRank = new Map(groups.map((g, i) => [g.id, i]));
  return rows
    .flatMap((r): SubjectRateLimit[] => {
      const target = targetOf(r, keyId, memberId, groupRank);
      if (!target) return [];
      const scope = target === "group" && r.perMember ? "group_member" : target;
      const { id, modelPattern, requestsPerMinute, requestsPerDay, tokensPerMinute } = r;
      const targetId = targetIdOf(r);
      return [
        { id, scope, targetId, modelPattern, requestsPerMinute, requestsPerDay, tokensPerMinute },
      ];
    })
    .sort(
      (a, b) =>
        byTarget(groupRank)(a, b) ||
        (a.modelPattern ?? "").localeCompare(b.modelPattern ?? "") ||
        a.id.localeCompare(b.id),
    );
}

export interface BudgetWindowRow {
  id: string;
  keyId: string | null;
  groupId: string | null;
  memberId: string | null;
  period: WindowPeriod;
  days: number | null;
  mode: "soft" | "hard";
  amountMicros: number;
  raisedAmountMicros: number | null;
  raisedUntil: Date | string | null;
}

const PERIOD_ORDER: WindowPeriod[] = ["day", "week", "days", "month"];

/**
 * The windows of these rows that apply to the key, the member and their groups, in the order they
 * are checked: the key's, the member's, then each group's (in the subject's group order), the
 * shorter window first.
 */
export function applicableBudgetWindows(
  rows: BudgetWindowRow[],
  keyId: string | null,
  memberId: string | null,
  groups: { id: string }[],
): SubjectBudgetWindow[] {
  const groupRank = new Map(groups.map((g, i) => [g.id, i]));
  return rows
    .flatMap((r): SubjectBudgetWindow[] => {
      const scope = targetOf(r, keyId, memberId, groupRank);
      if (!scope) return [];
      const { id, period, days, mode, amountMicros, raisedAmountMicros, raisedUntil } = r;
      const targetId = targetIdOf(r);
      return [
        {
          id,
          scope,
          targetId,
          period,
          days,
          mode,
          amountMicros: Number(amountMicros),
          raisedAmountMicros: raisedAmountMicros === null ? null : Number(raisedAmountMicros),
          raisedUntil: raisedUntil === null ? null : new Date(raisedUntil),
        },
      ];
    })
    .sort(
      (a, b) =>
        byTarget(groupRank)(a, b) ||
        PERIOD_ORDER.indexOf(a.period) - PERIOD_ORDER.indexOf(b.period) ||
        (a.days ?? 0) - (b.days ?? 0),
    );
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
    rate_limits: RateLimitRow[];
    model_lists: SubjectModelList[];
    budget_windows: BudgetWindowRow[];
    time_zone: string;
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
       from (select distinct id from up) d join groups g on g.id = d.id) as groups,
      (select coalesce(json_agg(json_build_object(
          'id', rl.id,
          'keyId', rl.key_id,
          'groupId', rl.group_id,
          'memberId', rl.member_id,
          'perMember', rl.per_member,
          'modelPattern', rl.model_pattern,
          'requestsPerMinute', rl.requests_per_minute,
          'requestsPerDay', rl.requests_per_day,
          'tokensPerMinute', rl.tokens_per_minute
        )), '[]'::json)
       from rate_limits rl
       where rl.org_id = ${orgId}::uuid
         and (rl.key_id = (select id from k) or rl.member_id = (select id from m)
              or rl.group_id in (select id from up))) as rate_limits,
      (select coalesce(json_agg(json_build_object(
          'id', ml.id,
          'name', ml.name,
          'sense', ml.sense,
          'patterns', ml.patterns,
          'keyId', mla.key_id,
          'groupId', mla.group_id
        )), '[]'::json)
       from model_list_attachments mla
       join model_lists ml on ml.org_id = mla.org_id and ml.id = mla.list_id
       where mla.org_id = ${orgId}::uuid
         and (mla.key_id = (select id from k) or mla.group_id in (select id from up))) as model_lists,
      (select coalesce(json_agg(json_build_object(
          'id', bw.id,
          'keyId', bw.key_id,
          'groupId', bw.group_id,
          'memberId', bw.member_id,
          'period', bw.period,
          'days', bw.days,
          'mode', bw.mode,
          'amountMicros', bw.amount_micros,
          'raisedAmountMicros', bw.raised_amount_micros,
          'raisedUntil', bw.raised_until
        )), '[]'::json)
       from budget_windows bw
       where bw.org_id = ${orgId}::uuid
         and (bw.key_id = (select id from k) or bw.member_id = (select id from m)
              or bw.group_id in (select id from up))) as budget_windows,
      (select time_zone from orgs where id = ${orgId}::uuid) as time_zone`,
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
    // As the snapshot: nothing applies to nobody.
    rateLimits: member
      ? applicableRateLimits(row?.rate_limits ?? [], key?.id ?? null, member.id, row?.groups ?? [])
      : [],
    modelLists: member
      ? applicableModelLists(row?.model_lists ?? [], key?.id ?? null, row?.groups ?? [])
      : [],
    budgetWindows: member
      ? applicableBudgetWindows(
          row?.budget_windows ?? [],
          key?.id ?? null,
          member.id,
          row?.groups ?? [],
        )
      : [],
    timeZone: row?.time_zone ?? "UTC",
  };
}
