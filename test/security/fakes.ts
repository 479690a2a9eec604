import { redirect } from "next/navigation";
import { clientIp } from "@/app/_server/client-ip";
import type { Db } from "@/db/connect";
import { startSession } from "@/lib/auth/sessions";
import { passwordSignInInput, signInWithPassword } from "@/lib/auth/sign-in";
import { env } from "@/lib/env";

// Stand-ins for what only exists inside a Next.js request: the request's cookies and headers,
// Auth.js's session lookup, and the process-wide database. Test files install them with vi.mock
// (see mocks in each *.test.ts); the session *check* stays real: getConsoleContext (app/_server/
// session.ts) runs as in production against the session rows in the test database, so an ended
// session is anonymous and the org preference cookie cannot name an organisation the user is
// not in.

export const state = {
  db: undefined as Db | undefined,
  /** What Auth.js would decode from the session cookie: the user and their session row. */
  session: null as { userId: string; sessionId: string } | null,
  cookies: new Map<string, string>(),
  headers: new Headers(),
};

export function resetRequest() {
  state.session = null;
  state.cookies.clear();
  state.headers = new Headers({ "x-forwarded-for": "203.0.113.7" });
}

export const dbClient = {
  getDb: async () => {
    if (!state.db) throw new Error("test database not set");
    return state.db;
  },
};

const cookieStore = {
  get: (name: string) => {
    const value = state.cookies.get(name);
    return value === undefined ? undefined : { name, value };
  },
  getAll: () => [...state.cookies].map(([name, value]) => ({ name, value })),
  has: (name: string) => state.cookies.has(name),
  set: (name: string | { name: string; value: string }, value?: string) => {
    if (typeof name === "string") state.cookies.set(name, value ?? "");
    else state.cookies.set(name.name, name.value);
  },
  delete: (name: string) => state.cookies.delete(name),
};

export const nextHeaders = {
  headers: async () => state.headers,
  cookies: async () => cookieStore,
};

// next-auth's error classes, as app/login/actions.ts tells them apart.
class AuthError extends Error {
  type = "AuthError";
}
class CredentialsSignin extends AuthError {
  code = "credentials";
  constructor(code?: string) {
    super("CredentialsSignin");
    if (code) this.code = code;
  }
}

export const nextAuth = { AuthError, CredentialsSignin };

/**
 * app/_server/auth.ts as the server actions see it. `auth()` answers from `state.session`;
 * `signIn("credentials")` does what that file's Credentials provider does (the same parse, the
 * same throttled password check, a new session row) and ends, like Auth.js, with a redirect or a
 * CredentialsSignin; `signIn("oidc")` redirects to the provider's sign-in route; `signOut`
 * forgets the session and redirects.
 */
export const authModule = {
  // Single sign-on is not configured in these tests (e2e/sso.spec.ts signs in through a real one).
  oidcClient: () => null,
  orgProviderAuthId: (providerId: string) => `sso-${providerId}`,
  // Email-first sign-in ends, like signIn(), with the redirect to Auth.js's route.
  signInWithOrgProviderRedirect: async (provider: { id: string }) => {
    redirect(`/api/auth/signin/sso-${provider.id}`);
  },
  publicOrigin: (headers: Headers) => `http://${headers.get("host") ?? "localhost"}`,
  auth: async () =>
    state.session
      ? {
          user: { id: state.session.userId },
          sessionId: state.session.sessionId,
          expires: new Date(Date.now() + 3_600_000).toISOString(),
        }
      : null,
  signIn: async (provider: string, options: Record<string, unknown> = {}) => {
    if (provider !== "credentials") redirect(`/api/auth/signin/${provider}`);
    const parsed = passwordSignInInput.safeParse(options);
    if (!parsed.success) throw new CredentialsSignin("invalid");
    const e = env();
    const db = await dbClient.getDb();
    const result = await signInWithPassword(
      db,
      { ...parsed.data, ip: clientIp(state.headers) },
      {
        maxFailuresPerAccount: e.LOGIN_MAX_FAILURES_PER_ACCOUNT,
        maxFailuresPerIp: e.LOGIN_MAX_FAILURES_PER_IP,
        windowMinutes: e.LOGIN_THROTTLE_WINDOW_MINUTES,
      },
    );
    if (!result.ok)
      throw new CredentialsSignin(
        result.reason === "throttled"
          ? `throttled:${result.retryAfterSeconds}`
          : result.reason === "sso_required"
            ? `sso_required:${result.orgs.join(", ")}`
            : "invalid",
      );
    state.session = { userId: result.userId, sessionId: await startSession(db, result.userId) };
    redirect(typeof options.redirectTo === "string" ? options.redirectTo : "/");
  },
  signOut: async (options: { redirectTo?: string } = {}) => {
    state.session = null;
    redirect(options.redirectTo ?? "/");
  },
  handlers: {
    GET: () => {
      throw new Error("Auth.js's handlers are tested in nextauth-route.test.ts");
    },
    POST: () => {
      throw new Error("Auth.js's handlers are tested in nextauth-route.test.ts");
    },
  },
};

/** The URL of a Next.js redirect thrown by `redirect()`, or null for any other value. */
export function redirectTarget(error: unknown): string | null {
  const digest = (error as { digest?: unknown } | null)?.digest;
  if (typeof digest !== "string" || !digest.startsWith("NEXT_REDIRECT;")) return null;
  return digest.split(";")[2] ?? null;
}
