import { TZDate } from "@date-fns/tz";
import { startOfDay, startOfMonth, subDays } from "date-fns";
import { and, desc, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/connect";
import { auditLog, budgetWindowAlerts, webhookDeliveries } from "@/db/schema";
import { insertApiKey, insertMembership } from "@/db/seed/builders";
import type { Actor } from "@/lib/auth/actor";
import { type Snapshots, startSnapshots } from "@/lib/gateway/snapshots";
import {
  budgetWindowsWithSpend,
  removeBudgetWindow,
  setBudgetWindow,
} from "@/lib/limits/budget-windows";
import { archiveGroup } from "@/lib/groups/commands";
import { setOrgTimeZone } from "@/lib/orgs/time-zone";
import { listAlerts, markAlertsRead, unreadAlertCount } from "@/lib/spend/alert-queries";
import { ingestUsage } from "@/lib/spend/ingest";
import { createWebhookEndpoint } from "@/lib/webhooks/commands";
import { bothDatabases, testDatabase } from "@/test/db";
import { orgFixture } from "@/test/fixtures";
import { authorize } from "./authorize";
import { explainAccess } from "./explain";

// Budget windows in the decision: a hard window refuses once its span's spend (plus open
// reservations) reaches it, after the monthly limits and budgets, naming itself and when it
// resets; a soft one never refuses; its days start at midnight in the organisation's time zone
// (a request at 23:59:59.999 counts yesterday's spend, one at 00:00:00 does not); a temporary
// increase lapses by itself; concurrent reservations stay within a window. With the subject read
// from the database and from the gateway's snapshot.

const policy = {
  allowedModels: [],
  fallbackModels: [],
  loadBalancing: "none" as const,
  weights: {},
};
const DOLLAR = 1_000_000;

describe.each(bothDatabases())("budget windows on %s", (on) => {
  let db: Db;
  let started: Snapshots;
  beforeAll(async () => {
    const connection = await testDatabase(on);
    db = connection.db;
    started = await startSnapshots(connection);
  });

  describe.each(["database", "snapshots"] as const)(
    "budget windows, subject from the %s",
    (source) => {
      async function scene(timeZone = "UTC") {
        const f = await orgFixture(db, "admin");
        await setOrgTimeZone(db, f.actor, { timeZone });
        const backend = await f.group("Backend");
        const [ann, bob] = [await f.person("Ann"), await f.person("Bob")];
        // Members since long before the usage below, so that it is attributed to the group.
        const since = new Date(Date.now() - 35 * 86_400_000);
        for (const p of [ann, bob])
          await insertMembership(db, { orgId: f.org.id, groupId: backend, memberId: p.id, since });
        const { key, secret } = await insertApiKey(db, {
          orgId: f.org.id,
          name: "backend-key",
          features: [],
          policy,
          groupIds: [backend],
        });
        const gateway: Actor = { kind: "gateway", tokenId: "t", orgId: f.org.id, label: "gw" };
        const snapshots = source === "snapshots" ? started : undefined;
        const ask = async (who: { name: string }, now?: Date, estimatedCostMicros?: number) => {
          await snapshots?.caughtUp();
          return authorize(
            db,
            gateway,
            {
              apiKey: secret,
              user: { email: `${who.name.toLowerCase()}@${f.org.slug}.test` },
              model: "gpt-4o",
              estimatedCostMicros,
            },
            { snapshots, now },
          );
        };
        let events = 0;
        const spend = (who: { id: string }, costMicros: number, occurredAt = new Date()) =>
          ingestUsage(db, gateway, [
            {
              eventId: `e-${++events}`,
              occurredAt,
              memberId: who.id,
              keyId: key.id,
              model: "gpt-4o",
              inputTokens: 10,
              outputTokens: 10,
              costMicros,
            },
          ]);
        const window = (
          target: Parameters<typeof setBudgetWindow>[2]["target"],
          values: Partial<Parameters<typeof setBudgetWindow>[2]> & { amount: string },
        ) => setBudgetWindow(db, f.actor, { target, period: "day", mode: "hard", ...values });
        return { ...f, backend, ann, bob, key, secret, ask, spend, window, gateway };
      }

      it("refuses once a hard daily window is spent, naming it and when it resets", async () => {
        const s = await scene();
        await s.window({ kind: "group", id: s.backend }, { amount: "5" });
        await s.spend(s.ann, 3 * DOLLAR);
        expect(await s.ask(s.bob)).toMatchObject({ allow: true });
        await s.spend(s.bob, 2 * DOLLAR);
        const refused = await s.ask(s.ann);
        const tomorrow = new Date(Date.UTC(...utcDay(new Date(), 1)));
        expect(refused).toEqual({
          allow: false,
          reason: "budget_window_exceeded",
          message: `Backend: $5.00 a day, $5.00 used; it resets at ${tomorrow.toISOString()}.`,
          budgetWindow: {
            id: expect.any(String),
            scope: "group",
            on: "Backend",
            period: "day",
            days: null,
            limitMicros: 5 * DOLLAR,
            usedMicros: 5 * DOLLAR,
            resetsAt: tomorrow.toISOString(),
          },
        });
        // Tomorrow the day is new.
        expect(await s.ask(s.ann, new Date(tomorrow.getTime() + 1))).toMatchObject({ allow: true });
      });

      it("counts the days in the organisation's time zone, to the millisecond", async () => {
        // Kathmandu is UTC+5:45: its midnight is a quarter past six in the evening, UTC.
        const zone = "Asia/Kathmandu";
        const s = await scene(zone);
        await s.window({ kind: "member", id: s.ann.id }, { amount: "1" });
        const midnight = new Date(+startOfDay(subDays(new TZDate(Date.now(), zone), 1)));
        expect(midnight.getUTCMinutes()).toBe(15);
        const lastMs = new Date(midnight.getTime() - 1);
        await s.spend(s.ann, DOLLAR, lastMs);
        // At 23:59:59.999 the day that is ending holds the dollar; at 00:00:00 the new one does not.
        expect(await s.ask(s.ann, lastMs)).toMatchObject({
          allow: false,
          reason: "budget_window_exceeded",
          budgetWindow: { usedMicros: DOLLAR, resetsAt: midnight.toISOString() },
        });
        expect(await s.ask(s.ann, midnight)).toMatchObject({ allow: true });
        // And a dollar at 00:00:00 is the new day's.
        await s.spend(s.ann, DOLLAR, midnight);
        expect(await s.ask(s.ann, midnight)).toMatchObject({ allow: false });
        expect(await s.ask(s.ann, lastMs)).toMatchObject({ budgetWindow: { usedMicros: DOLLAR } });
      });

      it("counts a calendar month from midnight on its first day, where the organisation is", async () => {
        const zone = "America/New_York";
        const s = await scene(zone);
        await s.window({ kind: "key", id: s.key.id }, { amount: "1", period: "month" });
        const first = new Date(+startOfMonth(new TZDate(Date.now(), zone)));
        const lastMs = new Date(first.getTime() - 1);
        await s.spend(s.ann, DOLLAR, lastMs);
        expect(await s.ask(s.ann, lastMs)).toMatchObject({
          reason: "budget_window_exceeded",
          budgetWindow: { period: "month", usedMicros: DOLLAR, resetsAt: first.toISOString() },
        });
        expect(await s.ask(s.ann, first)).toMatchObject({ allow: true });
      });

      it("sums the last N days, and a week from Monday", async () => {
        const s = await scene();
        await s.window({ kind: "key", id: s.key.id }, { amount: "10", period: "days", days: "3" });
        const now = new Date();
        const daysAgo = (n: number) => new Date(Date.UTC(...utcDay(now, -n)) + 3_600_000);
        await s.spend(s.ann, 4 * DOLLAR, daysAgo(3)); // outside the three days
        await s.spend(s.ann, 4 * DOLLAR, daysAgo(2));
        await s.spend(s.bob, 4 * DOLLAR, daysAgo(1));
        expect(await s.ask(s.ann)).toMatchObject({ allow: true });
        await s.spend(s.bob, 2 * DOLLAR);
        expect(await s.ask(s.ann)).toMatchObject({
          allow: false,
          message: expect.stringMatching(
            /^The API key backend-key: \$10\.00 over 3 days, \$10\.00 used; its oldest day leaves it at /,
          ),
        });
        const {
          windows: [status],
        } = await budgetWindowsWithSpend(db, s.actor, { kind: "key", id: s.key.id });
        expect(status).toMatchObject({ usedMicros: 10 * DOLLAR, forecastMicros: null });
        // This week (from Monday midnight) holds what of it fell on or after Monday.
        const monday = new Date(Date.UTC(...utcDay(now, -((now.getUTCDay() + 6) % 7))));
        await s.window({ kind: "key", id: s.key.id }, { amount: "100", period: "week" });
        const week = (
          await budgetWindowsWithSpend(db, s.actor, { kind: "key", id: s.key.id })
        ).windows.find((w) => w.period === "week");
        const spent: [Date, number][] = [
          [daysAgo(3), 4],
          [daysAgo(2), 4],
          [daysAgo(1), 4],
          [now, 2],
        ];
        expect(week).toMatchObject({
          start: monday,
          end: new Date(monday.getTime() + 7 * 86_400_000),
          usedMicros: spent.reduce((sum, [at, d]) => sum + (at >= monday ? d * DOLLAR : 0), 0),
        });
      });

      it("never refuses for a soft window, and is checked after the monthly limits", async () => {
        const s = await scene();
        await s.window({ kind: "group", id: s.backend }, { amount: "1", mode: "soft" });
        await s.spend(s.ann, 2 * DOLLAR);
        expect(await s.ask(s.ann)).toMatchObject({ allow: true });
        await s.window({ kind: "group", id: s.backend }, { amount: "1", mode: "hard" });
        expect(await s.ask(s.ann)).toMatchObject({ reason: "budget_window_exceeded" });
        // The explainer lists every rule up to the window that decided, in order.
        const explained = await explainAccess(db, s.actor, {
          memberId: s.ann.id,
          keyId: s.key.id,
          model: "gpt-4o",
        });
        expect(explained.checks.map((c) => [c.rule, c.passed])).toEqual([
          ["key", true],
          ["member", true],
          ["group_access", true],
          ["model", true],
          ["features", true],
          ["rate_limit", true],
          ["member_limit", true],
          ["key_limit", true],
          ["group_budget", true],
          ["budget_window", false],
        ]);
      });

      it("lets a temporary increase lapse by itself, and audits it", async () => {
        const s = await scene();
        const today = new Date(Date.UTC(...utcDay(new Date(), 0)));
        const shape = { period: "days" as const, days: 2, amount: "1" };
        const set = await s.window(
          { kind: "member", id: s.ann.id },
          { ...shape, raisedAmount: "3", raisedUntil: today.toISOString().slice(0, 10) },
        );
        // Until the end of that day where the organisation is (UTC here).
        const end = new Date(Date.UTC(...utcDay(today, 1)));
        expect(set.raisedUntil?.toISOString()).toBe(end.toISOString());
        await s.spend(s.ann, 2 * DOLLAR);
        expect(await s.ask(s.ann)).toMatchObject({ allow: true });
        expect(await s.ask(s.ann, new Date(end.getTime() - 1))).toMatchObject({ allow: true });
        // At midnight the increase is over; the two days still hold today's $2.
        expect(await s.ask(s.ann, end)).toMatchObject({
          reason: "budget_window_exceeded",
          budgetWindow: { limitMicros: DOLLAR, usedMicros: 2 * DOLLAR },
        });
        const [entry] = await db
          .select()
          .from(auditLog)
          .where(and(eq(auditLog.orgId, s.org.id), eq(auditLog.action, "budget_window.set")));
        expect(entry).toMatchObject({
          before: null,
          after: {
            amountMicros: DOLLAR,
            raisedAmountMicros: 3 * DOLLAR,
            raisedUntil: end.toISOString(),
          },
        });
        // Set again without the increase: over now.
        await s.window({ kind: "member", id: s.ann.id }, shape);
        expect(await s.ask(s.ann)).toMatchObject({ reason: "budget_window_exceeded" });
        await removeBudgetWindow(db, s.actor, { budgetWindowId: set.id });
        expect(await s.ask(s.ann)).toMatchObject({ allow: true });
      });

      it("alerts each threshold once a span, in the console and to webhooks", async () => {
        const s = await scene();
        const endpoint = await createWebhookEndpoint(db, s.actor, {
          url: "https://hooks.example.com/in",
        });
        const w = await s.window(
          { kind: "group", id: s.backend },
          { amount: "10", mode: "soft", alertThresholds: "50, 100" },
        );
        const alerts = () =>
          db
            .select()
            .from(budgetWindowAlerts)
            .where(eq(budgetWindowAlerts.windowId, w.id))
            .orderBy(desc(budgetWindowAlerts.thresholdPercent));
        // Below every threshold: nothing.
        await s.spend(s.ann, 4 * DOLLAR);
        expect(await alerts()).toEqual([]);
        await s.spend(s.bob, 2 * DOLLAR);
        expect((await alerts()).map((a) => [a.thresholdPercent, a.spendMicros])).toEqual([
          [50, 6 * DOLLAR],
        ]);
        // Past 100 %: that one, and 50 % not again.
        await s.spend(s.ann, 5 * DOLLAR);
        await s.spend(s.ann, 1 * DOLLAR);
        expect((await alerts()).map((a) => [a.thresholdPercent, a.spendMicros])).toEqual([
          [100, 11 * DOLLAR],
          [50, 6 * DOLLAR],
        ]);
        const deliveries = await db
          .select()
          .from(webhookDeliveries)
          .where(eq(webhookDeliveries.endpointId, endpoint.id));
        expect(deliveries.map((d) => d.eventType)).toEqual([
          "budget_window.threshold_crossed",
          "budget_window.threshold_crossed",
        ]);
        const over = deliveries.find(
          (d) =>
            (d.payload as { data: { thresholdPercent: number } }).data.thresholdPercent === 100,
        );
        expect(over?.payload).toMatchObject({
          data: {
            window: { id: w.id, on: { kind: "group", id: s.backend }, period: "day", mode: "soft" },
            thresholdPercent: 100,
            spendMicros: 11 * DOLLAR,
            budgetMicros: 10 * DOLLAR,
          },
        });
        // Listed with the monthly budgets' alerts, counted unread until read.
        const listed = await listAlerts(db, s.actor, 1);
        expect(listed.rows.map((a) => [a.source, a.targetName, a.thresholdPercent])).toEqual([
          ["window", "Backend", 100],
          ["window", "Backend", 50],
        ]);
        expect(await unreadAlertCount(db, s.actor)).toBe(2);
        await markAlertsRead(db, s.actor);
        expect(await unreadAlertCount(db, s.actor)).toBe(0);
      });

      it("admits no more concurrent reservations than a window holds", async () => {
        const s = await scene();
        // A group with no monthly budget, only a hard window: its reservations hold against it.
        await s.window({ kind: "group", id: s.backend }, { amount: "0.10" });
        const answers = await Promise.all(
          Array.from({ length: 25 }, (_, i) => s.ask(i % 2 ? s.ann : s.bob, undefined, 10_000)),
        );
        expect(answers.filter((a) => a.allow)).toHaveLength(10);
        expect(
          answers.filter((a) => !a.allow && a.reason === "budget_window_exceeded"),
        ).toHaveLength(15);
        const {
          windows: [status],
        } = await budgetWindowsWithSpend(db, s.actor, { kind: "group", id: s.backend });
        expect(status?.usedMicros).toBe(100_000);
      });
    },
  );

  describe("budget window settings", () => {
    it("say what is wrong with a window, field by field", async () => {
      const f = await orgFixture(db, "admin");
      const group = await f.group("Ops");
      const target = { kind: "group" as const, id: group };
      const issues = async (values: object) => {
        try {
          await setBudgetWindow(db, f.actor, {
            target,
            period: "day",
            mode: "hard",
            amount: "5",
            ...values,
          });
          return null;
        } catch (error) {
          return (error as { issues?: { path: string[]; message: string }[] }).issues?.map((i) => [
            i.path.join("."),
            i.message,
          ]);
        }
      };
      expect(await issues({ amount: "0" })).toEqual([["amount", "Enter an amount above $0."]]);
      expect(await issues({ amount: "lots" })).toEqual([["amount", "Enter an amount in dollars."]]);
      expect(await issues({ period: "days" })).toEqual([
        ["days", "Enter a number of days from 2 to 31."],
      ]);
      expect(await issues({ period: "days", days: "90" })).toEqual([
        ["days", "Enter a number of days from 2 to 31."],
      ]);
      expect(await issues({ raisedAmount: "10" })).toEqual([
        ["raisedUntil", "A temporary increase needs both an amount and the date it lasts until."],
      ]);
      expect(await issues({ raisedAmount: "4", raisedUntil: "2099-01-01" })).toEqual([
        ["raisedAmount", "A temporary increase must be above the window's amount."],
      ]);
      expect(await issues({ alertThresholds: "80, lots" })).toEqual([
        ["alertThresholds.1", "Alert thresholds are whole percentages, like 80, 100."],
      ]);
      await expect(
        setBudgetWindow(db, f.actor, {
          target,
          period: "day",
          mode: "hard",
          amount: "5",
          raisedAmount: "10",
          raisedUntil: "2001-01-01",
        }),
      ).rejects.toThrow("A temporary increase must last until today or later.");
      await expect(setOrgTimeZone(db, f.actor, { timeZone: "Mars/Olympus" })).rejects.toThrow();
      // A member may not set one.
      const member = await orgFixture(db, "member");
      await expect(
        setBudgetWindow(db, member.actor, { target, period: "day", mode: "hard", amount: "5" }),
      ).rejects.toThrow();
    });

    it("are refused on an archived group, by the server and not only the page", async () => {
      const f = await orgFixture(db, "admin");
      const group = await f.group("Old project");
      await archiveGroup(db, f.actor, { groupId: group });
      await expect(
        setBudgetWindow(db, f.actor, {
          target: { kind: "group", id: group },
          period: "day",
          mode: "hard",
          amount: "5",
        }),
      ).rejects.toThrow("Old project is archived: restore it first.");
    });

    it("keep one window of each length per target: setting it again changes it", async () => {
      const f = await orgFixture(db, "admin");
      const group = await f.group("Ops");
      const target = { kind: "group" as const, id: group };
      const first = await setBudgetWindow(db, f.actor, {
        target,
        period: "day",
        mode: "hard",
        amount: "5",
      });
      const again = await setBudgetWindow(db, f.actor, {
        target,
        period: "day",
        mode: "soft",
        amount: "7",
      });
      const week = await setBudgetWindow(db, f.actor, {
        target,
        period: "week",
        mode: "hard",
        amount: "20",
      });
      expect(again.id).toBe(first.id);
      expect(week.id).not.toBe(first.id);
      const { windows: listed } = await budgetWindowsWithSpend(db, f.actor, {
        kind: "group",
        id: group,
      });
      expect(listed.map((w) => [w.period, w.mode, w.amountMicros])).toEqual([
        ["day", "soft", 7 * DOLLAR],
        ["week", "hard", 20 * DOLLAR],
      ]);
      // Another organisation's admin can neither see nor change them.
      const other = await orgFixture(db, "admin");
      expect(await budgetWindowsWithSpend(db, other.actor, { kind: "group", id: group })).toEqual({
        timeZone: "UTC",
        windows: [],
      });
      await expect(
        removeBudgetWindow(db, other.actor, { budgetWindowId: first.id }),
      ).rejects.toThrow("was not found");
      await expect(
        setBudgetWindow(db, other.actor, { target, period: "day", mode: "hard", amount: "1" }),
      ).rejects.toThrow();
    });
  });
});

/** [year, month, day] of the UTC day `offset` days from `at`'s, for Date.UTC. */
function utcDay(at: Date, offset: number): [number, number, number] {
  return [at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() + offset];
}
