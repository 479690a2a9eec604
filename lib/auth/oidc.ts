import * as oauth from "oauth4webapi";

// What Gatehouse asks of an OpenID provider beyond what Auth.js does: the userinfo endpoint when
// the ID token carries no email (many providers put only `sub` in it), and the end-session
// endpoint for signing out there too. oauth4webapi is what Auth.js itself speaks OpenID with.

export interface OidcClient {
  issuer: string;
  clientId: string;
  /**
   * An organisation's own provider: every request goes through this (lib/auth/provider-fetch.ts),
   * and its discovery document is fetched each time rather than kept.
   */
  fetch?: typeof fetch;
}

const metadata = new Map<string, Promise<oauth.AuthorizationServer>>();

/** oauth4webapi's options for the client's requests. */
export const requestOptions = (client: OidcClient) => ({
  [oauth.allowInsecureRequests]: client.issuer.startsWith("http:"),
  ...(client.fetch ? { [oauth.customFetch]: client.fetch } : {}),
});

/**
 * The provider's discovery document: the environment's provider's fetched once per process
 * (again after a failure), an organisation's provider's every time.
 */
export function discover(client: OidcClient): Promise<oauth.AuthorizationServer> {
  const url = new URL(client.issuer);
  const fetchIt = () =>
    oauth
      .discoveryRequest(url, requestOptions(client))
      .then((response) => oauth.processDiscoveryResponse(url, response));
  if (client.fetch) return fetchIt();
  let found = metadata.get(client.issuer);
  if (!found) {
    found = fetchIt();
    found.catch(() => metadata.delete(client.issuer));
    metadata.set(client.issuer, found);
  }
  return found;
}

const hasEmail = (claims: Record<string, unknown>) => typeof claims.email === "string";
const saysVerified = (claims: Record<string, unknown>) =>
  claims.email_verified !== undefined && claims.email_verified !== null;

/**
 * The identity's claims: the ID token's, with the email and its verification read from the
 * userinfo endpoint when the ID token lacks them. The userinfo answer must be for the same
 * subject (checked), and the email and `email_verified` are taken as a pair from one source,
 * never an address from one and the verification of another.
 */
export async function identityClaims(
  client: OidcClient,
  idToken: Record<string, unknown>,
  accessToken: string | undefined,
): Promise<Record<string, unknown>> {
  if ((hasEmail(idToken) && saysVerified(idToken)) || !accessToken) return idToken;
  const as = await discover(client);
  if (!as.userinfo_endpoint || typeof idToken.sub !== "string") return idToken;
  const response = await oauth.userInfoRequest(
    as,
    { client_id: client.clientId },
    accessToken,
    requestOptions(client),
  );
  const userinfo = await oauth.processUserInfoResponse(
    as,
    { client_id: client.clientId },
    idToken.sub,
    response,
  );
  // No address there: the ID token's stays with the ID token's own verification, if any.
  if (!hasEmail(userinfo))
    return { ...userinfo, ...idToken, email_verified: idToken.email_verified };
  const sameAddress = userinfo.email === idToken.email;
  return {
    ...userinfo,
    ...idToken,
    email: userinfo.email,
    email_verified: saysVerified(userinfo)
      ? userinfo.email_verified
      : sameAddress
        ? idToken.email_verified
        : undefined,
  };
}

/** Where to send the browser to end the provider's session too; null when it offers no way. */
export async function endSessionUrl(
  client: OidcClient,
  options: { idToken: string | null; postLogoutRedirectUri: string },
): Promise<string | null> {
  const as = await discover(client).catch(() => null);
  if (!as?.end_session_endpoint) return null;
  const url = new URL(as.end_session_endpoint);
  url.searchParams.set("client_id", client.clientId);
  url.searchParams.set("post_logout_redirect_uri", options.postLogoutRedirectUri);
  if (options.idToken) url.searchParams.set("id_token_hint", options.idToken);
  return url.toString();
}
