import { and, eq } from "drizzle-orm";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/connect";
import { auditLog, orgMembers } from "@/db/schema";
import { insertApiKey } from "@/db/seed/builders";
import { REFUSAL_ACTION } from "@/lib/audit/refusals";
import type { Actor } from "@/lib/auth/actor";
import { type Snapshots, startSnapshots } from "@/lib/gateway/snapshots";
import { removeRateLimit, setRateLimit } from "@/lib/limits/rate-limits";
import { ingestUsage } from "@/lib/spend/ingest";
import { testDatabase } from "@/test/db";
import { orgFixture } from "@/test/fixtures";
import { authorize } from "./authorize";
import { explainAccess } from "./explain";
import { type RateStore, postgresRateStore, redisRateStore } from "./rate-store";

// The rate-limit rule in the decision: where it sits (after the access rules, before the money),
// what it names when it refuses, who shares a counter, model patterns, and that a request refused
// later (by a limit or budget) or only explained ("Why?") is not counted. On both counter stores,
// with the subject read from the database and from the gateway's snapshot.

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379/15";

let db: Db;
let started: Snapshots;
let redis: Redis;
beforeAll(async () => {
  const connection = await testDatabase();
  db = connection.db;
  started = await startSnapshots(connection);
  redis = new Redis(REDIS_URL);
});
afterAll(async () => {
  await redis.quit();
});

const policy = {
  allowedModels: [],
  fallbackModels: [],
  loadBalancing: "none" as const,
  weights: {},
};

describe.each([
  ["PostgreSQL", "database"],
  ["Redis", "snapshots"],
] as const)("rate limits counted in %s, subject from the %s", (storeName, source) => {
  let store: RateStore;
  let snapshots: Snapshots | undefined;
  beforeAll(() => {
    store = storeName === "Redis" ? redisRateStore(redis) : postgresRateStore(db);
    snapshots = source === "snapshots" ? started : undefined;
  });

  /** Marketing with Ann and Bob, Sales with Carol; one key for both groups. */
  async function scene() {
    const f = await orgFixture(db, "admin");
    const marketing = await f.group("Marketing");
    const sales = await f.group("Sales");
    const [ann, bob, carol] = [
      await f.person("Ann"),
      await f.person("Bob"),
      await f.person("Carol"),
    ];
    await f.join(marketing, ann.id);
    await f.join(marketing, bob.id);
    await f.join(sales, carol.id);
    const { key, secret } = await insertApiKey(db, {
      orgId: f.org.id,
      name: "shared-key",
      features: [],
      policy,
      groupIds: [marketing, sales],
    });
    const gateway: Actor = { kind: "gateway", tokenId: "t", orgId: f.org.id, label: "gw" };
    const ask = async (who: string, model = "gpt-4o") => {
      await snapshots?.caughtUp();
      return authorize(
        db,
        gateway,
        { apiKey: secret, user: { email: `${who.toLowerCase()}@${f.org.slug}.test` }, model },
        { snapshots, rateStore: store },
      );
    };
    const limit = (
      target: Parameters<typeof setRateLimit>[2]["target"],
      rates: object,
      modelPattern?: string,
    ) => setRateLimit(db, f.actor, { target, modelPattern, ...rates });
    return { ...f, marketing, sales, ann, bob, carol, key, secret, ask, limit };
  }

  it("refuses the request over a key's limit, naming the limit, the window and when to retry", async () => {
    const s = await scene();
    await s.limit({ kind: "key", id: s.key.id }, { requestsPerMinute: 2 });
    expect((await s.ask("Ann")).allow).toBe(true);
    expect((await s.ask("Carol")).allow).toBe(true);
    const refused = await s.ask("Bob");
    expect(refused).toMatchObject({
      allow: false,
      reason: "rate_limited",
      // The retry is 60 s less the seconds since the first request counted.
      message: expect.stringMatching(
        /^The API key shared-key: 2 requests a minute, 2 used\. Retry in \d+ s\.$/,
      ),
      rateLimit: {
        scope: "key",
        on: "The API key shared-key",
        window: "minute",
        limit: 2,
        used: 2,
        modelPattern: null,
      },
    });
    if (refused.allow) return;
    expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(50);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60);
    // The control working is not a refusal to record in the audit log.
    const refusals = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.orgId, s.org.id), eq(auditLog.action, REFUSAL_ACTION)));
    expect(refusals).toEqual([]);
  });

  it("shares a group's limit among its members, and counts a per-member limit for each", async () => {
    const s = await scene();
    await s.limit({ kind: "group", id: s.marketing }, { requestsPerMinute: 2 });
    expect((await s.ask("Ann")).allow).toBe(true);
    expect((await s.ask("Bob")).allow).toBe(true);
    // Ann and Bob together used Marketing's two: Ann's second is refused by the group's count.
    expect(await s.ask("Ann")).toMatchObject({
      reason: "rate_limited",
      rateLimit: { scope: "group", on: "Marketing", used: 2 },
    });
    // Sales is not Marketing: Carol is not limited.
    for (let i = 0; i < 3; i++) expect((await s.ask("Carol")).allow).toBe(true);

    const t = await scene();
    await t.limit({ kind: "group", id: t.marketing, perMember: true }, { requestsPerMinute: 1 });
    expect((await t.ask("Ann")).allow).toBe(true);
    expect(await t.ask("Ann")).toMatchObject({
      reason: "rate_limited",
      rateLimit: { scope: "group_member", on: "Each member of Marketing", used: 1 },
    });
    // Bob has a minute of his own.
    expect((await t.ask("Bob")).allow).toBe(true);
  });

  it("limits only the models a pattern matches", async () => {
    const s = await scene();
    await s.limit({ kind: "group", id: s.marketing }, { requestsPerMinute: 1 }, "claude-opus-*");
    expect((await s.ask("Ann", "claude-opus-4-1")).allow).toBe(true);
    expect(await s.ask("Bob", "claude-opus-4-1")).toMatchObject({
      reason: "rate_limited",
      message: expect.stringMatching(
        /^Marketing: 1 request a minute for claude-opus-\*, 1 used\. Retry in \d+ s\.$/,
      ),
    });
    expect((await s.ask("Bob", "gpt-4o")).allow).toBe(true);
  });

  it("decides before the money, and does not count a request a limit then refuses", async () => {
    const s = await scene();
    await s.limit({ kind: "member", id: s.ann.id }, { requestsPerMinute: 1 });
    await db.update(orgMembers).set({ monthlyLimitMicros: 0 }).where(eq(orgMembers.id, s.ann.id));
    expect(await s.ask("Ann")).toMatchObject({ reason: "user_limit_exceeded" });
    await db
      .update(orgMembers)
      .set({ monthlyLimitMicros: null })
      .where(eq(orgMembers.id, s.ann.id));
    // The refused request left the minute's one request free.
    expect((await s.ask("Ann")).allow).toBe(true);
    await db.update(orgMembers).set({ monthlyLimitMicros: 0 }).where(eq(orgMembers.id, s.ann.id));
    // Rate-limited and over her limit: the rate limit, checked first, decides.
    expect(await s.ask("Ann")).toMatchObject({ reason: "rate_limited" });
  });

  it("explains without counting, and forgets a removed limit", async () => {
    const s = await scene();
    const set = await s.limit({ kind: "member", id: s.bob.id }, { requestsPerMinute: 1 });
    for (let i = 0; i < 3; i++) {
      const why = await explainAccess(db, s.actor, {
        memberId: s.bob.id,
        keyId: s.key.id,
        model: "gpt-4o",
      });
      expect(why.checks.find((c) => c.rule === "rate_limit")).toMatchObject({
        passed: true,
        detail: "Within Bob: 1 request a minute.",
      });
    }
    expect((await s.ask("Bob")).allow).toBe(true);
    expect((await s.ask("Bob")).allow).toBe(false);
    await removeRateLimit(db, s.actor, { rateLimitId: set.id });
    expect((await s.ask("Bob")).allow).toBe(true);
  });

  it("counts token estimates against tokens a minute until usage reports what was used", async () => {
    const s = await scene();
    await s.limit({ kind: "group", id: s.marketing }, { tokensPerMinute: 1_000 });
    const gateway: Actor = { kind: "gateway", tokenId: "t", orgId: s.org.id, label: "gw" };
    const ask = async (who: string, estimatedTokens?: number) => {
      await snapshots?.caughtUp();
      return authorize(
        db,
        gateway,
        {
          apiKey: s.secret,
          user: { email: `${who.toLowerCase()}@${s.org.slug}.test` },
          model: "gpt-4o",
          estimatedTokens,
        },
        { snapshots, rateStore: store },
      );
    };
    const first = await ask("Ann", 700);
    expect(first).toMatchObject({ allow: true, reservationId: expect.any(String) });
    // 700 held of 1,000: Bob's 400 would pass the limit.
    const refused = await ask("Bob", 400);
    expect(refused).toMatchObject({
      allow: false,
      reason: "rate_limited",
      message: expect.stringMatching(
        /^Marketing: 1,000 tokens a minute, 700 used \(this request's estimate: 400 tokens\)\. Retry in \d+ s\.$/,
      ),
      rateLimit: { scope: "group", window: "minute", unit: "tokens", limit: 1_000, used: 700 },
    });
    // Ann's usage reports 250 tokens: her 700 leave, the 250 count.
    if (!first.allow) return;
    await ingestUsage(
      db,
      gateway,
      [
        {
          eventId: `tokens-${s.org.id}`,
          occurredAt: new Date(),
          memberId: s.ann.id,
          keyId: s.key.id,
          model: "gpt-4o",
          inputTokens: 200,
          outputTokens: 50,
          costMicros: 1,
          reservationId: first.reservationId,
        },
      ],
      { rateStore: store },
    );
    expect((await ask("Bob", 750)).allow).toBe(true);
    // Without an estimate a request passes while anything is left: 1,000 are now counted.
    expect(await ask("Bob")).toMatchObject({ reason: "rate_limited", rateLimit: { used: 1_000 } });
    // Sales is not limited.
    expect((await ask("Carol", 5_000)).allow).toBe(true);
    // An estimate over the limit itself can never pass: said so, without a time to retry.
    const never = await ask("Ann", 5_000);
    expect(never).toMatchObject({
      reason: "rate_limited",
      message:
        "Marketing: 1,000 tokens a minute, and this request's estimate of 5,000 tokens is more than that: it can never pass.",
    });
    expect(never).not.toHaveProperty("retryAfterSeconds");
  });

  it("fails closed when the counter store cannot answer", async () => {
    const s = await scene();
    await s.limit({ kind: "key", id: s.key.id }, { requestsPerMinute: 100 });
    const away = new Redis("redis://127.0.0.1:1", {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
    });
    await snapshots?.caughtUp();
    await expect(
      authorize(
        db,
        { kind: "gateway", tokenId: "t", orgId: s.org.id, label: "gw" },
        { apiKey: s.secret, user: { email: `ann@${s.org.slug}.test` }, model: "gpt-4o" },
        { snapshots, rateStore: redisRateStore(away) },
      ),
    ).rejects.toThrow();
    away.disconnect();
  });
});
