import NextAuth, { CredentialsSignin, type NextAuthConfig } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { headers } from "next/headers";
import { getDb } from "@/db/client";
import { startSession } from "@/lib/auth/sessions";
import { passwordSignInInput, signInWithPassword } from "@/lib/auth/sign-in";
import { findUserIdByEmail } from "@/lib/auth/users";
import { env, oidcEnabled } from "@/lib/env";
import { clientIp } from "./client-ip";

// Auth.js carries only the user id in its (JWT) session cookie. The organisation and the role
// are resolved on the server for every request (app/_server/session.ts), so that a changed role
// or a suspension takes effect at once.

class InvalidCredentials extends CredentialsSignin {
  override code = "invalid";
}

class Throttled extends CredentialsSignin {
  constructor(retryAfterSeconds: number) {
    super();
    this.code = `throttled:${retryAfterSeconds}`;
  }
}

function providers(): NextAuthConfig["providers"] {
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
  return list;
}

export const { handlers, auth, signIn, signOut } = NextAuth(() => ({
  trustHost: true,
  // A wrong password is an expected outcome, not a server error worth a stack trace in the log.
  logger: {
    error(error) {
      if ((error as { type?: string }).type !== "CredentialsSignin") console.error(error);
    },
  },
  // The cookie lives as long as a session may; the session row decides whether it still does.
  session: { strategy: "jwt", maxAge: env().SESSION_MAX_HOURS * 60 * 60 },
  pages: { signIn: "/login", error: "/login" },
  providers: providers(),
  callbacks: {
    // Single sign-on admits only people who already have a Gatehouse account (an admin adds
    // them first); their identity is our user id, never the provider's subject.
    async signIn({ account, profile }) {
      if (account?.provider !== "oidc") return true;
      const email = typeof profile?.email === "string" ? profile.email : null;
      if (!email || profile?.email_verified === false) return "/login?error=sso_no_email";
      return (await findUserIdByEmail(await getDb(), email)) ? true : "/login?error=sso_unknown";
    },
    // At sign-in (and only then: `account` is set), a new session row and so a new token.
    async jwt({ token, user, account, profile }) {
      if (!account) return token;
      const db = await getDb();
      if (account.provider === "oidc" && typeof profile?.email === "string") {
        token.sub = (await findUserIdByEmail(db, profile.email)) ?? undefined;
      } else if (user?.id) {
        token.sub = user.id;
      }
      token.sid = token.sub ? await startSession(db, token.sub) : undefined;
      return token;
    },
    session({ session, token }) {
      if (token.sub) session.user.id = token.sub;
      session.sessionId = token.sid;
      return session;
    },
  },
}));
