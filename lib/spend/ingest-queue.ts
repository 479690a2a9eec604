import type { Db } from "@/db/connect";
import { type Actor, assertCan } from "@/lib/auth/actor";
import { turnTaker } from "@/lib/turns";
import { type IngestResult, ingestUsageBatches } from "./ingest";
import type { UsageEventInput } from "./usage-event";

// Usage batches of one organisation are stored a few transactions at a time per instance: while
// they run, the batches that arrive queue, and the next transaction takes them all (up to
// MAX_EVENTS). Each caller still gets its own answer once its events and their rollups are
// committed. Concurrent batches of one organisation would otherwise wait on each other's rollup
// rows anyway; together they share one statement, one commit and, where they overlap (the same
// day, member, key and model), one rollup row. Two turns at a time: one statement uses one core
// of the database, and two turns overlap on few rollup rows (taken in the same order).

// Bounds one statement's size and how long its rollup rows stay locked.
const MAX_EVENTS = 5_000;

interface Queued {
  db: Db;
  actor: Actor;
  batch: readonly UsageEventInput[];
}

const storeInTurn = turnTaker<Queued, IngestResult>({
  turnsAtOnce: 2,
  fits: (taken, next) =>
    taken.reduce((events, q) => events + q.batch.length, next.batch.length) <= MAX_EVENTS,
  run: (turn) =>
    ingestUsageBatches(
      turn[0]!.db,
      turn[0]!.actor,
      turn.map((q) => q.batch),
    ),
  // One batch's failure must not fail the others.
  retryAlone: true,
});

/** ingestUsage, taken together with the batches of the same organisation that arrive meanwhile. */
export function ingestUsageInTurn(
  db: Db,
  actor: Actor,
  batch: readonly UsageEventInput[],
): Promise<IngestResult> {
  assertCan(actor, "usage:ingest");
  return storeInTurn(db, actor.orgId, { db, actor, batch });
}
