import { and, eq, isNull, ne } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/connect";
import {
  type MemberRole,
  orgEmailDomains,
  orgMembers,
  orgSsoPolicies,
  ssoIdentities,
  users,
} from "@/db/schema";
import { audit } from "@/lib/audit/record";
import { recordRefusal } from "@/lib/audit/refusals";
import { type Actor, systemActor } from "@/lib/auth/actor";
import { recordSsoGroups } from "@/lib/auth/sso-groups";
import { addMember } from "@/lib/members/commands";
import { liveMembersWhere } from "@/lib/members/lookup";
import { isStorableText } from "@/lib/text";

// Single sign-on decides who a provider's identity is in Gatehouse. An identity already linked
// to an account (by the provider's issuer and subject) is that account, whatever email it now
// carries. An identity not yet linked is matched by its email only when that email is verified:
// the provider says so (`email_verified: true`), or the operator has said that this provider's
// emails are verified for the email's domain (Entra ID, for one, never sends the claim). Matching
// by an unverified email is the "nOAuth" account takeover; an explicit `email_verified: false`
// is never overridden. The first match links the identity;
// an account has one identity per provider, so a second identity with the same email is refused.

export interface ProviderIdentity {
  issuer: string;
  subject: string;
  email: string | null;
  /** The provider's `email_verified` claim; undefined when it sent none. */
  emailVerified: boolean | undefined;
  name: string | null;
  /**
   * The `groups` claim (names or ids, as the provider is set up to send), sorted; undefined
   * when it sent none, which leaves what an earlier sign-in recorded (Entra sends none past 200
   * groups, pointing elsewhere instead).
   */
  groups?: string[];
}

export interface ProviderTrust {
  /** Domains whose emails this provider verifies although it sends no `email_verified`. */
  verifiedEmailDomains: readonly string[];
}

export type SsoRefusal =
  "no_email" | "unverified_email" | "unknown" | "identity_conflict" | "outside_domains";

export type SsoSignIn =
  | { ok: true; userId: string; linked: boolean; provisioned: boolean }
  | { ok: false; reason: SsoRefusal };

export const SSO_ACTOR_LABEL = "Single sign-on";
const ssoActor = (orgId: string) => systemActor(orgId, SSO_ACTOR_LABEL);

const claimText = z.string().trim().min(1).max(1024).refine(isStorableText);
// The subject is compared exactly: never trimmed or folded into another's.
const claimSubject = z.string().min(1).max(1024).refine(isStorableText);
const claimEmail = z.string().trim().toLowerCase().max(254).pipe(z.email());
const MAX_GROUPS = 200;
const claimGroups = z
  .array(z.unknown())
  .transform((gs) => [
    ...new Set(
      gs.flatMap((g) => {
        const group = claimText.max(256).safeParse(g);
        return group.success ? [group.data] : [];
      }),
    ),
  ])
  .transform((gs) => gs.slice(0, MAX_GROUPS).sort());

/** The claims Gatehouse uses, bounded; a claim that is malformed counts as absent. */
export function providerIdentity(
  issuer: string,
  claims: Record<string, unknown>,
): ProviderIdentity {
  const email = claimEmail.safeParse(claims.email);
  const name = claimText.safeParse(claims.name);
  const verified = claims.email_verified;
  return {
    issuer,
    subject: claimSubject.safeParse(claims.sub).data ?? "",
    email: email.success ? email.data : null,
    // Some providers send the claim as a string.
    emailVerified:
      verified === true || verified === "true"
        ? true
        : verified === false || verified === "false"
          ? false
          : undefined,
    name: name.success ? name.data.slice(0, 200) : null,
    groups: claimGroups.safeParse(claims.groups).data,
  };
}

export const emailDomain = (email: string) => email.slice(email.lastIndexOf("@") + 1);

export function emailIsVerified(identity: ProviderIdentity, trust: ProviderTrust): boolean {
  if (!identity.email) return false;
  // A provider that says "not verified" is believed, whatever the operator's list says.
  if (identity.emailVerified !== undefined) return identity.emailVerified;
  return trust.verifiedEmailDomains.includes(emailDomain(identity.email));
}

/** Who the identity is in Gatehouse, linking it on its first verified match. */
export async function signInWithSso(
  db: Db,
  identity: ProviderIdentity,
  trust: ProviderTrust,
  now = new Date(),
): Promise<SsoSignIn> {
  if (!identity.subject) return { ok: false, reason: "no_email" };
  const refusal = await db.transaction(async (tx): Promise<SsoSignIn | { refused: Refused }> => {
    const [linked] = await tx
      .update(ssoIdentities)
      .set({ lastSignInAt: now, email: identity.email })
      .where(
        and(
          isNull(ssoIdentities.providerId),
          eq(ssoIdentities.issuer, identity.issuer),
          eq(ssoIdentities.subject, identity.subject),
        ),
      )
      .returning({ userId: ssoIdentities.userId });
    if (linked) return { ok: true, userId: linked.userId, linked: false, provisioned: false };

    if (!identity.email) return { ok: false, reason: "no_email" };
    const [user] = await tx.select().from(users).where(eq(users.email, identity.email));
    if (!emailIsVerified(identity, trust))
      return { refused: { reason: "unverified_email", userId: user?.id ?? null } };
    if (!user) return provisionJustInTime(tx, identity, now);

    const [other] = await tx
      .select({ subject: ssoIdentities.subject })
      .from(ssoIdentities)
      .where(
        and(
          isNull(ssoIdentities.providerId),
          eq(ssoIdentities.userId, user.id),
          eq(ssoIdentities.issuer, identity.issuer),
        ),
      );
    if (other) return { refused: { reason: "identity_conflict", userId: user.id } };

    await link(tx, user.id, identity, now, await actorsOfUser(tx, user.id));
    return { ok: true, userId: user.id, linked: true, provisioned: false };
  });
  if ("ok" in refusal) return refusal;
  await recordSsoRefusal(db, identity, refusal.refused);
  return { ok: false, reason: refusal.refused.reason };
}

interface Refused {
  reason: SsoRefusal;
  /** The account the identity would have reached, whose organisations are told. */
  userId: string | null;
}

/** Links the identity (to an organisation's provider when `providerId`), audited to `actors`. */
async function link(
  tx: Db,
  userId: string,
  identity: ProviderIdentity,
  now: Date,
  actors: Extract<Actor, { kind: "user" }>[],
  providerId: string | null = null,
) {
  const [row] = await tx
    .insert(ssoIdentities)
    .values({
      userId,
      providerId,
      issuer: identity.issuer,
      subject: identity.subject,
      email: identity.email,
      linkedAt: now,
      lastSignInAt: now,
    })
    .returning({ id: ssoIdentities.id });
  for (const actor of actors)
    await audit(
      tx,
      actor,
      "sso.identity_linked",
      { type: "member", id: actor.memberId },
      {
        after: {
          identityId: row!.id,
          issuer: identity.issuer,
          subject: identity.subject,
          ...(providerId ? { providerId } : {}),
        },
      },
    );
}

// Just-in-time provisioning: an organisation that claims the email's domain and has chosen it
// gets the person as a member (default groups join, as for any new member). Off by default:
// unknown identities stay refused.
async function provisionJustInTime(
  tx: Db,
  identity: ProviderIdentity,
  now: Date,
): Promise<SsoSignIn | { refused: Refused }> {
  const email = identity.email!;
  const [claim] = await tx
    .select({ orgId: orgEmailDomains.orgId, jit: orgSsoPolicies.jitProvisioning })
    .from(orgEmailDomains)
    .leftJoin(orgSsoPolicies, eq(orgSsoPolicies.orgId, orgEmailDomains.orgId))
    .where(eq(orgEmailDomains.domain, emailDomain(email)));
  if (!claim?.jit) return { refused: { reason: "unknown", userId: null } };
  const userId = await provisionAndLink(tx, claim.orgId, identity, email, now);
  return { ok: true, userId, linked: true, provisioned: true };
}

/** Adds the identity's person to the organisation as a member who signs in by SSO, linked. */
async function provisionAndLink(
  tx: Db,
  orgId: string,
  identity: ProviderIdentity,
  email: string,
  now: Date,
  providerId: string | null = null,
): Promise<string> {
  await addMember(
    tx,
    systemActor(orgId, SSO_ACTOR_LABEL),
    {
      email,
      name: identity.name ?? email.slice(0, email.indexOf("@")),
      role: "member",
      access: "sso",
    },
    { ssoConfigured: true },
  );
  const [user] = await tx.select({ id: users.id }).from(users).where(eq(users.email, email));
  await link(tx, user!.id, identity, now, await actorsOfUser(tx, user!.id, orgId), providerId);
  return user!.id;
}

/** The user as an actor in each organisation they belong to (suspended included, removed not). */
async function actorsOfUser(tx: Db, userId: string, orgId?: string) {
  const rows = await tx
    .select({
      orgId: orgMembers.orgId,
      memberId: orgMembers.id,
      role: orgMembers.role,
      email: users.email,
    })
    .from(orgMembers)
    .innerJoin(users, eq(users.id, orgMembers.userId))
    .where(
      and(
        eq(orgMembers.userId, userId),
        ne(orgMembers.status, "removed"),
        orgId ? eq(orgMembers.orgId, orgId) : undefined,
      ),
    );
  return rows.map((r): Extract<Actor, { kind: "user" }> => ({
    kind: "user",
    userId,
    memberId: r.memberId,
    orgId: r.orgId,
    role: r.role,
    label: r.email,
  }));
}

const REFUSAL_MESSAGES: Record<SsoRefusal, string> = {
  no_email: "The identity provider shared no email address.",
  unverified_email:
    "The identity provider did not say the email address is verified, so it cannot be matched to an account.",
  unknown: "There is no Gatehouse account for this identity.",
  identity_conflict:
    "This account is linked to another identity at the same provider; an owner can unlink it.",
  outside_domains:
    "The email address is not of a domain the organisation claims, so its provider cannot vouch for it.",
};

export const ssoRefusalMessage = (reason: SsoRefusal) => REFUSAL_MESSAGES[reason];

// A refused sign-in is told to the organisations of the account it would have reached: an attempt
// at someone's account is what an owner wants to see. An unknown person's attempt is told to no
// one: a domain claim is not proof that the domain is the claimant's.
async function recordSsoRefusal(db: Db, identity: ProviderIdentity, refused: Refused) {
  if (!refused.userId) return;
  for (const actor of await actorsOfUser(db, refused.userId))
    await recordRefusal(db, systemActor(actor.orgId, SSO_ACTOR_LABEL), {
      target: { type: "member", id: actor.memberId },
      reason: `sso_${refused.reason}`,
      detail: {
        message: REFUSAL_MESSAGES[refused.reason],
        issuer: identity.issuer,
        subject: identity.subject.slice(0, 200),
        email: identity.email ?? "",
      },
    });
}

// An organisation's own provider (lib/auth/sso-providers.ts) is controlled by that
// organisation's owners, so what it asserts counts inside that organisation only:
// - its links are its own: looked up by the provider and the subject, never by the issuer, so
//   that it reaches neither the environment provider's links nor another organisation's (two
//   organisations may both use https://accounts.google.com: each gets its own links);
// - an identity not yet linked matches by verified email only a member of the organisation (not
//   removed) whose email is of a domain the organisation claims; "verified" is the provider's
//   `email_verified: true`, or, when it sends no such claim, the owner's choice that this
//   provider's emails are verified for the claimed domains;
// - just in time, only into that organisation, only for a domain it claims, and only for an
//   email no account has yet (an account of another organisation is not pulled in);
// - the session it begins opens that organisation only (user_sessions.scope_org_id), even for a
//   person who belongs to others too (lib/orgs/context.ts);
// - refusals are recorded in that organisation, and name no other organisation's people: an
//   account elsewhere is refused exactly like an unknown person.

export interface OrgProvider {
  id: string;
  orgId: string;
  trustEmailsForOrgDomains: boolean;
}

export interface MatchedMember {
  memberId: string;
  userId: string;
  name: string;
  email: string;
  role: MemberRole;
  status: "active" | "suspended" | "removed";
}

export type OrgSsoDecision =
  | { kind: "signed_in" | "linked"; member: MatchedMember }
  | { kind: "provisioned"; email: string }
  | { kind: "refused"; reason: SsoRefusal; member: MatchedMember | null };

/** The member of the organisation with this user id (not removed), or null. */
async function memberOf(tx: Db, orgId: string, userId: string): Promise<MatchedMember | null> {
  const [row] = await liveMembersWhere(tx, orgId, eq(orgMembers.userId, userId));
  if (!row) return null;
  const { id, ...member } = row;
  return { memberId: id, ...member };
}

/**
 * What the organisation's provider's identity would do, changing nothing: sign in a linked
 * member, link a member matched by verified email, provision a newcomer, or be refused (why).
 * Sign-in applies it; Test sign-in shows it to the owner.
 */
export async function decideOrgProviderSignIn(
  db: Db,
  provider: OrgProvider,
  identity: ProviderIdentity,
): Promise<OrgSsoDecision> {
  if (!identity.subject) return { kind: "refused", reason: "no_email", member: null };
  const [linked] = await db
    .select({ userId: ssoIdentities.userId })
    .from(ssoIdentities)
    .where(
      and(eq(ssoIdentities.providerId, provider.id), eq(ssoIdentities.subject, identity.subject)),
    );
  if (linked) {
    const member = await memberOf(db, provider.orgId, linked.userId);
    return member
      ? { kind: "signed_in", member }
      : { kind: "refused", reason: "unknown", member: null };
  }
  if (!identity.email) return { kind: "refused", reason: "no_email", member: null };
  const domains = (
    await db
      .select({ domain: orgEmailDomains.domain })
      .from(orgEmailDomains)
      .where(eq(orgEmailDomains.orgId, provider.orgId))
  ).map((d) => d.domain);
  if (!domains.includes(emailDomain(identity.email)))
    return { kind: "refused", reason: "outside_domains", member: null };
  const [user] = await db
    .select({ id: users.id })
    .from(users)
    .where(eq(users.email, identity.email));
  const member = user ? await memberOf(db, provider.orgId, user.id) : null;
  const trust = { verifiedEmailDomains: provider.trustEmailsForOrgDomains ? domains : [] };
  if (!emailIsVerified(identity, trust))
    return { kind: "refused", reason: "unverified_email", member };
  if (!user) {
    const [policy] = await db
      .select({ jit: orgSsoPolicies.jitProvisioning })
      .from(orgSsoPolicies)
      .where(eq(orgSsoPolicies.orgId, provider.orgId));
    return policy?.jit
      ? { kind: "provisioned", email: identity.email }
      : { kind: "refused", reason: "unknown", member: null };
  }
  if (!member) return { kind: "refused", reason: "unknown", member: null };
  const [other] = await db
    .select({ id: ssoIdentities.id })
    .from(ssoIdentities)
    .where(and(eq(ssoIdentities.providerId, provider.id), eq(ssoIdentities.userId, user.id)));
  if (other) return { kind: "refused", reason: "identity_conflict", member };
  return { kind: "linked", member };
}

export type OrgSsoSignIn =
  | { ok: true; userId: string; linked: boolean; provisioned: boolean }
  | { ok: false; reason: SsoRefusal };

/** Sign-in through an organisation's own provider: the decision above, applied. */
export async function signInWithOrgProvider(
  db: Db,
  provider: OrgProvider,
  identity: ProviderIdentity,
  now = new Date(),
): Promise<OrgSsoSignIn> {
  const outcome = await db.transaction(
    async (tx): Promise<OrgSsoSignIn | { refused: OrgSsoDecision & { kind: "refused" } }> => {
      const decision = await decideOrgProviderSignIn(tx, provider, identity);
      switch (decision.kind) {
        case "refused":
          return { refused: decision };
        case "signed_in":
          await tx
            .update(ssoIdentities)
            .set({ lastSignInAt: now, email: identity.email })
            .where(
              and(
                eq(ssoIdentities.providerId, provider.id),
                eq(ssoIdentities.subject, identity.subject),
              ),
            );
          await recordSsoGroups(
            tx,
            ssoActor(provider.orgId),
            decision.member.userId,
            identity.groups,
          );
          return { ok: true, userId: decision.member.userId, linked: false, provisioned: false };
        case "linked": {
          const actors = await actorsOfUser(tx, decision.member.userId, provider.orgId);
          await link(tx, decision.member.userId, identity, now, actors, provider.id);
          await recordSsoGroups(
            tx,
            ssoActor(provider.orgId),
            decision.member.userId,
            identity.groups,
          );
          return { ok: true, userId: decision.member.userId, linked: true, provisioned: false };
        }
        case "provisioned": {
          const userId = await provisionAndLink(
            tx,
            provider.orgId,
            identity,
            decision.email,
            now,
            provider.id,
          );
          await recordSsoGroups(tx, ssoActor(provider.orgId), userId, identity.groups);
          return { ok: true, userId, linked: true, provisioned: true };
        }
      }
    },
  );
  if ("ok" in outcome) return outcome;
  const { reason, member } = outcome.refused;
  await recordRefusal(db, systemActor(provider.orgId, SSO_ACTOR_LABEL), {
    target: member
      ? { type: "member", id: member.memberId }
      : { type: "sso_provider", id: provider.id },
    reason: `sso_${reason}`,
    detail: {
      message: REFUSAL_MESSAGES[reason],
      providerId: provider.id,
      issuer: identity.issuer,
      subject: identity.subject.slice(0, 200),
      email: identity.email ?? "",
    },
  });
  return { ok: false, reason };
}
