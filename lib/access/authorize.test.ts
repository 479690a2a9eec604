import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/connect";
import { apiKeys, auditLog, budgetReservations, groups, orgMembers } from "@/db/schema";
import { REFUSAL_ACTION } from "@/lib/audit/refusals";
import { insertApiKey } from "@/db/seed/builders";
import type { Actor } from "@/lib/auth/actor";
import { ingestUsage } from "@/lib/spend/ingest";
import { type Snapshots, startSnapshots } from "@/lib/gateway/snapshots";
import { testDatabase, usingPostgres } from "@/test/db";
import { orgFixture } from "@/test/fixtures";
import { authorize } from "./authorize";
import { pruneReservations } from "./reservations";

let db: Db;
let started: Snapshots;
// Each rule is checked both ways the decision loads its subject: from the database, and from the
// gateway's in-memory snapshots (asking once every change the test made has been notified).
let snapshots: Snapshots | undefined;
beforeAll(async () => {
  const connection = await testDatabase();
  db = connection.db;
  started = await startSnapshots(connection);
});

const policy = {
  allowedModels: ["gpt-4o", "claude-sonnet-4-5"],
  fallbackModels: ["gpt-4o"],
  loadBalancing: "none" as const,
  weights: {},
};

/** Engineering → Backend; a key on Engineering; Ann in Backend (inherits), Bob in no group. */
async function scene() {
  const f = await orgFixture(db, "admin");
  const eng = await f.group("Engineering");
  const backend = await f.group("Backend", eng);
  const ann = await f.person("Ann");
  const bob = await f.person("Bob");
  await f.join(backend, ann.id);
  const { key, secret } = await insertApiKey(db, {
    orgId: f.org.id,
    name: "eng-key",
    features: ["streaming"],
    policy,
    groupIds: [eng],
  });
  const gateway: Actor = { kind: "gateway", tokenId: "t", orgId: f.org.id, label: "gw" };
  const ask = async (overrides: Record<string, unknown> = {}) => {
    await snapshots?.caughtUp();
    return authorize(
      db,
      gateway,
      {
        apiKey: secret,
        user: { email: emailOf("Ann", f.org.slug) },
        model: "gpt-4o",
        features: ["streaming"],
        ...overrides,
      },
      { snapshots },
    );
  };
  /** Ann's usage through the key, as the gateway reports it. */
  const spend = (
    eventId: string,
    costMicros: number,
    extra: { reservationId?: string | null } = {},
  ) =>
    ingestUsage(db, gateway, [
      {
        eventId,
        occurredAt: new Date(),
        memberId: ann.id,
        keyId: key.id,
        model: "gpt-4o",
        inputTokens: 1,
        outputTokens: 1,
        costMicros,
        ...extra,
      },
    ]);
  return { ...f, eng, backend, ann, bob, key, secret, gateway, ask, spend };
}

const emailOf = (name: string, slug: string) => `${name.toLowerCase()}@${slug}.test`;

describe.each(["database", "snapshots"])("subject from the %s", (source) => {
  beforeAll(() => {
    snapshots = source === "snapshots" ? started : undefined;
  });

  describe("authorize: the decision table", () => {
    it("allows through a parent group's key and returns the policy and the granting group", async () => {
      const s = await scene();
      const decision = await s.ask();
      expect(decision).toMatchObject({
        allow: true,
        keyId: s.key.id,
        memberId: s.ann.id,
        groups: [{ id: s.eng, name: "Engineering" }],
        policy: { model: "gpt-4o", fallbackModels: ["gpt-4o"], loadBalancing: "none" },
        reservationId: null,
      });
    });

    it("gives each reason with a message naming the key, person or limit", async () => {
      const s = await scene();
      const cases: [Record<string, unknown>, string, RegExp][] = [
        [{ apiKey: "ghk_not-a-key" }, "key_unknown", /not one Gatehouse issued/],
        [{ user: { email: emailOf("Nobody", s.org.slug) } }, "user_unknown", /No member/],
        [
          { user: { email: emailOf("Bob", s.org.slug) } },
          "no_group_access",
          /Bob is in no group that the API key eng-key/,
        ],
        [
          { model: "claude-opus-4-1" },
          "model_not_allowed",
          /does not allow the model claude-opus-4-1/,
        ],
        [
          { features: ["streaming", "reasoning"] },
          "feature_not_enabled",
          /does not enable the feature reasoning/,
        ],
      ];
      for (const [overrides, reason, message] of cases) {
        const decision = await s.ask(overrides);
        expect(decision, reason).toMatchObject({ allow: false, reason });
        if (!decision.allow) expect(decision.message).toMatch(message);
      }
    });

    it("refuses a key of another organisation as unknown", async () => {
      const s = await scene();
      const other = await orgFixture(db);
      const decision = await authorize(
        db,
        { kind: "gateway", tokenId: "t", orgId: other.org.id, label: "gw" },
        {
          apiKey: s.secret,
          user: { email: emailOf("Ann", s.org.slug) },
          model: "gpt-4o",
        },
      );
      expect(decision).toMatchObject({ allow: false, reason: "key_unknown" });
    });

    it("refuses revoked and expired keys, and suspended members", async () => {
      const s = await scene();
      await db
        .update(apiKeys)
        .set({ expiresAt: new Date(Date.now() - 1000) })
        .where(eq(apiKeys.id, s.key.id));
      expect(await s.ask()).toMatchObject({ reason: "key_expired" });
      await db.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, s.key.id));
      expect(await s.ask()).toMatchObject({ reason: "key_revoked" });
      await db
        .update(apiKeys)
        .set({ revokedAt: null, expiresAt: null })
        .where(eq(apiKeys.id, s.key.id));
      await db.update(orgMembers).set({ status: "suspended" }).where(eq(orgMembers.id, s.ann.id));
      expect(await s.ask()).toMatchObject({ reason: "user_suspended" });
    });

    it("grants nothing through an archived group", async () => {
      const s = await scene();
      await db.update(groups).set({ archivedAt: new Date() }).where(eq(groups.id, s.backend));
      expect(await s.ask()).toMatchObject({ allow: false, reason: "no_group_access" });
    });

    it("denies at a member's limit, a key's limit and a hard group budget, but not a soft one", async () => {
      const s = await scene();
      await s.spend("e1", 5_000_000);
      await db
        .update(groups)
        .set({ monthlyBudgetMicros: 1_000_000, budgetMode: "soft" })
        .where(eq(groups.id, s.eng));
      expect(await s.ask()).toMatchObject({ allow: true });
      await db.update(groups).set({ budgetMode: "hard" }).where(eq(groups.id, s.eng));
      const group = await s.ask();
      expect(group).toMatchObject({ allow: false, reason: "group_budget_exceeded" });
      if (!group.allow)
        expect(group.message).toBe("Engineering has used $5.00 of its $1.00 hard monthly budget.");
      await db.update(groups).set({ budgetMode: "soft" }).where(eq(groups.id, s.eng));
      await db
        .update(apiKeys)
        .set({ monthlyLimitMicros: 4_000_000 })
        .where(eq(apiKeys.id, s.key.id));
      expect(await s.ask()).toMatchObject({ allow: false, reason: "key_limit_exceeded" });
      await db
        .update(orgMembers)
        .set({ monthlyLimitMicros: 2_000_000 })
        .where(eq(orgMembers.id, s.ann.id));
      expect(await s.ask()).toMatchObject({ allow: false, reason: "user_limit_exceeded" });
    });
  });

  describe("authorize: refusals in the audit log", () => {
    const refusals = (orgId: string) =>
      db
        .select({ targetId: auditLog.targetId, after: auditLog.after })
        .from(auditLog)
        .where(and(eq(auditLog.orgId, orgId), eq(auditLog.action, REFUSAL_ACTION)));

    it("records who was refused which key and why, once a minute however often the gateway asks", async () => {
      const s = await scene();
      await db.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, s.key.id));
      for (let i = 0; i < 3; i++) expect(await s.ask()).toMatchObject({ reason: "key_revoked" });
      await s.ask({ apiKey: "not-a-key" });
      expect(await refusals(s.org.id)).toEqual([
        {
          targetId: s.key.id,
          after: {
            reason: "key_revoked",
            user: emailOf("Ann", s.org.slug),
            message: expect.stringContaining("eng-key"),
          },
        },
        {
          targetId: null,
          after: {
            reason: "key_unknown",
            user: emailOf("Ann", s.org.slug),
            message: "The API key is not one Gatehouse issued.",
          },
        },
      ]);
    });

    it("does not record denials for money: limits and budgets are the spend controls working", async () => {
      const s = await scene();
      await db.update(apiKeys).set({ monthlyLimitMicros: 1 }).where(eq(apiKeys.id, s.key.id));
      await s.spend("over", 10);
      expect(await s.ask()).toMatchObject({ reason: "key_limit_exceeded" });
      expect(await refusals(s.org.id)).toEqual([]);
    });
  });

  describe("authorize: reservations against hard budgets", () => {
    it("reserves the estimate, and the usage report settles it", async () => {
      const s = await scene();
      await db
        .update(groups)
        .set({ monthlyBudgetMicros: 10_000, budgetMode: "hard" })
        .where(eq(groups.id, s.eng));
      const first = await s.ask({ estimatedCostMicros: 6_000 });
      expect(first).toMatchObject({
        allow: true,
        remaining: { groups: [{ name: "Engineering", remainingMicros: 4_000 }] },
      });
      expect(await s.ask({ estimatedCostMicros: 6_000 })).toMatchObject({
        allow: false,
        reason: "group_budget_exceeded",
      });
      if (first.allow) {
        await s.spend("r1", 1_000, { reservationId: first.reservationId });
      }
      // The settled request cost 1,000, not the 6,000 reserved: 9,000 is left.
      expect(await s.ask({ estimatedCostMicros: 8_000 })).toMatchObject({ allow: true });
    });

    it("releases a reservation whose usage never arrives when it expires, and prunes it later", async () => {
      const s = await scene();
      await db
        .update(groups)
        .set({ monthlyBudgetMicros: 10_000, budgetMode: "hard" })
        .where(eq(groups.id, s.eng));
      const now = new Date();
      const at = (seconds: number) => new Date(now.getTime() + seconds * 1000);
      const ask = (seconds: number) =>
        authorize(
          db,
          s.gateway,
          {
            apiKey: s.secret,
            user: { email: emailOf("Ann", s.org.slug) },
            model: "gpt-4o",
            features: ["streaming"],
            estimatedCostMicros: 6_000,
          },
          { now: at(seconds), reservationTtlSeconds: 30 },
        );
      expect(await ask(0)).toMatchObject({ allow: true });
      expect(await ask(29)).toMatchObject({ allow: false, reason: "group_budget_exceeded" });
      expect(await ask(31)).toMatchObject({ allow: true });

      const open = () =>
        db.select().from(budgetReservations).where(eq(budgetReservations.orgId, s.org.id));
      expect(await open()).toHaveLength(2);
      await pruneReservations(db, at(31 + 3_600));
      expect(await open()).toHaveLength(1);
    });

    it("keeps concurrent requests at the edge of a hard budget within one estimate of it", async () => {
      const s = await scene();
      const budget = 1_000_000;
      const estimate = 7_000;
      await db
        .update(groups)
        .set({ monthlyBudgetMicros: budget, budgetMode: "hard" })
        .where(eq(groups.id, s.eng));
      const concurrent = usingPostgres ? 1_000 : 60;
      const decisions = await Promise.all(
        Array.from({ length: concurrent }, () => s.ask({ estimatedCostMicros: estimate })),
      );
      const allowed = decisions.filter((d) => d.allow).length;
      expect(allowed * estimate).toBeLessThanOrEqual(budget + estimate);
      expect(allowed).toBe(Math.min(concurrent, Math.floor(budget / estimate)));
      expect(
        decisions
          .filter((d) => !d.allow)
          .every((d) => !d.allow && d.reason === "group_budget_exceeded"),
      ).toBe(true);
    });
  });

  describe("authorize: who may ask", () => {
    it("answers gateways only", async () => {
      const s = await scene();
      await expect(
        authorize(db, s.actor, { apiKey: s.secret, user: { email: "x@y.z" }, model: "gpt-4o" }),
      ).rejects.toThrow(/permission/);
    });
  });
});
