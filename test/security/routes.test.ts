import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { GET as exportAudit } from "@/app/(console)/audit/export/route";
import { GET as reviewReport } from "@/app/(console)/reviews/[id]/report/route";
import { GET as board } from "@/app/api/board/route";
import { GET as health } from "@/app/api/health/route";
import { POST as authorize } from "@/app/api/v1/authorize/route";
import { POST as usage } from "@/app/api/v1/usage/route";
import * as scimRoute from "@/app/scim/v2/[[...path]]/route";
import { eq } from "drizzle-orm";
import type { Db } from "@/db/connect";
import { groups, orgMembers } from "@/db/schema";
import { ORG_COOKIE } from "@/app/_server/session";
import { newSecret } from "@/lib/keys/secret";
import { type Role, authorizationMatrix, roles } from "@/security/authorization-matrix";
import { testDatabase } from "@/test/db";
import { callAs, requestHeaders } from "./callers";
import { state } from "./fakes";
import { type OrgWorld, buildOrg, fingerprint } from "./world";

// Every route handler but Auth.js's (nextauth-route.test.ts), called as every caller of the
// matrix, with ids of the caller's organisation A and of another organisation B.

vi.mock("@/db/client", async () => (await import("./fakes")).dbClient);
vi.mock("next/headers", async () => (await import("./fakes")).nextHeaders);
vi.mock("next/cache", () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));
vi.mock("@/app/_server/auth", async () => (await import("./fakes")).authModule);
vi.mock("next-auth", async () => (await import("./fakes")).nextAuth);

let db: Db;
let a: OrgWorld;
let b: OrgWorld;

/**
 * A member in a group that a key is assigned to: what the gateway asks about. The member and the
 * group are the directory's (SCIM's) too.
 */
async function gatewayScene(w: OrgWorld) {
  const group = await w.group();
  const person = await w.person();
  await w.join(group, person.memberId);
  const key = await w.key([group]);
  await db
    .update(orgMembers)
    .set({ directoryLinkedAt: new Date(), directoryAttributes: { userName: person.email } })
    .where(eq(orgMembers.id, person.memberId));
  await db.update(groups).set({ directoryLinkedAt: new Date() }).where(eq(groups.id, group));
  return { group, person, key, review: (await w.review()).reviewId };
}
let sceneA: Awaited<ReturnType<typeof gatewayScene>>;
let sceneB: Awaited<ReturnType<typeof gatewayScene>>;

beforeAll(async () => {
  ({ db } = await testDatabase());
  state.db = db;
  [a, b] = [await buildOrg(db, "a"), await buildOrg(db, "b")];
  [sceneA, sceneB] = [await gatewayScene(a), await gatewayScene(b)];
});

interface Reply {
  status: number;
  body: string;
}

const read = async (response: Response): Promise<Reply> => ({
  status: response.status,
  body: await response.text(),
});

const post = (url: string, body: unknown, extra: Record<string, string> = {}) =>
  new Request(`http://gatehouse.test${url}`, {
    method: "POST",
    headers: requestHeaders({ "content-type": "application/json", ...extra }),
    body: JSON.stringify(body),
  });

const get = (url: string) =>
  new Request(`http://gatehouse.test${url}`, { headers: requestHeaders() });

interface RouteCase {
  id: string;
  /** The request with ids (and credentials) of `w`, by the current caller. */
  call(w: OrgWorld, scene: typeof sceneA): Promise<Reply>;
  /** The same request with unknown ids. */
  unknown(): Promise<Reply>;
  /** Statuses of an allowed and of a refused call. */
  allowed(reply: Reply): void;
  refused: number[];
  /** Bring a foreign answer and an unknown one to what must be equal (drop per-call ids). */
  normalise?(reply: Reply): unknown;
}

const authorizeBody = (scene: typeof sceneA) => ({
  apiKey: scene.key.secret,
  user: { email: scene.person.email },
  model: "gpt-4o",
});

const usageBody = (scene: typeof sceneA) => ({
  events: [
    {
      eventId: randomUUID(),
      occurredAt: new Date().toISOString(),
      memberId: scene.person.memberId,
      keyId: scene.key.id,
      model: "gpt-4o",
      inputTokens: 100,
      outputTokens: 20,
    },
  ],
});

/** A request to /scim/v2 by the current caller, through the route handler. */
async function scim(
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE",
  path: string,
  body?: unknown,
) {
  const request = new Request(`http://gatehouse.test/scim/v2${path}`, {
    method,
    headers: requestHeaders(body ? { "content-type": "application/scim+json" } : {}),
    body: body ? JSON.stringify(body) : undefined,
  });
  const segments = path.split("?")[0]!.split("/").filter(Boolean);
  return read(await scimRoute[method](request, { params: Promise.resolve({ path: segments }) }));
}

const addMember = (memberId: string) => ({
  schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
  Operations: [{ op: "add", path: "members", value: [{ value: memberId }] }],
});

const withoutEventIds = (reply: Reply) => {
  const json = JSON.parse(reply.body) as { results?: { rejected?: { eventId?: string }[] } };
  for (const r of json.results?.rejected ?? []) delete r.eventId;
  return { status: reply.status, json };
};

const routeCases: RouteCase[] = [
  {
    id: "GET /api/board",
    // The org preference cookie naming B must not reach B's board.
    call: async (w) => {
      state.cookies.set(ORG_COOKIE, w.org.id);
      return read(await board());
    },
    unknown: async () => {
      state.cookies.set(ORG_COOKIE, randomUUID());
      return read(await board());
    },
    allowed: (reply) => {
      expect(reply.status).toBe(200);
      expect(reply.body).toContain(a.member.memberId);
    },
    refused: [401],
  },
  {
    id: "GET /api/health",
    call: async (w) => {
      state.cookies.set(ORG_COOKIE, w.org.id);
      return read(await health());
    },
    unknown: async () => read(await health()),
    allowed: (reply) => {
      expect(reply.status).toBe(200);
      expect(JSON.parse(reply.body)).toEqual({ status: "ok", database: "up" });
    },
    refused: [],
  },
  {
    id: "POST /api/v1/authorize",
    call: async (_w, scene) =>
      read(await authorize(post("/api/v1/authorize", authorizeBody(scene)))),
    unknown: async () =>
      read(
        await authorize(
          post("/api/v1/authorize", {
            apiKey: newSecret().secret,
            user: { email: `nobody-${randomUUID().slice(0, 8)}@unknown.test` },
            model: "gpt-4o",
          }),
        ),
      ),
    allowed: (reply) => {
      expect(reply.status).toBe(200);
      expect(JSON.parse(reply.body)).toMatchObject({ allow: true, groups: [{ id: sceneA.group }] });
    },
    refused: [401],
  },
  {
    id: "POST /api/v1/usage",
    call: async (_w, scene) => read(await usage(post("/api/v1/usage", usageBody(scene)))),
    unknown: async () =>
      read(
        await usage(
          post("/api/v1/usage", {
            events: [
              { ...usageBody(sceneA).events[0], memberId: randomUUID(), keyId: randomUUID() },
            ],
          }),
        ),
      ),
    allowed: (reply) => {
      expect(reply.status).toBe(200);
      expect(JSON.parse(reply.body)).toMatchObject({ accepted: 1, rejected: 0 });
    },
    refused: [401],
    normalise: withoutEventIds,
  },
  {
    id: "GET /audit/export",
    // A filter naming B's things finds what an unknown id finds: nothing.
    call: async (w, scene) =>
      read(await exportAudit(get(`/audit/export?targetId=${scene.group}&actor=${w.admin.email}`))),
    unknown: async () =>
      read(
        await exportAudit(get(`/audit/export?targetId=${randomUUID()}&actor=nobody@unknown.test`)),
      ),
    allowed: (reply) => {
      expect(reply.status).toBe(200);
      expect(reply.body).toMatch(/^Time \(UTC\),/);
    },
    refused: [401, 403],
    normalise: (reply) => reply,
  },
  {
    id: "GET /reviews/[id]/report",
    call: async (_w, scene) =>
      read(
        await reviewReport(get(`/reviews/${scene.review}/report`), {
          params: Promise.resolve({ id: scene.review }),
        }),
      ),
    unknown: async () => {
      const id = randomUUID();
      return read(
        await reviewReport(get(`/reviews/${id}/report`), { params: Promise.resolve({ id }) }),
      );
    },
    allowed: (reply) => {
      expect(reply.status).toBe(200);
      expect(reply.body).toMatch(/^Review,Status,Group,/);
    },
    refused: [401, 403, 404],
    normalise: (reply) => reply,
  },
  {
    id: "GET /scim/v2/[[...path]]",
    call: (_w, scene) => scim("GET", `/Users/${scene.person.memberId}`),
    unknown: () => scim("GET", `/Users/${randomUUID()}`),
    allowed: (reply) => {
      expect(reply.status).toBe(200);
      expect(JSON.parse(reply.body)).toMatchObject({ id: sceneA.person.memberId });
    },
    refused: [401],
  },
  {
    id: "POST /scim/v2/[[...path]]",
    // A group whose members name another organisation's person is refused like an unknown id.
    call: (_w, scene) =>
      scim("POST", "/Groups", {
        displayName: `pushed-${randomUUID()}`,
        members: [{ value: scene.person.memberId }],
      }),
    unknown: () =>
      scim("POST", "/Groups", {
        displayName: `pushed-${randomUUID()}`,
        members: [{ value: randomUUID() }],
      }),
    allowed: (reply) => {
      expect(reply.status).toBe(201);
      expect(JSON.parse(reply.body).members).toMatchObject([{ value: sceneA.person.memberId }]);
    },
    refused: [401],
  },
  {
    id: "PUT /scim/v2/[[...path]]",
    call: (_w, scene) =>
      scim("PUT", `/Users/${scene.person.memberId}`, { userName: scene.person.email, title: "QA" }),
    unknown: () =>
      scim("PUT", `/Users/${randomUUID()}`, { userName: "x@unknown.test", title: "QA" }),
    allowed: (reply) => {
      expect(reply.status).toBe(200);
      expect(JSON.parse(reply.body)).toMatchObject({ id: sceneA.person.memberId, title: "QA" });
    },
    refused: [401],
  },
  {
    id: "PATCH /scim/v2/[[...path]]",
    call: (w, scene) => scim("PATCH", `/Groups/${scene.group}`, addMember(w.member.memberId)),
    unknown: () => scim("PATCH", `/Groups/${randomUUID()}`, addMember(randomUUID())),
    allowed: (reply) => expect(reply.status).toBe(204),
    refused: [401],
  },
  {
    id: "DELETE /scim/v2/[[...path]]",
    call: (_w, scene) => scim("DELETE", `/Groups/${scene.group}`),
    unknown: () => scim("DELETE", `/Groups/${randomUUID()}`),
    allowed: (reply) => expect(reply.status).toBe(204),
    refused: [401],
  },
];

it("covers every route handler of the matrix (Auth.js's in nextauth-route.test.ts)", () => {
  const listed = Object.entries(authorizationMatrix)
    .filter(([id, e]) => e.kind === "route handler" && !id.includes("[...nextauth]"))
    .map(([id]) => id)
    .sort();
  expect(routeCases.map((c) => c.id).sort()).toEqual(listed);
});

describe.each(routeCases.map((c) => [c.id, c] as const))("%s", (id, c) => {
  const entry = authorizationMatrix[id]!;

  it.each(roles.map((r) => [r, entry.access[r]] as const))(
    "as %s: %o",
    async (role: Role, cell) => {
      await callAs(db, a, role);
      const before = await fingerprint(db, a.org.id);
      const own = await c.call(a, sceneA);
      if (cell.own === "allowed") c.allowed(own);
      else {
        expect(c.refused, own.body).toContain(own.status);
        expect(await fingerprint(db, a.org.id)).toEqual(before);
      }

      await callAs(db, a, role);
      const beforeB = await fingerprint(db, b.org.id);
      const foreign = await c.call(b, sceneB);
      expect(await fingerprint(db, b.org.id), "another organisation changed").toEqual(beforeB);
      for (const secretOrId of [sceneB.group, sceneB.person.memberId, sceneB.key.id, b.org.id])
        expect(foreign.body).not.toContain(secretOrId);
      await callAs(db, a, role);
      const unknown = await c.unknown();
      const normalise = c.normalise ?? ((r: Reply) => r);
      expect(normalise(foreign), "foreign ids are told apart from unknown ones").toEqual(
        normalise(unknown),
      );
    },
  );
});

describe("the gateway API", () => {
  it("refuses a revoked token like no token, whatever the body names", async () => {
    const revoked = await a.token({ revoked: true });
    for (const route of [authorize, usage]) {
      const path = route === authorize ? "/api/v1/authorize" : "/api/v1/usage";
      const body = route === authorize ? authorizeBody(sceneA) : usageBody(sceneA);
      const before = await fingerprint(db, a.org.id);
      const withRevoked = await read(
        await route(post(path, body, { authorization: `Bearer ${revoked.secret}` })),
      );
      const withNone = await read(await route(post(path, body)));
      expect(withRevoked.status).toBe(401);
      expect(withRevoked).toEqual(withNone);
      expect(await fingerprint(db, a.org.id)).toEqual(before);
    }
  });

  it("does not let A's token use A's key for a person of B, nor B's key for a person of A", async () => {
    await callAs(db, a, "gateway");
    const askAbout = async (apiKey: string, email: string) =>
      JSON.parse(
        (
          await read(
            await authorize(
              post("/api/v1/authorize", { apiKey, user: { email }, model: "gpt-4o" }),
            ),
          )
        ).body,
      );
    expect(await askAbout(sceneA.key.secret, sceneB.person.email)).toEqual(
      await askAbout(sceneA.key.secret, "nobody@unknown.test"),
    );
    expect(await askAbout(sceneA.key.secret, sceneB.person.email)).toMatchObject({
      allow: false,
      reason: "user_unknown",
    });
    expect(await askAbout(sceneB.key.secret, sceneA.person.email)).toMatchObject({
      allow: false,
      reason: "key_unknown",
    });

    const report = async (memberId: string, keyId: string) =>
      withoutEventIds(
        await read(
          await usage(
            post("/api/v1/usage", {
              events: [{ ...usageBody(sceneA).events[0], memberId, keyId }],
            }),
          ),
        ),
      );
    expect(await report(sceneA.person.memberId, sceneB.key.id)).toEqual(
      await report(sceneA.person.memberId, randomUUID()),
    );
    expect(await report(sceneB.person.memberId, sceneA.key.id)).toEqual(
      await report(randomUUID(), sceneA.key.id),
    );
  });
});
