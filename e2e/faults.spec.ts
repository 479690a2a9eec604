import { test as base, expect } from "@playwright/test";
import postgres from "postgres";
import { GroupsPage } from "./pages/groups-page";
import { LoginPage } from "./pages/login-page";
import { startDbProxy } from "./support/db-proxy";
import { holdLock, waitForBlockedWriter, waitForSessionsToEnd } from "./support/locks";
import { type Scene, createScene } from "./support/scene";
import { type SpawnedServer, spawnServer } from "./support/spawn-server";

// Faults of the real thing: servers of their own (production builds, beside the suite's), the
// database going away under one of them, and kill -9 in the middle of a transaction. Each test
// works in an organisation of its own. PostgreSQL only: the embedded database can be opened by
// one process, the suite's server (CI runs the suite on PostgreSQL too, where these run).

const databaseUrl = process.env.DATABASE_URL ?? "";
const onPostgres = /^postgres(ql)?:\/\//.test(databaseUrl);

// Beside the suite's server (3100): one port per test, so that they may run side by side.
const port = (offset: number) => Number(process.env.E2E_PORT || 3100) + offset;
const OUTAGE_PORT = port(1);
const ASSIGN_PORT = port(2);
const INGEST_PORT = port(3);

interface Fixtures {
  sql: postgres.Sql;
  scene: Scene;
  /** Starts a server of the test's own; whatever is still running at the end is killed. */
  startServer: (options: {
    port: number;
    databaseUrl?: string;
    applicationName: string;
  }) => Promise<SpawnedServer>;
}

const test = base.extend<Fixtures>({
  sql: async ({}, provide) => {
    const sql = postgres(databaseUrl, { max: 3, onnotice: () => {} });
    await provide(sql);
    await sql.end();
  },
  scene: async ({}, provide) => {
    const scene = await createScene(databaseUrl);
    await provide(scene);
    await scene.close();
  },
  startServer: async ({}, provide, testInfo) => {
    const started: SpawnedServer[] = [];
    await provide(async (options) => {
      const server = await spawnServer({ databaseUrl, ...options });
      started.push(server);
      return server;
    });
    for (const [i, server] of started.entries()) {
      await server.kill();
      if (testInfo.status !== testInfo.expectedStatus)
        await testInfo.attach(`server ${i + 1}`, { body: server.output() });
    }
  },
});

test.skip(
  !onPostgres,
  "needs PostgreSQL (DATABASE_URL): only one process can open the embedded database",
);

/** Seconds since `start`, to one decimal. */
const since = (start: number) => Math.round((Date.now() - start) / 100) / 10;

test.describe("the database goes away and comes back", () => {
  test.use({ baseURL: `http://localhost:${OUTAGE_PORT}` });

  test("pages and actions say so, authorize fails closed, and all recover without a restart", async ({
    page,
    request,
    scene,
    sql,
    startServer,
  }) => {
    const platform = await scene.group("Platform", { members: [scene.owner.memberId] });
    const key = await scene.apiKey("platform-key", [platform.id]);
    const token = await scene.gatewayToken("edge");
    const proxy = await startDbProxy(databaseUrl);
    try {
      await startServer({
        port: OUTAGE_PORT,
        databaseUrl: proxy.url,
        applicationName: "gatehouse-e2e-outage",
      });
      const groups = new GroupsPage(page);
      await new LoginPage(page).signIn(scene.owner);
      await expect(groups.row("Platform")).toBeVisible();
      const authorize = () =>
        request.post("/api/v1/authorize", {
          headers: { authorization: `Bearer ${token}` },
          data: { apiKey: key.secret, user: { email: scene.owner.email }, model: "gpt-4o" },
        });
      expect(await (await authorize()).json()).toMatchObject({ allow: true });

      // An admin is about to create a group when the database goes.
      await page.getByRole("button", { name: "New group" }).click();
      const dialog = page.getByRole("dialog");
      await dialog.getByLabel("Name").fill("Made during the outage");
      await proxy.down();

      let start = Date.now();
      await dialog.getByRole("button", { name: "Create group" }).click();
      await expect(
        dialog
          .getByRole("alert")
          .filter({ hasText: "Something went wrong on our side and nothing was changed" }),
      ).toBeVisible();
      test.info().annotations.push({ type: "action refused", description: `${since(start)} s` });

      start = Date.now();
      await page.reload();
      await expect(
        page.getByRole("heading", { name: "This page could not be loaded" }),
      ).toBeVisible();
      await expect(page.getByText("could not reach its database")).toBeVisible();
      test.info().annotations.push({ type: "error page", description: `${since(start)} s` });

      // Fail closed: never an allow, never a hang.
      start = Date.now();
      const refused = await authorize();
      const refusedAfter = since(start);
      test.info().annotations.push({ type: "authorize 503", description: `${refusedAfter} s` });
      expect(refused.status()).toBe(503);
      expect(await refused.json()).toMatchObject({ allow: false });
      expect(refusedAfter).toBeLessThan(6);

      // Back: the error page's button brings the page back, with its data, in the same server.
      await proxy.up();
      await page.getByRole("button", { name: "Try again" }).click();
      await expect(groups.row("Platform")).toBeVisible();
      expect(await (await authorize()).json()).toMatchObject({ allow: true });
      await groups.create("Made after the outage");

      const made = await sql<{ name: string }[]>`
        select name from groups where org_id = ${scene.orgId} and name like 'Made %'`;
      expect(made.map((g) => g.name)).toEqual(["Made after the outage"]);
      const [audited] = await sql<{ n: number }[]>`
        select count(*)::int as n from audit_log where org_id = ${scene.orgId} and action = 'group.created'`;
      expect(audited!.n).toBe(1);
    } finally {
      await proxy.close();
    }
  });
});

test.describe("kill -9 of the server in the middle of a bulk assign", () => {
  test.use({ baseURL: `http://localhost:${ASSIGN_PORT}` });
  const applicationName = "gatehouse-e2e-kill-assign";

  test("leaves nothing of it, and the admin's retry adds each membership once", async ({
    page,
    scene,
    sql,
    startServer,
  }) => {
    for (const name of ["Faye Field", "Gil Grant", "Hal Hart"]) await scene.person(name);
    await scene.group("Rollout A");
    await scene.group("Rollout B");
    const state = async () => {
      const [row] = await sql<{ memberships: number; history: number; audit: number }[]>`
        select
          (select count(*)::int from group_members where org_id = ${scene.orgId}) as memberships,
          (select count(*)::int from group_membership_history where org_id = ${scene.orgId}) as history,
          (select count(*)::int from audit_log where org_id = ${scene.orgId}) as audit`;
      return row!;
    };
    const before = await state();

    // The four people (the owner and three) to both groups: 8 memberships.
    const openAddToGroups = async () => {
      await page.getByRole("checkbox", { name: "Select all members on this page" }).check();
      await page.getByRole("button", { name: "Add to groups" }).click();
      const dialog = page.getByRole("dialog");
      await dialog.getByRole("checkbox", { name: "Rollout A" }).check();
      await dialog.getByRole("checkbox", { name: "Rollout B" }).check();
      return dialog;
    };

    const server = await startServer({ port: ASSIGN_PORT, applicationName });
    await new LoginPage(page).signIn(scene.owner);
    await page.goto("/members");
    let dialog = await openAddToGroups();
    await expect(dialog.getByText("Will add 8 memberships; 0 already members.")).toBeVisible();

    // The bulk assign writes the memberships (and their history), then its audit row: holding
    // the audit table stops it between the two, inside its transaction.
    const lock = await holdLock(sql, "lock table audit_log in share mode");
    try {
      await dialog.getByRole("button", { name: "Add to 2 groups" }).click();
      await waitForBlockedWriter(sql, applicationName, "relation");
      await server.kill();
    } finally {
      await lock.release();
    }
    await waitForSessionsToEnd(sql, applicationName);
    expect(await state()).toEqual(before);
    // The admin's page lost its server mid-action: it says so, and that nothing was changed.
    await expect(
      page.getByRole("heading", { name: "This page could not be loaded" }),
    ).toBeVisible();

    // A server again (the load balancer's next instance); the admin tries again.
    await startServer({ port: ASSIGN_PORT, applicationName });
    await page.getByRole("button", { name: "Try again" }).click();
    await expect(page.getByRole("row", { name: /Faye Field/ })).toBeVisible();
    dialog = await openAddToGroups();
    await expect(dialog.getByText("Will add 8 memberships; 0 already members.")).toBeVisible();
    await dialog.getByRole("button", { name: "Add to 2 groups" }).click();
    await expect(
      page.locator("[data-sonner-toast]").filter({ hasText: "Added 8 memberships." }),
    ).toBeVisible();
    expect(await state()).toEqual({
      memberships: before.memberships + 8,
      history: before.history + 8,
      audit: before.audit + 1,
    });

    // And once more: nothing left to add.
    await page.reload();
    dialog = await openAddToGroups();
    await expect(dialog.getByText("Will add 0 memberships; 8 already members.")).toBeVisible();
    await expect(dialog.getByRole("button", { name: "Add to 2 groups" })).toBeDisabled();
  });
});

interface UsageTotals {
  ids: number;
  events: number;
  eventCost: number;
  memberCost: number;
  memberRequests: number;
  groupCost: number;
  featureRequests: number;
  alerts: number;
  thresholdAlerts: number;
  keyUsed: number;
}

test.describe("kill -9 of the server in the middle of an ingest batch", () => {
  test.use({ baseURL: `http://localhost:${INGEST_PORT}` });
  const applicationName = "gatehouse-e2e-kill-ingest";

  test("leaves nothing of it, and the gateway's retry counts every event once", async ({
    request,
    scene,
    sql,
    startServer,
  }) => {
    const ivy = await scene.person("Ivy Irons");
    // A budget the batch crosses half of: the alert check takes the group's lock late.
    const team = await scene.group("Metered", {
      members: [ivy.id],
      budgetMicros: 1_000_000,
    });
    const key = await scene.apiKey("metered-key", [team.id]);
    const token = await scene.gatewayToken("edge");
    // One time for all, a minute ago: one day and one month of rollups, whenever the test runs.
    const occurredAt = new Date(Date.now() - 60_000).toISOString();
    const batch = Array.from({ length: 500 }, (_, i) => ({
      eventId: `kill-${i}`,
      occurredAt,
      memberId: ivy.id,
      keyId: key.id,
      model: "gpt-4o",
      features: ["streaming"],
      inputTokens: 100,
      outputTokens: 10,
      costMicros: 1_000 + i,
    }));
    const cost = batch.reduce((sum, e) => sum + e.costMicros, 0);
    const totals = async () => {
      const [row] = await sql<UsageTotals[]>`
        select
          (select count(*)::int from usage_event_ids where org_id = ${scene.orgId}) as ids,
          (select count(*)::int from usage_events where org_id = ${scene.orgId}) as events,
          (select coalesce(sum(cost_micros), 0)::int from usage_events where org_id = ${scene.orgId}) as "eventCost",
          (select coalesce(sum(cost_micros), 0)::int from usage_daily_member where org_id = ${scene.orgId}) as "memberCost",
          (select coalesce(sum(requests), 0)::int from usage_daily_member where org_id = ${scene.orgId}) as "memberRequests",
          (select coalesce(sum(cost_micros), 0)::int from usage_daily_group where group_id = ${team.id}) as "groupCost",
          (select coalesce(sum(requests), 0)::int from usage_daily_feature where group_id = ${team.id}) as "featureRequests",
          (select count(*)::int from budget_alerts where org_id = ${scene.orgId}) as alerts,
          (select count(*)::int from budget_alerts where org_id = ${scene.orgId} and kind = 'threshold') as "thresholdAlerts",
          (select count(*)::int from api_keys where id = ${key.id} and last_used_at is not null) as "keyUsed"`;
      return row!;
    };
    const report = () =>
      request.post("/api/v1/usage", {
        headers: { authorization: `Bearer ${token}` },
        data: { events: batch },
      });

    const server = await startServer({ port: INGEST_PORT, applicationName });
    // The batch's events and rollups are written before the budget alert check, which waits
    // for this lock of the group (lib/spend/alerts.ts): the kill falls between the two.
    const lock = await holdLock(
      sql,
      `select pg_advisory_xact_lock(hashtextextended('gatehouse:budget-alerts:${team.id}', 0))`,
    );
    const sent = report().then(
      (r) => r.status(),
      (error: unknown) => error,
    );
    try {
      await waitForBlockedWriter(sql, applicationName, "advisory");
      await server.kill();
    } finally {
      await lock.release();
    }
    // The gateway got no answer, so it will retry; the database kept nothing.
    expect(await sent).toBeInstanceOf(Error);
    await waitForSessionsToEnd(sql, applicationName);
    expect(await totals()).toEqual({
      ids: 0,
      events: 0,
      eventCost: 0,
      memberCost: 0,
      memberRequests: 0,
      groupCost: 0,
      featureRequests: 0,
      alerts: 0,
      thresholdAlerts: 0,
      keyUsed: 0,
    });

    await startServer({ port: INGEST_PORT, applicationName });
    const retried = await report();
    expect(retried.status()).toBe(200);
    expect(await retried.json()).toMatchObject({ accepted: 500, duplicates: 0, rejected: 0 });
    const replayed = await report();
    expect(await replayed.json()).toMatchObject({ accepted: 0, duplicates: 500, rejected: 0 });
    const { alerts, ...after } = await totals();
    expect(after).toEqual({
      ids: 500,
      events: 500,
      eventCost: cost,
      memberCost: cost,
      memberRequests: 500,
      groupCost: cost,
      featureRequests: 500,
      // 62 % of the budget: the 50 % alert, once.
      thresholdAlerts: 1,
      keyUsed: 1,
    });
    // Plus, from the fourth day of the month, the forecast alert (this pace ends the month over).
    expect(alerts - after.thresholdAlerts).toBeLessThanOrEqual(1);
  });
});
