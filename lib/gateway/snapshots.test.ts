import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Connection, connectPostgres } from "@/db/connect";
import {
  apiKeys,
  budgetWindows,
  groups,
  modelListAttachments,
  modelLists,
  orgMembers,
  orgs,
  rateLimits,
} from "@/db/schema";
import { insertApiKey } from "@/db/seed/builders";
import { authorize } from "@/lib/access/authorize";
import { loadSubject } from "@/lib/access/subject";
import type { Actor } from "@/lib/auth/actor";
import { hashSecret } from "@/lib/keys/secret";
import { setOrgTimeZone } from "@/lib/orgs/time-zone";
import { testDatabase, urlOf, usingPostgres } from "@/test/db";
import { orgFixture } from "@/test/fixtures";
import { type Snapshots, startSnapshots } from "./snapshots";

// The gateway's in-memory snapshots: they answer what the database answers, a change committed
// anywhere reaches them by notification, and while they are not listening they are not used.

let connection: Connection;
let snapshots: Snapshots;
beforeAll(async () => {
  connection = await testDatabase();
  snapshots = await startSnapshots(connection);
});

const policy = {
  allowedModels: [],
  fallbackModels: [],
  loadBalancing: "none" as const,
  weights: {},
};

/**
 * Company → Engineering → Backend (key on Engineering); Ops archived under Company; and the
 * controls on them: rate limits, model lists and budget windows on the key, the groups and Ann,
 * and the organisation's time zone.
 */
async function scene() {
  const { db } = connection;
  const f = await orgFixture(connection.db, "admin");
  const company = await f.group("Company");
  const eng = await f.group("Engineering", company);
  const backend = await f.group("Backend", eng);
  const ops = await f.group("Ops", company);
  await db.update(groups).set({ archivedAt: new Date() }).where(eq(groups.id, ops));
  await db
    .update(groups)
    .set({ budgetMode: "hard", monthlyBudgetMicros: 5_000_000 })
    .where(eq(groups.id, company));
  const ann = await f.person("Ann");
  const bob = await f.person("Bob");
  await f.join(backend, ann.id);
  await f.join(ops, bob.id);
  await db.update(orgMembers).set({ externalId: "ann-1" }).where(eq(orgMembers.id, ann.id));
  const { key, secret } = await insertApiKey(db, {
    orgId: f.org.id,
    name: "eng-key",
    features: ["streaming"],
    policy,
    groupIds: [eng],
  });
  await db.update(orgs).set({ timeZone: "Asia/Kathmandu" }).where(eq(orgs.id, f.org.id));
  await db.insert(rateLimits).values([
    { orgId: f.org.id, keyId: key.id, requestsPerMinute: 100, tokensPerMinute: 50_000 },
    { orgId: f.org.id, groupId: eng, perMember: true, modelPattern: "claude-*", requestsPerDay: 9 },
    { orgId: f.org.id, groupId: ops, requestsPerMinute: 1 },
    { orgId: f.org.id, memberId: ann.id, requestsPerDay: 500 },
  ]);
  const lists = await db
    .insert(modelLists)
    .values([
      { orgId: f.org.id, name: "Cheap", patterns: ["gpt-4o", "gpt-4o-mini", "claude-*-haiku"] },
      { orgId: f.org.id, name: "No previews", sense: "deny", patterns: ["*-preview"] },
    ])
    .returning();
  await db.insert(modelListAttachments).values([
    { orgId: f.org.id, listId: lists[0]!.id, keyId: key.id },
    { orgId: f.org.id, listId: lists[1]!.id, groupId: company },
  ]);
  await db.insert(budgetWindows).values([
    { orgId: f.org.id, groupId: company, period: "days", days: 7, amountMicros: 70_000_000 },
    {
      orgId: f.org.id,
      keyId: key.id,
      period: "day",
      amountMicros: 10_000_000,
      raisedAmountMicros: 20_000_000,
      raisedUntil: new Date(Date.now() + 86_400_000),
    },
    { orgId: f.org.id, memberId: ann.id, period: "month", mode: "soft", amountMicros: 1_000_000 },
    { orgId: f.org.id, groupId: ops, period: "week", amountMicros: 1 },
  ]);
  const gateway: Actor = { kind: "gateway", tokenId: "t", orgId: f.org.id, label: "gw" };
  const email = (name: string) => `${name.toLowerCase()}@${f.org.slug}.test`;
  return { ...f, company, eng, backend, ops, ann, bob, key, secret, gateway, email };
}

describe("gateway snapshots", () => {
  it("answer what the database answers, for every way of naming the key and the member", async () => {
    const s = await scene();
    await snapshots.caughtUp();
    const keys = [{ secretHash: hashSecret(s.secret) }, { id: s.key.id }, { secretHash: "x" }];
    const members = [
      { email: s.email("Ann") },
      { email: s.email("Bob") },
      { externalId: "ann-1" },
      { id: s.ann.id },
      { email: "nobody@example.test" },
    ];
    for (const keyLookup of keys)
      for (const memberLookup of members)
        expect(await snapshots.subject(s.org.id, keyLookup, memberLookup)).toEqual(
          await loadSubject(connection.db, s.org.id, keyLookup, memberLookup),
        );
    // The scene's controls are there to be compared: Ann through the key sees all of hers.
    const ann = await snapshots.subject(s.org.id, { id: s.key.id }, { id: s.ann.id });
    expect(ann.timeZone).toBe("Asia/Kathmandu");
    expect(ann.rateLimits.map((l) => l.scope)).toEqual(["key", "member", "group_member"]);
    expect(ann.modelLists.map((l) => l.name)).toEqual(["Cheap", "No previews"]);
    expect(ann.budgetWindows.map((w) => [w.scope, w.period])).toEqual([
      ["key", "day"],
      ["member", "month"],
      ["group", "days"],
    ]);
    // A change of the organisation's time zone reaches the snapshot too.
    await setOrgTimeZone(connection.db, s.actor, { timeZone: "Europe/Berlin" });
    await snapshots.caughtUp();
    expect((await snapshots.subject(s.org.id, { id: s.key.id }, { id: s.ann.id })).timeZone).toBe(
      "Europe/Berlin",
    );
  });

  it("decide from memory, and see every committed change once it is notified", async () => {
    const s = await scene();
    const ask = async () => {
      await snapshots.caughtUp();
      return authorize(
        connection.db,
        s.gateway,
        { apiKey: s.secret, user: { email: s.email("Ann") }, model: "gpt-4o" },
        { snapshots },
      );
    };
    expect(await ask()).toMatchObject({ allow: true });
    // A change the snapshot does not know yet, made where no trigger sees it: memory answers.
    await revokeUnnotified(s.key.id);
    expect(await ask()).toMatchObject({ allow: true });
    // Any notified change of the organisation reloads it.
    await connection.db
      .update(orgMembers)
      .set({ monthlyLimitMicros: 1_000_000 })
      .where(eq(orgMembers.id, s.ann.id));
    expect(await ask()).toMatchObject({ allow: false, reason: "key_revoked" });
  });

  it("are not told of a change that was rolled back", async () => {
    const s = await scene();
    await snapshots.caughtUp();
    await expect(
      connection.db.transaction(async (tx) => {
        await tx.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, s.key.id));
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    await snapshots.caughtUp();
    const subject = await snapshots.subject(s.org.id, { id: s.key.id }, { email: s.email("Ann") });
    expect(subject.key?.revokedAt).toBeNull();
  });
});

describe.runIf(usingPostgres)("gateway snapshots across instances (PostgreSQL)", () => {
  // Instance A changes, instance B decides: two connections with their own pools and listeners.
  let other: Connection;
  let b: Snapshots;
  beforeAll(async () => {
    other = await connectPostgres(urlOf(connection));
    b = await startSnapshots(other);
  });
  afterAll(() => other.close());

  it("refuse a key revoked on another instance from the moment its notification arrives", async () => {
    const staleness: number[] = [];
    let staleAnswers = 0;
    for (let trial = 0; trial < 20; trial++) {
      const s = await scene();
      const ask = () =>
        authorize(
          other.db,
          s.gateway,
          { apiKey: s.secret, user: { email: s.email("Ann") }, model: "gpt-4o" },
          { snapshots: b },
        );
      expect(await ask()).toMatchObject({ allow: true });
      await connection.db
        .update(apiKeys)
        .set({ revokedAt: new Date() })
        .where(eq(apiKeys.id, s.key.id));
      const committed = performance.now();
      // Ask again and again until B refuses: how long B answered from the old state. Then B's
      // own barrier: once it has every notification sent before it, B must refuse.
      let answers = 0;
      while ((await ask()).allow && answers < 10_000) answers++;
      staleness.push(performance.now() - committed);
      if (answers) staleAnswers++;
      await b.caughtUp();
      expect(await ask()).toMatchObject({ allow: false, reason: "key_revoked" });
    }
    staleness.sort((x, y) => x - y);
    console.log(
      `revoke on A → B refuses: ${staleAnswers}/20 trials had stale answers after the commit; ` +
        `commit to B's first refusal: median ${staleness[10]!.toFixed(2)} ms, max ${staleness.at(-1)!.toFixed(2)} ms`,
    );
  });

  it("read the database while the listening connection is down, and listen again", async () => {
    const s = await scene();
    const ask = () =>
      authorize(
        other.db,
        s.gateway,
        { apiKey: s.secret, user: { email: s.email("Ann") }, model: "gpt-4o" },
        { snapshots: b },
      );
    expect(await ask()).toMatchObject({ allow: true });
    await connection.db.execute(
      sql`select pg_terminate_backend(pid) from pg_stat_activity
          where datname = current_database() and query = 'listen "gatehouse_changes"'`,
    );
    await until(() => !b.listening);
    // Not listening: a change made where no notification is sent is still seen at once.
    await revokeUnnotified(s.key.id);
    if (!b.listening) expect(await ask()).toMatchObject({ allow: false, reason: "key_revoked" });
    await until(() => b.listening);
    expect(await ask()).toMatchObject({ allow: false, reason: "key_revoked" });
  });
});

/** Revokes a key where no trigger sees it: no notification is sent. */
async function revokeUnnotified(keyId: string) {
  const { db } = connection;
  await db.execute(sql`alter table api_keys disable trigger api_keys_notify_update`);
  await db.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, keyId));
  await db.execute(sql`alter table api_keys enable trigger api_keys_notify_update`);
}

async function until(condition: () => boolean) {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 25));
  expect(condition()).toBe(true);
}
