import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/connect";
import { queryRows } from "@/db/rows";
import { insertApiKey, insertMember, insertOrg, insertUser } from "@/db/seed/builders";
import { systemActor } from "@/lib/auth/actor";
import { testDatabase } from "@/test/db";
import { ingestUsage } from "./ingest";
import { ensureUsagePartitions } from "./partitions";

let db: Db;
beforeAll(async () => {
  ({ db } = await testDatabase());
});

const count = async (table: string) =>
  Number((await queryRows<{ n: string }>(db, sql.raw(`select count(*) as n from ${table}`)))[0]!.n);

describe("monthly partitions of usage events", () => {
  it("moves a month's events out of the default partition into its own, losing and doubling nothing", async () => {
    const org = await insertOrg(db, { name: "Parts", slug: `parts-${Date.now()}` });
    const user = await insertUser(db, { email: `p@parts-${Date.now()}.test`, name: "P" });
    const member = (await insertMember(db, { orgId: org.id, userId: user.id })).id;
    const keyId = (
      await insertApiKey(db, {
        orgId: org.id,
        name: "k",
        features: [],
        policy: { allowedModels: [], fallbackModels: [], loadBalancing: "none", weights: {} },
        groupIds: [],
      })
    ).key.id;
    const event = (id: string, at: string) => ({
      eventId: id,
      occurredAt: new Date(at),
      memberId: member,
      keyId,
      model: "gpt-4o",
      inputTokens: 1,
      outputTokens: 1,
      costMicros: 10,
    });
    await ingestUsage(db, systemActor(org.id), [
      event("a", "2025-03-01T00:00:00Z"),
      event("b", "2025-03-31T23:59:59Z"),
      event("c", "2025-04-01T00:00:00Z"),
    ]);
    const total = await count("usage_events");

    expect(await ensureUsagePartitions(db, new Date("2025-03-15"), new Date("2025-03-15"))).toEqual(
      ["usage_events_2025_03"],
    );
    expect(await count("usage_events_2025_03")).toBe(2);
    expect(await count("usage_events")).toBe(total);
    // Idempotent, and new March events go to March's partition.
    expect(await ensureUsagePartitions(db, new Date("2025-03-01"), new Date("2025-03-31"))).toEqual(
      [],
    );
    await ingestUsage(db, systemActor(org.id), [
      event("d", "2025-03-10T12:00:00Z"),
      event("a", "2025-03-01T00:00:00Z"),
    ]);
    expect(await count("usage_events_2025_03")).toBe(3);
    expect(await count("usage_events")).toBe(total + 1);
  });
});
