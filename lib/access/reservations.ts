import { sql } from "drizzle-orm";
import type { Db } from "@/db/connect";
import { queryRows } from "@/db/rows";

// A reservation holds its amount against its member, key and hard-budget groups (budget_holds)
// from its batch until it is released: once its usage has settled it, or it has expired. The
// holds always equal the sum of the reservations not yet released, because only the
// transactions that insert or release reservations move them. Releasing is bookkeeping, not a
// decision: a settled or expired reservation stops counting at once (the limits subtract the
// ones not yet released, see used.ts), so how soon it is released changes no answer.

/** One change to what is held, for a member, a key or a group. */
export type HoldDelta = Map<string, number>;

/**
 * Releases the settled and expired reservations (of one organisation, or all) that no other
 * transaction is working on, and returns what that takes off each hold, to be applied with
 * applyHoldDeltas in the same transaction. Rows an ingest is settling right now are skipped
 * (SKIP LOCKED): a reservation batch never waits for an ingest; the next one releases them.
 */
export async function releaseDueReservations(
  tx: Db,
  orgId: string | null,
  now: Date,
  limit = 10_000,
): Promise<Map<string, HoldDelta>> {
  const rows = await queryRows<{ org_id: string; scope_id: string; micros: string }>(
    tx,
    sql`with ${releaseDue(orgId, now, limit)} select org_id, scope_id, micros from released_by_scope`,
  );
  const deltas = new Map<string, HoldDelta>();
  for (const row of rows) {
    let delta = deltas.get(row.org_id);
    if (!delta) deltas.set(row.org_id, (delta = new Map()));
    delta.set(row.scope_id, -Number(row.micros));
  }
  return deltas;
}

/**
 * The release as common table expressions, ending in `released_by_scope` (org_id, scope_id,
 * micros: what leaves each hold), for a statement that also reads: what it reads of
 * budget_reservations is as before the release (one snapshot), the batch's "read, then release".
 */
export function releaseDue(orgId: string | null, now: Date, limit = 10_000) {
  const at = now.toISOString();
  const ofOrg = orgId ? sql`and r.org_id = ${orgId}::uuid` : sql``;
  return sql`
    settled as (
      select r.id from budget_reservations r
      where r.released_at is null and r.settled_at is not null ${ofOrg}
      limit ${limit} for update skip locked
    ),
    expired as (
      select r.id from budget_reservations r
      where r.released_at is null and r.settled_at is null and r.expires_at <= ${at}::timestamptz ${ofOrg}
      limit ${limit} for update skip locked
    ),
    released as (
      update budget_reservations r set released_at = ${at}::timestamptz
      where r.id in (select id from settled union all select id from expired)
      returning r.org_id, r.member_id, r.key_id, r.group_ids, r.amount_micros
    ),
    released_by_scope as (
      select org_id, s.id as scope_id, sum(amount_micros) as micros
      from released cross join lateral unnest(array[member_id, key_id] || group_ids) as s(id)
      group by org_id, s.id
    )`;
}

/** Adds to (or takes off) an organisation's holds, row by row in id order (no deadlocks). */
export async function applyHoldDeltas(tx: Db, orgId: string, delta: HoldDelta) {
  const upsert = holdsUpsert(orgId, delta);
  if (upsert) await tx.execute(upsert);
}

export interface NewReservation {
  id: string;
  memberId: string;
  keyId: string;
  groupIds: string[];
  amountMicros: number;
  createdAt: Date;
  expiresAt: Date;
}

/**
 * Inserts a batch's reservations and moves the holds by `delta` (what they add, and what the
 * batch released), in one statement: one round trip, and a statement whose text does not depend
 * on the batch's size, so PostgreSQL parses the same few parameters whatever the batch.
 */
export async function insertReservations(
  tx: Db,
  orgId: string,
  reservations: readonly NewReservation[],
  delta: HoldDelta,
) {
  if (!reservations.length) return applyHoldDeltas(tx, orgId, delta);
  const rows = JSON.stringify(
    reservations.map((r) => ({
      id: r.id,
      member_id: r.memberId,
      key_id: r.keyId,
      group_ids: r.groupIds,
      amount_micros: r.amountMicros,
      created_at: r.createdAt.toISOString(),
      expires_at: r.expiresAt.toISOString(),
    })),
  );
  const insert = sql`
    insert into budget_reservations (id, org_id, member_id, key_id, group_ids, amount_micros, created_at, expires_at)
    select r.id, ${orgId}::uuid, r.member_id, r.key_id, r.group_ids, r.amount_micros, r.created_at, r.expires_at
    from jsonb_to_recordset(${rows}::jsonb) as r(id uuid, member_id uuid, key_id uuid,
      group_ids uuid[], amount_micros bigint, created_at timestamptz, expires_at timestamptz)`;
  const upsert = holdsUpsert(orgId, delta);
  await tx.execute(upsert ? sql`with inserted as (${insert}) ${upsert}` : insert);
}

/** The upsert of an organisation's holds by `delta` (null: nothing changes). */
function holdsUpsert(orgId: string, delta: HoldDelta) {
  const changes = [...delta]
    .filter(([, micros]) => micros !== 0)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  if (!changes.length) return null;
  return sql`
    insert into budget_holds as h (org_id, scope_id, held_micros)
    select ${orgId}::uuid, c.scope_id, c.micros
    from jsonb_to_recordset(${JSON.stringify(changes.map(([scope_id, micros]) => ({ scope_id, micros })))}::jsonb)
      as c(scope_id uuid, micros bigint)
    order by c.scope_id
    on conflict (org_id, scope_id) do update set held_micros = h.held_micros + excluded.held_micros`;
}

// A reservation matters only until it expires (it then stops counting against any limit) or its
// usage settles it; an hour after expiry nothing can refer to it usefully, so it goes, keeping
// the table the size of live traffic. It is released first, so that the holds still add up.
const KEEP_AFTER_EXPIRY_MS = 60 * 60 * 1000;

export async function pruneReservations(db: Db, now = new Date()): Promise<number> {
  return db.transaction(async (tx) => {
    for (const [orgId, delta] of await releaseDueReservations(tx, null, now, 100_000))
      await applyHoldDeltas(tx, orgId, delta);
    const pruned = await queryRows<{ id: string }>(
      tx,
      sql`delete from budget_reservations
        where expires_at < ${new Date(now.getTime() - KEEP_AFTER_EXPIRY_MS).toISOString()}::timestamptz
          and released_at is not null
        returning id`,
    );
    return pruned.length;
  });
}
