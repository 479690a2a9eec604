import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/connect";
import {
  auditLog,
  groupMembers,
  orgMembers,
  orgSsoProviders,
  ssoIdentities,
  userSessions,
  users,
} from "@/db/schema";
import { insertMember } from "@/db/seed/builders";
import type { Actor } from "@/lib/auth/actor";
import { resolveConsoleContext } from "@/lib/orgs/context";
import { createRule } from "@/lib/rules/commands";
import { testDatabase } from "@/test/db";
import { orgFixture } from "@/test/fixtures";
import { checkSession, startSession } from "./sessions";
import {
  type OrgProvider,
  type ProviderIdentity,
  decideOrgProviderSignIn,
  providerIdentity,
  signInWithOrgProvider,
  signInWithSso,
} from "./sso";
import { listLinkedIdentities, unlinkSsoIdentities, updateSsoPolicy } from "./sso-policy";
import {
  createSsoProvider,
  deleteSsoProvider,
  listSsoProviders,
  orgProviderClient,
  providersForEmail,
  setSsoProviderEnabled,
  updateSsoProvider,
} from "./sso-providers";

let db: Db;
const ISSUER = "https://login.example.test/tenant-a";
const SECRET = "client-secret-that-must-never-be-shown-9f3a";
// Host names here resolve nowhere: the SSRF checks have their own tests (provider-fetch.test.ts).
const options = { envProviderConfigured: false, allowPrivate: true };
const policy = { ssoRequired: false, breakGlassMemberId: null, jitProvisioning: false };

beforeAll(async () => {
  ({ db } = await testDatabase());
});

type Fixture = Awaited<ReturnType<typeof orgFixture>>;
const domainOf = (f: Fixture) => `${f.org.slug}.test`;

async function emailOf(userId: string) {
  const [user] = await db.select({ email: users.email }).from(users).where(eq(users.id, userId));
  return user!.email;
}

/** An organisation with a provider of its own, claiming its own domain. */
async function orgWithProvider(
  extra: { trust?: boolean; jit?: boolean; issuer?: string } = {},
): Promise<Fixture & { provider: OrgProvider }> {
  const f = await orgFixture(db, "owner");
  await updateSsoPolicy(
    db,
    f.actor,
    { ...policy, jitProvisioning: extra.jit ?? false, emailDomains: [domainOf(f)] },
    { ssoConfigured: true },
  );
  const { id } = await createSsoProvider(
    db,
    f.actor,
    {
      name: "Acme Entra",
      issuer: extra.issuer ?? ISSUER,
      clientId: "gatehouse",
      clientSecret: SECRET,
      trustEmailsForOrgDomains: extra.trust ?? false,
      enabled: true,
    },
    options,
  );
  return {
    ...f,
    provider: { id, orgId: f.org.id, trustEmailsForOrgDomains: extra.trust ?? false },
  };
}

const identity = (claims: Partial<ProviderIdentity> & { email: string | null }) => ({
  issuer: ISSUER,
  subject: randomUUID(),
  emailVerified: true as boolean | undefined,
  name: null,
  ...claims,
});

const asRole = (f: Fixture, role: "admin" | "member"): Actor => ({
  ...(f.actor as Extract<Actor, { kind: "user" }>),
  role,
});

describe("an organisation's identity providers", () => {
  it("are created, changed and deleted by owners only, audited, and never show the secret", async () => {
    const f = await orgWithProvider();
    const [row] = await listSsoProviders(db, f.actor);
    expect(row).toMatchObject({ name: "Acme Entra", issuer: ISSUER, clientId: "gatehouse" });
    expect(JSON.stringify(row)).not.toContain(SECRET);
    const [stored] = await db
      .select()
      .from(orgSsoProviders)
      .where(eq(orgSsoProviders.id, f.provider.id));
    expect(stored!.clientSecretCiphertext).not.toContain(SECRET);
    expect((await orgProviderClient(db, f.provider.id))?.clientSecret).toBe(SECRET);

    const input = {
      providerId: f.provider.id,
      name: "Acme Entra ID",
      issuer: ISSUER,
      clientId: "gatehouse",
      clientSecret: "",
      trustEmailsForOrgDomains: true,
      enabled: true,
    };
    for (const role of ["admin", "member"] as const) {
      await expect(updateSsoProvider(db, asRole(f, role), input, options)).rejects.toThrow(
        /owners|permission/,
      );
      await expect(
        deleteSsoProvider(db, asRole(f, role), { providerId: f.provider.id }, options),
      ).rejects.toThrow(/owners|permission/);
    }
    // An empty secret keeps the stored one.
    await updateSsoProvider(db, f.actor, input, options);
    expect((await orgProviderClient(db, f.provider.id))?.clientSecret).toBe(SECRET);
    await updateSsoProvider(db, f.actor, { ...input, clientSecret: "a-new-secret" }, options);
    expect((await orgProviderClient(db, f.provider.id))?.clientSecret).toBe("a-new-secret");

    // Another organisation's owner cannot reach it: not found, like an unknown id.
    const other = await orgFixture(db, "owner");
    await expect(updateSsoProvider(db, other.actor, input, options)).rejects.toThrow(/not found/);
    expect(await listSsoProviders(db, other.actor)).toEqual([]);

    await deleteSsoProvider(db, f.actor, { providerId: f.provider.id }, options);
    const audit = await db
      .select({ action: auditLog.action, before: auditLog.before, after: auditLog.after })
      .from(auditLog)
      .where(and(eq(auditLog.orgId, f.org.id), eq(auditLog.targetId, f.provider.id)));
    expect(audit.map((a) => a.action)).toEqual([
      "sso_provider.created",
      "sso_provider.updated",
      "sso_provider.updated",
      "sso_provider.deleted",
    ]);
    expect(audit[2]!.after).toMatchObject({ clientSecret: "replaced", name: "Acme Entra ID" });
    expect(JSON.stringify(audit)).not.toContain(SECRET);
    expect(JSON.stringify(audit)).not.toContain("a-new-secret");
    expect(await listSsoProviders(db, f.actor)).toEqual([]);
  });

  it("refuses bad input with a message for the field, writing nothing", async () => {
    const f = await orgFixture(db, "owner");
    const valid = {
      name: "Okta",
      issuer: "https://acme.okta.example",
      clientId: "id",
      clientSecret: "secret",
      trustEmailsForOrgDomains: false,
      enabled: true,
    };
    for (const [field, value, message] of [
      ["issuer", "not a url", /full URL/],
      ["issuer", "ftp://acme.example", /https/],
      ["issuer", "https://user:pw@acme.example", /user name/],
      ["issuer", "https://acme.example/?a=1", /query/],
      ["name", "", /name/],
      ["clientSecret", "", /secret/],
    ] as const)
      await expect(
        createSsoProvider(db, f.actor, { ...valid, [field]: value }, options),
      ).rejects.toThrow(message);
    await createSsoProvider(db, f.actor, valid, options);
    await expect(createSsoProvider(db, f.actor, valid, options)).rejects.toThrow(/exists already/);
    expect(await listSsoProviders(db, f.actor)).toHaveLength(1);
  });

  it("refuses an issuer at an internal address unless the operator allows it", async () => {
    const f = await orgFixture(db, "owner");
    const input = {
      name: "Internal",
      issuer: "https://169.254.169.254/latest",
      clientId: "id",
      clientSecret: "secret",
      trustEmailsForOrgDomains: false,
      enabled: true,
    };
    const strict = { envProviderConfigured: false, allowPrivate: false };
    await expect(createSsoProvider(db, f.actor, input, strict)).rejects.toMatchObject({
      fieldErrors: { issuer: expect.stringMatching(/private or internal address/) },
    });
    await expect(
      createSsoProvider(db, f.actor, { ...input, issuer: "http://idp.example.com" }, strict),
    ).rejects.toThrow(/https/);
    expect(await listSsoProviders(db, f.actor)).toEqual([]);
    await createSsoProvider(db, f.actor, input, { ...strict, allowPrivate: true });
    expect(await listSsoProviders(db, f.actor)).toHaveLength(1);
  });

  it("keeps single sign-on possible for an organisation that requires it", async () => {
    const f = await orgWithProvider();
    await updateSsoPolicy(
      db,
      f.actor,
      { ...policy, ssoRequired: true, emailDomains: [domainOf(f)] },
      { ssoConfigured: false },
    );
    const off = { providerId: f.provider.id, enabled: false };
    await expect(setSsoProviderEnabled(db, f.actor, off, options)).rejects.toThrow(
      /requires single sign-on/,
    );
    await expect(
      deleteSsoProvider(db, f.actor, { providerId: f.provider.id }, options),
    ).rejects.toThrow(/requires single sign-on/);
    // With the environment's provider serving it too, it may go.
    await setSsoProviderEnabled(db, f.actor, off, { ...options, envProviderConfigured: true });
    expect(await orgProviderClient(db, f.provider.id)).toBeNull();
  });

  it("routes an email to the enabled providers of the organisation claiming its domain", async () => {
    const f = await orgWithProvider();
    expect(await providersForEmail(db, `Someone@${domainOf(f).toUpperCase()}`)).toEqual([
      { providerId: f.provider.id, name: "Acme Entra", orgName: f.org.name },
    ]);
    expect(await providersForEmail(db, "someone@unclaimed.example")).toEqual([]);
    expect(await providersForEmail(db, "not an email")).toBeNull();
    await setSsoProviderEnabled(
      db,
      f.actor,
      { providerId: f.provider.id, enabled: false },
      options,
    );
    expect(await providersForEmail(db, `someone@${domainOf(f)}`)).toEqual([]);
  });
});

describe("signing in through an organisation's provider", () => {
  it("links a member of its organisation by verified email, then knows them by subject", async () => {
    const f = await orgWithProvider();
    const ann = await f.person("Ann");
    const first = identity({ email: await emailOf(ann.userId) });
    expect(await signInWithOrgProvider(db, f.provider, first)).toEqual({
      ok: true,
      userId: ann.userId,
      linked: true,
      provisioned: false,
    });
    const [link] = await db
      .select()
      .from(ssoIdentities)
      .where(eq(ssoIdentities.subject, first.subject));
    expect(link).toMatchObject({ providerId: f.provider.id, userId: ann.userId });
    // A changed email at the provider moves nothing.
    const bob = await f.person("Bob");
    expect(
      await signInWithOrgProvider(db, f.provider, { ...first, email: await emailOf(bob.userId) }),
    ).toMatchObject({ ok: true, userId: ann.userId, linked: false });
    // A second identity bringing Ann's email is refused.
    expect(
      await signInWithOrgProvider(db, f.provider, identity({ email: await emailOf(ann.userId) })),
    ).toEqual({ ok: false, reason: "identity_conflict" });
  });

  it("never signs in an account outside its organisation, and tells that organisation nothing", async () => {
    const a = await orgWithProvider();
    const b = await orgFixture(db, "owner");
    // Someone of B whose email is of A's claimed domain (A's owner could make it so).
    const user = await db
      .insert(users)
      .values({ email: `carol@${domainOf(a)}`, name: "Carol" })
      .returning();
    const carol = await insertMember(db, { orgId: b.org.id, userId: user[0]!.id, role: "owner" });
    const attempt = identity({ email: `carol@${domainOf(a)}` });
    expect(await signInWithOrgProvider(db, a.provider, attempt)).toEqual({
      ok: false,
      reason: "unknown",
    });
    // The owner of B, by B's own domain: outside A's domains, never even looked up.
    const bOwner = identity({ email: await emailOf(b.me.userId) });
    expect(await signInWithOrgProvider(db, a.provider, bOwner)).toEqual({
      ok: false,
      reason: "outside_domains",
    });
    expect(
      await db.select().from(ssoIdentities).where(eq(ssoIdentities.userId, carol.userId)),
    ).toEqual([]);
    const refusals = await db
      .select({ orgId: auditLog.orgId, targetType: auditLog.targetType, after: auditLog.after })
      .from(auditLog)
      .where(eq(auditLog.action, "access.refused"));
    const mine = refusals.filter((r) => JSON.stringify(r.after).includes(a.provider.id));
    expect(mine.map((r) => [r.orgId, r.targetType])).toEqual([
      [a.org.id, "sso_provider"],
      [a.org.id, "sso_provider"],
    ]);
    expect(refusals.filter((r) => r.orgId === b.org.id)).toEqual([]);
  });

  it("trusts a missing email_verified only for the claimed domains the owner vouched for", async () => {
    const strict = await orgWithProvider();
    const ann = await strict.person("Ann");
    const claimless = identity({ email: await emailOf(ann.userId), emailVerified: undefined });
    expect(await signInWithOrgProvider(db, strict.provider, claimless)).toEqual({
      ok: false,
      reason: "unverified_email",
    });

    const trusting = await orgWithProvider({ trust: true });
    const bob = await trusting.person("Bob");
    const email = await emailOf(bob.userId);
    expect(
      await signInWithOrgProvider(db, trusting.provider, identity({ email, emailVerified: false })),
    ).toEqual({ ok: false, reason: "unverified_email" });
    expect(
      await signInWithOrgProvider(
        db,
        trusting.provider,
        identity({ email, emailVerified: undefined }),
      ),
    ).toMatchObject({ ok: true, userId: bob.userId });
  });

  it("keeps its links apart from the environment provider's and other organisations', even at the same issuer", async () => {
    const a = await orgWithProvider({ issuer: "https://accounts.example.test" });
    const b = await orgWithProvider({ issuer: "https://accounts.example.test" });
    const ann = await a.person("Ann");
    const subject = randomUUID();
    const annAtA = identity({
      issuer: "https://accounts.example.test",
      subject,
      email: await emailOf(ann.userId),
    });
    expect(await signInWithOrgProvider(db, a.provider, annAtA)).toMatchObject({ ok: true });
    // The same issuer and subject at B's provider is not Ann: B's links are B's, and Ann is not B's.
    expect(await signInWithOrgProvider(db, b.provider, { ...annAtA, email: null })).toEqual({
      ok: false,
      reason: "no_email",
    });
    // Nor at the environment's provider: the link is A's provider's alone.
    expect(
      await signInWithSso(db, { ...annAtA, emailVerified: false }, { verifiedEmailDomains: [] }),
    ).toEqual({ ok: false, reason: "unverified_email" });
    // And an environment link is not found by an organisation's provider with the same issuer.
    const bob = await a.person("Bob");
    const bobEnv = identity({
      issuer: "https://accounts.example.test",
      email: await emailOf(bob.userId),
    });
    expect(await signInWithSso(db, bobEnv, { verifiedEmailDomains: [] })).toMatchObject({
      ok: true,
      linked: true,
    });
    expect(await signInWithOrgProvider(db, a.provider, { ...bobEnv, email: null })).toEqual({
      ok: false,
      reason: "no_email",
    });
  });

  it("provisions just in time only into its organisation, and only people with no account", async () => {
    const a = await orgWithProvider({ jit: true });
    const newcomer = identity({ email: `new.comer@${domainOf(a)}`, name: "New Comer" });
    // Test sign-in's preview changes nothing.
    expect(await decideOrgProviderSignIn(db, a.provider, newcomer)).toEqual({
      kind: "provisioned",
      email: `new.comer@${domainOf(a)}`,
    });
    expect(
      await db
        .select()
        .from(users)
        .where(eq(users.email, `new.comer@${domainOf(a)}`)),
    ).toEqual([]);
    const result = await signInWithOrgProvider(db, a.provider, newcomer);
    expect(result).toMatchObject({ ok: true, provisioned: true });
    const memberships = await db
      .select({ orgId: orgMembers.orgId, role: orgMembers.role })
      .from(orgMembers)
      .where(eq(orgMembers.userId, (result as { userId: string }).userId));
    expect(memberships).toEqual([{ orgId: a.org.id, role: "member" }]);

    // An account of another organisation with an email of A's domain is not pulled into A.
    const b = await orgFixture(db, "owner");
    const [dave] = await db
      .insert(users)
      .values({ email: `dave@${domainOf(a)}`, name: "Dave" })
      .returning();
    await insertMember(db, { orgId: b.org.id, userId: dave!.id, role: "member" });
    expect(
      await signInWithOrgProvider(db, a.provider, identity({ email: `dave@${domainOf(a)}` })),
    ).toEqual({ ok: false, reason: "unknown" });
  });

  it("keeps the groups the provider names at each sign-in, and the rules that look at them follow", async () => {
    const a = await orgWithProvider({ jit: true });
    const finance = await a.group("Finance");
    const { id: ruleId } = await createRule(db, a.actor, {
      name: "Finance at sign-in",
      attribute: "sso_group",
      values: "GH-Finance",
      groupIds: [finance],
    });
    const claims = providerIdentity(ISSUER, {
      sub: randomUUID(),
      email: `new.comer@${domainOf(a)}`,
      email_verified: true,
      groups: ["GH-Finance", "gh-all", 7, "", "GH-Finance"],
    });
    expect(claims.groups).toEqual(["GH-Finance", "gh-all"]);
    const first = await signInWithOrgProvider(db, a.provider, claims);
    expect(first).toMatchObject({ ok: true, provisioned: true });
    const member = async () =>
      (
        await db
          .select({ id: orgMembers.id, ssoGroups: orgMembers.ssoGroups })
          .from(orgMembers)
          .where(eq(orgMembers.userId, (first as { userId: string }).userId))
      )[0]!;
    const inFinance = async () =>
      (
        await db
          .select({ ruleId: groupMembers.ruleId })
          .from(groupMembers)
          .where(
            and(eq(groupMembers.groupId, finance), eq(groupMembers.memberId, (await member()).id)),
          )
      )[0] ?? null;
    expect(await member()).toMatchObject({ ssoGroups: ["GH-Finance", "gh-all"] });
    expect(await inFinance()).toEqual({ ruleId });

    // A sign-in without the claim changes nothing; one without the group takes the rule's away.
    await signInWithOrgProvider(db, a.provider, { ...claims, groups: undefined });
    expect(await inFinance()).toEqual({ ruleId });
    await signInWithOrgProvider(db, a.provider, { ...claims, groups: ["gh-all"] });
    expect(await member()).toMatchObject({ ssoGroups: ["gh-all"] });
    expect(await inFinance()).toBeNull();
    const changes = await db
      .select({ before: auditLog.before, after: auditLog.after })
      .from(auditLog)
      .where(and(eq(auditLog.orgId, a.org.id), eq(auditLog.action, "member.sso_groups_changed")));
    expect(changes).toHaveLength(2);
    expect(changes).toContainEqual({
      before: { groups: ["GH-Finance", "gh-all"] },
      after: { groups: ["gh-all"] },
    });
  });

  it("begins a session that opens its organisation only, and ends with the provider", async () => {
    const a = await orgWithProvider();
    const b = await orgFixture(db, "owner");
    // Ann belongs to both A and B.
    const ann = await a.person("Ann", "admin");
    await insertMember(db, { orgId: b.org.id, userId: ann.userId, role: "owner" });
    const signIn = await signInWithOrgProvider(
      db,
      a.provider,
      identity({ email: await emailOf(ann.userId) }),
    );
    expect(signIn).toMatchObject({ ok: true, userId: ann.userId });
    const sessionId = await startSession(db, ann.userId, new Date(), {
      issuer: ISSUER,
      idToken: null,
      org: { providerId: a.provider.id, orgId: a.org.id },
    });
    const policy = { idleMinutes: 30, maxHours: 12 };
    const live = await checkSession(db, sessionId, policy);
    expect(live).toMatchObject({ viaSso: true, scopeOrgId: a.org.id });
    const context = await resolveConsoleContext(db, ann.userId, b.org.id, live!);
    expect(context?.orgs.map((o) => o.id)).toEqual([a.org.id]);
    expect(context?.actor?.orgId).toBe(a.org.id);

    // A's owners see the link; B's do not see A's provider's links.
    expect((await listLinkedIdentities(db, a.actor)).map((i) => i.providerName)).toEqual([
      "Acme Entra",
    ]);
    expect(await listLinkedIdentities(db, b.actor)).toEqual([]);
    // A's owner may unlink it although Ann belongs to B too: the link serves A alone.
    expect(await unlinkSsoIdentities(db, a.actor, { memberId: ann.id })).toEqual({ unlinked: 1 });

    // Disabling the provider ends the sessions it began.
    await setSsoProviderEnabled(
      db,
      a.actor,
      { providerId: a.provider.id, enabled: false },
      options,
    );
    expect(await checkSession(db, sessionId, policy)).toBeNull();
    const [row] = await db.select().from(userSessions).where(eq(userSessions.id, sessionId));
    expect(row!.endedReason).toBe("sso_provider_disabled");
  });
});
