import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { GET as exportAudit } from "@/app/(console)/audit/export/route";
import { POST as authorize } from "@/app/api/v1/authorize/route";
import { POST as usage } from "@/app/api/v1/usage/route";
import type { Db } from "@/db/connect";
import { testDatabase } from "@/test/db";
import { callAs, requestHeaders } from "./callers";
import { state } from "./fakes";
import {
  RUNS,
  SEED,
  adversarialStrings,
  describeInput,
  expectClearRefusal,
  hostileInput,
  hostileValue,
  unstorableStrings,
  watch,
} from "./hostile";
import { type OrgWorld, buildOrg } from "./world";

// Random and adversarial requests to the route handlers that take input: the gateway API (with a
// live gateway token of A) and the audit export (as an admin of A). Every answer is a decision or
// a clear 400, 401 or 413, never a 5xx or an exception; a refused request changes nothing, and
// organisation B never changes. GET /api/board and GET /api/health read no input at all.

vi.mock("@/db/client", async () => (await import("./fakes")).dbClient);
vi.mock("next/headers", async () => (await import("./fakes")).nextHeaders);
vi.mock("next/cache", () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));
vi.mock("@/app/_server/auth", async () => (await import("./fakes")).authModule);
vi.mock("next-auth", async () => (await import("./fakes")).nextAuth);

let db: Db;
let a: OrgWorld;
let b: OrgWorld;
let scene: { person: { memberId: string; email: string }; key: { id: string; secret: string } };
let foreignIds: string[];

beforeAll(async () => {
  ({ db } = await testDatabase());
  state.db = db;
  [a, b] = [await buildOrg(db, "a"), await buildOrg(db, "b")];
  const group = await a.group();
  const person = await a.person();
  await a.join(group, person.memberId);
  scene = { person, key: await a.key([group]) };
  foreignIds = [b.member.memberId, (await b.key()).id, await b.group(), b.org.id, randomUUID()];
  vi.spyOn(console, "error").mockImplementation(() => {});
});
afterAll(() => vi.restoreAllMocks());

/** JSON as a client would send it: numbers JSON cannot hold become null, bigints digits. */
const toJson = (value: unknown) =>
  JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? Number(v) : v)) ?? "undefined";

const rawBodies = [
  "",
  "{",
  "null",
  "[]",
  '"text"',
  "1e999",
  "{}",
  '{"apiKey":',
  "\uFEFF{}",
  "<xml/>",
  `{"events":${"[".repeat(5_000)}${"]".repeat(5_000)}}`,
  JSON.stringify({ padding: "x".repeat(20_000) }),
];

interface Reply {
  status: number;
  json: Record<string, unknown> | null;
  text: string;
}

async function send(route: typeof authorize, path: string, body: string, headers = {}) {
  const response = await route(
    new Request(`http://gatehouse.test${path}`, {
      method: "POST",
      headers: requestHeaders({ "content-type": "application/json", ...headers }),
      body,
    }),
  );
  const text = await response.text();
  let json: Record<string, unknown> | null = null;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = null;
  }
  return { status: response.status, json, text } satisfies Reply;
}

function expectGatewayAnswer(reply: Reply, context: string) {
  expect([200, 400, 401, 413], `${context}: status ${reply.status} ${reply.text}`).toContain(
    reply.status,
  );
  expect(reply.json, `${context}: not JSON`).not.toBeNull();
  if (reply.status !== 200) expectClearRefusal(reply.json!.error, context);
  for (const detail of (reply.json!.details as unknown[] | undefined) ?? [])
    expectClearRefusal(detail, context);
}

const authorizeTemplate = () => ({
  apiKey: scene.key.secret,
  user: { email: scene.person.email },
  model: "gpt-4o",
  features: ["streaming"],
  estimatedCostMicros: 1_000,
});

const event = () => ({
  eventId: `evt-${randomUUID()}`,
  occurredAt: new Date().toISOString(),
  memberId: scene.person.memberId,
  keyId: scene.key.id,
  model: "gpt-4o",
  features: [],
  inputTokens: 10,
  outputTokens: 5,
});

const options = { seed: SEED, numRuns: RUNS * 2, endOnFailure: true };

describe("POST /api/v1/authorize", () => {
  const fields = ["apiKey", "user", "model", "features", "estimatedCostMicros"];

  it("answers hostile bodies with a decision or a clear 400/413, and stores nothing on refusal", async () => {
    await callAs(db, a, "gateway");
    const watcher = await watch(db, a.org.id, b.org.id);
    const value = hostileValue({ ids: foreignIds });
    const body = fc.oneof(
      {
        weight: 4,
        arbitrary: hostileInput(authorizeTemplate(), fields, { ids: foreignIds }).map(toJson),
      },
      {
        weight: 2,
        arbitrary: fc
          .tuple(fc.constantFrom("email", "externalId"), value)
          .map(([k, v]) => toJson({ ...authorizeTemplate(), user: { [k]: v } })),
      },
      { weight: 1, arbitrary: fc.constantFrom(...rawBodies) },
    );
    await fc.assert(
      fc.asyncProperty(body, async (text) => {
        const context = `authorize ${describeInput(text)}`;
        const reply = await send(authorize, "/api/v1/authorize", text);
        expectGatewayAnswer(reply, context);
        if (reply.status === 200) expect(typeof reply.json!.allow, context).toBe("boolean");
        await watcher.after(reply.status === 200, context);
      }),
      options,
    );
  });

  it("answers 401 to every malformed, foreign or missing token, and 413 to an oversized body", async () => {
    await callAs(db, a, "anonymous");
    const watcher = await watch(db, a.org.id, b.org.id);
    const header = fc.oneof(
      fc.constantFrom(
        "",
        "Bearer",
        "Bearer ",
        `Basic ${Buffer.from("a:b").toString("base64")}`,
        `Bearer ${scene.key.secret}`,
        // Its last character changed (to another one: a secret may end in "x" already).
        `Bearer ${a.liveToken.secret.slice(0, -1)}${a.liveToken.secret.endsWith("x") ? "y" : "x"}`,
        `Bearer ${a.liveToken.secret} extra`,
        `Token ${a.liveToken.secret}`,
        `Bearer ${"ghg_".padEnd(10_000, "A")}`,
        "Bearer ' or 1=1 --",
      ),
      fc.string({ maxLength: 60 }).map((s) => `Bearer ${s}`),
    );
    await fc.assert(
      fc.asyncProperty(header, async (authorization) => {
        const context = `authorize with Authorization: ${describeInput(authorization)}`;
        const reply = await send(authorize, "/api/v1/authorize", toJson(authorizeTemplate()), {
          authorization,
        });
        expect(reply.status, context).toBe(401);
        await watcher.after(false, context);
      }),
      options,
    );
    await callAs(db, a, "gateway");
    const huge = await send(authorize, "/api/v1/authorize", "x".repeat(16 * 1024 + 1));
    expect(huge.status).toBe(413);
  });
});

describe("POST /api/v1/usage", () => {
  const fields = [
    "eventId",
    "occurredAt",
    "memberId",
    "keyId",
    "model",
    "features",
    "inputTokens",
    "outputTokens",
  ];

  it("answers hostile batches with a 200 per-event verdict or a clear 400/413, never a 5xx", async () => {
    await callAs(db, a, "gateway");
    const watcher = await watch(db, a.org.id, b.org.id);
    const batch = fc.oneof(
      {
        weight: 4,
        arbitrary: hostileInput(event(), [...fields, "user", "reservationId", "costMicros"], {
          ids: foreignIds,
        }).map((e) => toJson({ events: [e, event()] })),
      },
      {
        weight: 1,
        arbitrary: hostileValue({ ids: foreignIds }).map((v) => toJson({ events: v })),
      },
      { weight: 1, arbitrary: fc.constantFrom(...rawBodies) },
    );
    await fc.assert(
      fc.asyncProperty(batch, async (text) => {
        const context = `usage ${describeInput(text)}`;
        const reply = await send(usage, "/api/v1/usage", text);
        expectGatewayAnswer(reply, context);
        if (reply.status === 200) {
          const results = reply.json!.results as { rejected: { reason: unknown }[] };
          for (const r of results.rejected) expectClearRefusal(r.reason, context);
        }
        await watcher.after(reply.status === 200, context);
      }),
      options,
    );
  });

  it("refuses a batch of more than 1,000 events, and one over 2 MiB, whole", async () => {
    await callAs(db, a, "gateway");
    const watcher = await watch(db, a.org.id, b.org.id);
    const many = await send(
      usage,
      "/api/v1/usage",
      toJson({ events: Array.from({ length: 1_001 }, event) }),
    );
    expect(many.status).toBe(400);
    const huge = await send(
      usage,
      "/api/v1/usage",
      toJson({ events: [{ pad: "x".repeat(2 * 1024 * 1024) }] }),
    );
    expect(huge.status).toBe(413);
    await watcher.after(false, "oversized batches");
  });
});

describe("GET /audit/export", () => {
  it("answers hostile filters with a CSV or a clear refusal, never an exception", async () => {
    await callAs(db, a, "admin");
    const watcher = await watch(db, a.org.id, b.org.id);
    const keys = ["actor", "action", "targetType", "targetId", "from", "to", "page", "orgId"];
    const text = fc.oneof(
      fc.constantFrom(...adversarialStrings, ...foreignIds),
      fc.string({ maxLength: 40 }),
      fc.integer().map(String),
    );
    const query = fc.array(fc.tuple(fc.constantFrom(...keys), text), { maxLength: 5 });
    await fc.assert(
      fc.asyncProperty(query, async (pairs) => {
        const search = new URLSearchParams(pairs).toString();
        const context = `audit export ?${describeInput(search)}`;
        const response = await exportAudit(
          new Request(`http://gatehouse.test/audit/export?${search}`, {
            headers: requestHeaders(),
          }),
        );
        const body = await response.text();
        expect([200, 400], `${context}: ${body.slice(0, 200)}`).toContain(response.status);
        if (response.status === 200) expect(body, context).toMatch(/^Time \(UTC\),/);
        expect(body, context).not.toContain(b.org.id);
        await watcher.after(false, context);
      }),
      options,
    );
  });
});

// Text PostgreSQL cannot store (NUL) and strings that are not Unicode (lone surrogates), in every
// field of the gateway API and every filter of the export, one at a time. The pairs listed below
// reached the database unchecked: found by this test, fixed.
const nul = unstorableStrings.filter((v) => v.includes("\u0000"));

type Place = { route: "authorize" | "usage" | "export"; field: string };
const body = (place: Place, value: string): string => {
  if (place.route === "authorize") {
    const template = authorizeTemplate();
    if (place.field === "user.email") return toJson({ ...template, user: { email: value } });
    if (place.field === "user.externalId")
      return toJson({ ...template, user: { externalId: value } });
    if (place.field === "features") return toJson({ ...template, features: [value] });
    return toJson({ ...template, [place.field]: value });
  }
  const e: Record<string, unknown> = event();
  if (place.field.startsWith("user.")) {
    delete e.memberId;
    e.user = { [place.field.slice(5)]: value };
  } else if (place.field === "features") e.features = [value];
  else if (place.field === "model+costMicros") Object.assign(e, { model: value, costMicros: 5 });
  else e[place.field] = value;
  return toJson({ events: [e] });
};

async function answerTo(place: Place, value: string) {
  if (place.route === "export") {
    await callAs(db, a, "admin");
    const search = new URLSearchParams([[place.field, value]]);
    const response = await exportAudit(
      new Request(`http://gatehouse.test/audit/export?${search}`, { headers: requestHeaders() }),
    );
    return { status: response.status, text: await response.text() };
  }
  await callAs(db, a, "gateway");
  const route = place.route === "authorize" ? authorize : usage;
  return send(route, `/api/v1/${place.route}`, body(place, value));
}

const places: Place[] = [
  ...["apiKey", "user.email", "user.externalId", "model", "features"].map(
    (field) => ({ route: "authorize", field }) as Place,
  ),
  ...[
    "eventId",
    "model",
    "model+costMicros",
    "provider",
    "features",
    "user.email",
    "user.externalId",
  ].map((field) => ({ route: "usage", field }) as Place),
  ...["actor", "action", "targetType", "targetId", "from", "to", "page"].map(
    (field) => ({ route: "export", field }) as Place,
  ),
];

const routeBugs: Record<string, { values: string[]; what: string }> = {
  "authorize user.email": { values: nul, what: "503 (lib/access/schemas.ts:12)" },
  "authorize user.externalId": { values: nul, what: "503 (lib/access/schemas.ts:13)" },
  "usage eventId": { values: unstorableStrings, what: "503 (lib/spend/usage-event.ts:31)" },
  "usage model": { values: nul, what: "503 (lib/spend/usage-event.ts:36)" },
  "usage model+costMicros": {
    values: unstorableStrings,
    what: "503 (lib/spend/usage-event.ts:36)",
  },
  "usage provider": { values: unstorableStrings, what: "503 (lib/spend/usage-event.ts:37)" },
  "usage features": { values: unstorableStrings, what: "503 (lib/spend/usage-event.ts:38)" },
  "usage user.email": { values: nul, what: "503 (lib/access/schemas.ts:12, reused by usage)" },
  "usage user.externalId": { values: nul, what: "503 (lib/access/schemas.ts:13, reused by usage)" },
  "export actor": {
    values: nul,
    what: "an exception, so a 500 (lib/audit/queries.ts:52; the route rethrows non-PublicErrors)",
  },
};

describe("text the database cannot store", () => {
  it("is refused clearly (or is simply unknown) in every field of the gateway API and the export", async () => {
    const watcher = await watch(db, a.org.id, b.org.id);
    for (const place of places) {
      for (const value of unstorableStrings) {
        if (routeBugs[`${place.route} ${place.field}`]?.values.includes(value)) continue;
        const context = `${place.route} ${place.field}=${describeInput(value)}`;
        const reply = await answerTo(place, value);
        expect([200, 400], `${context}: ${reply.text.slice(0, 200)}`).toContain(reply.status);
        await watcher.after(reply.status === 200, context);
      }
    }
  });

  for (const [key, bug] of Object.entries(routeBugs)) {
    const [route, field] = key.split(" ") as [Place["route"], string];
    // Found by this test, fixed: the value passes the schema, reaches PostgreSQL, which refuses it, and the route
    // answers `what` instead of a 400 (for usage a 503 tells the gateway to retry the batch:
    // it never goes in, and the events beside the bad one are never counted).
    it(`${route} answers ${bug.what} for ${field} with NUL${bug.values.length > 2 ? " or a lone surrogate" : ""}`, async () => {
      for (const value of bug.values) {
        const reply = await answerTo({ route, field }, value);
        expect([200, 400], `${key}=${describeInput(value)}`).toContain(reply.status);
      }
    });
  }
});
