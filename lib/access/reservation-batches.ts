import type { Db } from "@/db/connect";
import { startOfMonthUtc } from "@/lib/time";
import { turnTaker } from "@/lib/turns";
import { type Access, type DecisionRequest, type Outcome, checkLimits } from "./checks";
import { type NewReservation, insertReservations } from "./reservations";
import type { WindowSpan } from "@/lib/limits/windows";
import { limitScopeOf, lockLimits, usedFor, usedAgainstLimitsAndRelease } from "./used";

// Reserving decisions of one organisation are taken in batches: while one batch's transaction
// runs, the requests that arrive queue, and the next batch takes them all in one transaction:
// lock everything they count against (in the fixed order of lockLimits); read what is used and
// release what has been settled or has expired (one statement); decide each request in arrival
// order counting the estimates allowed before it; insert the reservations and move the holds by
// what was released and reserved (one statement); commit. Three round trips between BEGIN and
// COMMIT whatever the batch's size, and statements whose text does not grow with it. Hard budgets
// stay exact across instances: every batch, in every instance, reads and reserves under the same
// row locks, so no two batches overlap on a budget, and within a batch each decision sees the
// ones before it. A request is overshot by at most its own estimate, as before batching.

export interface ReservationOptions {
  now: Date;
  reservationTtlSeconds?: number;
  /** The decision's id, the reservation's if it makes one. */
  reservationId: string;
}

interface Waiting {
  db: Db;
  orgId: string;
  access: Access;
  request: DecisionRequest;
  options: ReservationOptions;
}

const DEFAULT_TTL_SECONDS = 300;
// The most requests one transaction decides: bounds the statement sizes and the lock hold time.
const MAX_BATCH = 500;

// One batch at a time per organisation, month and instance: batches of one organisation would
// wait on each other's locks anyway.
const decideInTurn = turnTaker<Waiting, Outcome>({
  turnsAtOnce: 1,
  fits: (taken) => taken.length < MAX_BATCH,
  run: (batch) => decideBatch(batch[0]!.db, batch[0]!.orgId, batch),
});

/** Decides a request that passed the access rules, reserving its estimate when allowed. */
export function reserveInBatch(
  db: Db,
  orgId: string,
  access: Access,
  request: DecisionRequest,
  options: ReservationOptions,
): Promise<Outcome> {
  // A batch counts one calendar month: requests either side of midnight on the 1st do not mix.
  const name = `${orgId}/${startOfMonthUtc(options.now).toISOString()}`;
  return decideInTurn(db, name, { db, orgId, access, request, options });
}

function decideBatch(db: Db, orgId: string, batch: Waiting[]): Promise<Outcome[]> {
  const memberIds = new Set<string>();
  const keyIds = new Set<string>();
  const groupIds = new Set<string>();
  const windows = new Map<string, WindowSpan>();
  for (const { access } of batch) {
    const own = limitScopeOf(access);
    const on = (scope: string) => access.windows.some((w) => w.window.scope === scope);
    if (access.member.limitMicros !== null || on("member")) memberIds.add(access.member.id);
    if (access.key.monthlyLimitMicros !== null || on("key")) keyIds.add(access.key.id);
    for (const id of own.groupIds) groupIds.add(id);
    for (const w of own.windows) windows.set(w.span, w);
  }
  const scope = {
    memberIds: [...memberIds].sort(),
    keyIds: [...keyIds].sort(),
    groupIds: [...groupIds].sort(),
    windows: [...windows.values()],
  };
  // Open reservations are counted as of the latest request's time.
  const now = new Date(Math.max(...batch.map((w) => w.options.now.getTime())));
  return db.transaction(async (tx) => {
    await lockLimits(tx, scope);
    const { used, released: holds } = await usedAgainstLimitsAndRelease(tx, orgId, scope, now);
    const rows: NewReservation[] = [];
    const outcomes = batch.map(({ access, request, options }) => {
      const { key, member, hardGroups, heldGroups } = access;
      const { reservationId } = options;
      const outcome = checkLimits(access, request, usedFor(used, access), reservationId);
      if (!outcome.decision.allow) return outcome;
      const estimate = request.estimatedCostMicros;
      const add = (map: Map<string, number>, id: string) =>
        map.set(id, (map.get(id) ?? 0) + estimate);
      add(used.members, member.id);
      add(used.keys, key.id);
      for (const g of hardGroups) add(used.groups, g.id);
      for (const w of access.windows) add(used.windows, w.span);
      for (const id of [member.id, key.id, ...heldGroups.map((g) => g.id)]) add(holds, id);
      const ttl = options.reservationTtlSeconds ?? DEFAULT_TTL_SECONDS;
      rows.push({
        id: reservationId,
        memberId: member.id,
        keyId: key.id,
        groupIds: heldGroups.map((g) => g.id),
        amountMicros: estimate,
        createdAt: options.now,
        expiresAt: new Date(options.now.getTime() + ttl * 1000),
      });
      return outcome;
    });
    await insertReservations(tx, orgId, rows, holds);
    return outcomes;
  });
}
