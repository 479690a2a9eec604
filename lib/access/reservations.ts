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
  const at = now.toISOString();
  const ofOrg = orgId ? sql`and r.org_id = ${orgId}::uuid` : sql``;
  const rows = await queryRows<{ org_id: string; scope_id: string; micros: string }>(
    tx,
    sql`
    with settled as (
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
    )
    select org_id, s.id as scope_id, sum(amount_micros) as micros
    from released cross join lateral unnest(array[member_id, key_id] || group_ids) as s(id)
    group by org_id, s.id`,
  );
  const deltas = new Map<string, HoldDelta>();
  for (const row of rows) {
    let delta = deltas.get(row.org_id);
    if (!delta) deltas.set(row.org_id, (delta = new Map()));
    delta.set(row.scope_id, -Number(row.micros));
  }
  return deltas;
}

/** Adds to (or takes off) an organisation's holds, row by row in id order (no deadlocks). */
export async function applyHoldDeltas(tx: Db, orgId: string, delta: HoldDelta) {
  const changes = [...delta]
    .filter(([, micros]) => micros !== 0)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  if (!changes.length) return;
  await tx.execute(sql`
    insert into budget_holds as h (org_id, scope_id, held_micros)
    select ${orgId}::uuid, c.scope_id, c.micros
    from jsonb_to_recordset(${JSON.stringify(changes.map(([scope_id, micros]) => ({ scope_id, micros })))}::jsonb)
      as c(scope_id uuid, micros bigint)
    order by c.scope_id
    on conflict (org_id, scope_id) do update set held_micros = h.held_micros + excluded.held_micros`);
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
