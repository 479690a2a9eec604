import { sql } from "drizzle-orm";
import type { Redis } from "ioredis";
import type { Db } from "@/db/connect";
import { boolArray, intArray, queryRows, textArray } from "@/db/rows";
import { turnTaker } from "@/lib/turns";
import { env } from "@/lib/env";

// Where requests are counted against rate limits: shared by every instance, never per process —
// PostgreSQL by default (the database the instances share), Redis when REDIS_URL is set. Either
// store checks every counter of a request and counts it in all of them atomically, by the store's
// own clock, so instances with skewed clocks agree. A store that cannot answer throws: authorize
// then fails closed (503), as it does when the database is down.
//
// Per-minute limits count per clock second and look at the last 60 seconds: a request is
// admitted when the 60 one-second buckets up to and including the current one hold fewer than the
// limit. So any 60 consecutive clock seconds hold at most the limit, and so does any 59-second
// interval; a 60-second interval that straddles 61 clock seconds can hold the limit plus what
// its first partial second admitted. Per-day limits count per UTC day and reset at midnight UTC.
// The store's lock (an advisory lock per counter, or Redis's single-threaded script) makes this
// exact under concurrency: no overshoot from requests that arrive together. Either store checks
// and counts in one round trip.

export type RateWindow = "minute" | "day";

export interface RateCounter {
  /** Names the limit, and the member for a per-member group limit. */
  key: string;
  window: RateWindow;
  limit: number;
}

export type RateTake =
  /** Counted (or, without `consume`, would be): `at` is the store's second, for a refund. */
  | { ok: true; at: number }
  /** The first counter that is full: how many it holds, and when it next has room. */
  | { ok: false; index: number; used: number; retryAfterSeconds: number };

export interface RateStore {
  take(orgId: string, counters: RateCounter[], consume: boolean): Promise<RateTake>;
  /** Uncounts a request counted at `at` (it was refused by a later rule). */
  refund(orgId: string, counters: RateCounter[], at: number): Promise<void>;
}

const DAY = 86_400;
const counterName = (c: RateCounter) => `${c.key}:${c.window === "minute" ? "m" : "d"}`;
const windowCode = (c: RateCounter) => (c.window === "minute" ? "m" : "d");

interface Taking {
  db: Db;
  orgId: string;
  counters: RateCounter[];
  consume: boolean;
}

// The most requests one statement decides: bounds its size and how long it holds the locks.
const MAX_BATCH = 500;

// One batch at a time per organisation and instance: the requests that arrive meanwhile wait and
// go together in the next (batches of one organisation would mostly wait on each other's locks).
const takeInTurn = turnTaker<Taking, RateTake>({
  turnsAtOnce: 1,
  fits: (taken) => taken.length < MAX_BATCH,
  run: (batch) => takeBatch(batch[0]!.db, batch[0]!.orgId, batch),
});

async function takeBatch(db: Db, orgId: string, batch: Taking[]): Promise<RateTake[]> {
  const counters = batch.flatMap((t) => t.counters);
  const requests = batch.flatMap((t, i) => t.counters.map(() => i + 1));
  const rows = await queryRows<{
    request: number;
    full_index: number;
    used: number;
    retry_after: number;
    now_second: number;
  }>(
    db,
    sql`select * from gatehouse_rate_take(${orgId}::uuid, ${intArray(requests)},
          ${textArray(counters.map(counterName))}, ${textArray(counters.map(windowCode))},
          ${intArray(counters.map((c) => c.limit))}, ${boolArray(batch.map((t) => t.consume))})`,
  );
  const byRequest = new Map(rows.map((r) => [r.request, r]));
  return batch.map((_, i) => {
    const { full_index, used, retry_after, now_second } = byRequest.get(i + 1)!;
    return full_index === 0
      ? { ok: true, at: now_second }
      : { ok: false, index: full_index - 1, used, retryAfterSeconds: retry_after };
  });
}

/**
 * PostgreSQL: rate_limit_counts, a row per counter and second (or day), checked and counted by
 * gatehouse_rate_take (migration 0017) for a batch of requests in one statement, under advisory
 * locks.
 */
export function postgresRateStore(db: Db): RateStore {
  return {
    take: (orgId, counters, consume) => takeInTurn(db, orgId, { db, orgId, counters, consume }),
    async refund(orgId, counters, at) {
      const today = Math.floor(at / DAY) * DAY;
      await db.execute(sql`
        update rate_limit_counts set requests = requests - 1
        from unnest(${textArray(counters.map(counterName))},
                    ${intArray(counters.map((c) => (c.window === "minute" ? at : today)))}) as c(name, start)
        where org_id = ${orgId}::uuid and counter = c.name and window_start = to_timestamp(c.start)
          and requests > 0`);
    },
  };
}

// Redis: a hash per per-minute counter (field: the second, value: its requests) and a string per
// per-day counter and UTC day, checked and counted by one script (Redis runs scripts one at a
// time), by Redis's own clock. Keys carry the organisation as a hash tag, so an organisation's
// counters live in one slot of a cluster.
const TAKE_SCRIPT = `
local now = tonumber(redis.call('TIME')[1])
local day = math.floor(now / 86400)
for i = 1, #KEYS do
  local window, limit = ARGV[2 * i], tonumber(ARGV[2 * i + 1])
  if window == 'm' then
    local fields = redis.call('HGETALL', KEYS[i])
    local live, stale, used = {}, {}, 0
    for j = 1, #fields, 2 do
      local second, n = tonumber(fields[j]), tonumber(fields[j + 1])
      if second > now - 60 then used = used + n; live[#live + 1] = {second, n}
      else stale[#stale + 1] = fields[j] end
    end
    if #stale > 0 then redis.call('HDEL', KEYS[i], unpack(stale)) end
    if used >= limit then
      table.sort(live, function(a, b) return a[1] < b[1] end)
      local remaining, retry = used, 60
      for _, bucket in ipairs(live) do
        remaining = remaining - bucket[2]
        if remaining < limit then retry = bucket[1] - (now - 60); break end
      end
      return {i, used, retry, now}
    end
  else
    local used = tonumber(redis.call('GET', KEYS[i] .. ':' .. day) or '0')
    if used >= limit then return {i, used, (day + 1) * 86400 - now, now} end
  end
end
if ARGV[1] == '1' then
  for i = 1, #KEYS do
    if ARGV[2 * i] == 'm' then
      redis.call('HINCRBY', KEYS[i], now, 1)
      redis.call('EXPIRE', KEYS[i], 120)
    else
      local key = KEYS[i] .. ':' .. day
      redis.call('INCR', key)
      redis.call('EXPIRE', key, 172800)
    end
  end
end
return {0, 0, 0, now}`;

const REFUND_SCRIPT = `
local at = tonumber(ARGV[1])
for i = 1, #KEYS do
  if ARGV[i + 1] == 'm' then
    if tonumber(redis.call('HGET', KEYS[i], at) or '0') > 0 then redis.call('HINCRBY', KEYS[i], at, -1) end
  else
    local key = KEYS[i] .. ':' .. math.floor(at / 86400)
    if tonumber(redis.call('GET', key) or '0') > 0 then redis.call('DECR', key) end
  end
end
return 0`;

interface ScriptedRedis extends Redis {
  gatehouseRateTake(numKeys: number, ...keysAndArgs: (string | number)[]): Promise<number[]>;
  gatehouseRateRefund(numKeys: number, ...keysAndArgs: (string | number)[]): Promise<number>;
}

export function redisRateStore(redis: Redis): RateStore {
  if (!("gatehouseRateTake" in redis)) {
    // Sent as EVALSHA, loaded again by ioredis after a Redis restart.
    redis.defineCommand("gatehouseRateTake", { lua: TAKE_SCRIPT });
    redis.defineCommand("gatehouseRateRefund", { lua: REFUND_SCRIPT });
  }
  const client = redis as ScriptedRedis;
  const keyOf = (orgId: string, c: RateCounter) => `gh:rl:{${orgId}}:${counterName(c)}`;
  return {
    async take(orgId, counters, consume) {
      const args = counters.flatMap((c) => [windowCode(c), c.limit]);
      const [index, used, retryAfterSeconds, now] = await client.gatehouseRateTake(
        counters.length,
        ...counters.map((c) => keyOf(orgId, c)),
        consume ? "1" : "0",
        ...args,
      );
      return index === 0
        ? { ok: true, at: now! }
        : { ok: false, index: index! - 1, used: used!, retryAfterSeconds: retryAfterSeconds! };
    },
    async refund(orgId, counters, at) {
      await client.gatehouseRateRefund(
        counters.length,
        ...counters.map((c) => keyOf(orgId, c)),
        at,
        ...counters.map(windowCode),
      );
    },
  };
}

let sharedRedis: Promise<Redis> | undefined;
const stores = new WeakMap<Db, RateStore>();

async function connectRedis(url: string): Promise<Redis> {
  const { Redis } = await import("ioredis");
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 1_000,
    commandTimeout: 1_000,
  });
  // Reconnects on its own; a request meanwhile fails (closed), and the log says why.
  redis.on("error", (error: Error) => console.error("[rate limits] Redis:", error.message));
  return redis;
}

/**
 * The process's store: Redis when REDIS_URL is set (one connection for the process, failing
 * fast rather than queueing while Redis is away), else PostgreSQL on this database.
 */
export async function rateStoreFor(db: Db): Promise<RateStore> {
  const url = env().REDIS_URL;
  if (!url) {
    let store = stores.get(db);
    if (!store) stores.set(db, (store = postgresRateStore(db)));
    return store;
  }
  // One promise, so that the requests that arrive together at start share one connection.
  const redis = await (sharedRedis ??= connectRedis(url));
  await whenReady(redis);
  return redisRateStore(redis);
}

const READY_WAIT_MS = 1_000;

// Without an offline queue a command sent before the connection is up fails at once: the first
// requests after a start (or during a reconnect) wait up to a second for it instead, then fail.
// They share one wait.
const waits = new WeakMap<Redis, Promise<void>>();

function whenReady(redis: Redis): Promise<void> {
  if (redis.status === "ready") return Promise.resolve();
  let wait = waits.get(redis);
  if (!wait) {
    wait = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        redis.off("ready", onReady);
        reject(new Error(`Redis is not reachable (${redis.status})`));
      }, READY_WAIT_MS);
      const onReady = () => {
        clearTimeout(timer);
        resolve();
      };
      redis.once("ready", onReady);
    }).finally(() => waits.delete(redis));
    waits.set(redis, wait);
  }
  return wait;
}
