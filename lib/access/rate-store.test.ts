import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectPostgres } from "@/db/connect";
import type { Db } from "@/db/connect";
import { insertOrg } from "@/db/seed/builders";
import { testDatabase, urlOf, usingPostgres } from "@/test/db";
import {
  type RateCounter,
  type RateStore,
  minuteUse,
  postgresRateStore,
  redisRateStore,
} from "./rate-store";

// Both counter stores, held to the same contract: a request is counted in all its counters or
// in none, at most the limit in any 60 clock seconds, a day's count resets at UTC midnight, a
// refund uncounts, and many requests at once from two "instances" (two connections to the same
// PostgreSQL, two Redis clients) never overshoot. Redis is the machine's (REDIS_URL, else
// 127.0.0.1:6379, database 15).

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379/15";

describe("minuteUse", () => {
  it("counts the last 60 seconds and says when the oldest leave", () => {
    const counts: [number, number][] = [
      [940, 5], // out of the window at second 1000
      [941, 2],
      [970, 3],
      [1000, 1],
    ];
    expect(minuteUse(counts, 1000, 10)).toEqual({ used: 6, retryAfterSeconds: 0 });
    // Full at 6: one more room once second 941 leaves, 1 s from now.
    expect(minuteUse(counts, 1000, 6)).toEqual({ used: 6, retryAfterSeconds: 1 });
    // Full at 3: room once 941 and 970 have left, 30 s from now.
    expect(minuteUse(counts, 1000, 3)).toEqual({ used: 6, retryAfterSeconds: 30 });
  });
});

interface Instance {
  store: RateStore;
  close(): Promise<void>;
}

const stores: [string, () => Promise<{ orgId: string; instances: [Instance, Instance] }>][] = [
  [
    "PostgreSQL",
    async () => {
      const connection = await testDatabase();
      const org = await insertOrg(connection.db, {
        name: "rate",
        slug: `rate-${randomUUID().slice(0, 8)}`,
      });
      // A second instance: its own connection pool to the same database (PGlite has one).
      const second = usingPostgres ? await connectPostgres(urlOf(connection), { max: 10 }) : null;
      const db2: Db = second?.db ?? connection.db;
      return {
        orgId: org.id,
        instances: [
          { store: postgresRateStore(connection.db), close: async () => {} },
          { store: postgresRateStore(db2), close: async () => void (await second?.close()) },
        ],
      };
    },
  ],
  [
    "Redis",
    async () => {
      const clients = [new Redis(REDIS_URL), new Redis(REDIS_URL)];
      return {
        orgId: randomUUID(),
        instances: clients.map((c) => ({
          store: redisRateStore(c),
          close: async () => void (await c.quit()),
        })) as [Instance, Instance],
      };
    },
  ],
];

describe.each(stores)("the %s counter store", (_name, make) => {
  let orgId: string;
  let a: RateStore;
  let b: RateStore;
  let instances: Instance[];
  beforeAll(async () => {
    const made = await make();
    orgId = made.orgId;
    instances = made.instances;
    [a, b] = made.instances.map((i) => i.store) as [RateStore, RateStore];
  });
  afterAll(async () => {
    for (const i of instances) await i.close();
  });

  const counter = (limit: number, window: RateCounter["window"] = "minute"): RateCounter => ({
    key: randomUUID(),
    window,
    limit,
  });

  it("counts up to the limit, then refuses with the time until there is room", async () => {
    const rpm = counter(3);
    for (let i = 0; i < 3; i++)
      expect(await a.take(orgId, [rpm], true)).toMatchObject({ ok: true });
    const refused = await b.take(orgId, [rpm], true);
    expect(refused).toMatchObject({ ok: false, index: 0, used: 3 });
    if (refused.ok) return;
    expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(50);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60);
  });

  it("counts a request in every counter or in none", async () => {
    const roomy = counter(10);
    const full = counter(1, "day");
    expect(await a.take(orgId, [roomy, full], true)).toMatchObject({ ok: true });
    const refused = await a.take(orgId, [roomy, full], true);
    expect(refused).toMatchObject({ ok: false, index: 1, used: 1 });
    if (!refused.ok) expect(refused.retryAfterSeconds).toBeLessThanOrEqual(86_400);
    // The refused request was not counted in the roomy counter.
    for (let i = 1; i < 10; i++)
      expect(await b.take(orgId, [roomy], true)).toMatchObject({ ok: true });
    expect(await b.take(orgId, [roomy], true)).toMatchObject({ ok: false, used: 10 });
  });

  it("only looks without consume, and uncounts on refund", async () => {
    const rpm = counter(1);
    expect(await a.take(orgId, [rpm], false)).toMatchObject({ ok: true });
    const taken = await a.take(orgId, [rpm], true);
    expect(taken).toMatchObject({ ok: true });
    expect(await a.take(orgId, [rpm], false)).toMatchObject({ ok: false });
    if (taken.ok) await b.refund(orgId, [rpm], taken.at);
    expect(await a.take(orgId, [rpm], true)).toMatchObject({ ok: true });
  });

  it("admits exactly the limit of 400 simultaneous requests from two instances", async () => {
    const rpm = counter(100);
    const rpd = counter(150, "day");
    const results = await Promise.all(
      Array.from({ length: 400 }, (_, i) => (i % 2 ? a : b).take(orgId, [rpm, rpd], true)),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(100);
    expect(results.filter((r) => !r.ok && r.index === 0)).toHaveLength(300);
  });
});
