import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/connect";
import { queryRows } from "@/db/rows";
import { insertApiKey } from "@/db/seed/builders";
import { systemActor } from "@/lib/auth/actor";
import { ingestUsage } from "@/lib/spend/ingest";
import { testDatabase, usingPostgres } from "@/test/db";
import { orgFixture } from "@/test/fixtures";
import { addMembers } from "./commands";

// The database connection dies in the middle of a bulk assign or an ingest batch (the server
// killed, the network cut, an operator's pg_terminate_backend): nothing of it may remain, and the
// retry must leave exact totals. PostgreSQL only: PGlite has no second connection to kill from.

let db: Db;
beforeAll(async () => {
  ({ db } = await testDatabase());
});

/**
 * Runs `work` while another transaction holds `lock` on a table it writes after its first
 * statements (so that it is certainly caught midway, however loaded the machine), killing its
 * database session once it is seen waiting for that lock (only it: a connection the pool is just
 * opening must not be hit). (Killed while the client is still sending a large statement,
 * postgres.js 3.4 throws from a timer, outside any promise: a crash, not a rejection; see the notes.)
 */
async function killMidway(lock: string, work: () => Promise<unknown>): Promise<unknown> {
  return db.transaction(async (tx) => {
    // This session waits "idle in transaction" meanwhile: not one the loop below kills.
    await tx.execute(sql.raw(`lock table ${lock} in share row exclusive mode`));
    return killOnceWaiting(work);
  });
}

async function killOnceWaiting(work: () => Promise<unknown>): Promise<unknown> {
  let settled = false;
  const running = work().then(
    () => "committed",
    (error: unknown) => error,
  );
  void running.then(() => (settled = true));
  let killed = 0;
  while (!settled && !killed) {
    const [row] = await queryRows<{ n: string }>(
      db,
      sql`select count(pg_terminate_backend(pid)) as n from pg_stat_activity
          where datname = current_database() and pid <> pg_backend_pid()
            and xact_start is not null and backend_type = 'client backend' and state = 'active'
            and wait_event_type = 'Lock'`,
    );
    killed = Number(row?.n ?? 0);
  }
  return running;
}

const count = async (query: ReturnType<typeof sql>) =>
  Number((await queryRows<{ n: string }>(db, query))[0]!.n);

describe.skipIf(!usingPostgres)("a connection lost mid-transaction", () => {
  it("leaves nothing of a bulk assign, and the retry assigns exactly once", async () => {
    const f = await orgFixture(db, "admin");
    const groups = [];
    for (let i = 0; i < 5; i++) groups.push(await f.group(`G${i}`));
    const people = [];
    for (let i = 0; i < 400; i++) people.push((await f.person(`P${i}`)).id);
    const input = { memberIds: people, groupIds: groups };
    const state = async () => ({
      memberships: await count(
        sql`select count(*) as n from group_members where org_id = ${f.org.id}::uuid`,
      ),
      history: await count(
        sql`select count(*) as n from group_membership_history where org_id = ${f.org.id}::uuid`,
      ),
      audit: await count(sql`select count(*) as n from audit_log where org_id = ${f.org.id}::uuid`),
    });
    const before = await state();

    // Held at the audit row, after its memberships and their history are written.
    const outcome = await killMidway("audit_log", () => addMembers(db, f.actor, input));
    expect(outcome).not.toBe("committed");
    expect(await state()).toEqual(before);

    const retried = await addMembers(db, f.actor, input);
    expect(retried.added).toHaveLength(2_000);
    expect(await state()).toEqual({
      memberships: before.memberships + 2_000,
      history: before.history + 2_000,
      audit: before.audit + 1,
    });
  });

  it("leaves nothing of an ingest batch, and the gateway's retry counts it exactly once", async () => {
    const f = await orgFixture(db, "admin");
    const team = await f.group("Team");
    const ann = await f.person("Ann");
    await f.join(team, ann.id);
    const { key } = await insertApiKey(db, {
      orgId: f.org.id,
      name: "k",
      features: [],
      policy: { allowedModels: [], fallbackModels: [], loadBalancing: "none", weights: {} },
      groupIds: [team],
    });
    const batch = Array.from({ length: 1_000 }, (_, i) => ({
      eventId: `lost-${i}`,
      occurredAt: new Date(),
      memberId: ann.id,
      keyId: key.id,
      model: "gpt-4o",
      inputTokens: 10,
      outputTokens: 10,
      costMicros: 1_000 + i,
    }));
    const totals = async () => ({
      events: await count(
        sql`select count(*) as n from usage_events where org_id = ${f.org.id}::uuid`,
      ),
      member: await count(
        sql`select coalesce(sum(cost_micros), 0) as n from usage_daily_member where org_id = ${f.org.id}::uuid`,
      ),
      group: await count(
        sql`select coalesce(sum(cost_micros), 0) as n from usage_daily_group where group_id = ${team}::uuid`,
      ),
    });

    // Held at the group rollups, after its events are written.
    const outcome = await killMidway("usage_daily_group", () =>
      ingestUsage(db, systemActor(f.org.id), batch),
    );
    expect(outcome).not.toBe("committed");
    expect(await totals()).toEqual({ events: 0, member: 0, group: 0 });

    const expected = batch.reduce((sum, e) => sum + e.costMicros, 0);
    await ingestUsage(db, systemActor(f.org.id), batch);
    await ingestUsage(db, systemActor(f.org.id), batch);
    expect(await totals()).toEqual({ events: 1_000, member: expected, group: expected });
  });
});
