import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/connect";
import { queryRows } from "@/db/rows";
import { apiKeys, budgetHolds, groups } from "@/db/schema";
import { insertApiKey } from "@/db/seed/builders";
import type { Actor } from "@/lib/auth/actor";
import { ingestUsage } from "@/lib/spend/ingest";
import { testDatabase } from "@/test/db";
import { orgFixture } from "@/test/fixtures";
import { authorize } from "./authorize";
import { pruneReservations } from "./reservations";
import { usedAgainstLimits } from "./used";

// Authorize reads what reservations hold from budget_holds instead of summing them. Whatever
// mix of reservations, settlements and expiries went before, the figure it reads must be the
// sum it replaced (spend plus the reservations neither settled nor expired), and once released
// the holds must equal the reservations not yet released.

let db: Db;
beforeAll(async () => {
  db = (await testDatabase()).db;
});

async function scene() {
  const f = await orgFixture(db, "admin");
  const team = await f.group("Team");
  const people = await Promise.all(["Ann", "Bob", "Cy"].map((n) => f.person(n)));
  for (const p of people) await f.join(team, p.id);
  await db
    .update(groups)
    .set({ budgetMode: "hard", monthlyBudgetMicros: 1_000_000_000 })
    .where(eq(groups.id, team));
  const { key, secret } = await insertApiKey(db, {
    orgId: f.org.id,
    name: "team-key",
    features: [],
    policy: { allowedModels: [], fallbackModels: [], loadBalancing: "none", weights: {} },
    groupIds: [team],
  });
  // A key limit too: its holds are read and moved as the group's are.
  await db.update(apiKeys).set({ monthlyLimitMicros: 1_000_000_000 }).where(eq(apiKeys.id, key.id));
  const gateway: Actor = { kind: "gateway", tokenId: "t", orgId: f.org.id, label: "gw" };
  return { ...f, team, people, key, secret, gateway };
}

type Scene = Awaited<ReturnType<typeof scene>>;

/** The definition the holds replace: this month's spend plus the open reservations. */
async function summed(s: Scene, scopeId: string, now: Date) {
  const [row] = await queryRows<{ micros: string }>(
    db,
    sql`select
      coalesce((select sum(cost_micros) from usage_daily_group where group_id = ${scopeId}::uuid
        and day >= date_trunc('month', ${now.toISOString()}::timestamptz at time zone 'UTC')::date), 0)
      + coalesce((select sum(cost_micros) from usage_daily_member where key_id = ${scopeId}::uuid
        and day >= date_trunc('month', ${now.toISOString()}::timestamptz at time zone 'UTC')::date), 0)
      + coalesce((select sum(amount_micros) from budget_reservations
          where org_id = ${s.org.id}::uuid and settled_at is null and expires_at > ${now.toISOString()}::timestamptz
            and (key_id = ${scopeId}::uuid or ${scopeId}::uuid = any(group_ids))), 0) as micros`,
  );
  return Number(row!.micros);
}

async function read(s: Scene, now: Date) {
  const used = await usedAgainstLimits(
    db,
    s.org.id,
    { memberIds: [], keyIds: [s.key.id], groupIds: [s.team] },
    now,
  );
  return { group: used.groups.get(s.team) ?? 0, key: used.keys.get(s.key.id) ?? 0 };
}

describe("budget holds", () => {
  it("read as the sum of open reservations through reserving, settling and expiring", async () => {
    const s = await scene();
    const start = new Date();
    const at = (seconds: number) => new Date(start.getTime() + seconds * 1_000);
    const ask = (person: number, estimate: number, seconds: number, ttl: number) =>
      authorize(
        db,
        s.gateway,
        {
          apiKey: s.secret,
          user: { email: `${s.people[person]!.name.toLowerCase()}@${s.org.slug}.test` },
          model: "gpt-4o",
          estimatedCostMicros: estimate,
        },
        { now: at(seconds), reservationTtlSeconds: ttl },
      );
    const check = async (seconds: number) => {
      const now = at(seconds);
      expect(await read(s, now)).toEqual({
        group: await summed(s, s.team, now),
        key: await summed(s, s.key.id, now),
      });
    };

    // Reservations of different sizes and lifetimes, some concurrent.
    const first = await Promise.all([ask(0, 7_000, 0, 30), ask(1, 11_000, 0, 300)]);
    await check(1);
    const later = await Promise.all([ask(2, 13_000, 10, 20), ask(0, 17_000, 10, 300)]);
    await check(11);
    // One settles below its estimate, one above it.
    const ids = [...first, ...later].map((d) => (d.allow ? d.reservationId : null));
    expect(ids.every(Boolean)).toBe(true);
    await ingestUsage(
      db,
      s.gateway,
      [ids[1], ids[3]].map((reservationId, i) => ({
        eventId: `settle-${i}`,
        occurredAt: at(12),
        memberId: s.people[i ? 0 : 1]!.id,
        keyId: s.key.id,
        model: "gpt-4o",
        inputTokens: 1,
        outputTokens: 1,
        costMicros: i ? 20_000 : 5_000,
        reservationId,
      })),
    );
    // Settled but not yet released, and (at 31 s) two expired but not yet released.
    await check(13);
    await check(31);
    // A batch after the expiries releases them, deciding by the same figures it releases from
    // (one statement reads and releases), and the read after it is still the same.
    const [group, key] = [await summed(s, s.team, at(32)), await summed(s, s.key.id, at(32))];
    expect(await ask(1, 1_000, 32, 300)).toMatchObject({
      allow: true,
      remaining: {
        keyMicros: 1_000_000_000 - key - 1_000,
        groups: [{ id: s.team, remainingMicros: 1_000_000_000 - group - 1_000 }],
      },
    });
    await check(33);

    // Once everything due is released, the holds are the unreleased reservations, exactly.
    await pruneReservations(db, at(40));
    await check(41);
    const holds = await db.select().from(budgetHolds).where(eq(budgetHolds.orgId, s.org.id));
    const [unreleased] = await queryRows<{ micros: string }>(
      db,
      sql`select coalesce(sum(amount_micros), 0) as micros from budget_reservations
        where org_id = ${s.org.id}::uuid and released_at is null`,
    );
    expect(holds.find((h) => h.scopeId === s.team)?.heldMicros).toBe(Number(unreleased!.micros));
    expect(holds.find((h) => h.scopeId === s.key.id)?.heldMicros).toBe(1_000);
    expect(holds.find((h) => h.scopeId === s.people[2]!.id)?.heldMicros).toBe(0);
  });
});
