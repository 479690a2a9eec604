import { and, asc, eq, inArray, isNull, ne, notInArray, or } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/connect";
import {
  orgEmailDomains,
  orgMembers,
  orgSsoPolicies,
  orgSsoProviders,
  orgs,
  ssoIdentities,
  users,
} from "@/db/schema";
import { audit } from "@/lib/audit/record";
import { type Actor, assertCan } from "@/lib/auth/actor";
import { Conflict, Forbidden, Invalid } from "@/lib/errors";
import { requireMember } from "@/lib/members/lookup";
import { opensToPassword } from "@/lib/orgs/context";
import { orgHasEnabledProvider } from "./sso-providers";

// An organisation's sign-in policy, set by its owners: single sign-on required (password sign-in
// refused for its members, except one break-glass owner who keeps a password for the day the
// provider is down), the email domains it claims, and just-in-time provisioning for them.

const domain = z
  .string()
  .trim()
  .toLowerCase()
  .max(253, "A domain has at most 253 characters.")
  .regex(
    /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/,
    "Enter domains like acme.com, separated by commas.",
  );

export const ssoPolicyInput = z.object({
  ssoRequired: z.boolean(),
  breakGlassMemberId: z.uuid("Unknown member.").nullable(),
  jitProvisioning: z.boolean(),
  emailDomains: z.array(domain).max(20, "At most 20 domains."),
});

export type SsoPolicyInput = z.input<typeof ssoPolicyInput>;

export interface SsoPolicy {
  ssoRequired: boolean;
  breakGlassMemberId: string | null;
  jitProvisioning: boolean;
  emailDomains: string[];
}

export async function getSsoPolicy(db: Db, actor: Actor): Promise<SsoPolicy> {
  assertCan(actor, "org:read");
  const [policy] = await db
    .select({
      ssoRequired: orgSsoPolicies.ssoRequired,
      jitProvisioning: orgSsoPolicies.jitProvisioning,
      breakGlassMemberId: orgMembers.id,
    })
    .from(orgSsoPolicies)
    .leftJoin(
      orgMembers,
      and(
        eq(orgMembers.orgId, orgSsoPolicies.orgId),
        eq(orgMembers.userId, orgSsoPolicies.breakGlassUserId),
      ),
    )
    .where(eq(orgSsoPolicies.orgId, actor.orgId));
  const domains = await db
    .select({ domain: orgEmailDomains.domain })
    .from(orgEmailDomains)
    .where(eq(orgEmailDomains.orgId, actor.orgId))
    .orderBy(asc(orgEmailDomains.domain));
  return {
    ssoRequired: policy?.ssoRequired ?? false,
    breakGlassMemberId: policy?.breakGlassMemberId ?? null,
    jitProvisioning: policy?.jitProvisioning ?? false,
    emailDomains: domains.map((d) => d.domain),
  };
}

/**
 * Owners only: who signs in how is the keys to the organisation. Single sign-on can be required
 * only where a provider is configured (the environment's, `ssoConfigured`, or an enabled one of
 * the organisation's own), or nobody but the break-glass owner could sign in.
 */
export async function updateSsoPolicy(
  db: Db,
  actor: Actor,
  raw: SsoPolicyInput,
  options: { ssoConfigured: boolean },
) {
  assertCan(actor, "org:manage");
  if (actor.kind === "user" && actor.role !== "owner")
    throw new Forbidden("Only owners can change how people sign in.");
  const input = ssoPolicyInput.parse(raw);
  if (
    input.ssoRequired &&
    !options.ssoConfigured &&
    !(await orgHasEnabledProvider(db, actor.orgId))
  )
    throw new Invalid(
      "No identity provider is enabled for this organisation, so single sign-on cannot be required.",
    );
  const domains = [...new Set(input.emailDomains)];
  if (input.jitProvisioning && domains.length === 0)
    throw new Invalid("Add the email domains whose people may be provisioned.", {
      emailDomains: "Add at least one domain for just-in-time provisioning.",
    });
  return db.transaction(async (tx) => {
    const before = await getSsoPolicy(tx, actor);
    let breakGlassUserId: string | null = null;
    if (input.breakGlassMemberId) {
      const member = await requireMember(tx, actor.orgId, input.breakGlassMemberId);
      if (member.role !== "owner" || member.status !== "active")
        throw new Invalid("The break-glass account must be an active owner.", {
          breakGlassMemberId: "Choose an active owner.",
        });
      breakGlassUserId = member.userId;
    }
    if (domains.length > 0) {
      const [taken] = await tx
        .select({ domain: orgEmailDomains.domain })
        .from(orgEmailDomains)
        .where(
          and(inArray(orgEmailDomains.domain, domains), ne(orgEmailDomains.orgId, actor.orgId)),
        );
      if (taken)
        throw new Conflict(`${taken.domain} is claimed by another organisation on this server.`);
    }
    const values = {
      ssoRequired: input.ssoRequired,
      breakGlassUserId,
      jitProvisioning: input.jitProvisioning,
      updatedAt: new Date(),
    };
    await tx
      .insert(orgSsoPolicies)
      .values({ orgId: actor.orgId, ...values })
      .onConflictDoUpdate({ target: orgSsoPolicies.orgId, set: values });
    await tx
      .delete(orgEmailDomains)
      .where(
        domains.length > 0
          ? and(eq(orgEmailDomains.orgId, actor.orgId), notInArray(orgEmailDomains.domain, domains))
          : eq(orgEmailDomains.orgId, actor.orgId),
      );
    const added = domains.filter((d) => !before.emailDomains.includes(d));
    // A claim made by another organisation in the same moment fails on the unique index.
    if (added.length > 0)
      await tx
        .insert(orgEmailDomains)
        .values(added.map((d) => ({ orgId: actor.orgId, domain: d })))
        .catch(() => {
          throw new Conflict("One of these domains was just claimed by another organisation.");
        });
    const after = await getSsoPolicy(tx, actor);
    await audit(
      tx,
      actor,
      "org.sso_policy_updated",
      { type: "org", id: actor.orgId },
      { before, after },
    );
    return after;
  });
}

/**
 * When every organisation of this account requires single sign-on of it (it is the break-glass
 * owner of none), their names: a password would open nothing. Otherwise none: the organisations
 * that require it are left out of the password session (lib/orgs/context.ts).
 */
export async function orgsRequiringSso(db: Db, userId: string): Promise<string[]> {
  const rows = await db
    .select({
      name: orgs.name,
      role: orgMembers.role,
      ssoRequired: orgSsoPolicies.ssoRequired,
      breakGlassUserId: orgSsoPolicies.breakGlassUserId,
    })
    .from(orgMembers)
    .innerJoin(orgs, eq(orgs.id, orgMembers.orgId))
    .leftJoin(orgSsoPolicies, eq(orgSsoPolicies.orgId, orgMembers.orgId))
    .where(and(eq(orgMembers.userId, userId), eq(orgMembers.status, "active")));
  if (rows.length === 0 || rows.some((r) => opensToPassword(r, userId))) return [];
  return rows.map((r) => r.name);
}

export interface LinkedIdentity {
  memberId: string;
  name: string;
  memberEmail: string;
  /** The organisation's provider it came through; null: the environment's provider. */
  providerName: string | null;
  issuer: string;
  email: string | null;
  linkedAt: Date;
  lastSignInAt: Date;
}

/**
 * The provider identities linked to the organisation's members (owners and admins see them):
 * through the environment's provider or one of the organisation's own, never through another
 * organisation's (that is its business).
 */
export async function listLinkedIdentities(db: Db, actor: Actor): Promise<LinkedIdentity[]> {
  assertCan(actor, "org:manage");
  return db
    .select({
      memberId: orgMembers.id,
      name: users.name,
      memberEmail: users.email,
      providerName: orgSsoProviders.name,
      issuer: ssoIdentities.issuer,
      email: ssoIdentities.email,
      linkedAt: ssoIdentities.linkedAt,
      lastSignInAt: ssoIdentities.lastSignInAt,
    })
    .from(ssoIdentities)
    .innerJoin(orgMembers, eq(orgMembers.userId, ssoIdentities.userId))
    .innerJoin(users, eq(users.id, ssoIdentities.userId))
    .leftJoin(orgSsoProviders, eq(orgSsoProviders.id, ssoIdentities.providerId))
    .where(
      and(
        eq(orgMembers.orgId, actor.orgId),
        ne(orgMembers.status, "removed"),
        or(isNull(ssoIdentities.providerId), eq(orgSsoProviders.orgId, actor.orgId)),
      ),
    )
    .orderBy(asc(users.email), asc(ssoIdentities.issuer));
}

/**
 * Owners unlink a member's identities (a person's account was linked to the wrong identity, or
 * their identity at the provider was replaced): the next single sign-on matches by verified email
 * again. The links of the organisation's own providers serve it alone and always go; the
 * environment provider's serves all the person's organisations, so it goes only for a person of
 * this organisation alone.
 */
export async function unlinkSsoIdentities(db: Db, actor: Actor, raw: { memberId: string }) {
  assertCan(actor, "org:manage");
  if (actor.kind === "user" && actor.role !== "owner")
    throw new Forbidden("Only owners can unlink single sign-on identities.");
  const { memberId } = z.object({ memberId: z.uuid("Unknown member.") }).parse(raw);
  return db.transaction(async (tx) => {
    const member = await requireMember(tx, actor.orgId, memberId);
    // The identity signs the person in to all their organisations: one of them alone does not
    // decide it.
    const [elsewhere] = await tx
      .select({ id: orgMembers.id })
      .from(orgMembers)
      .where(
        and(
          eq(orgMembers.userId, member.userId),
          ne(orgMembers.orgId, actor.orgId),
          ne(orgMembers.status, "removed"),
        ),
      )
      .limit(1);
    const ownProviders = tx
      .select({ id: orgSsoProviders.id })
      .from(orgSsoProviders)
      .where(eq(orgSsoProviders.orgId, actor.orgId));
    const removed = await tx
      .delete(ssoIdentities)
      .where(
        and(
          eq(ssoIdentities.userId, member.userId),
          elsewhere
            ? inArray(ssoIdentities.providerId, ownProviders)
            : or(isNull(ssoIdentities.providerId), inArray(ssoIdentities.providerId, ownProviders)),
        ),
      )
      .returning({
        id: ssoIdentities.id,
        issuer: ssoIdentities.issuer,
        subject: ssoIdentities.subject,
      });
    if (removed.length === 0)
      throw new Invalid(
        elsewhere
          ? `${member.name} also belongs to another organisation, so their identity cannot be unlinked from here.`
          : `${member.name} has no linked identity.`,
      );
    await audit(
      tx,
      actor,
      "sso.identity_unlinked",
      { type: "member", id: member.id },
      { before: { identities: removed } },
    );
    return { unlinked: removed.length };
  });
}
