import { eq, sql } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { Db } from "@/db/connect";
import { apiKeyGroups, orgMembers } from "@/db/schema";
import { insertApiKey, insertMembership } from "@/db/seed/builders";
import type { Actor } from "@/lib/auth/actor";
import { Forbidden } from "@/lib/errors";
import { unassignKeyFromGroups } from "@/lib/keys/commands";
import { removeMembers } from "@/lib/memberships/commands";
import { ingestUsage } from "@/lib/spend/ingest";
import { bothDatabases, testDatabase } from "@/test/db";
import { orgFixture } from "@/test/fixtures";
import { dismissRecommendation, recommendations } from "./recommendations";
import { FRESH_MS } from "./usage-window";

// Least privilege from the rollups: a member who has used none of the keys a group grants (its
// own or a parent's) for 30 days, where others in it did, is advised out of it; a key no one in a
// group used for 30 days is advised off it (and not each of the group's people out of it). Not:
// whoever used one lately, who joined lately, a group that grants no key, a suspended member. Dismissed advice stays away; acting on advice
// through the usual commands makes it go.

const DAY = 86_400_000;
const policy = {
  allowedModels: [],
  fallbackModels: [],
  loadBalancing: "none" as const,
  weights: {},
};

describe.each(bothDatabases())("recommendations on %s", (on) => {
  let db: Db;
  afterEach(() => {
    vi.restoreAllMocks();
  });
  beforeAll(async () => {
    db = (await testDatabase(on)).db;
  });

  async function scene() {
    const f = await orgFixture(db, "admin");
    const now = new Date();
    const longAgo = new Date(now.getTime() - 60 * DAY);
    const engineering = await f.group("Engineering");
    const backend = await f.group("Backend", engineering);
    const design = await f.group("Design");
    const sales = await f.group("Sales");
    const ops = await f.group("Ops");
    const names = ["Ann", "Bob", "Cat", "Dan", "Eve", "Fay", "Gus", "Hal"] as const;
    const p = Object.fromEntries(
      await Promise.all(names.map(async (n) => [n, await f.person(n)] as const)),
    ) as Record<(typeof names)[number], Awaited<ReturnType<typeof f.person>>>;
    const joins: [string, { id: string }, Date][] = [
      [backend, p.Ann, longAgo],
      [backend, p.Bob, longAgo],
      [design, p.Cat, longAgo],
      [design, p.Dan, new Date(now.getTime() - 5 * DAY)],
      [sales, p.Eve, longAgo],
      [ops, p.Fay, longAgo],
      [design, p.Gus, longAgo],
      [design, p.Hal, longAgo],
    ];
    for (const [groupId, who, since] of joins)
      await insertMembership(db, { orgId: f.org.id, groupId, memberId: who.id, since });
    await db.update(orgMembers).set({ status: "suspended" }).where(eq(orgMembers.id, p.Gus.id));
    const key = async (name: string, groupIds: string[]) =>
      (await insertApiKey(db, { orgId: f.org.id, name, features: [], policy, groupIds })).key;
    const engKey = await key("eng-key", [engineering]);
    const designKey = await key("design-key", [design]);
    const opsKey = await key("ops-key", [ops]);
    await db
      .update(apiKeyGroups)
      .set({ createdAt: longAgo })
      .where(eq(apiKeyGroups.orgId, f.org.id));
    const gateway: Actor = { kind: "gateway", tokenId: "t", orgId: f.org.id, label: "gw" };
    let n = 0;
    const spend = (who: { id: string }, keyId: string, daysAgo: number) =>
      ingestUsage(db, gateway, [
        {
          eventId: `r-${++n}`,
          occurredAt: new Date(now.getTime() - daysAgo * DAY),
          memberId: who.id,
          keyId,
          model: "gpt-4o-mini",
          inputTokens: 10,
          outputTokens: 10,
          costMicros: 1_000,
        },
      ]);
    await spend(p.Ann, engKey.id, 3);
    await spend(p.Bob, engKey.id, 45);
    await spend(p.Hal, designKey.id, 1);
    return {
      ...f,
      now,
      engineering,
      backend,
      design,
      sales,
      ops,
      p,
      engKey,
      designKey,
      opsKey,
      spend,
    };
  }

  it("advises idle members out of the groups whose keys they do not use, and idle keys off groups", async () => {
    const s = await scene();
    const advice = await recommendations(db, s.actor, s.now);
    const since = new Date(s.now.getTime() - 60 * DAY).toISOString().slice(0, 10);
    expect(
      advice.map((r) =>
        r.kind === "remove_idle_member"
          ? [r.kind, r.group.name, r.member.name, r.memberSince]
          : r.kind === "unassign_idle_key"
            ? [r.kind, r.key.name, r.group.name, r.people]
            : [r.kind],
      ),
    ).toEqual([
      ["remove_idle_member", "Backend", "Bob", since],
      ["remove_idle_member", "Design", "Cat", since],
      ["unassign_idle_key", "ops-key", "Ops", 1],
    ]);
    const bob = advice.find((r) => r.kind === "remove_idle_member" && r.member.name === "Bob")!;
    expect(bob).toMatchObject({
      subject: `${s.backend}/${s.p.Bob.id}`,
      keys: [{ id: s.engKey.id, name: "eng-key" }],
    });
    expect(advice.find((r) => r.kind === "unassign_idle_key")).toMatchObject({
      subject: `${s.opsKey.id}/${s.ops}`,
      people: 1,
    });
  });

  it("remembers a dismissal, and acting through the usual commands makes the advice go", async () => {
    const s = await scene();
    expect(
      await dismissRecommendation(db, s.actor, {
        kind: "remove_idle_member",
        subject: `${s.backend}/${s.p.Bob.id}`,
      }),
    ).toEqual({ dismissed: true });
    expect(
      await dismissRecommendation(db, s.actor, {
        kind: "remove_idle_member",
        subject: `${s.backend}/${s.p.Bob.id}`,
      }),
    ).toEqual({ dismissed: false });
    await removeMembers(db, s.actor, { memberIds: [s.p.Cat.id], groupIds: [s.design] });
    await unassignKeyFromGroups(db, s.actor, { keyId: s.opsKey.id, groupIds: [s.ops] });
    const advice = await recommendations(db, s.actor, s.now);
    // Ops grants no key now, and Cat is out of Design: nothing to advise.
    expect(advice).toEqual([]);
    const [audited] = await db
      .execute(
        sql`select count(*)::int as n from audit_log where org_id = ${s.org.id}::uuid and action = 'recommendation.dismissed'`,
      )
      .then((r) => (Array.isArray(r) ? r : (r as { rows: { n: number }[] }).rows));
    expect(audited).toEqual({ n: 1 });
  });

  it("keeps the 30 days of use a few minutes, and reads the organisation afresh each time", async () => {
    const s = await scene();
    const catIdle = (advice: Awaited<ReturnType<typeof recommendations>>) =>
      advice.some((r) => r.kind === "remove_idle_member" && r.member.id === s.p.Cat.id);
    expect(catIdle(await recommendations(db, s.actor, s.now))).toBe(true);
    // Cat's first request in 30 days: the kept window does not have it yet.
    await s.spend(s.p.Cat, s.designKey.id, 0);
    expect(catIdle(await recommendations(db, s.actor, s.now))).toBe(true);
    // A change to the organisation shows at once.
    await removeMembers(db, s.actor, { memberIds: [s.p.Bob.id], groupIds: [s.backend] });
    const advice = await recommendations(db, s.actor, s.now);
    expect(advice.some((r) => r.kind === "remove_idle_member" && r.member.id === s.p.Bob.id)).toBe(
      false,
    );
    // Past FRESH_MS the kept window answers once more while it is read again.
    vi.spyOn(Date, "now").mockReturnValue(Date.now() + FRESH_MS + 1_000);
    expect(catIdle(await recommendations(db, s.actor, s.now))).toBe(true);
    await vi.waitFor(async () =>
      expect(catIdle(await recommendations(db, s.actor, s.now))).toBe(false),
    );
  });

  it("refuses a malformed dismissal, members and other organisations", async () => {
    const s = await scene();
    await expect(
      dismissRecommendation(db, s.actor, { kind: "remove_idle_member", subject: "x' or 1=1" }),
    ).rejects.toThrow("Unknown recommendation.");
    await expect(
      dismissRecommendation(db, s.actor, { kind: "other", subject: `${s.backend}/${s.p.Bob.id}` }),
    ).rejects.toThrow("Unknown recommendation.");
    const member = await orgFixture(db, "member");
    await expect(recommendations(db, member.actor)).rejects.toBeInstanceOf(Forbidden);
    const stranger = await orgFixture(db, "admin");
    expect(await recommendations(db, stranger.actor)).toEqual([]);
  });
});
