import { randomUUID } from "node:crypto";
import { and, asc, count, eq, isNull, ne } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/connect";
import {
  orgEmailDomains,
  orgSsoPolicies,
  orgSsoProviders,
  orgs,
  ssoIdentities,
  userSessions,
} from "@/db/schema";
import { audit } from "@/lib/audit/record";
import { type Actor, assertCan } from "@/lib/auth/actor";
import { Conflict, Forbidden, Invalid, NotFound } from "@/lib/errors";
import { FIELD_LIMITS } from "@/lib/field-limits";
import { UnreadableSecret, openSecret, sealSecret } from "@/lib/webhooks/secret-box";
import { type ProviderFetchOptions, providerFetch, providerUrlProblem } from "./provider-fetch";

// An organisation's own identity providers (OpenID Connect), set up by its owners: a display
// name, the issuer, the client id and secret, whether the provider's emails count as verified for
// the organisation's claimed domains (for providers such as Entra ID that send no
// `email_verified`), and enabled or not. What a provider may do is in lib/auth/sso.ts
// (signInWithOrgProvider): only ever inside its organisation.
//
// The client secret is encrypted with the webhooks' secret box, bound to the organisation and
// `sso_provider/<id>` (a ciphertext moved to another row or organisation does not open), and
// never leaves the server: lists say only that it is set, audit rows never hold it.

export const SSO_PROVIDER_TARGET = "sso_provider";
const MAX_PROVIDERS_PER_ORG = 10;
const PROVIDER = "The identity provider";

const sealedFor = (orgId: string, providerId: string) =>
  [orgId, `sso_provider/${providerId}`] as const;

const issuerUrl = z
  .string({ error: "Enter the issuer URL." })
  .trim()
  .min(1, "Enter the issuer URL.")
  .max(FIELD_LIMITS.ssoIssuer, "Keep the issuer URL to 2,000 characters or fewer.")
  .superRefine((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({
        code: "custom",
        message: "Enter the issuer's full URL, like https://login.example.com/realms/acme.",
      });
      return;
    }
    if (url.protocol !== "https:" && url.protocol !== "http:")
      ctx.addIssue({ code: "custom", message: "Use an https:// URL." });
    else if (url.username || url.password)
      ctx.addIssue({ code: "custom", message: "Leave the user name and password out of the URL." });
    else if (url.search || url.hash)
      ctx.addIssue({
        code: "custom",
        message: "An issuer URL has no query or fragment (?… or #…).",
      });
  });

const fields = {
  name: z
    .string({ error: "Enter a name." })
    .trim()
    .min(1, "Enter a name people will recognise, like Acme Okta.")
    .max(FIELD_LIMITS.ssoProviderName, "Keep the name to 100 characters or fewer."),
  issuer: issuerUrl,
  clientId: z
    .string({ error: "Enter the client id." })
    .trim()
    .min(1, "Enter the client id the provider gave you.")
    .max(FIELD_LIMITS.ssoClientId, "Keep the client id to 500 characters or fewer."),
  trustEmailsForOrgDomains: z.boolean(),
  enabled: z.boolean(),
};
const clientSecret = z
  .string({ error: "Enter the client secret." })
  .trim()
  .max(FIELD_LIMITS.ssoClientSecret, "Keep the client secret to 2,000 characters or fewer.");

export const createSsoProviderInput = z.object({
  // The id the form showed the redirect URI with (…/api/auth/callback/sso-<id>), so that the
  // owner can register it with the provider before saving; a new one when absent.
  id: z.uuid("Reload the page and try again.").optional(),
  ...fields,
  clientSecret: clientSecret.min(1, "Enter the client secret the provider gave you."),
});
export type CreateSsoProviderInput = z.input<typeof createSsoProviderInput>;

export const updateSsoProviderInput = z.object({
  providerId: z.uuid("Unknown identity provider."),
  ...fields,
  /** Empty: keep the stored secret. */
  clientSecret: clientSecret.optional(),
});
export type UpdateSsoProviderInput = z.input<typeof updateSsoProviderInput>;

const providerIdInput = z.object({ providerId: z.uuid("Unknown identity provider.") });
const enabledInput = providerIdInput.extend({ enabled: z.boolean() });

export interface SsoProviderOptions extends ProviderFetchOptions {
  /** The environment's provider (AUTH_OIDC_*) is configured: SSO stays possible without these. */
  envProviderConfigured: boolean;
}

export interface SsoProviderRow {
  id: string;
  name: string;
  issuer: string;
  clientId: string;
  trustEmailsForOrgDomains: boolean;
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
  /** Members whose identity at this provider is linked. */
  linkedIdentities: number;
}

function assertOwner(actor: Actor) {
  assertCan(actor, "org:manage");
  if (actor.kind === "user" && actor.role !== "owner")
    throw new Forbidden("Only owners can change how people sign in.");
}

/** The organisation's providers (owners and admins see them; never the secret). */
export async function listSsoProviders(db: Db, actor: Actor): Promise<SsoProviderRow[]> {
  assertCan(actor, "org:manage");
  const rows = await db
    .select({
      id: orgSsoProviders.id,
      name: orgSsoProviders.name,
      issuer: orgSsoProviders.issuer,
      clientId: orgSsoProviders.clientId,
      trustEmailsForOrgDomains: orgSsoProviders.trustEmailsForOrgDomains,
      enabled: orgSsoProviders.enabled,
      createdAt: orgSsoProviders.createdAt,
      updatedAt: orgSsoProviders.updatedAt,
      linkedIdentities: count(ssoIdentities.id),
    })
    .from(orgSsoProviders)
    .leftJoin(ssoIdentities, eq(ssoIdentities.providerId, orgSsoProviders.id))
    .where(eq(orgSsoProviders.orgId, actor.orgId))
    .groupBy(orgSsoProviders.id)
    .orderBy(asc(orgSsoProviders.name));
  return rows;
}

/** For the owner typing the issuer: refused before anything is written (DNS can take seconds). */
async function assertReachableIssuer(issuer: string, options: ProviderFetchOptions) {
  const problem = await providerUrlProblem(issuer, options);
  if (problem) throw new Invalid(problem, { issuer: problem });
}

const auditable = (p: {
  name: string;
  issuer: string;
  clientId: string;
  trustEmailsForOrgDomains: boolean;
  enabled: boolean;
}) => ({
  name: p.name,
  issuer: p.issuer,
  clientId: p.clientId,
  trustEmailsForOrgDomains: p.trustEmailsForOrgDomains,
  enabled: p.enabled,
});

export async function createSsoProvider(
  db: Db,
  actor: Actor,
  raw: CreateSsoProviderInput,
  options: SsoProviderOptions,
) {
  assertOwner(actor);
  const input = createSsoProviderInput.parse(raw);
  await assertReachableIssuer(input.issuer, options);
  const id = input.id ?? randomUUID();
  return db.transaction(async (tx) => {
    // Serialises concurrent additions of one organisation (the limit, the unique name).
    await tx.select({ id: orgs.id }).from(orgs).where(eq(orgs.id, actor.orgId)).for("update");
    const [{ n } = { n: 0 }] = await tx
      .select({ n: count() })
      .from(orgSsoProviders)
      .where(eq(orgSsoProviders.orgId, actor.orgId));
    if (n >= MAX_PROVIDERS_PER_ORG)
      throw new Invalid(`An organisation has at most ${MAX_PROVIDERS_PER_ORG} identity providers.`);
    await assertNameFree(tx, actor.orgId, input.name);
    const values = {
      id,
      orgId: actor.orgId,
      name: input.name,
      issuer: input.issuer,
      clientId: input.clientId,
      clientSecretCiphertext: sealSecret(input.clientSecret, ...sealedFor(actor.orgId, id)),
      trustEmailsForOrgDomains: input.trustEmailsForOrgDomains,
      enabled: input.enabled,
      createdBy: actor.kind === "user" ? actor.userId : null,
    };
    const [row] = await tx
      .insert(orgSsoProviders)
      .values(values)
      .onConflictDoNothing({ target: orgSsoProviders.id })
      .returning({ id: orgSsoProviders.id });
    if (!row) throw new Conflict("Reload the page and add the provider again.");
    await audit(
      tx,
      actor,
      "sso_provider.created",
      { type: SSO_PROVIDER_TARGET, id },
      { after: { ...auditable(input), clientSecret: "set" } },
    );
    return { id };
  });
}

async function assertNameFree(tx: Db, orgId: string, name: string, except?: string) {
  const [taken] = await tx
    .select({ id: orgSsoProviders.id })
    .from(orgSsoProviders)
    .where(
      and(
        eq(orgSsoProviders.orgId, orgId),
        eq(orgSsoProviders.name, name),
        except ? ne(orgSsoProviders.id, except) : undefined,
      ),
    );
  if (taken)
    throw new Invalid(`A provider named ${name} exists already.`, {
      name: "Choose another name.",
    });
}

async function lockProvider(tx: Db, actor: Actor, providerId: string) {
  const [row] = await tx
    .select()
    .from(orgSsoProviders)
    .where(and(eq(orgSsoProviders.orgId, actor.orgId), eq(orgSsoProviders.id, providerId)))
    .for("update");
  if (!row) throw new NotFound(PROVIDER);
  return row;
}

/**
 * An organisation that requires single sign-on keeps a way to it: its last enabled provider can
 * be neither disabled nor deleted unless the environment's provider serves it too.
 */
async function assertSsoStaysPossible(
  tx: Db,
  actor: Actor,
  providerId: string,
  options: SsoProviderOptions,
) {
  if (options.envProviderConfigured) return;
  const [policy] = await tx
    .select({ ssoRequired: orgSsoPolicies.ssoRequired })
    .from(orgSsoPolicies)
    .where(eq(orgSsoPolicies.orgId, actor.orgId));
  if (!policy?.ssoRequired) return;
  const [other] = await tx
    .select({ id: orgSsoProviders.id })
    .from(orgSsoProviders)
    .where(
      and(
        eq(orgSsoProviders.orgId, actor.orgId),
        eq(orgSsoProviders.enabled, true),
        ne(orgSsoProviders.id, providerId),
      ),
    )
    .limit(1);
  if (!other)
    throw new Invalid(
      "The organisation requires single sign-on and this is its only enabled provider: turn off “Require single sign-on” first, or enable another provider.",
    );
}

/** Ends the sessions begun through the provider (it was disabled, deleted or re-pointed). */
async function endProviderSessions(tx: Db, providerId: string, reason: string) {
  const ended = await tx
    .update(userSessions)
    .set({ endedAt: new Date(), endedReason: reason, ssoIdToken: null })
    .where(and(eq(userSessions.ssoProviderId, providerId), isNull(userSessions.endedAt)))
    .returning({ id: userSessions.id });
  return ended.length;
}

export async function updateSsoProvider(
  db: Db,
  actor: Actor,
  raw: UpdateSsoProviderInput,
  options: SsoProviderOptions,
) {
  assertOwner(actor);
  const input = updateSsoProviderInput.parse(raw);
  await assertReachableIssuer(input.issuer, options);
  return db.transaction(async (tx) => {
    const before = await lockProvider(tx, actor, input.providerId);
    await assertNameFree(tx, actor.orgId, input.name, before.id);
    if (before.enabled && !input.enabled)
      await assertSsoStaysPossible(tx, actor, before.id, options);
    const secretReplaced = Boolean(input.clientSecret);
    const issuerChanged = input.issuer !== before.issuer;
    await tx
      .update(orgSsoProviders)
      .set({
        name: input.name,
        issuer: input.issuer,
        clientId: input.clientId,
        trustEmailsForOrgDomains: input.trustEmailsForOrgDomains,
        enabled: input.enabled,
        updatedAt: new Date(),
        ...(secretReplaced
          ? {
              clientSecretCiphertext: sealSecret(
                input.clientSecret!,
                ...sealedFor(actor.orgId, before.id),
              ),
            }
          : {}),
      })
      .where(and(eq(orgSsoProviders.orgId, actor.orgId), eq(orgSsoProviders.id, before.id)));
    // Subjects are unique per issuer only: another issuer's "123" is someone else, so the links
    // made at the old one go (the next sign-ins match by verified email again).
    const unlinked = issuerChanged
      ? (
          await tx
            .delete(ssoIdentities)
            .where(eq(ssoIdentities.providerId, before.id))
            .returning({ id: ssoIdentities.id })
        ).length
      : 0;
    const sessionsEnded =
      issuerChanged || !input.enabled
        ? await endProviderSessions(tx, before.id, "sso_provider_changed")
        : 0;
    await audit(
      tx,
      actor,
      "sso_provider.updated",
      { type: SSO_PROVIDER_TARGET, id: before.id },
      {
        before: auditable(before),
        after: {
          ...auditable(input),
          ...(secretReplaced ? { clientSecret: "replaced" } : {}),
          ...(unlinked ? { identitiesUnlinked: unlinked } : {}),
          ...(sessionsEnded ? { sessionsEnded } : {}),
        },
      },
    );
    return { id: before.id };
  });
}

/** Enables or disables a provider; disabling ends the sessions begun through it. */
export async function setSsoProviderEnabled(
  db: Db,
  actor: Actor,
  raw: { providerId: string; enabled: boolean },
  options: SsoProviderOptions,
) {
  assertOwner(actor);
  const { providerId, enabled } = enabledInput.parse(raw);
  return db.transaction(async (tx) => {
    const before = await lockProvider(tx, actor, providerId);
    if (before.enabled === enabled) return { id: providerId };
    if (!enabled) await assertSsoStaysPossible(tx, actor, providerId, options);
    await tx
      .update(orgSsoProviders)
      .set({ enabled, updatedAt: new Date() })
      .where(and(eq(orgSsoProviders.orgId, actor.orgId), eq(orgSsoProviders.id, providerId)));
    const sessionsEnded = enabled
      ? 0
      : await endProviderSessions(tx, providerId, "sso_provider_disabled");
    await audit(
      tx,
      actor,
      enabled ? "sso_provider.enabled" : "sso_provider.disabled",
      { type: SSO_PROVIDER_TARGET, id: providerId },
      { after: { name: before.name, ...(sessionsEnded ? { sessionsEnded } : {}) } },
    );
    return { id: providerId };
  });
}

/** Deletes a provider, the identities linked through it, and ends the sessions it began. */
export async function deleteSsoProvider(
  db: Db,
  actor: Actor,
  raw: { providerId: string },
  options: SsoProviderOptions,
) {
  assertOwner(actor);
  const { providerId } = providerIdInput.parse(raw);
  return db.transaction(async (tx) => {
    const before = await lockProvider(tx, actor, providerId);
    if (before.enabled) await assertSsoStaysPossible(tx, actor, providerId, options);
    const sessionsEnded = await endProviderSessions(tx, providerId, "sso_provider_deleted");
    const unlinked = await tx
      .delete(ssoIdentities)
      .where(eq(ssoIdentities.providerId, providerId))
      .returning({ id: ssoIdentities.id });
    await tx
      .delete(orgSsoProviders)
      .where(and(eq(orgSsoProviders.orgId, actor.orgId), eq(orgSsoProviders.id, providerId)));
    await audit(
      tx,
      actor,
      "sso_provider.deleted",
      { type: SSO_PROVIDER_TARGET, id: providerId },
      {
        before: auditable(before),
        after: { identitiesUnlinked: unlinked.length, sessionsEnded },
      },
    );
    return { id: providerId };
  });
}

/** An organisation's provider as sign-in uses it: the secret opened, requests checked. */
export interface OrgProviderClient {
  id: string;
  orgId: string;
  orgName: string;
  name: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  trustEmailsForOrgDomains: boolean;
  fetch: typeof fetch;
}

/**
 * The provider for single sign-on (no actor: the sign-in machinery, before anyone is signed in).
 * Only an enabled one, unless `includeDisabled` (an owner's Test sign-in tries it before
 * enabling it). Null when unknown, or when its secret cannot be opened (AUTH_SECRET changed).
 */
export async function orgProviderClient(
  db: Db,
  providerId: string,
  options: ProviderFetchOptions & { includeDisabled?: boolean } = {},
): Promise<OrgProviderClient | null> {
  if (!z.uuid().safeParse(providerId).success) return null;
  const [row] = await db
    .select({ provider: orgSsoProviders, orgName: orgs.name })
    .from(orgSsoProviders)
    .innerJoin(orgs, eq(orgs.id, orgSsoProviders.orgId))
    .where(
      and(
        eq(orgSsoProviders.id, providerId),
        options.includeDisabled ? undefined : eq(orgSsoProviders.enabled, true),
      ),
    );
  if (!row) return null;
  const { provider } = row;
  let secret: string;
  try {
    secret = openSecret(provider.clientSecretCiphertext, ...sealedFor(provider.orgId, provider.id));
  } catch (error) {
    if (error instanceof UnreadableSecret) return null;
    throw error;
  }
  return {
    id: provider.id,
    orgId: provider.orgId,
    orgName: row.orgName,
    name: provider.name,
    issuer: provider.issuer,
    clientId: provider.clientId,
    clientSecret: secret,
    trustEmailsForOrgDomains: provider.trustEmailsForOrgDomains,
    fetch: providerFetch(options) as typeof fetch,
  };
}

export interface ProviderChoice {
  providerId: string;
  name: string;
  orgName: string;
}

const emailInput = z.string().trim().toLowerCase().max(FIELD_LIMITS.memberEmail).pipe(z.email());

/**
 * Email-first sign-in: the enabled providers of the organisation that claims the email's
 * domain. Public by nature (it routes a person who is not signed in yet), as in every
 * email-first sign-in: it tells which domains sign in with single sign-on here, nothing else.
 */
export async function providersForEmail(db: Db, email: string): Promise<ProviderChoice[] | null> {
  const parsed = emailInput.safeParse(email);
  if (!parsed.success) return null;
  const domain = parsed.data.slice(parsed.data.lastIndexOf("@") + 1);
  return db
    .select({ providerId: orgSsoProviders.id, name: orgSsoProviders.name, orgName: orgs.name })
    .from(orgEmailDomains)
    .innerJoin(orgSsoProviders, eq(orgSsoProviders.orgId, orgEmailDomains.orgId))
    .innerJoin(orgs, eq(orgs.id, orgEmailDomains.orgId))
    .where(and(eq(orgEmailDomains.domain, domain), eq(orgSsoProviders.enabled, true)))
    .orderBy(asc(orgSsoProviders.name));
}

/** Whether any organisation of this server signs in with a provider of its own. */
export async function anyOrgProviderEnabled(db: Db): Promise<boolean> {
  const [row] = await db
    .select({ id: orgSsoProviders.id })
    .from(orgSsoProviders)
    .where(eq(orgSsoProviders.enabled, true))
    .limit(1);
  return Boolean(row);
}

/** Whether the organisation has an enabled provider of its own (it can require SSO then). */
export async function orgHasEnabledProvider(db: Db, orgId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: orgSsoProviders.id })
    .from(orgSsoProviders)
    .where(and(eq(orgSsoProviders.orgId, orgId), eq(orgSsoProviders.enabled, true)))
    .limit(1);
  return Boolean(row);
}
