import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/connect";
import { budgetReservations, groups } from "@/db/schema";
import { insertApiKey } from "@/db/seed/builders";
import { testDatabase } from "@/test/db";
import { orgFixture } from "@/test/fixtures";
import { explainAccess } from "./explain";

let db: Db;
beforeAll(async () => {
  ({ db } = await testDatabase());
});

async function scene() {
  const f = await orgFixture(db, "admin");
  const eng = await f.group("Engineering");
  const ann = await f.person("Ann");
  await f.join(eng, ann.id);
  const { key } = await insertApiKey(db, {
    orgId: f.org.id,
    name: "eng-key",
    features: ["streaming"],
    policy: { allowedModels: ["gpt-4o"], fallbackModels: [], loadBalancing: "none", weights: {} },
    groupIds: [eng],
  });
  return { ...f, eng, ann, key };
}

describe("Why? explainer", () => {
  it("is for admins: its rules name other people's spend", async () => {
    const s = await scene();
    const reader = await orgFixture(db, "member");
    await expect(
      explainAccess(db, reader.actor, { memberId: s.ann.id, keyId: s.key.id, model: "gpt-4o" }),
    ).rejects.toThrow(/permission/);
  });

  it("shows every rule passed for an allowed request", async () => {
    const s = await scene();
    const { decision, checks } = await explainAccess(db, s.actor, {
      memberId: s.ann.id,
      keyId: s.key.id,
      model: "gpt-4o",
    });
    expect(decision).toMatchObject({ allow: true, groups: [{ name: "Engineering" }] });
    expect(checks.map((c) => c.rule)).toEqual([
      "key",
      "member",
      "group_access",
      "model",
      "features",
      "rate_limit",
      "member_limit",
      "key_limit",
      "group_budget",
      "budget_window",
    ]);
    expect(checks.every((c) => c.passed)).toBe(true);
  });

  it("names the rule that refused, and stops there", async () => {
    const s = await scene();
    const { decision, checks } = await explainAccess(db, s.actor, {
      memberId: s.ann.id,
      keyId: s.key.id,
      model: "claude-opus-4-1",
    });
    expect(decision).toMatchObject({ allow: false, reason: "model_not_allowed" });
    expect(checks.at(-1)).toMatchObject({
      rule: "model",
      passed: false,
      detail: "The API key eng-key does not allow the model claude-opus-4-1.",
    });
  });

  it("checks a hard budget against an estimate without reserving it", async () => {
    const s = await scene();
    await db
      .update(groups)
      .set({ monthlyBudgetMicros: 1_000_000, budgetMode: "hard" })
      .where(eq(groups.id, s.eng));
    const ask = (estimatedCostDollars: string) =>
      explainAccess(db, s.actor, {
        memberId: s.ann.id,
        keyId: s.key.id,
        model: "gpt-4o",
        estimatedCostDollars,
      });
    expect((await ask("0.50")).decision).toMatchObject({ allow: true, reservationId: null });
    expect((await ask("2")).decision).toMatchObject({
      allow: false,
      reason: "group_budget_exceeded",
    });
    expect(
      await db.select().from(budgetReservations).where(eq(budgetReservations.orgId, s.org.id)),
    ).toEqual([]);
  });

  it("treats a member or key of another organisation as unknown", async () => {
    const s = await scene();
    const other = await scene();
    expect(
      (
        await explainAccess(db, s.actor, {
          memberId: s.ann.id,
          keyId: other.key.id,
          model: "gpt-4o",
        })
      ).decision,
    ).toMatchObject({ allow: false, reason: "key_unknown" });
    expect(
      (
        await explainAccess(db, s.actor, {
          memberId: other.ann.id,
          keyId: s.key.id,
          model: "gpt-4o",
        })
      ).decision,
    ).toMatchObject({ allow: false, reason: "user_unknown" });
  });
});
