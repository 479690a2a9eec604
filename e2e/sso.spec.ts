import { randomUUID } from "node:crypto";
import { type Page, test as base, expect } from "@playwright/test";
import postgres from "postgres";
import { ConsoleShell } from "./pages/console-shell";
import { LoginPage } from "./pages/login-page";
import { type TestOidcProvider, startOidcProvider } from "./support/oidc-provider";
import { type Scene, createScene } from "./support/scene";
import { type SpawnedServer, spawnServer } from "./support/spawn-server";

// Single sign-on against a real OpenID provider on loopback, through servers of this file's own
// (production builds configured for the provider) in the three ways an installation can be
// addressed: AUTH_URL with a host name, AUTH_URL with an IP address, and no AUTH_URL at all
// (the redirect URI then follows the host the browser used). PostgreSQL only: the embedded
// database belongs to the suite's server.

const databaseUrl = process.env.DATABASE_URL ?? "";
const onPostgres = /^postgres(ql)?:\/\//.test(databaseUrl);
const port = (offset: number) => Number(process.env.E2E_PORT || 3100) + offset;

const HOSTS = {
  /** AUTH_URL=http://localhost:… */
  named: `http://localhost:${port(10)}`,
  /** AUTH_URL=http://127.0.0.1:… */
  address: `http://127.0.0.1:${port(11)}`,
  /** No AUTH_URL; the browser uses 127.0.0.1. */
  unset: `http://127.0.0.1:${port(12)}`,
} as const;

interface WorkerFixtures {
  idp: TestOidcProvider;
  servers: Record<keyof typeof HOSTS, SpawnedServer>;
}

interface Fixtures {
  sql: postgres.Sql;
  scene: Scene;
  /** A failing test gets what the servers printed. */
  serverLogs: void;
}

const test = base.extend<Fixtures, WorkerFixtures>({
  idp: [
    async ({}, provide) => {
      const idp = await startOidcProvider({
        redirectUris: [...Object.values(HOSTS), `http://localhost:${port(12)}`].map(
          (origin) => `${origin}/api/auth/callback/oidc`,
        ),
        postLogoutRedirectUris: Object.values(HOSTS).map((origin) => `${origin}/login`),
      });
      await provide(idp);
      await idp.close();
    },
    { scope: "worker" },
  ],
  servers: [
    async ({ idp }, provide) => {
      const start = (offset: number, authUrl: string | undefined, name: string) =>
        spawnServer({
          port: port(offset),
          databaseUrl,
          applicationName: `e2e-sso-${name}`,
          env: {
            AUTH_URL: authUrl,
            AUTH_OIDC_ISSUER: idp.issuer,
            AUTH_OIDC_CLIENT_ID: idp.clientId,
            AUTH_OIDC_CLIENT_SECRET: idp.clientSecret,
            AUTH_OIDC_NAME: "Acme SSO",
            // Organisations' own providers run on loopback here too.
            GATEHOUSE_SSO_ALLOW_PRIVATE: "1",
          },
        });
      const servers = {
        named: await start(10, HOSTS.named, "named"),
        address: await start(11, HOSTS.address, "address"),
        unset: await start(12, undefined, "unset"),
      };
      await provide(servers);
      for (const server of Object.values(servers)) await server.kill();
    },
    { scope: "worker" },
  ],
  serverLogs: [
    async ({ servers }, provide, testInfo) => {
      await provide();
      if (testInfo.status !== testInfo.expectedStatus)
        for (const [name, server] of Object.entries(servers))
          await testInfo.attach(`server ${name}`, { body: server.output() });
    },
    { auto: true },
  ],
  sql: async ({}, provide) => {
    const sql = postgres(databaseUrl, { max: 2, onnotice: () => {} });
    await provide(sql);
    await sql.end();
  },
  scene: async ({}, provide) => {
    const scene = await createScene(databaseUrl);
    await provide(scene);
    await scene.close();
  },
});

test.skip(!onPostgres, "needs PostgreSQL (DATABASE_URL): servers of its own share the database");
// One worker runs these in order: they share the provider and its three servers.
test.describe.configure({ mode: "default" });

/** Continue with the provider, sign in there as `login`, and come back. */
async function signInWithSso(page: Page, base: string, login: string) {
  await page.goto(`${base}/login`);
  await page.getByRole("button", { name: "Continue with Acme SSO" }).click();
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill("any password");
  await page.getByRole("button", { name: "Sign-in" }).click();
}

const loginError = (page: Page) => new LoginPage(page).error();

test("a verified identity signs in whichever way the console is addressed", async ({
  page,
  idp,
  scene,
}) => {
  for (const [name, base] of Object.entries(HOSTS)) {
    const login = `verified-${name}-${randomUUID()}`;
    // One identity per host, each linked to its own account: the first links the scene's owner.
    const email = name === "named" ? scene.owner.email : await scenePerson(scene, name);
    idp.account(login, { email, emailVerified: true, name: `Person ${name}` });
    await page.context().clearCookies();
    await signInWithSso(page, base, login);
    await expect(page, `signing in on ${name}`).toHaveURL(`${base}/groups`);
    await expect(page.getByRole("heading", { name: "Groups", level: 1 })).toBeVisible();
  }
});

test("an identity without email_verified is refused, and the owner sees the attempt", async ({
  page,
  idp,
  scene,
  sql,
}) => {
  const login = `claimless-${randomUUID()}`;
  idp.account(login, { email: scene.owner.email });
  await signInWithSso(page, HOSTS.named, login);
  await expect(page).toHaveURL(/\/login\?error=sso_unverified_email/);
  await expect(loginError(page)).toContainText(
    "did not confirm that your email address is verified",
  );

  const unverified = `unverified-${randomUUID()}`;
  idp.account(unverified, { email: scene.owner.email, emailVerified: false });
  await page.context().clearCookies();
  await signInWithSso(page, HOSTS.named, unverified);
  await expect(loginError(page)).toContainText("did not confirm");

  const refusals = await sql<{ reason: string; subject: string }[]>`
    select after->>'reason' as reason, after->>'subject' as subject from audit_log
    where org_id = ${scene.orgId} and action = 'access.refused' and target_id = ${scene.owner.memberId}`;
  expect(refusals.map((r) => r.subject).sort()).toEqual([login, unverified].sort());
  expect(new Set(refusals.map((r) => r.reason))).toEqual(new Set(["sso_unverified_email"]));
  const linked = await sql`select 1 from sso_identities where subject in (${login}, ${unverified})`;
  expect(linked).toHaveLength(0);
});

test("a linked identity keeps its account when its email changes; another with the same email gets nothing", async ({
  page,
  idp,
  scene,
  sql,
}) => {
  const login = `linked-${randomUUID()}`;
  idp.account(login, { email: scene.owner.email, emailVerified: true });
  await signInWithSso(page, HOSTS.named, login);
  await expect(page).toHaveURL(/\/groups$/);
  const [link] = await sql<{ user_id: string }[]>`
    select user_id from sso_identities where subject = ${login}`;
  const [owner] = await sql<
    { id: string }[]
  >`select id from users where email = ${scene.owner.email}`;
  expect(link?.user_id).toBe(owner!.id);
  const [linkAudit] = await sql`
    select 1 from audit_log where org_id = ${scene.orgId} and action = 'sso.identity_linked'`;
  expect(linkAudit).toBeDefined();

  // The provider now gives the identity another person's (verified) email: still the owner.
  const colleague = await scene.member("Colleague");
  idp.account(login, { email: colleague.email, emailVerified: true });
  await page.context().clearCookies();
  await signInWithSso(page, HOSTS.named, login);
  await expect(page).toHaveURL(/\/groups$/);
  await new ConsoleShell(page).openUserMenu();
  await expect(page.getByRole("menu")).toContainText(scene.owner.email);

  // A second identity at the same provider with the owner's verified email: refused.
  const impostor = `impostor-${randomUUID()}`;
  idp.account(impostor, { email: scene.owner.email, emailVerified: true });
  await page.context().clearCookies();
  await signInWithSso(page, HOSTS.named, impostor);
  await expect(page).toHaveURL(/\/login\?error=sso_identity_conflict/);
  await expect(loginError(page)).toContainText("linked to a different identity");
});

test("claims only at the userinfo endpoint are read from it", async ({ page, idp, scene }) => {
  const login = `userinfo-${randomUUID()}`;
  idp.account(login, { email: scene.owner.email, emailVerified: true, userinfoOnly: true });
  await signInWithSso(page, HOSTS.address, login);
  await expect(page).toHaveURL(`${HOSTS.address}/groups`);
});

test("signing out ends the provider's session too", async ({ page, idp, scene }) => {
  const login = `signout-${randomUUID()}`;
  idp.account(login, { email: scene.owner.email, emailVerified: true });
  await signInWithSso(page, HOSTS.named, login);
  await expect(page).toHaveURL(/\/groups$/);

  await new ConsoleShell(page).openUserMenu();
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  // The provider asks to confirm (RP-initiated logout), then returns to the console's sign-in.
  await page.getByRole("button", { name: "Yes, sign me out" }).click();
  await expect(page).toHaveURL(`${HOSTS.named}/login`);
  await page.getByRole("button", { name: "Continue with Acme SSO" }).click();
  await expect(page.locator('input[name="login"]')).toBeVisible();
});

/** Another member of the scene's organisation, with an email of its own, for one more link. */
async function scenePerson(scene: Scene, name: string) {
  return (await scene.member(`Person ${name}`)).email;
}

test("an owner requires single sign-on and provisions their domain's people just in time", async ({
  page,
  browser,
  idp,
  scene,
  sql,
}) => {
  const domain = scene.owner.email.split("@")[1]!;
  const newcomer = `newcomer-${randomUUID()}`;
  idp.account(newcomer, { email: `new.comer@${domain}`, emailVerified: true, name: "New Comer" });
  await signInWithSso(page, HOSTS.named, newcomer);
  await expect(page).toHaveURL(/\/login\?error=sso_unknown/);

  // A member who has a password, before the policy.
  const colleague = await scene.member("Password User");
  await sql`update users set password_hash = (select password_hash from users where email = ${scene.owner.email})
    where id = ${colleague.userId}`;

  await page.context().clearCookies();
  await new LoginPage(page).signIn({ email: scene.owner.email, password: scene.owner.password });
  await page.goto(`${HOSTS.named}/settings`);
  const card = page.locator("main").getByRole("group", { name: "Sign-in policy" });
  await card.getByRole("checkbox", { name: /Require single sign-on/ }).check();
  await card.getByLabel("Break-glass owner", { exact: true }).selectOption(scene.owner.memberId);
  await card.getByLabel("Email domains", { exact: true }).fill(domain);
  await card.getByRole("checkbox", { name: /Provision people just in time/ }).check();
  await page.getByRole("button", { name: "Save sign-in policy" }).click();
  await expect(page.getByText("Sign-in policy saved.")).toBeVisible();

  // Passwords are refused for members now; the break-glass owner's still works.
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  const login = new LoginPage(otherPage);
  await otherPage.goto(`${HOSTS.named}/login`);
  await login.fill(colleague.email, scene.owner.password);
  await login.submitAndWait();
  await expect(login.error()).toContainText("requires single sign-on");
  // The break-glass owner's password still opens the organisation.
  await otherPage.goto(`${HOSTS.named}/login`);
  await login.fill(scene.owner.email, scene.owner.password);
  await login.submit();
  await expect(otherPage).toHaveURL(/\/groups$/);
  await expect(otherPage.getByRole("heading", { name: "Groups", level: 1 })).toBeVisible();
  await other.close();

  // The newcomer is provisioned at their first single sign-on, as a member.
  const fresh = await browser.newContext();
  const freshPage = await fresh.newPage();
  await signInWithSso(freshPage, HOSTS.named, newcomer);
  await expect(freshPage).toHaveURL(/\/groups$/);
  const [member] = await sql<{ role: string }[]>`
    select m.role from org_members m join users u on u.id = m.user_id
    where u.email = ${`new.comer@${domain}`} and m.org_id = ${scene.orgId}`;
  expect(member?.role).toBe("member");
  await fresh.close();

  await page.reload();
  await expect(page.getByRole("row", { name: /New Comer/ })).toContainText(`new.comer@${domain}`);
});

// An organisation's own provider: a second OpenID provider, configured by the scene's owner in
// Settings. Started once the Add dialog shows the redirect URI to register (its client is fixed).
test("an owner adds their organisation's provider, tests it, and its members sign in email-first; nobody else", async ({
  page,
  browser,
  scene,
  sql,
}) => {
  const base = HOSTS.named;
  const domain = scene.owner.email.split("@")[1]!;
  await sql`insert into org_email_domains (org_id, domain) values (${scene.orgId}, ${domain})`;
  const ann = await scene.member("Ann Member");

  await new LoginPage(page).signIn({ email: scene.owner.email, password: scene.owner.password });
  await page.goto(`${base}/settings`);
  const providers = page.getByRole("region", { name: "Your identity providers" });
  await providers.getByRole("button", { name: "Add provider" }).click();
  const dialog = page.getByRole("dialog", { name: "Add an identity provider" });
  const redirectUri = (await dialog.getByTestId("sso-redirect-uri").textContent())!;
  expect(redirectUri).toMatch(new RegExp(`^${base}/api/auth/callback/sso-[0-9a-f-]{36}$`));
  const orgIdp = await startOidcProvider({
    redirectUris: [redirectUri],
    postLogoutRedirectUris: [`${base}/login`],
  });
  try {
    await dialog.getByLabel("Name", { exact: true }).fill("Scene Okta");
    await dialog.getByLabel("Issuer URL").fill(orgIdp.issuer);
    await dialog.getByLabel("Client id").fill(orgIdp.clientId);
    await dialog.getByLabel("Client secret").fill(orgIdp.clientSecret);
    await dialog.getByRole("button", { name: "Add provider" }).click();
    await expect(page.getByText("Scene Okta is added.")).toBeVisible();
    const card = providers.getByRole("listitem", { name: "Scene Okta" });
    await expect(card).toContainText(orgIdp.issuer);
    await expect(card).toContainText("Set (stored encrypted, never shown)");
    // The secret is never sent back: not in the page, not in the edit form.
    expect(await page.content()).not.toContain(orgIdp.clientSecret);
    await card.getByRole("button", { name: "Edit" }).click();
    await expect(page.getByRole("dialog").getByLabel("Client secret")).toHaveValue("");
    await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();

    // Test sign-in shows what came back and what would happen, and changes nothing.
    orgIdp.account("ann-test", { email: ann.email, emailVerified: true, name: "Ann at Okta" });
    await card.getByRole("button", { name: "Test sign-in" }).click();
    await providerSignIn(page, "ann-test");
    await expect(page).toHaveURL(/\/settings\?ssoTest=/);
    const result = page.getByRole("status", { name: "Test sign-in result" });
    await expect(result).toContainText("would sign in");
    await expect(result).toContainText(orgIdp.issuer);
    await expect(result).toContainText("ann-test");
    await expect(result).toContainText(ann.email);
    await expect(result).toContainText("and links this identity to them");
    expect(await sql`select 1 from sso_identities where subject = 'ann-test'`).toHaveLength(0);
    await new ConsoleShell(page).openUserMenu();
    await expect(page.getByRole("menu")).toContainText(scene.owner.email);
    await page.keyboard.press("Escape");

    // Ann signs in email-first, to this organisation only.
    const annContext = await browser.newContext();
    const annPage = await annContext.newPage();
    orgIdp.account("ann", { email: ann.email, emailVerified: true });
    await ssoEmailFirst(annPage, base, ann.email);
    await providerSignIn(annPage, "ann");
    await expect(annPage).toHaveURL(`${base}/groups`);
    const [link] = await sql<{ provider_id: string | null; user_id: string }[]>`
      select provider_id, user_id from sso_identities where subject = 'ann'`;
    expect(link?.user_id).toBe(ann.userId);
    expect(link?.provider_id).toBe(redirectUri.split("/sso-")[1]);
    const [session] = await sql<{ scope_org_id: string }[]>`
      select scope_org_id from user_sessions where user_id = ${ann.userId} and ended_at is null`;
    expect(session?.scope_org_id).toBe(scene.orgId);
    await annContext.close();

    // A person of another organisation, even with an email of this domain, is refused by it.
    const other = await createScene(databaseUrl);
    try {
      const outsiderEmail = `outsider-${randomUUID().slice(0, 6)}@${domain}`;
      const [outsider] = await sql<{ id: string }[]>`
        insert into users (email, name) values (${outsiderEmail}, 'Outsider') returning id`;
      await sql`insert into org_members (org_id, user_id, role) values (${other.orgId}, ${outsider!.id}, 'owner')`;
      orgIdp.account("outsider", { email: outsiderEmail, emailVerified: true });
      const outsiderContext = await browser.newContext();
      const outsiderPage = await outsiderContext.newPage();
      await ssoEmailFirst(outsiderPage, base, outsiderEmail);
      await providerSignIn(outsiderPage, "outsider");
      await expect(outsiderPage).toHaveURL(/\/login\?error=sso_unknown/);
      await expect(loginError(outsiderPage)).toContainText("no Gatehouse account");
      await outsiderContext.close();
      const refusals = await sql<{ org_id: string; target_type: string }[]>`
        select org_id, target_type from audit_log
        where action = 'access.refused' and after->>'subject' = 'outsider'`;
      expect(refusals).toEqual([{ org_id: scene.orgId, target_type: "sso_provider" }]);
    } finally {
      await other.close();
    }

    // An admin sees the provider but cannot change or test it.
    const admin = await scene.member("Admin Person");
    await sql`update org_members set role = 'admin' where id = ${admin.memberId}`;
    await sql`update users set password_hash = (select password_hash from users where email = ${scene.owner.email})
      where id = ${admin.userId}`;
    const adminContext = await browser.newContext();
    const adminPage = await adminContext.newPage();
    await adminPage.goto(`${base}/login`);
    const adminLogin = new LoginPage(adminPage);
    await adminLogin.fill(admin.email, scene.owner.password);
    await adminLogin.submit();
    await expect(adminPage).toHaveURL(/\/groups$/);
    await adminPage.goto(`${base}/settings`);
    const adminCard = adminPage
      .getByRole("region", { name: "Your identity providers" })
      .getByRole("listitem", { name: "Scene Okta" });
    await expect(adminCard).toBeVisible();
    for (const name of ["Test sign-in", "Edit", "Disable", "Delete"])
      await expect(adminCard.getByRole("button", { name })).toHaveCount(0);
    await expect(adminPage.getByRole("button", { name: "Add provider" })).toHaveCount(0);
    await adminContext.close();
  } finally {
    await orgIdp.close();
  }
});

/** "Sign in with SSO" on the console's sign-in page, with a work email. */
async function ssoEmailFirst(page: Page, base: string, email: string) {
  await page.goto(`${base}/login`);
  await page.getByRole("button", { name: "Sign in with SSO" }).click();
  await page.getByLabel("Work email").fill(email);
  await page.getByRole("button", { name: "Continue with SSO" }).click();
}

/** At the provider's development login form. */
async function providerSignIn(page: Page, login: string) {
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill("any password");
  await page.getByRole("button", { name: "Sign-in" }).click();
}
