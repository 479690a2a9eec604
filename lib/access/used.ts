import { inArray, sql } from "drizzle-orm";
import type { Db } from "@/db/connect";
import { queryRows, textArray, timestampArray, uuidArray } from "@/db/rows";
import { apiKeys, groups, orgMembers } from "@/db/schema";
import type { WindowSpan } from "@/lib/limits/windows";
import { addMonthsUtc, startOfMonthUtc, toIsoDay } from "@/lib/time";
import type { Access, Used } from "./checks";
import { type HoldDelta, releaseDue } from "./reservations";

// What limits count: spend this calendar month (UTC) from the rollups plus open reservations
// (what budget_holds holds, less the settled and expired ones not yet released), for many
// members, keys and groups in one round trip (a batch of reservations reads them once); and for
// budget windows, the spend of their scope's quarters in the window plus the same open
// reservations (a reservation is open now, so it is in every window of its scope).

export interface LimitScope {
  memberIds: readonly string[];
  keyIds: readonly string[];
  /** Every scope of `windows` is among these ids too: open reservations count in its windows. */
  groupIds: readonly string[];
  windows?: readonly WindowSpan[];
}

export interface UsedByScope {
  members: Map<string, number>;
  keys: Map<string, number>;
  groups: Map<string, number>;
  /** By span: the window's spend plus its scope's open reservations. */
  windows: Map<string, number>;
}

export async function usedAgainstLimits(
  db: Db,
  orgId: string,
  scope: LimitScope,
  now: Date,
): Promise<UsedByScope> {
  return collect(await queryRows<UsedRow>(db, usedStatement(orgId, scope, now)), scope).used;
}

/**
 * What is used, and the release of what is due (releaseDue), in one statement: the figures are
 * as before the release, which moves what they subtract as "held but no longer counting". The
 * reservation batch's read: one round trip instead of two.
 */
export async function usedAgainstLimitsAndRelease(
  tx: Db,
  orgId: string,
  scope: LimitScope,
  now: Date,
): Promise<{ used: UsedByScope; released: HoldDelta }> {
  const rows = await queryRows<UsedRow>(
    tx,
    sql`with ${releaseDue(orgId, now)} ${usedStatement(orgId, scope, now)}
    union all
    select 'released', scope_id::text, micros from released_by_scope`,
  );
  return collect(rows, scope);
}

interface UsedRow {
  kind: "member" | "key" | "group" | "hold" | "released" | "window";
  id: string;
  micros: string;
}

function usedStatement(orgId: string, scope: LimitScope, now: Date) {
  const month = toIsoDay(startOfMonthUtc(now));
  const nextMonth = toIsoDay(addMonthsUtc(now, 1));
  const at = now.toISOString();
  const members = uuidArray(scope.memberIds);
  const keys = uuidArray(scope.keyIds);
  const groupIds = uuidArray(scope.groupIds);
  const everything = uuidArray([...scope.memberIds, ...scope.keyIds, ...scope.groupIds]);
  return sql`
    select 'member' as kind, member_id::text as id, sum(cost_micros) as micros from usage_daily_org_member
      where org_id = ${orgId}::uuid and member_id = any(${members}) and day >= ${month}::date and day < ${nextMonth}::date
      group by member_id
    union all
    select 'key', key_id::text, sum(cost_micros) from usage_daily_org_key
      where org_id = ${orgId}::uuid and key_id = any(${keys}) and day >= ${month}::date and day < ${nextMonth}::date
      group by key_id
    union all
    select 'group', group_id::text, sum(cost_micros) from usage_daily_group_total
      where org_id = ${orgId}::uuid and group_id = any(${groupIds}) and day >= ${month}::date and day < ${nextMonth}::date
      group by group_id
    union all
    select 'hold', scope_id::text, held_micros from budget_holds
      where org_id = ${orgId}::uuid and scope_id = any(${everything})
    union all
    -- Held but no longer counting: settled (their usage is in the rollups above) or expired, and
    -- not yet released (a few: each batch releases what it can first). Each arm of the "or"
    -- spells out its partial index's predicate, so the planner can use both indexes.
    select 'hold', s.id::text, -sum(r.amount_micros)
      from budget_reservations r cross join lateral unnest(array[r.member_id, r.key_id] || r.group_ids) as s(id)
      where r.org_id = ${orgId}::uuid and r.released_at is null
        and (r.settled_at is not null or (r.settled_at is null and r.expires_at <= ${at}::timestamptz))
        and s.id = any(${everything})
      group by s.id
    ${windowsStatement(orgId, scope.windows ?? [])}`;
}

function windowsStatement(orgId: string, windows: readonly WindowSpan[]) {
  if (!windows.length) return sql``;
  return sql`
    union all
    select 'window', w.span, coalesce(sum(q.cost_micros), 0)
      from unnest(${textArray(windows.map((w) => w.span))}, ${uuidArray(windows.map((w) => w.scopeId))},
                  ${timestampArray(windows.map((w) => w.start))}, ${timestampArray(windows.map((w) => w.end))})
           as w(span, scope_id, start_at, end_at)
      left join usage_quarter_scope q on q.org_id = ${orgId}::uuid and q.scope_id = w.scope_id
        and q.quarter >= w.start_at and q.quarter < w.end_at
      group by w.span`;
}

function collect(rows: UsedRow[], scope: LimitScope) {
  const used: UsedByScope = {
    members: new Map(),
    keys: new Map(),
    groups: new Map(),
    windows: new Map(),
  };
  const released: HoldDelta = new Map();
  const held = new Map<string, number>();
  const into = { member: used.members, key: used.keys, group: used.groups };
  const memberSet = new Set(scope.memberIds);
  const keySet = new Set(scope.keyIds);
  for (const row of rows) {
    if (row.kind === "released") {
      released.set(row.id, -Number(row.micros));
      continue;
    }
    if (row.kind === "window") {
      used.windows.set(row.id, (used.windows.get(row.id) ?? 0) + Number(row.micros));
      continue;
    }
    if (row.kind === "hold") held.set(row.id, (held.get(row.id) ?? 0) + Number(row.micros));
    // A hold is a member's, a key's or a group's by the scope its id came from.
    const kind =
      row.kind !== "hold"
        ? row.kind
        : memberSet.has(row.id)
          ? "member"
          : keySet.has(row.id)
            ? "key"
            : "group";
    const map = into[kind];
    map.set(row.id, (map.get(row.id) ?? 0) + Number(row.micros));
  }
  for (const w of scope.windows ?? [])
    used.windows.set(w.span, (used.windows.get(w.span) ?? 0) + (held.get(w.scopeId) ?? 0));
  return { used, released };
}

/** What one decision's limits see of a scope's figures. */
export function usedFor(used: UsedByScope, access: Access): Used {
  return {
    member: used.members.get(access.member.id) ?? 0,
    key: used.keys.get(access.key.id) ?? 0,
    groups: used.groups,
    windows: used.windows,
  };
}

/** What a decision's limits are read over: its member, key, held groups and window spans. */
export function limitScopeOf(access: Access): Required<LimitScope> {
  return {
    memberIds: [access.member.id],
    keyIds: [access.key.id],
    groupIds: access.heldGroups.map((g) => g.id),
    windows: access.windows,
  };
}

/**
 * Locks what reservations count against, in one fixed order (groups, then members, then keys,
 * each by id), so that concurrent reservations against the same budgets, in this instance or
 * another, run one after another and never deadlock. "No key update": usage inserts and alert
 * inserts hold key-share locks on these rows through their foreign keys, and a plain FOR UPDATE
 * would wait for (and could deadlock with) an ingest in flight.
 */
export async function lockLimits(tx: Db, scope: LimitScope) {
  if (scope.groupIds.length)
    await tx
      .select({ id: groups.id })
      .from(groups)
      .where(inArray(groups.id, [...scope.groupIds]))
      .orderBy(groups.id)
      .for("no key update");
  if (scope.memberIds.length)
    await tx
      .select({ id: orgMembers.id })
      .from(orgMembers)
      .where(inArray(orgMembers.id, [...scope.memberIds]))
      .orderBy(orgMembers.id)
      .for("no key update");
  if (scope.keyIds.length)
    await tx
      .select({ id: apiKeys.id })
      .from(apiKeys)
      .where(inArray(apiKeys.id, [...scope.keyIds]))
      .orderBy(apiKeys.id)
      .for("no key update");
}
