import { randomUUID } from "node:crypto";
import { format } from "node:util";
import { sql } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { Db } from "@/db/connect";
import { getDb } from "@/db/client";
import { queryRows } from "@/db/rows";
import { insertApiKey } from "@/db/seed/builders";
import { authorize } from "@/lib/access/authorize";
import { createGatewayToken, gatewayActorForToken, revokeGatewayToken } from "@/lib/gateway/tokens";
import { costMicros, modelCatalogue } from "@/lib/models/catalogue";
import { testDatabase } from "@/test/db";
import { orgFixture } from "@/test/fixtures";
import { POST } from "./route";

// The HTTP contract of usage ingestion, against a real database: the process-wide connection is
// replaced by this file's test database, or by a failing one.
vi.mock("@/db/client", () => ({ getDb: vi.fn() }));

let db: Db;
// Every secret this file creates: none may appear in any answer or log line.
const secrets: string[] = [];

async function orgWithKey() {
  const f = await orgFixture(db);
  const team = await f.group("Team");
  const ann = await f.person("Ann");
  const bob = await f.person("Bob");
  await f.join(team, ann.id);
  await f.join(team, bob.id);
  await db.execute(
    sql`update org_members set external_id = ${`okta-${bob.id}`} where id = ${bob.id}::uuid`,
  );
  const { key, secret } = await insertApiKey(db, {
    orgId: f.org.id,
    name: "team-key",
    features: ["streaming"],
    policy: { allowedModels: [], fallbackModels: [], loadBalancing: "none", weights: {} },
    groupIds: [team],
  });
  const token = await createGatewayToken(db, f.actor, { name: "edge" });
  secrets.push(secret, token.secret);
  return { ...f, team, ann, bob, keyId: key.id, apiKey: secret, token: token.secret };
}

let a: Awaited<ReturnType<typeof orgWithKey>>;
let b: Awaited<ReturnType<typeof orgWithKey>>;

beforeAll(async () => {
  ({ db } = await testDatabase());
  vi.mocked(getDb).mockResolvedValue(db);
  a = await orgWithKey();
  b = await orgWithKey();
});

afterEach(() => {
  vi.mocked(getDb).mockResolvedValue(db);
  vi.restoreAllMocks();
});

async function call(body: unknown, token?: string) {
  const response = await POST(
    new Request("http://gatehouse.test/api/v1/usage", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: typeof body === "string" ? body : JSON.stringify(body),
    }),
  );
  const text = await response.text();
  for (const secret of secrets) expect(text).not.toContain(secret);
  expect(response.headers.get("cache-control")).toBe("no-store");
  return { status: response.status, json: JSON.parse(text) };
}

/** A valid event of Ann's in `org` through its key, with a fresh id. */
const event = (org: typeof a, overrides: Record<string, unknown> = {}) => ({
  eventId: `evt-${randomUUID()}`,
  occurredAt: new Date().toISOString(),
  memberId: org.ann.id,
  keyId: org.keyId,
  model: "gpt-4o",
  features: ["streaming"],
  inputTokens: 1_200,
  outputTokens: 300,
  costMicros: 6_000,
  latencyMs: 850,
  ...overrides,
});

const measures = [
  "events",
  "ids",
  "raw_cost",
  "member_requests",
  "member_cost",
  "group_requests",
  "group_cost",
  "feature_requests",
] as const;

/** What is stored for an organisation: raw events, claimed ids, and the rollups' sums. */
async function stored(org: typeof a): Promise<Record<(typeof measures)[number], number>> {
  const [row] = await queryRows<Record<(typeof measures)[number], string>>(
    db,
    sql`select
      (select count(*) from usage_events where org_id = ${org.org.id}::uuid) as events,
      (select count(*) from usage_event_ids where org_id = ${org.org.id}::uuid) as ids,
      (select coalesce(sum(cost_micros), 0) from usage_events where org_id = ${org.org.id}::uuid) as raw_cost,
      (select coalesce(sum(requests), 0) from usage_daily_member where org_id = ${org.org.id}::uuid) as member_requests,
      (select coalesce(sum(cost_micros), 0) from usage_daily_member where org_id = ${org.org.id}::uuid) as member_cost,
      (select coalesce(sum(requests), 0) from usage_daily_group where org_id = ${org.org.id}::uuid) as group_requests,
      (select coalesce(sum(cost_micros), 0) from usage_daily_group where org_id = ${org.org.id}::uuid) as group_cost,
      (select coalesce(sum(requests), 0) from usage_daily_feature where org_id = ${org.org.id}::uuid) as feature_requests`,
  );
  return Object.fromEntries(measures.map((m) => [m, Number(row![m])])) as Record<
    (typeof measures)[number],
    number
  >;
}

/** Runs `during` while `table` is missing, so that the queries reading it throw. */
async function withoutTable(table: string, during: () => Promise<void>) {
  await db.execute(sql.raw(`alter table ${table} rename to ${table}_away`));
  try {
    await during();
  } finally {
    await db.execute(sql.raw(`alter table ${table}_away rename to ${table}`));
  }
}

describe("POST /api/v1/usage", () => {
  it("stores a batch and answers with the accepted event ids", async () => {
    const before = await stored(a);
    const events = [event(a), event(a, { memberId: a.bob.id, costMicros: 4_000 })];
    const { status, json } = await call({ events }, a.token);
    expect(status).toBe(200);
    expect(json).toEqual({
      accepted: 2,
      duplicates: 0,
      rejected: 0,
      results: { accepted: expect.any(Array), duplicates: [], rejected: [] },
    });
    expect(json.results.accepted.sort()).toEqual(events.map((e) => e.eventId).sort());
    expect(await stored(a)).toMatchObject({
      events: before.events + 2,
      raw_cost: before.raw_cost + 10_000,
      member_cost: before.member_cost + 10_000,
      group_cost: before.group_cost + 10_000,
    });
  });

  it("answers 401 without a token, with a malformed one, an API key and a revoked one, storing nothing", async () => {
    const revoked = await createGatewayToken(db, a.actor, { name: "old" });
    secrets.push(revoked.secret);
    await revokeGatewayToken(db, a.actor, { tokenId: revoked.id });
    const before = await stored(a);
    for (const token of [undefined, "ghg_garbage", a.apiKey, revoked.secret]) {
      const { status, json } = await call({ events: [event(a)] }, token);
      expect(status, String(token)).toBe(401);
      expect(json).toEqual({
        error: "A valid gateway token is required: Authorization: Bearer ghg_…",
      });
    }
    expect(await stored(a)).toEqual(before);
  });

  it("answers 400 with details for a body that is not JSON or not { events: [1..1,000] }", async () => {
    const notJson = await call(`{"events": [`, a.token);
    expect(notJson).toEqual({
      status: 400,
      json: { error: "The body is not valid JSON.", details: ["body: not valid JSON"] },
    });

    const cases: [unknown, RegExp][] = [
      [[event(a)], /^body: /],
      [{}, /^events: /],
      [{ events: [] }, /^events: send at least one event$/],
      [{ events: event(a) }, /^events: /],
      [{ events: [event(a)], extra: true }, /extra/],
      [{ events: Array.from({ length: 1_001 }, () => ({})) }, /^events: at most 1,000 events/],
    ];
    for (const [body, detail] of cases) {
      const { status, json } = await call(body, a.token);
      expect(status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(json).toMatchObject({
        error: expect.stringMatching(/not a valid usage batch/),
        details: [expect.stringMatching(detail)],
      });
    }
  });

  it("takes 1,000 events in one call", async () => {
    const events = Array.from({ length: 1_000 }, () => event(a, { costMicros: 1 }));
    const { status, json } = await call({ events }, a.token);
    expect(status).toBe(200);
    expect(json).toMatchObject({ accepted: 1_000, duplicates: 0, rejected: 0 });
  });

  it("answers 413 for a body over 2 MiB, counted in bytes", async () => {
    const { status, json } = await call(
      { events: [event(a, { model: "€".repeat(700_000) })] },
      a.token,
    );
    expect(status).toBe(413);
    expect(json).toEqual({ error: "The body is larger than 2097152 bytes." });
  });

  it("validates each event on its own: accepted, duplicates and rejected with reasons", async () => {
    const stored1 = event(a);
    expect((await call({ events: [stored1] }, a.token)).status).toBe(200);
    const before = await stored(a);

    const byId = event(a);
    const byEmail = event(a, { memberId: undefined, user: { email: `  ANN@${a.org.slug}.TEST ` } });
    const byExternalId = event(a, {
      memberId: undefined,
      user: { externalId: `okta-${a.bob.id}` },
      costMicros: undefined,
      model: "gpt-4o-mini",
    });
    const events = [
      byId,
      { ...event(a), inputTokens: -1 },
      byEmail,
      stored1,
      event(a, { memberId: undefined, user: { email: "nobody@example.test" } }),
      event(a, { user: { email: `ann@${a.org.slug}.test` } }),
      event(a, { memberId: undefined }),
      byExternalId,
      byId,
      event(a, { costMicro: 5 }),
      event(a, { model: "no-such-model", costMicros: undefined }),
      "not an event",
      { ...event(a), eventId: undefined },
    ];
    const idAt = (i: number) => (events[i] as { eventId: string }).eventId;
    const { status, json } = await call({ events }, a.token);
    expect(status).toBe(200);
    expect(json).toEqual({
      accepted: 3,
      duplicates: 2,
      rejected: 8,
      results: {
        accepted: expect.arrayContaining([byId.eventId, byEmail.eventId, byExternalId.eventId]),
        duplicates: expect.arrayContaining([byId.eventId, stored1.eventId]),
        rejected: [
          { index: 1, eventId: idAt(1), reason: expect.stringMatching(/^inputTokens: /) },
          {
            index: 4,
            eventId: idAt(4),
            reason: "user: no member of this organisation matches the user",
          },
          {
            index: 5,
            eventId: idAt(5),
            reason: "memberId: give exactly one of memberId and user",
          },
          {
            index: 6,
            eventId: idAt(6),
            reason: "memberId: give exactly one of memberId and user",
          },
          { index: 9, eventId: idAt(9), reason: expect.stringMatching(/costMicro/) },
          {
            index: 10,
            eventId: idAt(10),
            reason: "model: unknown model, and no costMicros given",
          },
          { index: 11, eventId: null, reason: expect.stringMatching(/^event: /) },
          { index: 12, eventId: null, reason: expect.stringMatching(/^eventId: /) },
        ],
      },
    });
    expect(json.results.duplicates).toHaveLength(2);

    // The user was matched as authorize matches it; the cost, when absent, is the catalogue's.
    const rows = await queryRows<{ event_id: string; member_id: string; cost_micros: string }>(
      db,
      sql`select event_id, member_id, cost_micros from usage_events
          where event_id in (${byEmail.eventId}, ${byExternalId.eventId}) order by member_id = ${a.ann.id}::uuid desc`,
    );
    const mini = modelCatalogue.find((m) => m.id === "gpt-4o-mini")!;
    expect(rows.map((r) => [r.event_id, r.member_id, Number(r.cost_micros)])).toEqual([
      [byEmail.eventId, a.ann.id, 6_000],
      [byExternalId.eventId, a.bob.id, costMicros(mini, { input: 1_200, output: 300, cached: 0 })],
    ]);
    expect((await stored(a)).events).toBe(before.events + 3);
  });

  it("counts a batch once however often it is replayed", async () => {
    const events = [event(a), event(a, { memberId: a.bob.id }), event(a, { features: [] })];
    const first = await call({ events }, a.token);
    expect(first.json).toMatchObject({ accepted: 3, duplicates: 0 });
    const after = await stored(a);
    for (let i = 0; i < 3; i++) {
      const again = await call({ events }, a.token);
      expect(again.status).toBe(200);
      expect(again.json).toMatchObject({ accepted: 0, duplicates: 3, rejected: 0 });
      expect(again.json.results.duplicates.sort()).toEqual(events.map((e) => e.eventId).sort());
    }
    expect(await stored(a)).toEqual(after);
  });

  it("stores a batch sent twice at the same moment once", async () => {
    const before = await stored(a);
    const events = Array.from({ length: 50 }, (_, i) =>
      event(a, { memberId: i % 2 ? a.ann.id : a.bob.id, costMicros: 100 + i }),
    );
    const [one, two] = await Promise.all([call({ events }, a.token), call({ events }, a.token)]);
    expect([one.status, two.status]).toEqual([200, 200]);
    expect(one.json.accepted + two.json.accepted).toBe(50);
    expect(one.json.duplicates + two.json.duplicates).toBe(50);
    const cost = events.reduce((sum, e) => sum + e.costMicros, 0);
    expect(await stored(a)).toEqual({
      events: before.events + 50,
      ids: before.ids + 50,
      raw_cost: before.raw_cost + cost,
      member_requests: before.member_requests + 50,
      member_cost: before.member_cost + cost,
      group_requests: before.group_requests + 50,
      group_cost: before.group_cost + cost,
      feature_requests: before.feature_requests + 50,
    });
  });

  it("does not let one organisation's token report usage for another's members or keys", async () => {
    const beforeA = await stored(a);
    const beforeB = await stored(b);
    const events = [
      event(b),
      event(a, { keyId: b.keyId }),
      event(a, { memberId: undefined, user: { email: `ann@${b.org.slug}.test` } }),
      event(a, { memberId: undefined, user: { externalId: `okta-${b.bob.id}` } }),
    ];
    const { status, json } = await call({ events }, a.token);
    expect(status).toBe(200);
    expect(json).toMatchObject({ accepted: 0, duplicates: 0, rejected: 4 });
    expect(json.results.rejected.map((r: { reason: string }) => r.reason)).toEqual([
      "memberId: no such member in this organisation",
      "keyId: no such API key in this organisation",
      "user: no member of this organisation matches the user",
      "user: no member of this organisation matches the user",
    ]);
    expect(await stored(a)).toEqual(beforeA);
    expect(await stored(b)).toEqual(beforeB);
  });

  it("settles the reservation that authorize made for the request", async () => {
    await db.execute(
      sql`update org_members set monthly_limit_micros = 50000000 where id = ${a.ann.id}::uuid`,
    );
    const gateway = (await gatewayActorForToken(db, a.token))!;
    const decision = await authorize(db, gateway, {
      apiKey: a.apiKey,
      user: { email: `ann@${a.org.slug}.test` },
      model: "gpt-4o",
      estimatedCostMicros: 20_000,
    });
    expect(decision).toMatchObject({ allow: true, reservationId: expect.any(String) });
    const reservationId = decision.allow ? decision.reservationId : null;
    const open = async () =>
      (
        await queryRows<{ settled: boolean }>(
          db,
          sql`select settled_at is not null as settled from budget_reservations where id = ${reservationId}::uuid`,
        )
      )[0]!.settled;
    expect(await open()).toBe(false);
    const { json } = await call(
      { events: [event(a, { occurredAt: new Date().toISOString(), reservationId })] },
      a.token,
    );
    expect(json).toMatchObject({ accepted: 1 });
    expect(await open()).toBe(true);
  });

  describe("fails closed", () => {
    const unavailable = {
      error: "Gatehouse cannot store usage right now; nothing was stored. Retry.",
    };

    it("answers 503 when the database cannot be opened", async () => {
      const logged = vi.spyOn(console, "error").mockImplementation(() => {});
      vi.mocked(getDb).mockRejectedValue(new Error("connect ECONNREFUSED 127.0.0.1:5432"));
      const { status, json } = await call({ events: [event(a)] }, a.token);
      expect(status).toBe(503);
      expect(json).toEqual(unavailable);
      expect(logged).toHaveBeenCalled();
    });

    it("answers 503 when a query fails, stores nothing, logs neither secrets nor the batch, and takes the retry", async () => {
      const logged = vi.spyOn(console, "error").mockImplementation(() => {});
      const events = [event(a), event(a, { memberId: a.bob.id })];
      const before = await stored(a);
      await withoutTable("usage_daily_group", async () => {
        const { status, json } = await call({ events }, a.token);
        expect(status).toBe(503);
        expect(json).toEqual(unavailable);
      });
      expect(await stored(a)).toEqual(before);

      // Everything ran, and the commit fails: the claimed ids and rollups go with it.
      await db.execute(sql`create function usage_test_fail() returns trigger language plpgsql
        as $$ begin raise exception 'the disk is full'; end $$`);
      await db.execute(sql`create constraint trigger usage_test_fail after insert on usage_events
        deferrable initially deferred for each row execute function usage_test_fail()`);
      try {
        const { status, json } = await call({ events }, a.token);
        expect(status).toBe(503);
        expect(json).toEqual(unavailable);
      } finally {
        await db.execute(sql`drop trigger usage_test_fail on usage_events`);
        await db.execute(sql`drop function usage_test_fail()`);
      }
      expect(await stored(a)).toEqual(before);

      expect(logged).toHaveBeenCalledTimes(2);
      const output = logged.mock.calls.map((args) => format(...args)).join("\n");
      expect(output).toMatch(/usage_daily_group/);
      expect(output).toMatch(/the disk is full/);
      for (const secret of secrets) expect(output).not.toContain(secret);
      for (const e of events) expect(output).not.toContain(e.eventId);

      const retry = await call({ events }, a.token);
      expect(retry).toMatchObject({ status: 200, json: { accepted: 2, duplicates: 0 } });
    });
  });
});
