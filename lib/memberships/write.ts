import { type SQL, sql } from "drizzle-orm";
import type { Db } from "@/db/connect";
import { queryRows, uuidArray } from "@/db/rows";
import type { Actor } from "@/lib/auth/actor";
import type { MembershipPair } from "./schemas";

// The two statements every membership change is made of. Each keeps group_members (who is in
// which group now) and group_membership_history (since and until when) in step, and only
// touches rows of the actor's organisation. Call them inside a transaction.

const actorUser = (actor: Actor) => (actor.kind === "user" ? actor.userId : null);

/** Pairs as a list, or every member of `memberIds` with every group of `groupIds`. */
export type MembershipSet = MembershipPair[] | { memberIds: string[]; groupIds: string[] };

const setSize = (set: MembershipSet) =>
  Array.isArray(set) ? set.length : set.memberIds.length * set.groupIds.length;

// The set as rows (group_id, member_id), distinct. A cross product is made by the database from
// the two lists: a bulk add of 10,000 members to 3 groups sends 10,003 ids, not 30,000 pairs.
function setRows(set: MembershipSet): SQL {
  if (!Array.isArray(set))
    return sql`select distinct g.id as group_id, m.id as member_id
      from unnest(${uuidArray(set.groupIds)}) as g(id) cross join unnest(${uuidArray(set.memberIds)}) as m(id)`;
  return sql`select distinct x.group_id, x.member_id
    from unnest(${uuidArray(set.map((p) => p.groupId))}, ${uuidArray(set.map((p) => p.memberId))}) as x(group_id, member_id)`;
}

/** Runs a statement answering (group_id, member_id) rows; returns them as pairs. */
async function pairsOf(tx: Db, statement: SQL): Promise<MembershipPair[]> {
  const rows = await queryRows<{ group_id: string; member_id: string }>(tx, statement);
  return rows.map((r) => ({ groupId: r.group_id, memberId: r.member_id }));
}

// One organisation's membership changes take turns, from their first membership statement to
// their commit: a move (delete, then insert) and an undo or a bulk add touching the same pairs in
// another order could otherwise each wait for the other's uncommitted rows, a deadlock that
// PostgreSQL resolves by failing one of them. Re-taking the lock in the same transaction is free.
async function lockMemberships(tx: Db, orgId: string) {
  await tx.execute(
    sql`select pg_advisory_xact_lock(hashtextextended(${`gatehouse:memberships:${orgId}`}, 0))`,
  );
}

/** Adds the pairs that are not memberships yet; returns those it added. */
export async function insertMemberships(
  tx: Db,
  actor: Actor,
  pairs: MembershipSet,
  source: "manual" | "rule" | "sync" = "manual",
  /** The auto-assign rule that makes them (lib/rules). */
  ruleId: string | null = null,
): Promise<MembershipPair[]> {
  if (!setSize(pairs)) return [];
  await lockMemberships(tx, actor.orgId);
  return pairsOf(
    tx,
    sql`
    with input as (${setRows(pairs)}),
    added as (
      insert into group_members (org_id, group_id, member_id, source, rule_id, added_by)
      select ${actor.orgId}::uuid, i.group_id, i.member_id, ${source}::membership_source, ${ruleId}::uuid, ${actorUser(actor)}::uuid
      from input i
      join groups g on g.id = i.group_id and g.org_id = ${actor.orgId}::uuid and g.archived_at is null
      join org_members m on m.id = i.member_id and m.org_id = ${actor.orgId}::uuid and m.status <> 'removed'
      order by i.group_id, i.member_id
      on conflict do nothing
      returning group_id, member_id
    ),
    history as (
      insert into group_membership_history (org_id, group_id, member_id, valid_from, source, added_by)
      select ${actor.orgId}::uuid, group_id, member_id, clock_timestamp(), ${source}::membership_source, ${actorUser(actor)}::uuid
      from added
    )
    ${
      source === "manual"
        ? // Added by hand: whatever kept them out of the rules' reach no longer stands.
          sql`, unexcepted as (
            delete from rule_exceptions e using added a
            where e.org_id = ${actor.orgId}::uuid and e.group_id = a.group_id and e.member_id = a.member_id
          )`
        : sql``
    }
    select group_id, member_id from added`,
  );
}

/**
 * Keeps the auto-assign rules from adding back those of these memberships a rule made (until an
 * admin adds them by hand). Call it before ending them; returns the pairs kept out.
 */
export async function keepOutOfRules(
  tx: Db,
  actor: Actor,
  pairs: MembershipSet,
): Promise<MembershipPair[]> {
  if (!setSize(pairs)) return [];
  await lockMemberships(tx, actor.orgId);
  return pairsOf(
    tx,
    sql`insert into rule_exceptions (org_id, group_id, member_id, created_by)
        select gm.org_id, gm.group_id, gm.member_id, ${actorUser(actor)}::uuid
        from (${setRows(pairs)}) x
        join group_members gm on gm.org_id = ${actor.orgId}::uuid and gm.group_id = x.group_id
          and gm.member_id = x.member_id and gm.rule_id is not null
        on conflict do nothing
        returning group_id, member_id`,
  );
}

/** Ends the exceptions of these pairs (the person is back in the group); returns those it ended. */
export async function liftRuleExceptions(
  tx: Db,
  actor: Actor,
  pairs: MembershipPair[],
): Promise<MembershipPair[]> {
  if (!pairs.length) return [];
  return pairsOf(
    tx,
    sql`delete from rule_exceptions e using (${setRows(pairs)}) x
        where e.org_id = ${actor.orgId}::uuid and e.group_id = x.group_id and e.member_id = x.member_id
        returning e.group_id, e.member_id`,
  );
}

/** Of these pairs, those whose last membership, now ended, was given by a rule or a default group. */
export async function lastGivenByRules(
  tx: Db,
  orgId: string,
  pairs: MembershipPair[],
): Promise<MembershipPair[]> {
  if (!pairs.length) return [];
  return pairsOf(
    tx,
    sql`select group_id, member_id from (
          select distinct on (h.group_id, h.member_id) h.group_id, h.member_id, h.source
          from group_membership_history h join (${setRows(pairs)}) x
            on h.group_id = x.group_id and h.member_id = x.member_id
          where h.org_id = ${orgId}::uuid and h.valid_to is not null
          order by h.group_id, h.member_id, h.valid_to desc
        ) last where source = 'rule'`,
  );
}

/** Ends the pairs that are memberships; returns those it ended. */
export async function deleteMemberships(
  tx: Db,
  actor: Actor,
  pairs: MembershipSet,
): Promise<MembershipPair[]> {
  if (!setSize(pairs)) return [];
  await lockMemberships(tx, actor.orgId);
  return pairsOf(
    tx,
    sql`
    with input as (${setRows(pairs)}),
    removed as (
      delete from group_members gm
      using input i
      where gm.org_id = ${actor.orgId}::uuid and gm.group_id = i.group_id and gm.member_id = i.member_id
      returning gm.group_id, gm.member_id
    ),
    history as (
      update group_membership_history h
      set valid_to = clock_timestamp(), removed_by = ${actorUser(actor)}::uuid
      from removed r
      where h.org_id = ${actor.orgId}::uuid and h.group_id = r.group_id and h.member_id = r.member_id and h.valid_to is null
    )
    select group_id, member_id from removed`,
  );
}
