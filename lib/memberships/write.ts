import { sql } from "drizzle-orm";
import type { Db } from "@/db/connect";
import { queryRows } from "@/db/rows";
import type { Actor } from "@/lib/auth/actor";
import type { MembershipPair } from "./schemas";

// The two statements every membership change is made of. Each keeps group_members (who is in
// which group now) and group_membership_history (since and until when) in step, and only
// touches rows of the actor's organisation. Call them inside a transaction.

const actorUser = (actor: Actor) => (actor.kind === "user" ? actor.userId : null);

/** Adds the pairs that are not memberships yet; returns those it added. */
export async function insertMemberships(
  tx: Db,
  actor: Actor,
  pairs: MembershipPair[],
  source: "manual" | "rule" | "sync" = "manual",
): Promise<MembershipPair[]> {
  if (!pairs.length) return [];
  const rows = await queryRows<{ group_id: string; member_id: string }>(
    tx,
    sql`
    with input as (
      select distinct x."groupId" as group_id, x."memberId" as member_id
      from jsonb_to_recordset(${JSON.stringify(pairs)}::jsonb) as x("groupId" uuid, "memberId" uuid)
    ),
    added as (
      insert into group_members (org_id, group_id, member_id, source, added_by)
      select ${actor.orgId}::uuid, i.group_id, i.member_id, ${source}::membership_source, ${actorUser(actor)}::uuid
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
    select group_id, member_id from added`,
  );
  return rows.map((r) => ({ groupId: r.group_id, memberId: r.member_id }));
}

/** Ends the pairs that are memberships; returns those it ended. */
export async function deleteMemberships(
  tx: Db,
  actor: Actor,
  pairs: MembershipPair[],
): Promise<MembershipPair[]> {
  if (!pairs.length) return [];
  const rows = await queryRows<{ group_id: string; member_id: string }>(
    tx,
    sql`
    with input as (
      select x."groupId" as group_id, x."memberId" as member_id
      from jsonb_to_recordset(${JSON.stringify(pairs)}::jsonb) as x("groupId" uuid, "memberId" uuid)
    ),
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
  return rows.map((r) => ({ groupId: r.group_id, memberId: r.member_id }));
}

export function crossPairs(memberIds: string[], groupIds: string[]): MembershipPair[] {
  return groupIds.flatMap((groupId) => memberIds.map((memberId) => ({ groupId, memberId })));
}
