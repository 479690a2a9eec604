import { randomUUID } from "node:crypto";
import { register } from "node:module";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { eq } from "drizzle-orm";
import type { Db } from "@/db/connect";
import { orgSsoProviders, ssoIdentities } from "@/db/schema";
import { type Role, authorizationMatrix, roles } from "@/security/authorization-matrix";
import { testDatabase } from "@/test/db";
import { scimToken } from "./callers";
import { resetRequest, state } from "./fakes";
import { type OrgWorld, PASSWORD, type Person, buildOrg, fingerprint } from "./world";

// GET and POST /api/auth/[...nextauth]: Auth.js itself, as configured in app/_server/auth.ts,
// called as every caller of the matrix. Only the database and the request headers that the
// Credentials provider reads are stand-ins.

vi.mock("@/db/client", async () => (await import("./fakes")).dbClient);
vi.mock("next/headers", async () => (await import("./fakes")).nextHeaders);

// next-auth imports "next/server" without an extension, which only Next's bundler resolves; Node
// (Vitest loads node_modules natively) needs "next/server.js". This resolve hook adds it, for
// this worker process only.
register(
  "data:text/javascript," +
    encodeURIComponent(
      "export async function resolve(s, c, next) { return next(/^next\\/(server|headers|navigation)$/.test(s) ? `${s}.js` : s, c); }",
    ),
);

type Handler = (request: Request) => Promise<Response>;
let GET: Handler;
let POST: Handler;
let db: Db;
let a: OrgWorld;
let b: OrgWorld;

beforeAll(async () => {
  vi.stubEnv("AUTH_SECRET", "security-suite-auth-secret-0123456789abcdef");
  ({ db } = await testDatabase());
  state.db = db;
  [a, b] = [await buildOrg(db, "a"), await buildOrg(db, "b")];
  const { NextRequest } = await import("next/server");
  const route = await import("@/app/api/auth/[...nextauth]/route");
  GET = (request) => route.GET(new NextRequest(request));
  POST = (request) => route.POST(new NextRequest(request));
});
afterAll(() => vi.unstubAllEnvs());

const BASE = "http://gatehouse.test";

/** Cookies of a response, as a Cookie header. */
const cookiesOf = (response: Response) =>
  response.headers
    .getSetCookie()
    .map((c) => c.split(";")[0]!)
    .filter((c) => !c.endsWith("="));

interface Caller {
  cookies: string[];
  headers: Record<string, string>;
}

const request = (caller: Caller, path: string, init: RequestInit = {}) =>
  new Request(`${BASE}${path}`, {
    ...init,
    headers: {
      ...caller.headers,
      ...(init.headers as Record<string, string>),
      ...(caller.cookies.length ? { cookie: caller.cookies.join("; ") } : {}),
    },
  });

/** Signs in through Auth.js's credentials callback; the redirect and the cookies it sets. */
async function signInWith(caller: Caller, email: string, password: string) {
  const csrf = await GET(request(caller, "/api/auth/csrf"));
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const withCsrf = { ...caller, cookies: [...caller.cookies, ...cookiesOf(csrf)] };
  const response = await POST(
    request(withCsrf, "/api/auth/callback/credentials", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ csrfToken, email, password, callbackUrl: `${BASE}/groups` }),
    }),
  );
  const cookies = cookiesOf(response);
  return {
    status: response.status,
    location: response.headers.get("location"),
    session: cookies.find((c) => c.startsWith("authjs.session-token=")) ?? null,
  };
}

/** The caller of `role`: a console role has signed in through Auth.js and holds its cookie. */
async function callerFor(role: Role): Promise<{ caller: Caller; me: Person | null }> {
  resetRequest();
  const caller: Caller = { cookies: [], headers: {} };
  if (role === "gateway") caller.headers.authorization = `Bearer ${a.liveToken.secret}`;
  if (role === "scim") caller.headers.authorization = `Bearer ${scimToken()}`;
  if (role !== "member" && role !== "admin" && role !== "owner") return { caller, me: null };
  const me = a[role];
  const signedIn = await signInWith(caller, me.email, PASSWORD);
  expect(signedIn.session, `${role} signs in`).not.toBeNull();
  return { caller: { ...caller, cookies: [signedIn.session!] }, me };
}

const sessionOf = async (caller: Caller, query = "") => {
  const response = await GET(request(caller, `/api/auth/session${query}`));
  return { status: response.status, body: await response.text() };
};

it("covers both methods of the Auth.js route", () => {
  const listed = Object.keys(authorizationMatrix).filter((id) => id.includes("[...nextauth]"));
  expect(listed.sort()).toEqual(["GET /api/auth/[...nextauth]", "POST /api/auth/[...nextauth]"]);
});

describe("GET /api/auth/[...nextauth]", () => {
  const entry = authorizationMatrix["GET /api/auth/[...nextauth]"]!;

  it.each(roles.map((r) => [r, entry.access[r]] as const))("as %s: %o", async (role, cell) => {
    const { caller, me } = await callerFor(role);
    // Own: the caller's own session (none without a sign-in; a bearer token is not one).
    expect(cell.own).toBe("allowed");
    const own = await sessionOf(caller);
    expect(own.status).toBe(200);
    const session = JSON.parse(own.body) as { user?: { id?: string } } | null;
    expect(session?.user?.id ?? null).toBe(me?.userId ?? null);
    expect((await GET(request(caller, "/api/auth/csrf"))).status).toBe(200);

    // Other: naming a person of B changes nothing of the answer.
    expect(cell.other).toBe("refused");
    const foreign = await sessionOf(caller, `?userId=${b.admin.userId}&orgId=${b.org.id}`);
    const unknown = await sessionOf(caller, `?userId=${randomUUID()}&orgId=${randomUUID()}`);
    expect(foreign.body).not.toContain(b.admin.userId);
    expect(JSON.parse(foreign.body)?.user?.id ?? null).toBe(me?.userId ?? null);
    expect(unknown.status).toBe(foreign.status);
  });
});

describe("POST /api/auth/[...nextauth]", () => {
  const entry = authorizationMatrix["POST /api/auth/[...nextauth]"]!;

  it.each(roles.map((r) => [r, entry.access[r]] as const))("as %s: %o", async (role, cell) => {
    const { caller, me } = await callerFor(role);
    // Own: signing in with one's own credentials (a member's, for callers without an account).
    expect(cell.own).toBe("allowed");
    const own = await signInWith(caller, (me ?? a.member).email, PASSWORD);
    expect(own.location).toBe(`${BASE}/groups`);
    expect(own.session).not.toBeNull();

    // Other: the account of a person of B, without their password: what an unknown account gets.
    expect(cell.other).toBe("refused");
    const victim = await b.person("admin", { password: true });
    const before = await fingerprint(db, b.org.id);
    const foreign = await signInWith(caller, victim.email, "not-their-password");
    const unknown = await signInWith(caller, `nobody-${randomUUID().slice(0, 8)}@x.test`, "nope");
    expect(foreign.session).toBeNull();
    expect(foreign.location).toMatch(/\/login\?error=CredentialsSignin/);
    expect(foreign).toEqual(unknown);
    expect(await fingerprint(db, b.org.id)).toEqual(before);
  });
});

describe("an organisation's provider's paths", () => {
  const unavailable = "http://gatehouse.test/login?error=sso_provider_unavailable";

  it("answer an unknown, disabled or foreign-looking provider like one that does not exist", async () => {
    const { caller } = await callerFor("anonymous");
    const providerId = await a.ssoProvider();
    await db
      .update(orgSsoProviders)
      .set({ enabled: false })
      .where(eq(orgSsoProviders.id, providerId));
    for (const id of [randomUUID(), providerId]) {
      for (const path of [`/api/auth/signin/sso-${id}`, `/api/auth/callback/sso-${id}?code=x`]) {
        const response = await GET(request(caller, path));
        expect(response.status, path).toBe(303);
        expect(response.headers.get("location"), path).toBe(unavailable);
      }
    }
  });

  it("hand a callback that is no pending Test sign-in to Auth.js, which refuses a forged state", async () => {
    const { caller } = await callerFor("owner");
    const providerId = await a.ssoProvider();
    // Auth.js logs the refused callback (its logger in app/_server/auth.ts); expected here.
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const response = await GET(
      request(caller, `/api/auth/callback/sso-${providerId}?code=forged&state=forged`),
    );
    expect(response.headers.get("location")).toMatch(/\/login\?error=/);
    expect(response.headers.getSetCookie().join()).not.toContain("gatehouse-sso-test-result");
    expect(await db.select().from(ssoIdentities)).toEqual([]);
    expect(logged).toHaveBeenCalled();
    logged.mockRestore();
  });
});
