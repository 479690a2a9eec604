import fc from "fast-check";
import { sql } from "drizzle-orm";
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
import { systemActor } from "@/lib/auth/actor";
import { testDatabase, usingPostgres } from "@/test/db";
import { ingestUsage } from "./ingest";

// For random organisations, memberships that change over time, and random batches (with replays
// and repeated ids), the rollups must equal the sums over the raw events: per member × key × model
// × day, and per group × day with attribution recomputed here, independently, from the
// membership history and the tree (each ancestor, each group once per event).

let db: Db;
beforeAll(async () => {
  ({ db } = await testDatabase());
});

const DAY = 86_400_000;
const start = Date.UTC(2026, 5, 1);

const scenario = fc.record({
  // parent index for each of 5 groups (-1: top level); only earlier groups can be parents.
  parents: fc.tuple(
    fc.constant(-1),
    fc.integer({ min: -1, max: 0 }),
    fc.integer({ min: -1, max: 1 }),
    fc.integer({ min: -1, max: 2 }),
    fc.integer({ min: -1, max: 3 }),
  ),
  // memberships: member, group, from day, length in days (0: still a member)
  memberships: fc.array(
    fc.record({
      member: fc.nat(3),
      group: fc.nat(4),
      from: fc.nat(40),
      days: fc.nat(30),
    }),
    { maxLength: 10 },
  ),
  batches: fc.array(
    fc.array(
      fc.record({
        id: fc.nat(60),
        member: fc.nat(3),
        key: fc.nat(1),
        model: fc.constantFrom("gpt-4o", "claude-sonnet-4-5"),
        // Minutes after start: events fall anywhere in an hour, in every quarter of it.
        at: fc.integer({ min: 0, max: 60 * 24 * 60 - 1 }),
        cost: fc.integer({ min: 1, max: 5_000_000 }),
      }),
      { minLength: 1, maxLength: 15 },
    ),
    { minLength: 1, maxLength: 5 },
  ),
  replays: fc.nat(2),
});

describe("rollups", () => {
  it("equal the sums over raw events, per member, key, model, group and day, and at the dashboards' grain", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const slug = `p-${Math.random().toString(36).slice(2, 10)}`;
        const org = await insertOrg(db, { name: slug, slug });
        const members: string[] = [];
        for (let i = 0; i < 4; i++) {
          const user = await insertUser(db, { email: `m${i}@${slug}.test`, name: `M${i}` });
          members.push((await insertMember(db, { orgId: org.id, userId: user.id })).id);
        }
        const groups: string[] = [];
        for (let i = 0; i < 5; i++) {
          const parentId = s.parents[i]! >= 0 ? groups[s.parents[i]!] : undefined;
          groups.push(
            (await insertGroup(db, { orgId: org.id, name: `G${i}`, kind: "custom", parentId })).id,
          );
        }
        // Memberships one (member, group) at a time, so that periods never overlap.
        const periods: { member: number; group: number; from: number; to: number | null }[] = [];
        for (const m of s.memberships) {
          const from = start + m.from * DAY;
          const to = m.days ? from + m.days * DAY : null;
          const clash = periods.some(
            (p) => p.member === m.member && p.group === m.group && (p.to === null || p.to > from),
          );
          if (clash) continue;
          await insertMembership(db, {
            orgId: org.id,
            groupId: groups[m.group]!,
            memberId: members[m.member]!,
            since: new Date(from),
            until: to === null ? undefined : new Date(to),
          });
          periods.push({ member: m.member, group: m.group, from, to });
        }
        const keys: string[] = [];
        for (let i = 0; i < 2; i++)
          keys.push(
            (
              await insertApiKey(db, {
                orgId: org.id,
                name: `k${i}`,
                features: [],
                policy: {
                  allowedModels: [],
                  fallbackModels: [],
                  loadBalancing: "none",
                  weights: {},
                },
                groupIds: [],
              })
            ).key.id,
          );

        // Ingest the batches (each replayed), remembering the first version of each event id.
        const stored = new Map<string, (typeof s.batches)[number][number]>();
        const toEvent = (e: (typeof s.batches)[number][number]) => ({
          eventId: `e${e.id}`,
          occurredAt: new Date(start + e.at * 60_000),
          memberId: members[e.member]!,
          keyId: keys[e.key]!,
          model: e.model,
          inputTokens: 10,
          outputTokens: 5,
          costMicros: e.cost,
        });
        for (const batch of s.batches) {
          for (let r = 0; r <= s.replays; r++)
            await ingestUsage(db, systemActor(org.id), batch.map(toEvent));
          for (const e of batch) if (!stored.has(`e${e.id}`)) stored.set(`e${e.id}`, e);
        }

        // Expected, computed here from the scenario alone.
        const ancestorsOf = (g: number): number[] => {
          const chain = [g];
          for (let p = s.parents[g]!; p >= 0; p = s.parents[p]!) chain.push(p);
          return chain;
        };
        const expectedMember = new Map<string, number>();
        const expectedGroup = new Map<string, number>();
        const expectedModel = new Map<string, number>();
        const expectedGroupModel = new Map<string, number>();
        const expectedOrgMember = new Map<string, number>();
        const expectedOrgKey = new Map<string, number>();
        // Budget windows' grain: each member's, key's and group's quarters of an hour.
        const expectedQuarter = new Map<string, number>();
        const addQuarter = (scopeId: string, at: number, cost: number) => {
          const qk = `${scopeId}|${new Date(Math.floor(at / 900_000) * 900_000).toISOString()}`;
          expectedQuarter.set(qk, (expectedQuarter.get(qk) ?? 0) + cost);
        };
        for (const e of stored.values()) {
          const at = start + e.at * 60_000;
          addQuarter(members[e.member]!, at, e.cost);
          addQuarter(keys[e.key]!, at, e.cost);
          const day = new Date(at).toISOString().slice(0, 10);
          const mk = `${members[e.member]}|${keys[e.key]}|${e.model}|${day}`;
          expectedMember.set(mk, (expectedMember.get(mk) ?? 0) + e.cost);
          const ok = `${e.model}|${day}`;
          expectedModel.set(ok, (expectedModel.get(ok) ?? 0) + e.cost);
          const om = `${members[e.member]}|${day}`;
          expectedOrgMember.set(om, (expectedOrgMember.get(om) ?? 0) + e.cost);
          const ok2 = `${keys[e.key]}|${day}`;
          expectedOrgKey.set(ok2, (expectedOrgKey.get(ok2) ?? 0) + e.cost);
          const reached = new Set<number>();
          for (const p of periods)
            if (p.member === e.member && p.from <= at && (p.to === null || at < p.to))
              for (const g of ancestorsOf(p.group)) reached.add(g);
          for (const g of reached) {
            const gk = `${groups[g]}|${day}`;
            expectedGroup.set(gk, (expectedGroup.get(gk) ?? 0) + e.cost);
            const gm = `${groups[g]}|${e.model}|${day}`;
            expectedGroupModel.set(gm, (expectedGroupModel.get(gm) ?? 0) + e.cost);
            addQuarter(groups[g]!, at, e.cost);
          }
        }

        const memberRows = await queryRows<{ k: string; cost: string }>(
          db,
          sql`select member_id || '|' || key_id || '|' || model || '|' || to_char(day, 'YYYY-MM-DD') as k,
                sum(cost_micros) as cost
              from usage_daily_member where org_id = ${org.id}::uuid group by 1`,
        );
        const groupRows = await queryRows<{ k: string; cost: string }>(
          db,
          sql`select group_id || '|' || to_char(day, 'YYYY-MM-DD') as k, sum(cost_micros) as cost
              from usage_daily_group where org_id = ${org.id}::uuid group by 1`,
        );
        // The dashboards' rollups: a row per group and day, per group, model and day, and per
        // member, key and model and day.
        const groupTotalRows = await queryRows<{ k: string; cost: string }>(
          db,
          sql`select group_id || '|' || to_char(day, 'YYYY-MM-DD') as k, cost_micros as cost
              from usage_daily_group_total where org_id = ${org.id}::uuid`,
        );
        const groupModelRows = await queryRows<{ k: string; cost: string }>(
          db,
          sql`select group_id || '|' || model || '|' || to_char(day, 'YYYY-MM-DD') as k, cost_micros as cost
              from usage_daily_group_model where org_id = ${org.id}::uuid`,
        );
        const orgMemberRows = await queryRows<{ k: string; cost: string }>(
          db,
          sql`select member_id || '|' || to_char(day, 'YYYY-MM-DD') as k, cost_micros as cost
              from usage_daily_org_member where org_id = ${org.id}::uuid`,
        );
        const orgKeyRows = await queryRows<{ k: string; cost: string }>(
          db,
          sql`select key_id || '|' || to_char(day, 'YYYY-MM-DD') as k, cost_micros as cost
              from usage_daily_org_key where org_id = ${org.id}::uuid`,
        );
        const modelRows = await queryRows<{ k: string; cost: string }>(
          db,
          sql`select model || '|' || to_char(day, 'YYYY-MM-DD') as k, cost_micros as cost
              from usage_daily_org_model where org_id = ${org.id}::uuid`,
        );
        const quarterRows = await queryRows<{ k: string; cost: string }>(
          db,
          sql`select scope_id || '|' || to_char(quarter at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as k,
                cost_micros as cost
              from usage_quarter_scope where org_id = ${org.id}::uuid`,
        );
        const [raw] = await queryRows<{ n: string; cost: string }>(
          db,
          sql`select count(*) as n, coalesce(sum(cost_micros), 0) as cost
              from usage_events where org_id = ${org.id}::uuid`,
        );
        const asMap = (rows: { k: string; cost: string }[]) =>
          new Map(rows.map((r) => [r.k, Number(r.cost)]));
        expect(Number(raw!.n)).toBe(stored.size);
        expect(asMap(memberRows)).toEqual(expectedMember);
        expect(asMap(groupRows)).toEqual(expectedGroup);
        expect(asMap(groupTotalRows)).toEqual(expectedGroup);
        expect(asMap(groupModelRows)).toEqual(expectedGroupModel);
        expect(asMap(modelRows)).toEqual(expectedModel);
        expect(asMap(orgMemberRows)).toEqual(expectedOrgMember);
        expect(asMap(orgKeyRows)).toEqual(expectedOrgKey);
        expect(asMap(quarterRows)).toEqual(expectedQuarter);
      }),
      { numRuns: usingPostgres ? 25 : 10 },
    );
  }, 120_000);
});
