import type { AddressInfo } from "node:net";
import Provider from "oidc-provider";

// A real OpenID Connect provider (panva's oidc-provider, certified by the OpenID Foundation) on
// loopback, for the single sign-on journeys. People sign in at its development login form with
// their account id as the login and any password; the test decides what each account's claims
// are, and whether the email is in the ID token or only at the userinfo endpoint.

export interface ProviderAccount {
  email?: string;
  /** Omitted: the provider sends no email_verified claim at all (as Entra ID does). */
  emailVerified?: boolean;
  name?: string;
  /** Email and name only from the userinfo endpoint, none in the ID token. */
  userinfoOnly?: boolean;
}

export interface TestOidcProvider {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Sets (or replaces) what the provider says of the account with this login. */
  account(login: string, claims: ProviderAccount): void;
  close(): Promise<void>;
}

export async function startOidcProvider(options: {
  redirectUris: string[];
  postLogoutRedirectUris: string[];
}): Promise<TestOidcProvider> {
  const accounts = new Map<string, ProviderAccount>();
  const clientId = "gatehouse";
  const clientSecret = "gatehouse-test-client-secret-0123456789";

  const server = (await import("node:http")).createServer((req, res) => {
    // Requests come only once `provider` below exists: its issuer needs this server's port.
    void provider.callback()(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: options.redirectUris,
        post_logout_redirect_uris: options.postLogoutRedirectUris,
        response_types: ["code"],
        grant_types: ["authorization_code"],
      },
    ],
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    // The ID token carries the scopes' claims (the default keeps them for userinfo only), so
    // that the test chooses per account where they are.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
    cookies: { keys: ["gatehouse-e2e-provider-cookie-key"] },
    // A first-party client: no consent screen.
    async loadExistingGrant(ctx) {
      const grantId =
        ctx.oidc.result?.consent?.grantId ||
        ctx.oidc.session!.grantIdFor(ctx.oidc.client!.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client!.clientId,
        accountId: ctx.oidc.session!.accountId!,
      });
      grant.addOIDCScope("openid email profile");
      await grant.save();
      return grant;
    },
    async findAccount(_ctx, id) {
      return {
        accountId: id,
        async claims(use) {
          const account = accounts.get(id) ?? {};
          const shared = !account.userinfoOnly || use === "userinfo";
          return {
            sub: id,
            ...(shared && account.email !== undefined ? { email: account.email } : {}),
            ...(shared && account.emailVerified !== undefined
              ? { email_verified: account.emailVerified }
              : {}),
            ...(shared && account.name ? { name: account.name } : {}),
          };
        },
      };
    },
  });
  // Its development views announce themselves on the console once per start; not useful here.
  provider.on("server_error", (_ctx, error) => console.error("[oidc-provider]", error));

  return {
    issuer,
    clientId,
    clientSecret,
    account: (login, claims) => void accounts.set(login, claims),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
