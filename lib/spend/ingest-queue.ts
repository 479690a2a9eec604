import type { Db } from "@/db/connect";
import { type Actor, assertCan } from "@/lib/auth/actor";
import { type IngestResult, ingestUsageBatches } from "./ingest";
import type { UsageEventInput } from "./usage-event";

// Usage batches of one organisation are stored a few transactions at a time per instance: while
// they run, the batches that arrive queue, and the next transaction takes them all (up to
// MAX_EVENTS). Each caller still gets its own answer once its events and their rollups are
// committed. Concurrent batches of one organisation would otherwise wait on each other's rollup
// rows anyway; together they share one statement, one commit and, where they overlap (the same
// day, member, key and model), one rollup row.

interface Waiting {
  actor: Actor;
  batch: readonly UsageEventInput[];
  resolve(result: IngestResult): void;
  reject(error: unknown): void;
}

// Bounds one statement's size and how long its rollup rows stay locked.
const MAX_EVENTS = 5_000;

// Two turns at a time per organisation and instance: one statement uses one core of the
// database, and two turns overlap on few rollup rows (those of the same day, group, member, key
// and model, which they take in the same order).
const TURNS_AT_ONCE = 2;

interface Queue {
  waiting: Waiting[];
  turns: number;
}

const queuesByDb = new WeakMap<Db, Map<string, Queue>>();

/** ingestUsage, taken together with the batches of the same organisation that arrive meanwhile. */
export function ingestUsageInTurn(
  db: Db,
  actor: Actor,
  batch: readonly UsageEventInput[],
): Promise<IngestResult> {
  assertCan(actor, "usage:ingest");
  let queues = queuesByDb.get(db);
  if (!queues) queuesByDb.set(db, (queues = new Map()));
  let queue = queues.get(actor.orgId);
  if (!queue) queues.set(actor.orgId, (queue = { waiting: [], turns: 0 }));
  const answer = new Promise<IngestResult>((resolve, reject) =>
    queue.waiting.push({ actor, batch, resolve, reject }),
  );
  if (queue.turns < TURNS_AT_ONCE) void drain(db, queue, () => queues.delete(actor.orgId));
  return answer;
}

async function drain(db: Db, queue: Queue, forget: () => void) {
  queue.turns++;
  const { waiting } = queue;
  while (waiting.length) {
    let events = 0;
    let take = 0;
    while (
      take < waiting.length &&
      (take === 0 || events + waiting[take]!.batch.length <= MAX_EVENTS)
    )
      events += waiting[take++]!.batch.length;
    const turn = waiting.splice(0, take);
    try {
      const results = await ingestUsageBatches(
        db,
        turn[0]!.actor,
        turn.map((w) => w.batch),
      );
      turn.forEach((w, i) => w.resolve(results[i]!));
    } catch (error) {
      if (turn.length === 1) turn[0]!.reject(error);
      // One batch's failure must not fail the others: each is tried again on its own.
      else
        for (const w of turn)
          await ingestUsageBatches(db, w.actor, [w.batch]).then(
            ([result]) => w.resolve(result!),
            w.reject,
          );
    }
  }
  if (--queue.turns === 0) forget();
}
