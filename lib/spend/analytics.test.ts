import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/connect";
import { insertApiKey } from "@/db/seed/builders";
import { systemActor } from "@/lib/auth/actor";
import { testDatabase } from "@/test/db";
import { orgFixture } from "@/test/fixtures";
import { spendSummary } from "./analytics";
import { spendFiltersOf } from "./filters";
import { groupsSideBySide } from "./group-analytics";
import { ingestUsage } from "./ingest";

let db: Db;
beforeAll(async () => {
  ({ db } = await testDatabase());
});

async function scene() {
  const f = await orgFixture(db, "admin");
  const team = await f.group("Team");
  const ann = await f.person("Ann");
  await f.join(team, ann.id);
  const { key } = await insertApiKey(db, {
    orgId: f.org.id,
    name: "k",
    features: [],
    policy: { allowedModels: [], fallbackModels: [], loadBalancing: "none", weights: {} },
    groupIds: [],
  });
  let n = 0;
  const spend = (at: Date, costMicros: number, features: string[] = []) =>
    ingestUsage(db, systemActor(f.org.id), [
      {
        eventId: `e${++n}`,
        occurredAt: at,
        memberId: ann.id,
        keyId: key.id,
        model: "gpt-4o",
        features,
        inputTokens: 1,
        outputTokens: 1,
        costMicros,
      },
    ]);
  return { ...f, team, spend };
}

describe("spend analytics", () => {
  it("compares this month's complete days with as many first days of last month", async () => {
    const s = await scene();
    const now = new Date();
    const day = (monthOffset: number, d: number) =>
      new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + monthOffset, d, 12));
    const today = now.getUTCDate();
    await s.spend(day(-1, 1), 1_000);
    await s.spend(day(-1, 28), 20_000);
    if (today > 1) await s.spend(day(0, 1), 300);
    await s.spend(now, 4_000);
    const summary = await spendSummary(db, s.actor, now);
    expect(summary.thisMonthMicros).toBe((today > 1 ? 300 : 0) + 4_000);
    expect(summary.lastMonthMicros).toBe(21_000);
    if (today === 1) expect(summary.comparison).toBeNull();
    else
      expect(summary.comparison).toEqual({
        days: today - 1,
        thisMonthMicros: 300,
        lastMonthMicros: today - 1 >= 28 ? 21_000 : 1_000,
      });
  });

  it("shares a feature of all of a group's requests, not of those that used features", async () => {
    const s = await scene();
    const at = new Date();
    for (let i = 0; i < 9; i++) await s.spend(at, 10);
    await s.spend(at, 10, ["streaming", "reasoning"]);
    const today = at.toISOString().slice(0, 10);
    const matrix = await groupsSideBySide(db, s.actor, "feature", { from: today, to: today });
    expect(matrix.groups).toEqual([{ id: s.team, name: "Team", requests: 10 }]);
    expect(matrix.cells[s.team]).toEqual({ streaming: 1, reasoning: 1 });
  });

  it("falls back to the default range for dates the database could not take", () => {
    const now = new Date("2026-11-28T10:00:00Z");
    expect(spendFiltersOf({ from: "0000-01-01", to: "0000-01-31" }, now)).toMatchObject({
      from: "2026-10-30",
      to: "2026-11-28",
    });
  });
});
