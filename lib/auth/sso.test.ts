import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/connect";
import { auditLog, groupMembers, orgMembers, ssoIdentities, users } from "@/db/schema";
import { insertGroup, insertUser } from "@/db/seed/builders";
import { addMember } from "@/lib/members/commands";
import { testDatabase } from "@/test/db";
import { orgFixture } from "@/test/fixtures";
import { signInWithPassword } from "./sign-in";
import { type ProviderIdentity, providerIdentity, signInWithSso } from "./sso";
import { unlinkSsoIdentities, updateSsoPolicy } from "./sso-policy";

let db: Db;
const ISSUER = "https://idp.example.test";
const noTrust = { verifiedEmailDomains: [] };
const limits = { maxFailuresPerAccount: 5, maxFailuresPerIp: 50, windowMinutes: 15 };
const configured = { ssoConfigured: true };

beforeAll(async () => {
  ({ db } = await testDatabase());
});

const identity = (
  claims: Partial<ProviderIdentity> & { email: string | null },
): ProviderIdentity => ({
  issuer: ISSUER,
  subject: randomUUID(),
  emailVerified: true,
  name: null,
  ...claims,
});

async function emailOf(userId: string) {
  const [user] = await db.select({ email: users.email }).from(users).where(eq(users.id, userId));
  return user!.email;
}

async function auditActions(orgId: string) {
  const rows = await db
    .select({ action: auditLog.action, after: auditLog.after })
    .from(auditLog)
    .where(eq(auditLog.orgId, orgId));
  return rows;
}

describe("signInWithSso", () => {
  it("matches a verified email once, then only the issuer and subject", async () => {
    const f = await orgFixture(db, "owner");
    const email = await emailOf(f.me.userId);
    const ann = identity({ email });
    expect(await signInWithSso(db, ann, noTrust)).toEqual({
      ok: true,
      userId: f.me.userId,
      linked: true,
      provisioned: false,
    });
    expect((await auditActions(f.org.id)).map((r) => r.action)).toContain("sso.identity_linked");

    // The provider now says the identity's email is someone else's: the account does not move.
    const colleague = await f.person("Colleague");
    const moved = await signInWithSso(
      db,
      { ...ann, email: await emailOf(colleague.userId), emailVerified: false },
      noTrust,
    );
    expect(moved).toMatchObject({ ok: true, userId: f.me.userId, linked: false });
  });

  it("refuses an email the provider did not say is verified, and tells the account's organisation", async () => {
    const f = await orgFixture(db, "owner");
    const email = await emailOf(f.me.userId);
    for (const emailVerified of [undefined, false]) {
      const attempt = identity({ email, emailVerified });
      expect(await signInWithSso(db, attempt, noTrust)).toEqual({
        ok: false,
        reason: "unverified_email",
      });
    }
    const links = await db
      .select()
      .from(ssoIdentities)
      .where(eq(ssoIdentities.userId, f.me.userId));
    expect(links).toEqual([]);
    const refusals = (await auditActions(f.org.id)).filter((r) => r.action === "access.refused");
    expect(refusals).toHaveLength(2);
    expect(refusals[0]!.after).toMatchObject({ reason: "sso_unverified_email", issuer: ISSUER });
  });

  it("trusts an unverified email only for the domains the operator named", async () => {
    const f = await orgFixture(db, "owner");
    const email = await emailOf(f.me.userId);
    const trust = { verifiedEmailDomains: [email.split("@")[1]!] };
    const entra = identity({ email, emailVerified: undefined });
    expect(await signInWithSso(db, entra, trust)).toMatchObject({ ok: true, userId: f.me.userId });
    const elsewhere = await insertUser(db, { email: `x-${randomUUID()}@other.test`, name: "X" });
    expect(
      await signInWithSso(
        db,
        identity({ email: elsewhere.email, emailVerified: undefined }),
        trust,
      ),
    ).toEqual({ ok: false, reason: "unverified_email" });
    // An explicit "not verified" is believed over the operator's domain list.
    const denied = {
      ...identity({ email, emailVerified: false }),
      issuer: "https://other-idp.test",
    };
    expect(await signInWithSso(db, denied, trust)).toEqual({
      ok: false,
      reason: "unverified_email",
    });
  });

  it("refuses a second identity of the same provider with the same email", async () => {
    const f = await orgFixture(db, "owner");
    const email = await emailOf(f.me.userId);
    await signInWithSso(db, identity({ email }), noTrust);
    expect(await signInWithSso(db, identity({ email }), noTrust)).toEqual({
      ok: false,
      reason: "identity_conflict",
    });
    // Another provider may link its own identity of the same person.
    const other = await signInWithSso(
      db,
      { ...identity({ email }), issuer: "https://b.test" },
      noTrust,
    );
    expect(other).toMatchObject({ ok: true, linked: true });
  });

  it("refuses unknown people, unless their domain's organisation provisions them just in time", async () => {
    const f = await orgFixture(db, "owner");
    const domain = `${f.org.slug}.test`;
    const newcomer = identity({ email: `newcomer@${domain}`, name: "New Comer" });
    expect(await signInWithSso(db, newcomer, noTrust)).toEqual({ ok: false, reason: "unknown" });

    const defaultGroup = await insertGroup(db, {
      orgId: f.org.id,
      name: "Everyone",
      kind: "function",
      isDefault: true,
    });
    await updateSsoPolicy(
      db,
      f.actor,
      {
        ssoRequired: false,
        breakGlassMemberId: null,
        jitProvisioning: false,
        emailDomains: [domain],
      },
      configured,
    );
    expect(await signInWithSso(db, newcomer, noTrust)).toEqual({ ok: false, reason: "unknown" });
    // A domain claim proves nothing: the claimant is not told of strangers' attempts.
    const refusals = (await auditActions(f.org.id)).filter((r) => r.action === "access.refused");
    expect(refusals).toEqual([]);

    await updateSsoPolicy(
      db,
      f.actor,
      {
        ssoRequired: false,
        breakGlassMemberId: null,
        jitProvisioning: true,
        emailDomains: [domain],
      },
      configured,
    );
    const result = await signInWithSso(db, newcomer, noTrust);
    expect(result).toMatchObject({ ok: true, provisioned: true, linked: true });
    const userId = (result as { userId: string }).userId;
    const [member] = await db
      .select()
      .from(orgMembers)
      .where(and(eq(orgMembers.orgId, f.org.id), eq(orgMembers.userId, userId)));
    expect(member).toMatchObject({ role: "member", status: "active" });
    const [user] = await db.select().from(users).where(eq(users.id, userId));
    expect(user).toMatchObject({ name: "New Comer", passwordHash: null });
    const memberships = await db
      .select()
      .from(groupMembers)
      .where(eq(groupMembers.memberId, member!.id));
    expect(memberships.map((m) => m.groupId)).toEqual([defaultGroup.id]);
    // An unverified newcomer is never provisioned.
    const unverified = identity({ email: `other@${domain}`, emailVerified: undefined });
    expect(await signInWithSso(db, unverified, noTrust)).toEqual({
      ok: false,
      reason: "unverified_email",
    });
  });

  it("admits a member added for single sign-on only, who has no password and no invitation", async () => {
    const f = await orgFixture(db, "admin");
    const email = `sso-only-${randomUUID().slice(0, 6)}@${f.org.slug}.test`;
    const added = await addMember(
      db,
      f.actor,
      {
        email,
        name: "Sso Only",
        role: "member",
        access: "sso",
      },
      { ssoConfigured: true },
    );
    expect(added.invitationPath).toBeNull();
    await expect(
      addMember(db, f.actor, { email: `x-${email}`, name: "X", role: "member", access: "sso" }),
    ).rejects.toThrow(/not configured/);
    const [user] = await db.select().from(users).where(eq(users.email, email));
    expect(user!.passwordHash).toBeNull();
    expect(await signInWithSso(db, identity({ email }), noTrust)).toMatchObject({
      ok: true,
      userId: user!.id,
    });
  });

  it("reads claims defensively", () => {
    expect(
      providerIdentity(ISSUER, { sub: "abc", email: " Ann@Example.TEST ", email_verified: "true" }),
    ).toEqual({
      issuer: ISSUER,
      subject: "abc",
      email: "ann@example.test",
      emailVerified: true,
      name: null,
    });
    expect(
      providerIdentity(ISSUER, { sub: "abc", email: "not an email", email_verified: 1 }),
    ).toMatchObject({ email: null, emailVerified: undefined });
    expect(providerIdentity(ISSUER, { sub: "a\u0000b" }).subject).toBe("");
  });
});

describe("the organisation's sign-in policy", () => {
  it("refuses members' passwords when single sign-on is required, but the break-glass owner's", async () => {
    const f = await orgFixture(db, "owner");
    const password = "a long enough password";
    const admin = await f.person("Admin", "admin");
    const { hashPassword } = await import("./password");
    for (const userId of [f.me.userId, admin.userId])
      await db
        .update(users)
        .set({ passwordHash: await hashPassword(password) })
        .where(eq(users.id, userId));
    await updateSsoPolicy(
      db,
      f.actor,
      {
        ssoRequired: true,
        breakGlassMemberId: f.me.id,
        jitProvisioning: false,
        emailDomains: [],
      },
      configured,
    );
    const signIn = async (userId: string, pw = password) =>
      signInWithPassword(
        db,
        { email: await emailOf(userId), password: pw, ip: "10.1.1.1" },
        limits,
      );
    expect(await signIn(admin.userId)).toEqual({
      ok: false,
      reason: "sso_required",
      orgs: [f.org.name],
    });
    // A wrong password says nothing of the policy.
    expect(await signIn(admin.userId, "wrong")).toEqual({ ok: false, reason: "invalid" });
    expect(await signIn(f.me.userId)).toEqual({ ok: true, userId: f.me.userId });
    // Another organisation's policy does not lock a person out of theirs: the password signs in,
    // and the organisation that requires single sign-on stays closed to it (lib/orgs/context).
    const other = await orgFixture(db, "owner");
    await db.insert(orgMembers).values({ orgId: other.org.id, userId: admin.userId });
    expect(await signIn(admin.userId)).toEqual({ ok: true, userId: admin.userId });
    await expect(
      updateSsoPolicy(
        db,
        f.actor,
        { ssoRequired: true, breakGlassMemberId: null, jitProvisioning: false, emailDomains: [] },
        { ssoConfigured: false },
      ),
    ).rejects.toThrow(/No identity provider is enabled/);
  });

  it("is the owners' to change, and a domain belongs to one organisation", async () => {
    const f = await orgFixture(db, "owner");
    const other = await orgFixture(db, "owner");
    const admin = await f.person("Admin", "admin");
    const asAdmin = {
      ...f.actor,
      memberId: admin.id,
      userId: admin.userId,
      role: "admin" as const,
    };
    const policy = {
      ssoRequired: true,
      breakGlassMemberId: null,
      jitProvisioning: false,
      emailDomains: [`${f.org.slug}.test`],
    };
    await expect(updateSsoPolicy(db, asAdmin, policy, configured)).rejects.toThrow(/Only owners/);
    await updateSsoPolicy(db, f.actor, policy, configured);
    await expect(updateSsoPolicy(db, other.actor, policy, configured)).rejects.toThrow(
      /claimed by another/,
    );
    await expect(
      updateSsoPolicy(db, f.actor, { ...policy, breakGlassMemberId: admin.id }, configured),
    ).rejects.toThrow(/must be an active owner/);
    await expect(
      updateSsoPolicy(db, f.actor, { ...policy, breakGlassMemberId: other.me.id }, configured),
    ).rejects.toThrow(/not found/);
    const audits = (await auditActions(f.org.id)).filter(
      (r) => r.action === "org.sso_policy_updated",
    );
    expect(audits).toHaveLength(1);
  });

  it("lets owners unlink a member's identity, after which a verified email links anew", async () => {
    const f = await orgFixture(db, "owner");
    const bob = await f.person("Bob");
    const email = await emailOf(bob.userId);
    await signInWithSso(db, identity({ email }), noTrust);
    const replacement = identity({ email });
    expect(await signInWithSso(db, replacement, noTrust)).toMatchObject({ ok: false });

    const admin = await f.person("Admin", "admin");
    const asAdmin = {
      ...f.actor,
      memberId: admin.id,
      userId: admin.userId,
      role: "admin" as const,
    };
    await expect(unlinkSsoIdentities(db, asAdmin, { memberId: bob.id })).rejects.toThrow(/owners/);
    expect(await unlinkSsoIdentities(db, f.actor, { memberId: bob.id })).toEqual({ unlinked: 1 });
    expect((await auditActions(f.org.id)).map((r) => r.action)).toContain("sso.identity_unlinked");
    expect(await signInWithSso(db, replacement, noTrust)).toMatchObject({
      ok: true,
      userId: bob.userId,
    });
    const foreign = await orgFixture(db, "owner");
    await expect(unlinkSsoIdentities(db, foreign.actor, { memberId: bob.id })).rejects.toThrow(
      /not found/,
    );
    // Once Bob belongs to another organisation too, neither may unlink him alone.
    await signInWithSso(db, identity({ email }), noTrust);
    await db.insert(orgMembers).values({ orgId: foreign.org.id, userId: bob.userId });
    await expect(unlinkSsoIdentities(db, f.actor, { memberId: bob.id })).rejects.toThrow(
      /another organisation/,
    );
  });
});
