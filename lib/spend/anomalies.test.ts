import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/connect";
import { auditLog, spendAnomalies, webhookDeliveries } from "@/db/schema";
import { insertApiKey, insertMembership } from "@/db/seed/builders";
import type { Actor } from "@/lib/auth/actor";
import { Forbidden } from "@/lib/errors";
import { createWebhookEndpoint } from "@/lib/webhooks/commands";
import { bothDatabases, testDatabase } from "@/test/db";
import { orgFixture } from "@/test/fixtures";
import { listAlerts, unreadAlertCount } from "./alert-queries";
import { addDays, detectSpendAnomalies } from "./anomalies";
import { judgeSpend } from "./anomaly-judge";
import { anomalySettings, setAnomalySettings } from "./anomaly-settings";
import { ingestUsage } from "./ingest";

// Unusual spend: a day far above the 28 before it is raised once for the member, their group and
// the organisation, with what drove it, to the bell and to webhooks; the steady, the small, the
// bursty and the other organisation's are not; a week that stays high without one unusual day is
// raised as a week; a week that only repeats an unusual day is not.

const DOLLAR = 1_000_000;
const NOW = new Date("2026-11-20T15:00:00Z");
const TODAY = "2026-11-20";
const policy = {
  allowedModels: [],
  fallbackModels: [],
  loadBalancing: "none" as const,
  weights: {},
};

describe("judgeSpend", () => {
  const rules = { sensitivity: "medium" as const, minSpendMicros: DOLLAR, minActivePeriods: 7 };
  const steady = Array.from({ length: 28 }, (_, i) => (10 + (i % 5)) * DOLLAR);

  it("finds a spike far above a steady baseline, and not an ordinary day", () => {
    expect(judgeSpend(steady, 60 * DOLLAR, rules)).toMatchObject({
      unusual: true,
      medianMicros: 12 * DOLLAR,
      p90Micros: 14 * DOLLAR,
    });
    expect(judgeSpend(steady, 14 * DOLLAR, rules).unusual).toBe(false);
  });

  it("is not blinded by one past spike in the baseline", () => {
    const withIncident = steady.map((v, i) => (i === 10 ? 500 * DOLLAR : v));
    expect(judgeSpend(withIncident, 60 * DOLLAR, rules).unusual).toBe(true);
  });

  it("does not count the usual day of someone who spends in bursts", () => {
    const bursty = Array.from({ length: 28 }, (_, i) => (i % 3 === 0 ? 5 * DOLLAR : 0));
    expect(judgeSpend(bursty, 5 * DOLLAR, rules).unusual).toBe(false);
    expect(judgeSpend(bursty, 50 * DOLLAR, rules).unusual).toBe(true);
  });

  it("judges nothing without a past, nor below the minimum, and less readily when low", () => {
    expect(judgeSpend(Array(28).fill(0), 100 * DOLLAR, rules).unusual).toBe(false);
    const cents = Array.from({ length: 28 }, () => 10_000);
    expect(judgeSpend(cents, 900_000, rules).unusual).toBe(false);
    // 19 is about 4.7 robust standard deviations above 12.
    expect(judgeSpend(steady, 19 * DOLLAR, { ...rules, sensitivity: "high" }).unusual).toBe(true);
    expect(judgeSpend(steady, 19 * DOLLAR, rules).unusual).toBe(true);
    expect(judgeSpend(steady, 19 * DOLLAR, { ...rules, sensitivity: "low" }).unusual).toBe(false);
  });
});

describe.each(bothDatabases())("unusual spend on %s", (on) => {
  let db: Db;
  beforeAll(async () => {
    db = (await testDatabase(on)).db;
  });

  async function scene() {
    const f = await orgFixture(db, "admin");
    const backend = await f.group("Backend");
    const design = await f.group("Design");
    const [ann, bob, cat] = [await f.person("Ann"), await f.person("Bob"), await f.person("Cat")];
    const since = new Date(NOW.getTime() - 60 * 86_400_000);
    for (const [groupId, p] of [
      [backend, ann],
      [backend, bob],
      [design, cat],
    ] as const)
      await insertMembership(db, { orgId: f.org.id, groupId, memberId: p.id, since });
    const { key } = await insertApiKey(db, {
      orgId: f.org.id,
      name: "shared-key",
      features: [],
      policy,
      groupIds: [backend, design],
    });
    const gateway: Actor = { kind: "gateway", tokenId: "t", orgId: f.org.id, label: "gw" };
    let n = 0;
    const spend = (rows: { who: { id: string }; day: string; cost: number; model?: string }[]) =>
      ingestUsage(
        db,
        gateway,
        rows.map((r) => ({
          eventId: `e-${++n}`,
          occurredAt: new Date(`${r.day}T09:00:00Z`),
          memberId: r.who.id,
          keyId: key.id,
          model: r.model ?? "gpt-4o-mini",
          inputTokens: 100,
          outputTokens: 100,
          costMicros: r.cost,
        })),
      );
    // 28 ordinary days: Ann about $2, Bob $1, Cat about $3.
    await spend(
      Array.from({ length: 28 }, (_, i) => addDays(TODAY, -28 + i)).flatMap((day, i) => [
        { who: ann, day, cost: (2 + (i % 3) * 0.2) * DOLLAR },
        { who: bob, day, cost: 1 * DOLLAR },
        { who: cat, day, cost: (3 + (i % 2) * 0.3) * DOLLAR },
      ]),
    );
    const anomalies = () =>
      db.select().from(spendAnomalies).where(eq(spendAnomalies.orgId, f.org.id));
    return { ...f, backend, design, ann, bob, cat, key, spend, anomalies };
  }

  it("raises a spike once for the member, their group and the organisation, with what drove it", async () => {
    const s = await scene();
    const endpoint = await createWebhookEndpoint(db, s.actor, {
      url: "https://hooks.example.com/in",
    });
    await s.spend([
      { who: s.ann, day: TODAY, cost: 30 * DOLLAR, model: "gpt-4o" },
      { who: s.ann, day: TODAY, cost: 2 * DOLLAR },
      { who: s.bob, day: TODAY, cost: 1 * DOLLAR },
      { who: s.cat, day: TODAY, cost: 3 * DOLLAR },
    ]);
    const raised = await detectSpendAnomalies(db, s.org.id, NOW);
    const by = (scope: string, id: string | null) =>
      raised.find((a) => a.scope === scope && (a.groupId ?? a.memberId) === id);
    // The day only: the week's high is that same day, not raised again.
    expect(raised.map((a) => [a.scope, a.groupId ?? a.memberId, a.period, a.day]).sort()).toEqual(
      [
        ["group", s.backend, "day", TODAY],
        ["member", s.ann.id, "day", TODAY],
        ["org", null, "day", TODAY],
      ].sort(),
    );
    expect(by("member", s.ann.id)).toMatchObject({
      spendMicros: 32 * DOLLAR,
      medianMicros: 2.2 * DOLLAR,
      sensitivity: "medium",
    });
    expect(by("group", s.backend)!.drivers).toEqual([
      { kind: "member", id: s.ann.id, name: "Ann", costMicros: 32 * DOLLAR },
      { kind: "member", id: s.bob.id, name: "Bob", costMicros: 1 * DOLLAR },
      { kind: "key", id: s.key.id, name: "shared-key", costMicros: 33 * DOLLAR },
      { kind: "model", id: "gpt-4o", name: "gpt-4o", costMicros: 30 * DOLLAR },
      { kind: "model", id: "gpt-4o-mini", name: "gpt-4o-mini", costMicros: 3 * DOLLAR },
    ]);
    // Cat and Design spent as usual; Bob too.
    expect(by("member", s.cat.id)).toBeUndefined();
    expect(by("group", s.design)).toBeUndefined();
    expect(by("member", s.bob.id)).toBeUndefined();

    // Once: later checks, and more spend the same day, raise nothing new.
    await s.spend([{ who: s.ann, day: TODAY, cost: 10 * DOLLAR }]);
    expect(await detectSpendAnomalies(db, s.org.id, new Date(NOW.getTime() + 60_000))).toEqual([]);
    expect(await s.anomalies()).toHaveLength(3);

    const deliveries = await db
      .select()
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.endpointId, endpoint.id));
    expect(deliveries.map((d) => d.eventType)).toEqual(Array(3).fill("spend.anomaly"));
    expect(
      deliveries.find(
        (d) => (d.payload as { data: { on: { kind: string } } }).data.on.kind === "group",
      )!.payload,
    ).toMatchObject({
      type: "spend.anomaly",
      data: {
        on: { kind: "group", id: s.backend, name: "Backend" },
        period: "day",
        from: TODAY,
        to: TODAY,
        spendMicros: 33 * DOLLAR,
        drivers: expect.arrayContaining([expect.objectContaining({ kind: "member", name: "Ann" })]),
      },
    });

    // In the bell and the alerts list with the budgets' alerts.
    expect(await unreadAlertCount(db, s.actor)).toBe(3);
    const { rows } = await listAlerts(db, s.actor, 1);
    expect(
      rows
        .filter((r) => r.source === "anomaly")
        .map((r) => r.targetName)
        .sort(),
    ).toEqual(["Ann", "Backend", s.org.name].sort());
  });

  it("raises nothing for ordinary spend, for a spike under the minimum, or when switched off", async () => {
    const s = await scene();
    await s.spend([
      { who: s.ann, day: TODAY, cost: 2.4 * DOLLAR },
      { who: s.cat, day: TODAY, cost: 3.3 * DOLLAR },
    ]);
    expect(await detectSpendAnomalies(db, s.org.id, NOW)).toEqual([]);

    // Bob's $5 is five times his usual $1 but under a $10 minimum; with $1 it counts.
    await s.spend([{ who: s.bob, day: TODAY, cost: 5 * DOLLAR }]);
    await setAnomalySettings(db, s.actor, { sensitivity: "medium", minSpend: "10" });
    expect(await detectSpendAnomalies(db, s.org.id, NOW)).toEqual([]);
    await setAnomalySettings(db, s.actor, { sensitivity: "off", minSpend: "1" });
    expect(await detectSpendAnomalies(db, s.org.id, NOW)).toEqual([]);
    await setAnomalySettings(db, s.actor, { sensitivity: "medium", minSpend: "1" });
    const raised = await detectSpendAnomalies(db, s.org.id, NOW);
    // Bob's spike, and so his group's and the organisation's day; nobody else's.
    expect(raised.map((a) => [a.scope, a.groupId ?? a.memberId]).sort()).toEqual(
      [
        ["group", s.backend],
        ["member", s.bob.id],
        ["org", null],
      ].sort(),
    );
  });

  it("raises a week that stays high when no day of it is unusual", async () => {
    const s = await scene();
    // Cat at $12 a day for the last 7 days (her usual $3 or $3.30 and more): each day like the
    // others, together about three and a half times her usual week.
    const extra = (day: string) => {
      const i = 28 + (Date.parse(day) - Date.parse(TODAY)) / 86_400_000;
      return day === TODAY ? 12 : 12 - (3 + (i % 2) * 0.3);
    };
    await s.spend(
      Array.from({ length: 7 }, (_, i) => addDays(TODAY, -6 + i)).map((day) => ({
        who: s.cat,
        day,
        cost: Math.round(extra(day) * DOLLAR),
      })),
    );
    const raised = await detectSpendAnomalies(db, s.org.id, NOW);
    const cat = raised.filter((a) => a.memberId === s.cat.id);
    // Yesterday's 7 days were high already: that one is raised, and today's is the same week.
    expect(cat.map((a) => [a.period, a.day])).toEqual([["week", addDays(TODAY, -1)]]);
    expect(cat[0]!.spendMicros).toBe(6 * 12 * DOLLAR + 3.3 * DOLLAR);
    expect(raised.filter((a) => a.period === "day")).toEqual([]);
  });

  it("keeps each organisation's anomalies and settings to itself", async () => {
    const s = await scene();
    await s.spend([{ who: s.ann, day: TODAY, cost: 40 * DOLLAR }]);
    await detectSpendAnomalies(db, s.org.id, NOW);
    const other = await orgFixture(db, "admin");
    expect(await unreadAlertCount(db, other.actor)).toBe(0);
    expect((await listAlerts(db, other.actor, 1)).rows).toEqual([]);
    expect(await anomalySettings(db, other.actor)).toEqual({
      sensitivity: "medium",
      minSpendMicros: DOLLAR,
    });
  });

  it("validates and audits the settings, and refuses members", async () => {
    const s = await scene();
    await expect(
      setAnomalySettings(db, s.actor, { sensitivity: "extreme", minSpend: "1" }),
    ).rejects.toThrow("Choose Off, Low, Medium or High.");
    await expect(
      setAnomalySettings(db, s.actor, { sensitivity: "low", minSpend: "lots" }),
    ).rejects.toThrow("Enter an amount in dollars.");
    await expect(
      setAnomalySettings(db, s.actor, { sensitivity: "low", minSpend: "" }),
    ).rejects.toThrow("Enter an amount in dollars, like 1.00.");
    expect(
      await setAnomalySettings(db, s.actor, { sensitivity: "high", minSpend: "$2.50" }),
    ).toEqual({
      sensitivity: "high",
      minSpendMicros: 2.5 * DOLLAR,
    });
    const [row] = await db
      .select()
      .from(auditLog)
      .where(
        and(eq(auditLog.orgId, s.org.id), eq(auditLog.action, "org.anomaly_settings_changed")),
      );
    expect(row).toMatchObject({
      before: { sensitivity: "medium", minSpendMicros: DOLLAR },
      after: { sensitivity: "high", minSpendMicros: 2.5 * DOLLAR },
    });
    const member = await orgFixture(db, "member");
    await expect(anomalySettings(db, member.actor)).rejects.toBeInstanceOf(Forbidden);
    await expect(
      setAnomalySettings(db, member.actor, { sensitivity: "off", minSpend: "1" }),
    ).rejects.toBeInstanceOf(Forbidden);
  });
});
