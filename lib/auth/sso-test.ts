import * as oauth from "oauth4webapi";
import { z } from "zod";
import type { Db } from "@/db/connect";
import { type Actor, assertCan } from "@/lib/auth/actor";
import { Forbidden, Invalid, NotFound } from "@/lib/errors";
import { discover, identityClaims, requestOptions } from "./oidc";
import type { ProviderFetchOptions } from "./provider-fetch";
import {
  type OrgSsoDecision,
  decideOrgProviderSignIn,
  providerIdentity,
  ssoRefusalMessage,
} from "./sso";
import { type OrgProviderClient, orgProviderClient } from "./sso-providers";

// "Test sign-in": an owner runs an authorization-code round trip (with PKCE, state and nonce)
// against a saved provider, disabled ones included, and sees what came back and what a real
// sign-in would do with it. It changes nothing: no session, no link, no member, no audit row.
// The round trip uses the provider's own redirect URI (the one registered for sign-in), and the
// caller keeps the pending state (a cookie, app/_server/sso-test.ts) until the provider returns.

export interface PendingSsoTest {
  providerId: string;
  orgId: string;
  userId: string;
  state: string;
  nonce: string;
  codeVerifier: string;
  redirectUri: string;
}

export const pendingSsoTest = z.object({
  providerId: z.uuid(),
  orgId: z.uuid(),
  userId: z.uuid(),
  state: z.string().min(1).max(200),
  nonce: z.string().min(1).max(200),
  codeVerifier: z.string().min(1).max(200),
  redirectUri: z.string().min(1).max(2000),
});

export interface SsoTestResult {
  providerId: string;
  providerName: string;
  /** Set when the round trip failed: what went wrong, for the owner. */
  error?: string;
  issuer?: string;
  subject?: string;
  email?: string | null;
  /** The provider's `email_verified`: null when it sent none. */
  emailVerified?: boolean | null;
  name?: string | null;
  /** What a real sign-in with this identity would do, in words. */
  outcome?: string;
  /** Whether that sign-in would get in. */
  wouldSignIn?: boolean;
}

function assertOwner(actor: Actor) {
  assertCan(actor, "org:manage");
  if (actor.kind !== "user" || actor.role !== "owner")
    throw new Forbidden("Only owners can test an identity provider.");
  return actor;
}

const providerIdInput = z.object({ providerId: z.uuid("Unknown identity provider.") });

async function ownProvider(
  db: Db,
  orgId: string,
  providerId: string,
  options: ProviderFetchOptions,
): Promise<OrgProviderClient> {
  const client = await orgProviderClient(db, providerId, { ...options, includeDisabled: true });
  if (!client || client.orgId !== orgId) throw new NotFound("The identity provider");
  return client;
}

/** Where to send the owner's browser, and what to keep until the provider sends it back. */
export async function startSsoTest(
  db: Db,
  actor: Actor,
  raw: { providerId: string },
  options: ProviderFetchOptions & { redirectUri: (providerId: string) => string },
): Promise<{ url: string; pending: PendingSsoTest }> {
  const owner = assertOwner(actor);
  const { providerId } = providerIdInput.parse(raw);
  const client = await ownProvider(db, owner.orgId, providerId, options);
  let as: oauth.AuthorizationServer;
  try {
    as = await discover(client);
  } catch (error) {
    throw new Invalid(`The provider's discovery document could not be read: ${describe(error)}`);
  }
  if (!as.authorization_endpoint)
    throw new Invalid("The provider's discovery document names no authorization endpoint.");
  const pending: PendingSsoTest = {
    providerId,
    orgId: owner.orgId,
    userId: owner.userId,
    state: oauth.generateRandomState(),
    nonce: oauth.generateRandomNonce(),
    codeVerifier: oauth.generateRandomCodeVerifier(),
    redirectUri: options.redirectUri(providerId),
  };
  const url = new URL(as.authorization_endpoint);
  url.searchParams.set("client_id", client.clientId);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("scope", "openid email profile");
  url.searchParams.set("redirect_uri", pending.redirectUri);
  url.searchParams.set("state", pending.state);
  url.searchParams.set("nonce", pending.nonce);
  url.searchParams.set(
    "code_challenge",
    await oauth.calculatePKCECodeChallenge(pending.codeVerifier),
  );
  url.searchParams.set("code_challenge_method", "S256");
  // The owner may want to try someone else's account than the one signed in at the provider.
  url.searchParams.set("prompt", "login");
  return { url: url.toString(), pending };
}

/**
 * The provider sent the browser back (`callback`, its URL with code and state): exchanges the
 * code, reads the claims as a sign-in would, and says what that sign-in would do. Failures are
 * part of the answer: the owner is testing.
 */
export async function finishSsoTest(
  db: Db,
  actor: Actor,
  pending: PendingSsoTest,
  callback: URL,
  options: ProviderFetchOptions = {},
): Promise<SsoTestResult> {
  const owner = assertOwner(actor);
  if (owner.userId !== pending.userId || owner.orgId !== pending.orgId)
    throw new Forbidden("This test was started by someone else, or in another organisation.");
  const client = await ownProvider(db, owner.orgId, pending.providerId, options);
  const base = { providerId: client.id, providerName: client.name };
  let claims: Record<string, unknown>;
  try {
    const as = await discover(client);
    const oauthClient = { client_id: client.clientId };
    const params = oauth.validateAuthResponse(as, oauthClient, callback, pending.state);
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      oauthClient,
      oauth.ClientSecretBasic(client.clientSecret),
      params,
      pending.redirectUri,
      pending.codeVerifier,
      requestOptions(client),
    );
    const tokens = await oauth.processAuthorizationCodeResponse(as, oauthClient, response, {
      expectedNonce: pending.nonce,
      requireIdToken: true,
    });
    claims = await identityClaims(
      client,
      { ...oauth.getValidatedIdTokenClaims(tokens)! },
      tokens.access_token,
    );
  } catch (error) {
    return { ...base, error: describe(error) };
  }
  const identity = providerIdentity(
    typeof claims.iss === "string" ? claims.iss : client.issuer,
    claims,
  );
  const decision = await decideOrgProviderSignIn(db, client, identity);
  return {
    ...base,
    issuer: identity.issuer,
    subject: identity.subject,
    email: identity.email,
    emailVerified: identity.emailVerified ?? null,
    name: identity.name,
    outcome: outcomeText(decision),
    wouldSignIn: decision.kind !== "refused",
  };
}

function outcomeText(decision: OrgSsoDecision): string {
  switch (decision.kind) {
    case "signed_in":
      return `Signs in as ${decision.member.name} (${decision.member.email}), already linked to this identity.`;
    case "linked":
      return `Signs in as ${decision.member.name} (${decision.member.email}), and links this identity to them.`;
    case "provisioned":
      return `Creates the member ${decision.email} (just-in-time provisioning) and signs them in.`;
    case "refused":
      return `Refused: ${ssoRefusalMessage(decision.reason)}${
        decision.member ? ` (the member ${decision.member.email})` : ""
      }`;
  }
}

/** A failure in words an owner can act on (the provider's own error where it sent one). */
function describe(error: unknown): string {
  if (error instanceof oauth.AuthorizationResponseError)
    return `The provider answered ${error.error}${error.error_description ? `: ${error.error_description}` : ""}.`;
  if (error instanceof oauth.ResponseBodyError)
    return `The provider's token endpoint answered ${error.error}${error.error_description ? `: ${error.error_description}` : ""}.`;
  const message = error instanceof Error ? error.message : String(error);
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : "";
  return (cause && !message.includes(cause) ? `${message} (${cause})` : message).slice(0, 500);
}
