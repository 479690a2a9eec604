import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectPostgres } from "@/db/connect";
import type { Db } from "@/db/connect";
import { insertOrg } from "@/db/seed/builders";
import { testDatabase, urlOf, usingPostgres } from "@/test/db";
import { type RateCounter, type RateStore, postgresRateStore, redisRateStore } from "./rate-store";

// Both counter stores, held to the same contract: a request is counted in all its counters or
// in none, at most the limit in any 60 clock seconds, a day's count resets at UTC midnight, a
// refund uncounts, and many requests at once from two "instances" (two connections to the same
// PostgreSQL, two Redis clients) never overshoot. Redis is the machine's (REDIS_URL, else
// 127.0.0.1:6379, database 15).

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379/15";

interface Instance {
  store: RateStore;
  close(): Promise<void>;
}

interface Made {
  orgId: string;
  instances: [Instance, Instance];
  /** Writes `requests` into a per-minute counter's second that began `secondsAgo` by the store's clock. */
  seed(key: string, secondsAgo: number, requests: number): Promise<void>;
}

const stores: [string, () => Promise<Made>][] = [
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
        seed: async (key, secondsAgo, requests) =>
          void (await connection.db.execute(sql`
            insert into rate_limit_counts (org_id, counter, window_start, requests)
            values (${org.id}::uuid, ${`${key}:m`},
                    to_timestamp(floor(extract(epoch from clock_timestamp())) - ${secondsAgo}), ${requests})`)),
      };
    },
  ],
  [
    "Redis",
    async () => {
      const clients = [new Redis(REDIS_URL), new Redis(REDIS_URL)];
      const orgId = randomUUID();
      return {
        orgId,
        seed: async (key, secondsAgo, requests) => {
          const [now] = await clients[0]!.time();
          await clients[0]!.hset(`gh:rl:{${orgId}}:${key}:m`, Number(now) - secondsAgo, requests);
        },
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
  let made: Made;
  beforeAll(async () => {
    made = await make();
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
    amount: window === "tokens" ? 0 : 1,
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

  it("looks at the last 60 seconds and says when the oldest of them leave", async () => {
    const rpm = counter(10);
    await made.seed(rpm.key, 70, 50); // out of the window
    await made.seed(rpm.key, 50, 2);
    await made.seed(rpm.key, 30, 3);
    await made.seed(rpm.key, 5, 1);
    expect(await a.take(orgId, [rpm], false)).toMatchObject({ ok: true });
    // Full at 6: room once the second of 50 s ago leaves, in 10 s (9 if the clock ticked since).
    const atSix = await a.take(orgId, [{ ...rpm, limit: 6 }], false);
    expect(atSix).toMatchObject({ ok: false, used: 6 });
    if (!atSix.ok) expect([9, 10]).toContain(atSix.retryAfterSeconds);
    // Full at 3: room once the seconds of 50 and 30 s ago have left, in 30 s.
    const atThree = await b.take(orgId, [{ ...rpm, limit: 3 }], false);
    if (!atThree.ok) expect([29, 30]).toContain(atThree.retryAfterSeconds);
    expect(atThree.ok).toBe(false);
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

  it("counts token estimates until usage settles them with what was used", async () => {
    const tpm = counter(1_000, "tokens");
    const asking = (amount: number) => [{ ...tpm, amount }];
    const first = randomUUID();
    expect(await a.take(orgId, asking(600), true, first)).toMatchObject({ ok: true });
    // More than the limit never fits: no time to wait for.
    expect(await b.take(orgId, asking(1_001), false)).toMatchObject({
      ok: false,
      retryAfterSeconds: 0,
    });
    // 600 of 1,000 held: an estimate of 500 does not fit, one of 400 does.
    expect(await b.take(orgId, asking(500), false)).toMatchObject({ ok: false, used: 600 });
    expect(await b.take(orgId, asking(400), false)).toMatchObject({ ok: true });
    // The usage says 200 were used: the 600 held leave, the 200 count.
    await b.settle(orgId, [first], [{ key: tpm.key, amount: 200 }]);
    expect(await a.take(orgId, asking(800), false)).toMatchObject({ ok: true });
    expect(await a.take(orgId, asking(801), false)).toMatchObject({ ok: false, used: 200 });
    // Settling again releases nothing more; usage without an estimate still counts.
    await a.settle(orgId, [first], [{ key: tpm.key, amount: 800 }]);
    expect(await b.take(orgId, asking(0), true)).toMatchObject({ ok: false, used: 1_000 });
    // A refused request's estimate (refund) leaves too, hold and all.
    const other = counter(1_000, "tokens");
    const second = randomUUID();
    const taken = await a.take(orgId, [{ ...other, amount: 900 }], true, second);
    expect(taken).toMatchObject({ ok: true });
    if (taken.ok) await b.refund(orgId, [{ ...other, amount: 900 }], taken.at, second);
    expect(await a.take(orgId, [{ ...other, amount: 1_000 }], false)).toMatchObject({ ok: true });
    // Its hold is gone: settling it now releases nothing it did not hold.
    await a.settle(orgId, [second], [{ key: other.key, amount: 300 }]);
    expect(await a.take(orgId, [{ ...other, amount: 701 }], false)).toMatchObject({ ok: false });
    expect(await a.take(orgId, [{ ...other, amount: 700 }], false)).toMatchObject({ ok: true });
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
