import { createActionURL, customFetch } from "@auth/core";
import NextAuth, { CredentialsSignin, type NextAuthConfig } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { headers } from "next/headers";
import { getDb } from "@/db/client";
import { identityClaims } from "@/lib/auth/oidc";
import { startSession } from "@/lib/auth/sessions";
import { passwordSignInInput, signInWithPassword } from "@/lib/auth/sign-in";
import { providerIdentity, signInWithOrgProvider, signInWithSso } from "@/lib/auth/sso";
import type { OrgProviderClient } from "@/lib/auth/sso-providers";
import { env, oidcEnabled, oidcVerifiedEmailDomains } from "@/lib/env";
import { clientIp } from "./client-ip";

// Auth.js carries only the user id in its (JWT) session cookie. The organisation and the role
// are resolved on the server for every request (app/_server/session.ts), so that a changed role
// or a suspension takes effect at once.

class InvalidCredentials extends CredentialsSignin {
  override code = "invalid";
}

class SsoRequired extends CredentialsSignin {
  constructor(orgs: string[]) {
    super();
    this.code = `sso_required:${orgs.join(", ")}`;
  }
}

class Throttled extends CredentialsSignin {
  constructor(retryAfterSeconds: number) {
    super();
    this.code = `throttled:${retryAfterSeconds}`;
  }
}

/** Auth.js's id of an organisation's provider: its callback is /api/auth/callback/sso-<id>. */
export const orgProviderAuthId = (providerId: string) => `sso-${providerId}`;

/** The provider id named by an Auth.js path (/api/auth/signin/sso-<id>, …/callback/…), if any. */
export function orgProviderIdOfPath(pathname: string): string | null {
  const match = /\/(?:signin|callback)\/sso-([0-9a-f-]{36})$/i.exec(pathname);
  return match ? match[1]!.toLowerCase() : null;
}

function providers(orgProvider?: OrgProviderClient): NextAuthConfig["providers"] {
  const list: NextAuthConfig["providers"] = [
    Credentials({
      credentials: { email: {}, password: {} },
      async authorize(credentials) {
        const parsed = passwordSignInInput.safeParse(credentials);
        if (!parsed.success) throw new InvalidCredentials();
        const e = env();
        const result = await signInWithPassword(
          await getDb(),
          { ...parsed.data, ip: clientIp(await headers()) },
          {
            maxFailuresPerAccount: e.LOGIN_MAX_FAILURES_PER_ACCOUNT,
            maxFailuresPerIp: e.LOGIN_MAX_FAILURES_PER_IP,
            windowMinutes: e.LOGIN_THROTTLE_WINDOW_MINUTES,
          },
        );
        if (result.ok) return { id: result.userId };
        if (result.reason === "throttled") throw new Throttled(result.retryAfterSeconds);
        if (result.reason === "sso_required") throw new SsoRequired(result.orgs);
        throw new InvalidCredentials();
      },
    }),
  ];
  if (oidcEnabled()) {
    const e = env();
    list.push({
      id: "oidc",
      name: e.AUTH_OIDC_NAME,
      type: "oidc",
      issuer: e.AUTH_OIDC_ISSUER,
      clientId: e.AUTH_OIDC_CLIENT_ID,
      clientSecret: e.AUTH_OIDC_CLIENT_SECRET,
    });
  }
  // An organisation's own provider, only for the request that names it (its sign-in, its
  // callback): its requests go through the SSRF checks (lib/auth/provider-fetch.ts).
  if (orgProvider)
    list.push({
      id: orgProviderAuthId(orgProvider.id),
      name: orgProvider.name,
      type: "oidc",
      issuer: orgProvider.issuer,
      clientId: orgProvider.clientId,
      clientSecret: orgProvider.clientSecret,
      [customFetch]: orgProvider.fetch,
    });
  return list;
}

/**
 * The console's address as the browser knows it: AUTH_URL's origin when set, else the host the
 * request came to. Computed as Auth.js computes it for its own routes (createActionURL).
 */
export function publicOrigin(requestHeaders: Headers): string {
  // Proxies in a chain send "https,http": the first is the browser's.
  const headers = new Headers(requestHeaders);
  const proto = headers.get("x-forwarded-proto")?.split(",")[0]?.trim();
  if (proto) headers.set("x-forwarded-proto", proto);
  else headers.delete("x-forwarded-proto");
  return createActionURL("session", proto ?? "http", headers, process.env, authConfig()).origin;
}

/** The single sign-on provider configured by the environment, when it is. */
export function oidcClient() {
  const e = env();
  return oidcEnabled() ? { issuer: e.AUTH_OIDC_ISSUER!, clientId: e.AUTH_OIDC_CLIENT_ID! } : null;
}

/**
 * Auth.js's configuration, for NextAuth below and for the route handler (its own URL); with
 * `orgProvider`, for a sign-in through that organisation's provider.
 */
export const authConfig = (orgProvider?: OrgProviderClient): NextAuthConfig => ({
  trustHost: true,
  basePath: "/api/auth",
  secret: env().AUTH_SECRET,
  // A wrong password is an expected outcome, not a server error worth a stack trace in the log.
  logger: {
    error(error) {
      if ((error as { type?: string }).type !== "CredentialsSignin") console.error(error);
    },
  },
  // The cookie lives as long as a session may; the session row decides whether it still does.
  session: { strategy: "jwt", maxAge: env().SESSION_MAX_HOURS * 60 * 60 },
  pages: { signIn: "/login", error: "/login" },
  providers: providers(orgProvider),
  callbacks: {
    // Single sign-on: lib/auth/sso.ts decides who the identity is (linked identity, else a
    // verified email). Its answer replaces the provider's subject as the user's id: Auth.js hands
    // this same `user` object to the jwt callback below, whose token.sub is our user id.
    async signIn({ user, account, profile }) {
      if (account?.provider === "credentials") return true;
      if (orgProvider && account?.provider === orgProviderAuthId(orgProvider.id)) {
        const claims = await identityClaims(
          orgProvider,
          (profile ?? {}) as Record<string, unknown>,
          account.access_token,
        );
        const issuer = typeof claims.iss === "string" ? claims.iss : orgProvider.issuer;
        const result = await signInWithOrgProvider(
          await getDb(),
          orgProvider,
          providerIdentity(issuer, claims),
        );
        if (!result.ok) return `/login?error=sso_${result.reason}`;
        user.id = result.userId;
        return true;
      }
      if (account?.provider !== "oidc") return false;
      const client = oidcClient()!;
      const claims = await identityClaims(
        client,
        (profile ?? {}) as Record<string, unknown>,
        account.access_token,
      );
      const issuer = typeof claims.iss === "string" ? claims.iss : client.issuer;
      const result = await signInWithSso(await getDb(), providerIdentity(issuer, claims), {
        verifiedEmailDomains: oidcVerifiedEmailDomains(),
      });
      if (!result.ok) return `/login?error=sso_${result.reason}`;
      user.id = result.userId;
      return true;
    },
    // At sign-in (and only then: `account` is set), a new session row and so a new token.
    async jwt({ token, user, account, profile }) {
      if (!account) return token;
      // Only our user id: the provider's name and email are its claims, not our account's.
      delete token.name;
      delete token.email;
      delete token.picture;
      token.sub = user?.id;
      const viaOrg = orgProvider && account.provider === orgProviderAuthId(orgProvider.id);
      const sso =
        account.provider === "oidc" || viaOrg
          ? {
              issuer:
                typeof profile?.iss === "string"
                  ? profile.iss
                  : (orgProvider?.issuer ?? oidcClient()!.issuer),
              idToken: account.id_token ?? null,
              ...(viaOrg ? { org: { providerId: orgProvider.id, orgId: orgProvider.orgId } } : {}),
            }
          : undefined;
      token.sid = token.sub
        ? await startSession(await getDb(), token.sub, new Date(), sso)
        : undefined;
      return token;
    },
    session({ session, token }) {
      if (token.sub) session.user.id = token.sub;
      session.sessionId = token.sid;
      return session;
    },
  },
});

export const { handlers, auth, signIn, signOut } = NextAuth(() => authConfig());

/**
 * Starts single sign-on through an organisation's provider (email-first sign-in): redirects the
 * browser to it, with the email as `login_hint`. Throws like signIn().
 */
export async function signInWithOrgProviderRedirect(
  orgProvider: OrgProviderClient,
  email: string,
  redirectTo: string,
): Promise<void> {
  const { signIn: signInThere } = NextAuth(authConfig(orgProvider));
  await signInThere(orgProviderAuthId(orgProvider.id), { redirectTo }, { login_hint: email });
}
