import { eq, sql } from "drizzle-orm";
import { groups } from "@/db/schema";
import type { Connection } from "@/db/connect";
import {
  insertApiKey,
  insertGroup,
  insertMember,
  insertMembership,
  insertOrg,
  insertUser,
} from "@/db/seed/builders";
import { systemActor } from "@/lib/auth/actor";
import { ingestUsage } from "@/lib/spend/ingest";
import type { UsageEventInput } from "@/lib/spend/usage-event";

// Usage ingestion: events per second through ingestUsage (dedupe, events, three rollups with
// group attribution through ancestors), against a baseline of the bare insert of the same
// events into usage_events in the same database and run.

const MEMBERS = 200;
const BATCH = 1_000;
const BATCHES = 10;

export async function benchIngest(connection: Connection) {
  const { db } = connection;
  const org = await insertOrg(db, { name: "Bench", slug: `bench-${Date.now()}` });
  const root = await insertGroup(db, { orgId: org.id, name: "Company", kind: "department" });
  const teams = [];
  for (let t = 0; t < 10; t++) {
    const dept = await insertGroup(db, {
      orgId: org.id,
      name: `Dept ${t}`,
      kind: "department",
      parentId: root.id,
    });
    teams.push(
      await insertGroup(db, {
        orgId: org.id,
        name: `Team ${t}`,
        kind: "department",
        parentId: dept.id,
      }),
    );
  }
  // Every group has a budget (never reached), so each batch also runs the budget-alert check.
  await db
    .update(groups)
    .set({ monthlyBudgetMicros: 1_000_000_000_000 })
    .where(eq(groups.orgId, org.id));
  const members: string[] = [];
  for (let m = 0; m < MEMBERS; m++) {
    const user = await insertUser(db, {
      email: `m${m}-${org.slug}@bench.test`,
      name: `Member ${m}`,
    });
    const member = await insertMember(db, { orgId: org.id, userId: user.id });
    await insertMembership(db, {
      orgId: org.id,
      groupId: teams[m % 10]!.id,
      memberId: member.id,
      since: new Date("2026-01-01"),
    });
    if (m % 3 === 0)
      await insertMembership(db, {
        orgId: org.id,
        groupId: teams[(m + 1) % 10]!.id,
        memberId: member.id,
        since: new Date("2026-01-01"),
      });
    members.push(member.id);
  }
  const { key } = await insertApiKey(db, {
    orgId: org.id,
    name: "bench",
    features: ["streaming"],
    policy: { allowedModels: [], fallbackModels: [], loadBalancing: "none", weights: {} },
    groupIds: [root.id],
  });
  const batch = (label: string, b: number): UsageEventInput[] =>
    Array.from({ length: BATCH }, (_, i) => ({
      eventId: `${label}-${b}-${i}`,
      occurredAt: new Date(Date.UTC(2026, 5, 1 + (i % 28), 9 + (i % 8))),
      memberId: members[(b * BATCH + i) % MEMBERS]!,
      keyId: key.id,
      model: i % 2 ? "gpt-4o" : "claude-sonnet-4-5",
      features: ["streaming"],
      inputTokens: 1_000 + i,
      outputTokens: 300,
      costMicros: 1_234,
    }));

  const baselineStart = performance.now();
  for (let b = 0; b < BATCHES; b++) {
    const rows = batch("base", b).map((e) => ({
      ...e,
      occurredAt: (e.occurredAt as Date).toISOString(),
    }));
    await db.execute(sql`
      insert into usage_events (org_id, event_id, occurred_at, member_id, key_id, model, provider, features,
        input_tokens, output_tokens, cached_tokens, cost_micros)
      select ${org.id}::uuid, "eventId", "occurredAt", "memberId", "keyId", model, 'bench', features,
        "inputTokens", "outputTokens", 0, "costMicros"
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x("eventId" text, "occurredAt" timestamptz,
        "memberId" uuid, "keyId" uuid, model text, features text[], "inputTokens" int, "outputTokens" int, "costMicros" bigint)`);
  }
  const baselineMs = performance.now() - baselineStart;

  const ingestStart = performance.now();
  for (let b = 0; b < BATCHES; b++) await ingestUsage(db, systemActor(org.id), batch("ingest", b));
  const ingestMs = performance.now() - ingestStart;

  const replayStart = performance.now();
  for (let b = 0; b < BATCHES; b++) await ingestUsage(db, systemActor(org.id), batch("ingest", b));
  const replayMs = performance.now() - replayStart;

  const events = BATCH * BATCHES;
  const rate = (ms: number) => Math.round((events / ms) * 1000);
  return [
    {
      case: "bare insert into usage_events (baseline)",
      eventsPerSecond: rate(baselineMs),
      ratio: 1,
    },
    {
      case: "ingestUsage, new events",
      eventsPerSecond: rate(ingestMs),
      ratio: +(ingestMs / baselineMs).toFixed(2),
    },
    {
      case: "ingestUsage, replayed batch (all duplicates)",
      eventsPerSecond: rate(replayMs),
      ratio: +(replayMs / baselineMs).toFixed(2),
    },
  ];
}
