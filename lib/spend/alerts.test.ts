import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/connect";
import { budgetAlerts, groups } from "@/db/schema";
import { insertApiKey } from "@/db/seed/builders";
import { systemActor } from "@/lib/auth/actor";
import { startOfMonthUtc, toIsoDay } from "@/lib/time";
import { testDatabase, usingPostgres } from "@/test/db";
import { orgFixture } from "@/test/fixtures";
import { raiseBudgetAlerts } from "./alerts";
import { forecastMonth } from "./forecast";
import { ingestUsage } from "./ingest";

let db: Db;
beforeAll(async () => {
  ({ db } = await testDatabase());
});

const BUDGET = 10_000_000; // $10

/** Engineering ($10 budget, alerts at 50/80/100 %) → Backend, with Ann in Backend. */
async function scene() {
  const f = await orgFixture(db, "admin");
  const eng = await f.group("Engineering");
  const backend = await f.group("Backend", eng);
  await db.update(groups).set({ monthlyBudgetMicros: BUDGET }).where(eq(groups.id, eng));
  const people = await Promise.all(["Ann", "Bob", "Cy", "Di"].map((n) => f.person(n)));
  for (const p of people) await f.join(backend, p.id);
  const { key } = await insertApiKey(db, {
    orgId: f.org.id,
    name: "k",
    features: [],
    policy: { allowedModels: [], fallbackModels: [], loadBalancing: "none", weights: {} },
    groupIds: [eng],
  });
  let n = 0;
  const spend = (costMicros: number, memberId = people[0]!.id) =>
    ingestUsage(db, systemActor(f.org.id), [
      {
        eventId: `e${++n}-${Math.random()}`,
        occurredAt: new Date(),
        memberId,
        keyId: key.id,
        model: "gpt-4o",
        inputTokens: 1,
        outputTokens: 1,
        costMicros,
      },
    ]);
  const alerts = async () =>
    (await db.select().from(budgetAlerts).where(eq(budgetAlerts.orgId, f.org.id)))
      .filter((a) => a.kind === "threshold")
      .map((a) => a.thresholdPercent)
      .sort((a, b) => a - b);
  return { ...f, eng, backend, people, spend, alerts };
}

describe("budget alerts", () => {
  it("raises each threshold once, when spend through a subgroup crosses it", async () => {
    const s = await scene();
    await s.spend(4_000_000);
    expect(await s.alerts()).toEqual([]);
    await s.spend(1_000_000);
    expect(await s.alerts()).toEqual([50]);
    await s.spend(1_000_000);
    await s.spend(1_000_000);
    expect(await s.alerts()).toEqual([50]);
    await s.spend(5_000_000);
    expect(await s.alerts()).toEqual([50, 80, 100]);
    await s.spend(5_000_000);
    expect(await s.alerts()).toEqual([50, 80, 100]);
    const [row] = await db.select().from(budgetAlerts).where(eq(budgetAlerts.groupId, s.eng));
    expect(row).toMatchObject({ month: toIsoDay(startOfMonthUtc(new Date())) });
  });

  it("misses no crossing and repeats none when many batches arrive at once", async () => {
    const s = await scene();
    // 20 batches of 5 % each, from four people: only together do they cross 50, 80 and 100 %.
    const batches = Array.from({ length: usingPostgres ? 20 : 8 }, (_, i) =>
      s.spend(BUDGET / 20, s.people[i % 4]!.id),
    );
    await Promise.all(batches);
    expect(await s.alerts()).toEqual(usingPostgres ? [50, 80, 100] : []);
    if (!usingPostgres) {
      await Promise.all(
        Array.from({ length: 12 }, (_, i) => s.spend(BUDGET / 20, s.people[i % 4]!.id)),
      );
      expect(await s.alerts()).toEqual([50, 80, 100]);
    }
  });

  it("raises a forecast alert once the month's pace heads past the budget", async () => {
    const s = await scene();
    const start = startOfMonthUtc(new Date());
    const month = toIsoDay(start);
    await s.spend(3_000_000);
    // The ingest judged the pace at the real now (early in a month it raises this alert itself):
    // from here the month is judged at chosen days.
    await db.delete(budgetAlerts).where(eq(budgetAlerts.orgId, s.org.id));
    // Day 10 with $3 spent: about $9 projected, under budget; by day 5, about $18: over.
    const at = (day: number) => new Date(start.getTime() + day * 86_400_000);
    const touched = [{ groupId: s.eng, month, lastAt: new Date().toISOString() }];
    expect(await raiseBudgetAlerts(db, s.org.id, touched, at(10))).toEqual([]);
    const raised = await raiseBudgetAlerts(db, s.org.id, touched, at(5));
    expect(raised).toMatchObject([{ kind: "forecast", thresholdPercent: 100 }]);
    expect(await raiseBudgetAlerts(db, s.org.id, touched, at(5))).toEqual([]);
  });
});

describe("forecastMonth", () => {
  const nov = (day: number, hour = 0) => new Date(Date.UTC(2026, 10, day, hour));

  it("projects the month from its pace and dates the budget crossing", () => {
    // 10 days into a 30-day month with $100 spent: $300 by the end; a $200 budget on day 20.
    const f = forecastMonth(100_000_000, 200_000_000, nov(11));
    expect(f.projectedMicros).toBe(300_000_000);
    expect(f.crossesBudgetAt).toEqual(nov(21));
  });

  it("makes no projection in the first days, and no crossing already passed or beyond the month", () => {
    expect(forecastMonth(50_000_000, 10_000_000, nov(2))).toEqual({
      projectedMicros: null,
      crossesBudgetAt: null,
    });
    expect(forecastMonth(300_000_000, 200_000_000, nov(11)).crossesBudgetAt).toBeNull();
    expect(forecastMonth(10_000_000, 200_000_000, nov(11)).crossesBudgetAt).toBeNull();
  });
});
