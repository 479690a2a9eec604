import { sql } from "drizzle-orm";
import type { Redis } from "ioredis";
import type { Db } from "@/db/connect";
import { bigintArray, boolArray, intArray, isUuid, queryRows, textArray } from "@/db/rows";
import { turnTaker } from "@/lib/turns";
import { env } from "@/lib/env";

// Where requests are counted against rate limits: shared by every instance, never per process —
// PostgreSQL by default (the database the instances share), Redis when REDIS_URL is set. Either
// store checks every counter of a request and counts it in all of them atomically, by the store's
// own clock, so instances with skewed clocks agree. A store that cannot answer throws: authorize
// then fails closed (503), as it does when the database is down.
//
// Per-minute limits (requests, and tokens) count per clock second and look at the last 60
// seconds: a request is admitted when the 60 one-second buckets up to and including the current
// one hold less than the limit, and its amount (1 request, or its token estimate) fits. So any 60
// consecutive clock seconds hold at most the limit, and so does any 59-second interval; a
// 60-second interval that straddles 61 clock seconds can hold the limit plus what its first
// partial second admitted. Per-day limits count per UTC day and reset at midnight UTC. The
// store's lock (an advisory lock per counter, or Redis's single-threaded script) makes this exact
// under concurrency: no overshoot from requests that arrive together. Either store checks and
// counts in one round trip.
//
// Tokens a minute count what usage reports, when it arrives (settle), and meanwhile the estimate
// authorize was given: a hold, named by the decision's reservation id, that the usage releases.

export type RateWindow = "minute" | "day" | "tokens";

export interface RateCounter {
  /** Names the limit, and the member for a per-member group limit. */
  key: string;
  window: RateWindow;
  limit: number;
  /** What the request adds: 1 for requests, the token estimate (or 0) for tokens. */
  amount: number;
}

export type RateTake =
  /** Counted (or, without `consume`, would be): `at` is the store's second, for a refund. */
  | { ok: true; at: number }
  /**
   * The first counter that is full: how much it holds, and when it next has room (0: never, the
   * request's amount is more than the limit).
   */
  | { ok: false; index: number; used: number; retryAfterSeconds: number };

export interface RateStore {
  /** With `holdId`, the token estimates counted are remembered for settle to release. */
  take(
    orgId: string,
    counters: RateCounter[],
    consume: boolean,
    holdId?: string | null,
  ): Promise<RateTake>;
  /** Uncounts a request counted at `at` (it was refused by a later rule), and forgets its hold. */
  refund(orgId: string, counters: RateCounter[], at: number, holdId?: string | null): Promise<void>;
  /** Usage arrived: releases these holds, and counts the tokens reported, per tokens counter key. */
  settle(
    orgId: string,
    holdIds: string[],
    tokens: { key: string; amount: number }[],
  ): Promise<void>;
}

const DAY = 86_400;
const WINDOW_CODES = { minute: "m", day: "d", tokens: "t" } as const;
const windowCode = (c: RateCounter) => WINDOW_CODES[c.window];
const counterName = (c: RateCounter) => `${c.key}:${windowCode(c)}`;
const tokensName = (key: string) => `${key}:t`;

/** A uuid[] parameter with NULLs where there is no id. */
function nullableUuids(ids: (string | null | undefined)[]) {
  if (!ids.every((id) => !id || isUuid(id))) throw new Error("hold ids are UUIDs");
  return sql`${`{${ids.map((id) => id || "NULL").join(",")}}`}::uuid[]`;
}

interface Taking {
  db: Db;
  orgId: string;
  counters: RateCounter[];
  consume: boolean;
  holdId: string | null;
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
          ${bigintArray(counters.map((c) => c.limit))}, ${bigintArray(counters.map((c) => c.amount))},
          ${boolArray(batch.map((t) => t.consume))}, ${nullableUuids(batch.map((t) => t.holdId))})`,
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
 * gatehouse_rate_take (migration 0019) for a batch of requests in one statement, under advisory
 * locks; token holds in rate_limit_holds, released by gatehouse_rate_settle.
 */
export function postgresRateStore(db: Db): RateStore {
  return {
    take: (orgId, counters, consume, holdId = null) =>
      takeInTurn(db, orgId, { db, orgId, counters, consume, holdId }),
    async refund(orgId, counters, at, holdId = null) {
      const today = Math.floor(at / DAY) * DAY;
      await db.execute(
        sql`select gatehouse_rate_refund(${orgId}::uuid, ${textArray(counters.map(counterName))},
              ${intArray(counters.map((c) => (c.window === "day" ? today : at)))},
              ${bigintArray(counters.map((c) => c.amount))}, ${holdId}::uuid)`,
      );
    },
    async settle(orgId, holdIds, tokens) {
      if (!holdIds.length && !tokens.length) return;
      await db.execute(
        sql`select gatehouse_rate_settle(${orgId}::uuid, ${nullableUuids(holdIds)},
              ${textArray(tokens.map((t) => tokensName(t.key)))}, ${bigintArray(tokens.map((t) => t.amount))})`,
      );
    },
  };
}

// Redis: a hash per per-minute counter (field: the second, value: what it counted) and a string
// per per-day counter and UTC day, checked and counted by one script (Redis runs scripts one at a
// time), by Redis's own clock; a token hold is a hash (the second, and each counter's estimate)
// that expires after two minutes. Keys carry the organisation as a hash tag, so an organisation's
// keys live in one slot of a cluster.
const TAKE_SCRIPT = `
local now = tonumber(redis.call('TIME')[1])
local day = math.floor(now / 86400)
for i = 1, #KEYS do
  local window, limit, amount = ARGV[3 * i], tonumber(ARGV[3 * i + 1]), tonumber(ARGV[3 * i + 2])
  if window ~= 'd' then
    local fields = redis.call('HGETALL', KEYS[i])
    local live, stale, used = {}, {}, 0
    for j = 1, #fields, 2 do
      local second, n = tonumber(fields[j]), tonumber(fields[j + 1])
      if second > now - 60 then used = used + n; live[#live + 1] = {second, n}
      else stale[#stale + 1] = fields[j] end
    end
    if #stale > 0 then redis.call('HDEL', KEYS[i], unpack(stale)) end
    if used >= limit or used + amount > limit then
      if amount > limit then return {i, used, 0, now} end
      table.sort(live, function(a, b) return a[1] < b[1] end)
      local remaining, retry = used, 60
      for _, bucket in ipairs(live) do
        remaining = remaining - bucket[2]
        if remaining < limit and remaining + amount <= limit then
          retry = math.max(bucket[1] - (now - 60), 1)
          break
        end
      end
      return {i, used, retry, now}
    end
  else
    local used = tonumber(redis.call('GET', KEYS[i] .. ':' .. day) or '0')
    if used >= limit or used + amount > limit then
      return {i, used, amount > limit and 0 or (day + 1) * 86400 - now, now}
    end
  end
end
if ARGV[1] == '1' then
  local hold = {}
  for i = 1, #KEYS do
    local window, amount = ARGV[3 * i], tonumber(ARGV[3 * i + 2])
    if amount > 0 then
      if window ~= 'd' then
        redis.call('HINCRBY', KEYS[i], now, amount)
        redis.call('EXPIRE', KEYS[i], 120)
      else
        local key = KEYS[i] .. ':' .. day
        redis.call('INCRBY', key, amount)
        redis.call('EXPIRE', key, 172800)
      end
      if window == 't' then hold[#hold + 1] = KEYS[i]; hold[#hold + 1] = amount end
    end
  end
  if ARGV[2] ~= '' and #hold > 0 then
    redis.call('HSET', ARGV[2], '@', now, unpack(hold))
    redis.call('EXPIRE', ARGV[2], 120)
  end
end
return {0, 0, 0, now}`;

const REFUND_SCRIPT = `
local at = tonumber(ARGV[1])
for i = 1, #KEYS do
  local window, amount = ARGV[2 * i + 1], tonumber(ARGV[2 * i + 2])
  if window ~= 'd' then
    local dec = math.min(tonumber(redis.call('HGET', KEYS[i], at) or '0'), amount)
    if dec > 0 then redis.call('HINCRBY', KEYS[i], at, -dec) end
  else
    local key = KEYS[i] .. ':' .. math.floor(at / 86400)
    local dec = math.min(tonumber(redis.call('GET', key) or '0'), amount)
    if dec > 0 then redis.call('DECRBY', key, dec) end
  end
end
if ARGV[2] ~= '' then redis.call('DEL', ARGV[2]) end
return 0`;

// KEYS: the holds (ARGV[1] of them), then the tokens counters to add to (ARGV[2], ...).
const SETTLE_SCRIPT = `
local now = tonumber(redis.call('TIME')[1])
local holds = tonumber(ARGV[1])
for i = 1, holds do
  local fields = redis.call('HGETALL', KEYS[i])
  local at
  for j = 1, #fields, 2 do if fields[j] == '@' then at = tonumber(fields[j + 1]) end end
  if at and at > now - 60 then
    for j = 1, #fields, 2 do
      if fields[j] ~= '@' then
        local dec = math.min(tonumber(redis.call('HGET', fields[j], at) or '0'), tonumber(fields[j + 1]))
        if dec > 0 then redis.call('HINCRBY', fields[j], at, -dec) end
      end
    end
  end
  redis.call('DEL', KEYS[i])
end
for i = holds + 1, #KEYS do
  redis.call('HINCRBY', KEYS[i], now, tonumber(ARGV[i - holds + 1]))
  redis.call('EXPIRE', KEYS[i], 120)
end
return now`;

interface ScriptedRedis extends Redis {
  gatehouseRateTake(numKeys: number, ...keysAndArgs: (string | number)[]): Promise<number[]>;
  gatehouseRateRefund(numKeys: number, ...keysAndArgs: (string | number)[]): Promise<number>;
  gatehouseRateSettle(numKeys: number, ...keysAndArgs: (string | number)[]): Promise<number>;
}

export function redisRateStore(redis: Redis): RateStore {
  if (!("gatehouseRateTake" in redis)) {
    // Sent as EVALSHA, loaded again by ioredis after a Redis restart.
    redis.defineCommand("gatehouseRateTake", { lua: TAKE_SCRIPT });
    redis.defineCommand("gatehouseRateRefund", { lua: REFUND_SCRIPT });
    redis.defineCommand("gatehouseRateSettle", { lua: SETTLE_SCRIPT });
  }
  const client = redis as ScriptedRedis;
  const prefix = (orgId: string) => `gh:rl:{${orgId}}:`;
  const keyOf = (orgId: string, c: RateCounter) => `${prefix(orgId)}${counterName(c)}`;
  const holdKey = (orgId: string, holdId: string | null | undefined) =>
    holdId ? `${prefix(orgId)}hold:${holdId}` : "";
  return {
    async take(orgId, counters, consume, holdId) {
      const args = counters.flatMap((c) => [windowCode(c), c.limit, c.amount]);
      const [index, used, retryAfterSeconds, now] = await client.gatehouseRateTake(
        counters.length,
        ...counters.map((c) => keyOf(orgId, c)),
        consume ? "1" : "0",
        holdKey(orgId, holdId),
        ...args,
      );
      return index === 0
        ? { ok: true, at: now! }
        : { ok: false, index: index! - 1, used: used!, retryAfterSeconds: retryAfterSeconds! };
    },
    async refund(orgId, counters, at, holdId) {
      await client.gatehouseRateRefund(
        counters.length,
        ...counters.map((c) => keyOf(orgId, c)),
        at,
        holdKey(orgId, holdId),
        ...counters.flatMap((c) => [windowCode(c), c.amount]),
      );
    },
    async settle(orgId, holdIds, tokens) {
      if (!holdIds.length && !tokens.length) return;
      await client.gatehouseRateSettle(
        holdIds.length + tokens.length,
        ...holdIds.map((id) => holdKey(orgId, id)),
        ...tokens.map((t) => `${prefix(orgId)}${tokensName(t.key)}`),
        holdIds.length,
        ...tokens.map((t) => t.amount),
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
        // A busy event loop can run this timer before the ready event it already has.
        if (redis.status === "ready") resolve();
        else reject(new Error(`Redis is not reachable (${redis.status})`));
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
