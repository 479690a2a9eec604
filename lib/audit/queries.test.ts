import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/connect";
import { apiKeys, auditLog, gatewayTokens, webhookEndpoints } from "@/db/schema";
import type { Actor } from "@/lib/auth/actor";
import { Forbidden } from "@/lib/errors";
import { createGatewayToken } from "@/lib/gateway/tokens";
import { createGroup, updateGroup } from "@/lib/groups/commands";
import { createKey, rotateKey } from "@/lib/keys/commands";
import { hashSecret } from "@/lib/keys/secret";
import { createWebhookEndpoint, deleteWebhookEndpoint } from "@/lib/webhooks/commands";
import { testDatabase } from "@/test/db";
import { orgFixture } from "@/test/fixtures";
import {
  ABSENT,
  AUDIT_EXPORT_LIMIT,
  AUDIT_MAX_PAGES,
  auditChanges,
  auditEntriesForExport,
  auditFacets,
  formatAuditChange,
  listAuditEntries,
} from "./queries";

let db: Db;
beforeAll(async () => {
  ({ db } = await testDatabase());
});

interface Entry {
  at: string;
  action?: string;
  actorLabel?: string;
  actorUserId?: string | null;
  actorKind?: "user" | "gateway" | "system";
  targetType?: string;
  targetId?: string | null;
  before?: unknown;
  after?: unknown;
}

/** Rows written as the application would, but at chosen times (the log only takes inserts). */
async function write(orgId: string, entries: Entry[]) {
  await db.insert(auditLog).values(
    entries.map((e) => ({
      orgId,
      actorKind: e.actorKind ?? "user",
      actorUserId: e.actorUserId ?? null,
      actorLabel: e.actorLabel ?? "someone@example.test",
      action: e.action ?? "group.updated",
      targetType: e.targetType ?? "group",
      targetId: e.targetId ?? null,
      before: e.before ?? null,
      after: e.after ?? null,
      createdAt: new Date(e.at),
    })),
  );
}

const actionsOf = (rows: { action: string }[]) => rows.map((r) => r.action);

describe("listAuditEntries", () => {
  it("lists the organisation's entries newest first, 50 a page, with the total", async () => {
    const f = await orgFixture(db);
    const start = Date.UTC(2026, 0, 1);
    await write(
      f.org.id,
      Array.from({ length: 120 }, (_, i) => ({
        at: new Date(start + i * 60_000).toISOString(),
        action: `test.n${String(i).padStart(3, "0")}`,
      })),
    );
    const first = await listAuditEntries(db, f.actor, {});
    expect(first).toMatchObject({ total: 120, page: 1, pages: 3, pageSize: 50 });
    expect(first.rows).toHaveLength(50);
    expect(first.rows[0]!.action).toBe("test.n119");
    expect(first.rows[49]!.action).toBe("test.n070");
    const last = await listAuditEntries(db, f.actor, { page: "3" });
    expect(actionsOf(last.rows)).toEqual(
      Array.from({ length: 20 }, (_, i) => `test.n${String(19 - i).padStart(3, "0")}`),
    );
    // A page past the end shows the last one rather than nothing.
    const beyond = await listAuditEntries(db, f.actor, { page: "9" });
    expect(beyond.page).toBe(3);
    expect(beyond.filters.page).toBe(3);
    expect(actionsOf(beyond.rows)).toEqual(actionsOf(last.rows));
  });

  it("filters by action, actor, target and UTC days, inclusive", async () => {
    const f = await orgFixture(db);
    const ann = await f.person("Ann");
    const group = await f.group("Platform");
    const other = await f.group("Data");
    await write(f.org.id, [
      {
        at: "2026-03-01T00:00:00.000Z",
        action: "group.created",
        actorLabel: "ann@acme.test",
        actorUserId: ann.userId,
        targetId: group,
      },
      {
        at: "2026-03-02T12:00:00.000Z",
        action: "group.updated",
        actorLabel: "bob@acme.test",
        targetId: group,
      },
      {
        at: "2026-03-03T23:59:59.999Z",
        action: "key.created",
        actorKind: "gateway",
        actorLabel: "gateway:edge_1%",
        targetType: "api_key",
        targetId: crypto.randomUUID(),
      },
      {
        at: "2026-03-04T00:00:00.000Z",
        action: "memberships.added",
        actorLabel: "ann@acme.test",
        actorUserId: ann.userId,
        targetType: "groups",
        targetId: `${other},${group}`,
      },
    ]);
    const list = async (filters: Record<string, string>) =>
      actionsOf((await listAuditEntries(db, f.actor, filters)).rows);

    expect(await list({ action: "group.updated" })).toEqual(["group.updated"]);
    expect(await list({ action: "group" })).toEqual([]);
    // Part of the label, any case; LIKE's wildcards are plain characters.
    expect(await list({ actor: "ANN@" })).toEqual(["memberships.added", "group.created"]);
    expect(await list({ actor: "edge_1%" })).toEqual(["key.created"]);
    expect(await list({ actor: "edge%1" })).toEqual([]);
    expect(await list({ actor: ann.userId })).toEqual(["memberships.added", "group.created"]);
    expect(await list({ targetType: "api_key" })).toEqual(["key.created"]);
    // A target id matches the entries naming it alone or among others.
    expect(await list({ targetId: group })).toEqual([
      "memberships.added",
      "group.updated",
      "group.created",
    ]);
    expect(await list({ targetType: "group", targetId: group })).toEqual([
      "group.updated",
      "group.created",
    ]);
    expect(await list({ from: "2026-03-02", to: "2026-03-03" })).toEqual([
      "key.created",
      "group.updated",
    ]);
    expect(await list({ from: "2026-03-04" })).toEqual(["memberships.added"]);
    expect(await list({ to: "2026-03-01" })).toEqual(["group.created"]);
    // Days in the wrong order mean the days between them.
    expect(await list({ from: "2026-03-03", to: "2026-03-02" })).toEqual([
      "key.created",
      "group.updated",
    ]);
    expect(await list({ actor: "ann", from: "2026-03-02", action: "memberships.added" })).toEqual([
      "memberships.added",
    ]);
  });

  it("falls back to no filter for malformed values instead of failing", async () => {
    const f = await orgFixture(db);
    await write(f.org.id, [
      { at: "2026-05-01T10:00:00Z", action: "group.created" },
      { at: "2026-05-02T10:00:00Z", action: "group.updated" },
    ]);
    for (const raw of [
      {
        action: "'; drop table audit_log; --",
        targetType: "<script>",
        targetId: "not-a-uuid",
        from: "2026-02-30",
        to: "yesterday",
        page: "-4",
      },
      { page: "abc", from: "", to: "", action: "", targetType: "", targetId: "" },
      { page: "1e999", actor: ["a", "b"] },
      { actor: "x".repeat(500) },
      "garbage",
      null,
      undefined,
      42,
    ]) {
      const result = await listAuditEntries(db, f.actor, raw);
      expect(result.page, JSON.stringify(raw)).toBe(1);
      expect(result.total, JSON.stringify(raw)).toBe(2);
    }
    expect((await listAuditEntries(db, f.actor, { page: "1000000" })).filters.page).toBe(1);
  });

  it("shows only the actor's organisation, whatever ids the filters name", async () => {
    const a = await orgFixture(db);
    const b = await orgFixture(db);
    const bGroup = await b.group("Secret project");
    await createGroup(db, a.actor, { name: "Visible", kind: "custom" });
    await createGroup(db, b.actor, { name: "Hidden", kind: "custom" });
    await updateGroup(db, b.actor, { groupId: bGroup, name: "Secret project 2", kind: "custom" });
    await write(b.org.id, [
      { at: "2026-06-01T00:00:00Z", action: "b.only", targetId: bGroup, actorLabel: "b@b.test" },
    ]);
    // An entry of A that names B's group (as a forged id might) does not learn its name.
    await write(a.org.id, [{ at: "2026-06-01T00:00:00Z", action: "a.odd", targetId: bGroup }]);

    const all = await listAuditEntries(db, a.actor, {});
    expect(actionsOf(all.rows).sort()).toEqual(["a.odd", "group.created"]);
    expect(JSON.stringify(all.rows)).not.toMatch(/Hidden|Secret project/);
    expect(all.rows.find((r) => r.action === "a.odd")!.targetName).toBeNull();
    for (const filters of [
      { action: "b.only" },
      { targetId: b.org.id },
      { actor: b.actor.kind === "user" ? b.actor.userId : "" },
      { actor: "b@b.test" },
    ]) {
      expect((await listAuditEntries(db, a.actor, filters)).total, JSON.stringify(filters)).toBe(0);
    }
    expect(actionsOf((await listAuditEntries(db, a.actor, { targetId: bGroup })).rows)).toEqual([
      "a.odd",
    ]);
    const exported = await auditEntriesForExport(db, a.actor, {});
    expect(exported.total).toBe(2);
    expect(JSON.stringify(exported.rows)).not.toMatch(/Hidden|Secret project|b\.only/);
    const facets = await auditFacets(db, a.actor);
    expect(facets.actions).toEqual(["a.odd", "group.created"]);
    expect(facets.actors).not.toContain("b@b.test");
  });

  it("is refused to members and to the gateway", async () => {
    const f = await orgFixture(db, "member");
    const gateway: Actor = { kind: "gateway", tokenId: "t", orgId: f.org.id, label: "gw" };
    for (const actor of [f.actor, gateway]) {
      await expect(listAuditEntries(db, actor, {})).rejects.toBeInstanceOf(Forbidden);
      await expect(auditEntriesForExport(db, actor, {})).rejects.toBeInstanceOf(Forbidden);
      await expect(auditFacets(db, actor)).rejects.toBeInstanceOf(Forbidden);
    }
  });

  it("names targets as they are called now, or as the entry recorded them once gone", async () => {
    const f = await orgFixture(db, "owner");
    const group = await createGroup(db, f.actor, { name: "Before", kind: "custom" });
    await updateGroup(db, f.actor, { groupId: group.id, name: "After", kind: "custom" });
    const endpoint = await createWebhookEndpoint(db, f.actor, { url: "https://hooks.example.com" });
    await deleteWebhookEndpoint(db, f.actor, { endpointId: endpoint.id });
    const ann = await f.person("Ann Example");
    await write(f.org.id, [
      { at: "2026-01-01T00:00:00Z", action: "member.x", targetType: "member", targetId: ann.id },
      // A bulk change that named a single group.
      { at: "2026-01-01T00:00:00Z", action: "bulk.x", targetType: "groups", targetId: group.id },
    ]);
    const { rows } = await listAuditEntries(db, f.actor, {});
    const named = Object.fromEntries(rows.map((r) => [r.action, r.targetName]));
    expect(named).toEqual({
      "group.created": "After",
      "group.updated": "After",
      "webhook_endpoint.created": "https://hooks.example.com",
      "webhook_endpoint.deleted": "https://hooks.example.com",
      "member.x": "Ann Example",
      "bulk.x": "After",
    });
  });
});

describe("auditFacets", () => {
  it("offers the actions, target types and actors seen in the organisation", async () => {
    const f = await orgFixture(db);
    await write(f.org.id, [
      { at: "2026-01-01T00:00:00Z", action: "key.created", targetType: "api_key" },
      { at: "2026-01-02T00:00:00Z", action: "group.created", actorLabel: "zed@x.test" },
      { at: "2026-01-03T00:00:00Z", action: "group.created", actorLabel: "amy@x.test" },
    ]);
    expect(await auditFacets(db, f.actor)).toEqual({
      actions: ["group.created", "key.created"],
      targetTypes: ["api_key", "group"],
      actors: ["amy@x.test", "someone@example.test", "zed@x.test"],
    });
  });
});

describe("auditEntriesForExport", () => {
  it("returns every matching entry, not one page", async () => {
    const f = await orgFixture(db);
    await write(
      f.org.id,
      Array.from({ length: 75 }, (_, i) => ({
        at: new Date(Date.UTC(2026, 1, 1) + i * 1000).toISOString(),
        action: i % 3 ? "group.updated" : "key.created",
      })),
    );
    const all = await auditEntriesForExport(db, f.actor, { page: "2" });
    expect(all).toMatchObject({ total: 75, truncated: false });
    expect(all.rows).toHaveLength(75);
    const keys = await auditEntriesForExport(db, f.actor, { action: "key.created" });
    expect(keys.rows).toHaveLength(25);
    expect(keys.rows.map((r) => r.at.getTime())).toEqual(
      keys.rows.map((r) => r.at.getTime()).sort((x, y) => y - x),
    );
  });

  it(`stops at ${AUDIT_EXPORT_LIMIT.toLocaleString("en-US")} entries, the newest, and says so`, async () => {
    const f = await orgFixture(db);
    await db.execute(sql`
      insert into audit_log (org_id, actor_kind, actor_label, action, target_type, created_at)
      select ${f.org.id}::uuid, 'system', 'Gatehouse', 'bulk.entry', 'thing',
             timestamptz '2026-01-01 00:00:00+00' + g * interval '1 second'
      from generate_series(1, ${AUDIT_EXPORT_LIMIT + 5}) as g`);
    const exported = await auditEntriesForExport(db, f.actor, {});
    expect(exported.total).toBe(AUDIT_EXPORT_LIMIT + 5);
    expect(exported.truncated).toBe(true);
    expect(exported.rows).toHaveLength(AUDIT_EXPORT_LIMIT);
    expect(exported.rows[0]!.at.toISOString()).toBe(
      new Date(Date.UTC(2026, 0, 1) + (AUDIT_EXPORT_LIMIT + 5) * 1000).toISOString(),
    );
    // The page list stops too: older entries are reached by narrowing the days.
    const page = await listAuditEntries(db, f.actor, { page: "100000" });
    expect(page.pages).toBe(AUDIT_MAX_PAGES);
    expect(page.page).toBe(AUDIT_MAX_PAGES);
  });
});

describe("secrets", () => {
  it("never reach the audit log: not keys, rotated keys, gateway tokens or webhook secrets, nor their hashes", async () => {
    const f = await orgFixture(db, "owner");
    const key = await createKey(db, f.actor, {
      name: "ci-bot",
      features: ["streaming"],
      allowedModels: [],
      fallbackModels: [],
      loadBalancing: "none",
      weights: {},
      expiresOn: "",
      monthlyLimitDollars: "10",
    });
    const rotated = await rotateKey(db, f.actor, { keyId: key.id });
    const token = await createGatewayToken(db, f.actor, { name: "edge" });
    const endpoint = await createWebhookEndpoint(db, f.actor, { url: "https://hooks.example.com" });
    const [stored] = await db.select().from(apiKeys).where(eq(apiKeys.id, key.id));
    const [storedToken] = await db
      .select()
      .from(gatewayTokens)
      .where(eq(gatewayTokens.id, token.id));
    const [storedEndpoint] = await db
      .select()
      .from(webhookEndpoints)
      .where(eq(webhookEndpoints.id, endpoint.id));

    const rows = await db.select().from(auditLog).where(eq(auditLog.orgId, f.org.id));
    expect(rows.map((r) => r.action).sort()).toEqual([
      "gateway_token.created",
      "key.created",
      "key.rotated",
      "webhook_endpoint.created",
    ]);
    const everything = [
      JSON.stringify(rows),
      JSON.stringify((await listAuditEntries(db, f.actor, {})).rows),
      JSON.stringify((await auditEntriesForExport(db, f.actor, {})).rows),
    ].join("\n");
    const secrets = [key.secret, rotated.secret, token.secret, endpoint.secret];
    const forbidden = [
      ...secrets,
      ...secrets.map(hashSecret),
      // The part of each secret that lists never show (between the prefix and the last four).
      ...secrets.map((s) => s.slice(10, -4)),
      stored!.secretHash,
      storedToken!.tokenHash,
      storedEndpoint!.secretCiphertext,
    ];
    for (const value of forbidden) expect(everything).not.toContain(value);
  });
});

describe("auditChanges", () => {
  it("lists the fields whose values differ, nested ones by path, arrays whole", () => {
    const result = auditChanges(
      {
        name: "Launch",
        kind: "project",
        policy: { allowedModels: ["a"], weights: { a: 100 } },
        endsAt: null,
        gone: 1,
      },
      {
        name: "Launch crew",
        kind: "project",
        policy: { allowedModels: ["a", "b"], weights: { a: 100 } },
        endsAt: "2026-12-31T23:59:59.999Z",
        added: true,
      },
    );
    expect(result).toEqual({
      sides: "both",
      changes: [
        { path: "name", before: '"Launch"', after: '"Launch crew"' },
        { path: "policy.allowedModels", before: '["a"]', after: '["a","b"]' },
        { path: "endsAt", before: "null", after: '"2026-12-31T23:59:59.999Z"' },
        { path: "gone", before: "1", after: ABSENT },
        { path: "added", before: ABSENT, after: "true" },
      ],
    });
    expect(result.changes.map((c) => formatAuditChange(c))).toEqual([
      'name: "Launch" → "Launch crew"',
      'policy.allowedModels: ["a"] → ["a","b"]',
      'endsAt: null → "2026-12-31T23:59:59.999Z"',
      "gone: 1 → (none)",
      "added: (none) → true",
    ]);
  });

  it("lists one side's fields when the entry has only that side", () => {
    expect(auditChanges(null, { count: 3 })).toEqual({
      sides: "after",
      changes: [{ path: "count", after: "3" }],
    });
    expect(auditChanges({ url: "https://x" }, null)).toEqual({
      sides: "before",
      changes: [{ path: "url", before: '"https://x"' }],
    });
    expect(auditChanges(null, null)).toEqual({ sides: "none", changes: [] });
    expect(auditChanges({ a: 1 }, { a: 1 })).toEqual({ sides: "both", changes: [] });
    expect(auditChanges("x", "y").changes).toEqual([{ path: "", before: '"x"', after: '"y"' }]);
  });

  it("keeps markup as text and shortens long values when asked", () => {
    const [change] = auditChanges({ name: "<b>x</b>" }, { name: "y".repeat(100) }).changes;
    expect(formatAuditChange(change!, 10)).toBe(`name: "<b>x</b>" → "${"y".repeat(8)}…`);
  });
});
