import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/connect";
import { queryRows } from "@/db/rows";
import {
  insertApiKey,
  insertGroup,
  insertMember,
  insertMembership,
  insertOrg,
  insertUser,
} from "@/db/seed/builders";
import { apiKeys, usageDailyGroup } from "@/db/schema";
import { systemActor } from "@/lib/auth/actor";
import { Forbidden } from "@/lib/errors";
import { testDatabase } from "@/test/db";
import { ingestUsage } from "./ingest";
import { ingestUsageInTurn } from "./ingest-queue";

let db: Db;
let orgId: string;
let alice: string;
let keyId: string;
let engineering: string;
let backend: string;
let platform: string;
const policy = {
  allowedModels: ["gpt-4o"],
  fallbackModels: [],
  loadBalancing: "none" as const,
  weights: {},
};

const day = (iso: string) => new Date(`${iso}T12:00:00Z`);

beforeAll(async () => {
  ({ db } = await testDatabase());
  const org = await insertOrg(db, { name: "Initech", slug: "initech" });
  orgId = org.id;
  const user = await insertUser(db, { email: "alice@initech.test", name: "Alice" });
  alice = (await insertMember(db, { orgId, userId: user.id })).id;
  engineering = (await insertGroup(db, { orgId, name: "Engineering", kind: "department" })).id;
  backend = (
    await insertGroup(db, { orgId, name: "Backend", kind: "department", parentId: engineering })
  ).id;
  platform = (
    await insertGroup(db, { orgId, name: "Platform", kind: "project", parentId: engineering })
  ).id;
  // Alice was in Platform in March, moved to Backend on April 1st, and is in both since May.
  await insertMembership(db, {
    orgId,
    groupId: platform,
    memberId: alice,
    since: day("2026-03-01"),
    until: day("2026-04-01"),
  });
  await insertMembership(db, {
    orgId,
    groupId: backend,
    memberId: alice,
    since: day("2026-04-01"),
  });
  await insertMembership(db, {
    orgId,
    groupId: platform,
    memberId: alice,
    since: day("2026-05-01"),
  });
  keyId = (
    await insertApiKey(db, { orgId, name: "k", features: [], policy, groupIds: [engineering] })
  ).key.id;
});

const event = (eventId: string, when: string, costMicros = 1_000) => ({
  eventId,
  occurredAt: day(when),
  memberId: alice,
  keyId,
  model: "gpt-4o",
  features: ["streaming"],
  inputTokens: 100,
  outputTokens: 50,
  costMicros,
});

async function groupSpend(groupId: string) {
  const rows = await db
    .select({ cost: sql<string>`coalesce(sum(${usageDailyGroup.costMicros}), 0)` })
    .from(usageDailyGroup)
    .where(eq(usageDailyGroup.groupId, groupId));
  return Number(rows[0]!.cost);
}

describe("ingestUsage", () => {
  it("attributes spend to the groups the member was in at the time, each ancestor once", async () => {
    await ingestUsage(db, systemActor(orgId), [
      event("march", "2026-03-10", 1_000),
      event("april", "2026-04-10", 20_000),
      event("may", "2026-05-10", 300_000),
    ]);
    expect(await groupSpend(platform)).toBe(1_000 + 300_000);
    expect(await groupSpend(backend)).toBe(20_000 + 300_000);
    // In May Alice reaches Engineering through two children: it still counts once.
    expect(await groupSpend(engineering)).toBe(321_000);
  });

  it("counts a replayed batch once and reports the duplicates", async () => {
    const batch = [event("r1", "2026-06-01", 5), event("r2", "2026-06-01", 7)];
    const first = await ingestUsage(db, systemActor(orgId), batch);
    const again = await ingestUsage(db, systemActor(orgId), [...batch, batch[0]!]);
    expect(first.accepted.sort()).toEqual(["r1", "r2"]);
    expect(again.accepted).toEqual([]);
    expect(again.duplicates.sort()).toEqual(["r1", "r1", "r2"]);
    const [{ n }] = (await queryRows<{ n: string }>(
      db,
      sql`select count(*) as n from usage_events where event_id in ('r1','r2')`,
    )) as [{ n: string }];
    expect(Number(n)).toBe(2);
  });

  it("moves the key's last use forward to its latest reported request, never back", async () => {
    const lastUsed = async () =>
      (await db.select().from(apiKeys).where(eq(apiKeys.id, keyId)))[0]!.lastUsedAt;
    await ingestUsage(db, systemActor(orgId), [
      event("lu1", "2026-07-02"),
      event("lu2", "2026-07-03"),
    ]);
    expect(await lastUsed()).toEqual(day("2026-07-03"));
    await ingestUsage(db, systemActor(orgId), [event("lu3", "2026-07-01")]);
    expect(await lastUsed()).toEqual(day("2026-07-03"));
  });

  it("rejects invalid events one by one and keeps the valid ones", async () => {
    const result = await ingestUsage(db, systemActor(orgId), [
      event("ok", "2026-06-02"),
      { ...event("neg", "2026-06-02"), inputTokens: -1 },
      { ...event("ghost", "2026-06-02"), memberId: "00000000-0000-4000-8000-000000000000" },
      { ...event("nomodel", "2026-06-02"), model: "no-such-model", costMicros: undefined },
    ]);
    expect(result.accepted).toEqual(["ok"]);
    expect(result.rejected.map((r) => [r.eventId, r.reason.split(":")[0]])).toEqual([
      ["neg", "inputTokens"],
      ["ghost", "memberId"],
      ["nomodel", "model"],
    ]);
  });

  it("keeps the rollups equal to the sums over raw events", async () => {
    const [check] = await queryRows<{ raw: string; rolled: string }>(
      db,
      sql`select (select sum(cost_micros) from usage_events where org_id = ${orgId}) as raw,
                 (select sum(cost_micros) from usage_daily_member where org_id = ${orgId}) as rolled`,
    );
    expect(Number(check!.rolled)).toBe(Number(check!.raw));
  });

  it("refuses members of the console", async () => {
    const actor = {
      kind: "user" as const,
      userId: alice,
      memberId: alice,
      orgId,
      role: "admin" as const,
      label: "a",
    };
    await expect(ingestUsage(db, actor, [event("x", "2026-06-03")])).rejects.toBeInstanceOf(
      Forbidden,
    );
  });
});

describe("attribution by membership at the time", () => {
  it("leaves the first half of the month in Marketing for someone moved to Engineering on the 15th", async () => {
    const org = await insertOrg(db, { name: "Movers", slug: `movers-${Date.now()}` });
    const user = await insertUser(db, { email: `bo@movers-${Date.now()}.test`, name: "Bo" });
    const bo = (await insertMember(db, { orgId: org.id, userId: user.id })).id;
    const marketing = (
      await insertGroup(db, { orgId: org.id, name: "Marketing", kind: "department" })
    ).id;
    const eng = (await insertGroup(db, { orgId: org.id, name: "Engineering", kind: "department" }))
      .id;
    const backendEngineers = (
      await insertGroup(db, {
        orgId: org.id,
        name: "Backend Engineers",
        kind: "department",
        parentId: eng,
      })
    ).id;
    const moved = day("2026-09-15");
    await insertMembership(db, {
      orgId: org.id,
      groupId: marketing,
      memberId: bo,
      since: day("2026-08-01"),
      until: moved,
    });
    await insertMembership(db, { orgId: org.id, groupId: eng, memberId: bo, since: moved });
    await insertMembership(db, {
      orgId: org.id,
      groupId: backendEngineers,
      memberId: bo,
      since: moved,
    });
    const key = (
      await insertApiKey(db, { orgId: org.id, name: "k", features: [], policy, groupIds: [] })
    ).key.id;
    await ingestUsage(
      db,
      systemActor(org.id),
      ["2026-09-03", "2026-09-10", "2026-09-16", "2026-09-28"].map((when, i) => ({
        eventId: `move-${i}`,
        occurredAt: day(when),
        memberId: bo,
        keyId: key,
        model: "gpt-4o",
        inputTokens: 1,
        outputTokens: 1,
        costMicros: 1_000 * 10 ** i,
      })),
    );
    expect(await groupSpend(marketing)).toBe(1_000 + 10_000);
    // In Engineering directly and through Backend Engineers: each request counts once.
    expect(await groupSpend(eng)).toBe(100_000 + 1_000_000);
    expect(await groupSpend(backendEngineers)).toBe(100_000 + 1_000_000);
  });
});

describe("event times", () => {
  it("refuses impossible, future and non-ISO times one by one, and keeps the rest of the batch", async () => {
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
    const odd = [
      "0000-01-01T00:00:00Z",
      "+010000-01-01T00:00:00Z",
      tomorrow,
      null,
      true,
      "1",
      "2026-11-28",
    ];
    const result = await ingestUsage(db, systemActor(orgId), [
      ...odd.map((occurredAt, i) => ({
        ...event(`odd-${i}`, "2026-08-01"),
        occurredAt: occurredAt as never,
      })),
      event("fine", "2026-08-02"),
    ]);
    expect(result.accepted).toEqual(["fine"]);
    expect(result.rejected.map((r) => r.eventId)).toEqual(odd.map((_, i) => `odd-${i}`));
    expect(result.rejected.every((r) => r.reason.startsWith("occurredAt:"))).toBe(true);
  });
});

describe("batches that arrive together (the gateway API's queue)", () => {
  it("stores them in one turn, answering each as if stored alone", async () => {
    const actor = systemActor(orgId);
    const before = await groupSpend(engineering);
    // Four batches at once: the first two go in turns of their own, the two that queue behind
    // them share the next turn.
    const [first, second, third, fourth] = await Promise.all([
      ingestUsageInTurn(db, actor, [event("q-1", "2026-09-01", 10), event("q-2", "2026-09-01")]),
      ingestUsageInTurn(db, actor, [
        event("q-3", "2026-09-02", 20),
        { ...event("q-bad", "2026-09-02"), memberId: "00000000-0000-4000-8000-000000000000" },
      ]),
      // q-1 again (a retry of the first batch), and one of its own.
      ingestUsageInTurn(db, actor, [
        event("q-1", "2026-09-01", 10),
        event("q-4", "2026-09-03", 30),
      ]),
      ingestUsageInTurn(db, actor, [
        event("q-3", "2026-09-02", 20),
        event("q-5", "2026-09-03", 40),
      ]),
    ]);
    // Batches in concurrent turns race for a repeated id as concurrent calls do: exactly one
    // answer accepts it, the other calls it a duplicate.
    const answers = [first!, second!, third!, fourth!];
    const accepted = answers.flatMap((a) => a.accepted).sort();
    expect(accepted).toEqual(["q-1", "q-2", "q-3", "q-4", "q-5"]);
    expect(answers.flatMap((a) => a.duplicates).sort()).toEqual(["q-1", "q-3"]);
    answers.forEach((answer, i) =>
      expect([...answer.accepted, ...answer.duplicates].sort()).toEqual(
        [["q-1", "q-2"], ["q-3"], ["q-1", "q-4"], ["q-3", "q-5"]][i],
      ),
    );
    expect(second!.rejected).toMatchObject([{ index: 1, eventId: "q-bad" }]);
    expect(answers.filter((a) => a !== second).every((a) => a.rejected.length === 0)).toBe(true);
    // Each event counted once: 10 + 1,000 + 20 + 30 + 40.
    expect((await groupSpend(engineering)) - before).toBe(1_100);
  });
});
