import { getTableName, sql } from "drizzle-orm";
import type { Db } from "@/db/connect";
import type { apiKeys, gatewayTokens, scimTokens } from "@/db/schema";

// "Last used" of API keys and gateway tokens is kept to the minute, and written off the request
// path: a use is noted in memory and written right after, without the request waiting for it;
// each process writes a secret's last use at most once a minute, and the update is conditional,
// so several processes write it once a minute between them. Uses of many secrets noted while a
// write is in flight go in the next write, as one statement per table.
const RESOLUTION_MS = 60_000;
const MAX_REMEMBERED = 100_000;

type Table = typeof apiKeys | typeof gatewayTokens | typeof scimTokens;

interface Recorder {
  // When this process last wrote each secret's use (table:id → ms).
  written: Map<string, number>;
  pending: Map<Table, Map<string, Date>>;
  writing: Promise<void>;
}

const recorders = new WeakMap<Db, Recorder>();

function recorderOf(db: Db): Recorder {
  let recorder = recorders.get(db);
  if (!recorder)
    recorders.set(
      db,
      (recorder = { written: new Map(), pending: new Map(), writing: Promise.resolve() }),
    );
  return recorder;
}

/** Notes that a key or token was used at `now`; written soon after unless written this minute. */
export function noteLastUse(db: Db, table: Table, id: string, now = new Date()): void {
  const recorder = recorderOf(db);
  const name = `${getTableName(table)}:${id}`;
  const written = recorder.written.get(name);
  if (written !== undefined && now.getTime() - written < RESOLUTION_MS) return;
  if (recorder.written.size >= MAX_REMEMBERED) recorder.written.clear();
  recorder.written.set(name, now.getTime());
  let pending = recorder.pending.get(table);
  if (!pending) recorder.pending.set(table, (pending = new Map()));
  pending.set(id, now);
  void flushLastUse(db);
}

/** Resolves once every use noted so far is written (tests, and shutdown). */
export function flushLastUse(db: Db): Promise<void> {
  const recorder = recorderOf(db);
  recorder.writing = recorder.writing.then(() => write(db, recorder));
  return recorder.writing;
}

async function write(db: Db, recorder: Recorder) {
  for (const [table, pending] of recorder.pending) {
    if (!pending.size) continue;
    const uses = [...pending];
    pending.clear();
    const values = sql.join(
      uses.map(([id, at]) => sql`(${id}::uuid, ${at.toISOString()}::timestamptz)`),
      sql`, `,
    );
    try {
      await db.execute(sql`
        update ${table} set last_used_at = v.at
        from (values ${values}) as v(id, at)
        where ${table}.id = v.id
          and (${table}.last_used_at is null or ${table}.last_used_at < v.at - interval '1 minute')`);
    } catch (error) {
      // Advisory only: a lost "last used" is corrected by the next use a minute later.
      console.error("[gatehouse] could not record last use; will on the next use", error);
      for (const [id] of uses) recorder.written.delete(`${getTableName(table)}:${id}`);
    }
  }
}
