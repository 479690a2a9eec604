import { format } from "node:util";
import { sql } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { Db } from "@/db/connect";
import { getDb } from "@/db/client";
import { insertApiKey } from "@/db/seed/builders";
import { createGatewayToken, revokeGatewayToken } from "@/lib/gateway/tokens";
import { testDatabase } from "@/test/db";
import { orgFixture } from "@/test/fixtures";
import { POST } from "./route";

// The HTTP contract of the gateway's hot path, against a real database: the process-wide
// connection is replaced by this file's test database, or by a failing one.
vi.mock("@/db/client", () => ({ getDb: vi.fn() }));

let db: Db;
// Every secret this file creates: none may appear in any answer.
const secrets: string[] = [];

async function orgWithKey() {
  const f = await orgFixture(db);
  const team = await f.group("Team");
  const ann = await f.person("Ann");
  await f.join(team, ann.id);
  const { secret } = await insertApiKey(db, {
    orgId: f.org.id,
    name: "team-key",
    features: [],
    policy: { allowedModels: [], fallbackModels: [], loadBalancing: "none", weights: {} },
    groupIds: [team],
  });
  const token = await createGatewayToken(db, f.actor, { name: "edge" });
  secrets.push(secret, token.secret);
  return { ...f, team, apiKey: secret, token: token.secret, tokenId: token.id };
}

let a: Awaited<ReturnType<typeof orgWithKey>>;
let b: Awaited<ReturnType<typeof orgWithKey>>;

beforeAll(async () => {
  ({ db } = await testDatabase());
  vi.mocked(getDb).mockResolvedValue(db);
  a = await orgWithKey();
  b = await orgWithKey();
});

afterEach(() => {
  vi.mocked(getDb).mockResolvedValue(db);
  vi.restoreAllMocks();
});

async function call(body: unknown, token?: string) {
  const response = await POST(
    new Request("http://gatehouse.test/api/v1/authorize", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: typeof body === "string" ? body : JSON.stringify(body),
    }),
  );
  const text = await response.text();
  for (const secret of secrets) expect(text).not.toContain(secret);
  expect(response.headers.get("cache-control")).toBe("no-store");
  return { status: response.status, json: JSON.parse(text) };
}

const ask = (org: typeof a, overrides: Record<string, unknown> = {}) => ({
  apiKey: org.apiKey,
  user: { email: `ann@${org.org.slug}.test` },
  model: "gpt-4o",
  ...overrides,
});

/** Runs `during` while `table` is missing, so that the queries reading it throw. */
async function withoutTable(table: string, during: () => Promise<void>) {
  await db.execute(sql.raw(`alter table ${table} rename to ${table}_away`));
  try {
    await during();
  } finally {
    await db.execute(sql.raw(`alter table ${table}_away rename to ${table}`));
  }
}

describe("POST /api/v1/authorize", () => {
  it("allows a member of the key's group, with the gateway token of the key's organisation", async () => {
    const { status, json } = await call(ask(a), a.token);
    expect(status).toBe(200);
    expect(json).toMatchObject({ allow: true, groups: [{ id: a.team, name: "Team" }] });
  });

  it("answers 401 without a token, with a malformed one and with a revoked one", async () => {
    const revoked = await createGatewayToken(db, a.actor, { name: "old" });
    secrets.push(revoked.secret);
    await revokeGatewayToken(db, a.actor, { tokenId: revoked.id });
    for (const token of [undefined, "ghg_garbage", a.apiKey, revoked.secret]) {
      const { status, json } = await call(ask(a), token);
      expect(status, String(token)).toBe(401);
      expect(json).toMatchObject({ allow: false, error: expect.stringMatching(/gateway token/) });
    }
  });

  it("answers 400 with details for a body that is not JSON or lacks the model", async () => {
    const notJson = await call(`{"apiKey": ${a.apiKey}}`, a.token);
    expect(notJson.status).toBe(400);
    expect(notJson.json).toEqual({
      allow: false,
      error: "The body is not valid JSON.",
      details: ["body: not valid JSON"],
    });

    const missing = await call(ask(a, { model: undefined }), a.token);
    expect(missing.status).toBe(400);
    expect(missing.json).toMatchObject({
      allow: false,
      details: [expect.stringMatching(/^model: /)],
    });
  });

  it("lists every problem of an invalid request, not only the first", async () => {
    const invalid = await call(
      ask(a, { model: 5, features: "streaming", estimatedCostMicros: -1, extra: true }),
      a.token,
    );
    expect(invalid.status).toBe(400);
    const fields = (invalid.json.details as string[]).map((d) => d.split(":")[0]);
    expect(fields.sort()).toEqual(["body", "estimatedCostMicros", "features", "model"]);
  });

  it("answers 415 for a body declared as anything but JSON", async () => {
    for (const type of ["text/plain", "application/x-www-form-urlencoded"]) {
      const response = await POST(
        new Request("http://gatehouse.test/api/v1/authorize", {
          method: "POST",
          headers: { "content-type": type, authorization: `Bearer ${a.token}` },
          body: JSON.stringify(ask(a)),
        }),
      );
      expect(response.status, type).toBe(415);
      expect(await response.json()).toMatchObject({
        allow: false,
        error: expect.stringMatching(/JSON/),
      });
    }
    const charset = await POST(
      new Request("http://gatehouse.test/api/v1/authorize", {
        method: "POST",
        headers: {
          "content-type": "application/json; charset=utf-8",
          authorization: `Bearer ${a.token}`,
        },
        body: JSON.stringify(ask(a)),
      }),
    );
    expect(charset.status).toBe(200);
  });

  it("answers 413 for a body over 16 KiB, counted in bytes", async () => {
    const ascii = await call(ask(a, { model: "m".repeat(16 * 1024) }), a.token);
    expect(ascii.status).toBe(413);
    // 6,000 characters, 18,000 bytes in UTF-8.
    const wide = await call(ask(a, { model: "€".repeat(6_000) }), a.token);
    expect(wide.status).toBe(413);
    expect(wide.json).toMatchObject({ allow: false });
  });

  it("does not recognise another organisation's key", async () => {
    const { status, json } = await call(ask(b), a.token);
    expect(status).toBe(200);
    expect(json).toMatchObject({ allow: false, reason: "key_unknown" });
  });

  describe("fails closed", () => {
    const unavailable = {
      allow: false,
      error: "Gatehouse cannot decide right now; deny the request and retry.",
    };

    it("answers 503 when the database cannot be opened", async () => {
      const logged = vi.spyOn(console, "error").mockImplementation(() => {});
      vi.mocked(getDb).mockRejectedValue(new Error("connect ECONNREFUSED 127.0.0.1:5432"));
      const { status, json } = await call(ask(a), a.token);
      expect(status).toBe(503);
      expect(json).toEqual(unavailable);
      expect(logged).toHaveBeenCalled();
    });

    it("answers 503 when a query fails, and logs no secret", async () => {
      const logged = vi.spyOn(console, "error").mockImplementation(() => {});
      await withoutTable("api_keys", async () => {
        const { status, json } = await call(ask(a), a.token);
        expect(status).toBe(503);
        expect(json).toEqual(unavailable);
      });
      // After the checks, while reserving against a hard budget.
      await db.execute(
        sql`update groups set budget_mode = 'hard', monthly_budget_micros = 1000000 where id = ${a.team}::uuid`,
      );
      await withoutTable("budget_reservations", async () => {
        const { status, json } = await call(ask(a, { estimatedCostMicros: 1_000 }), a.token);
        expect(status).toBe(503);
        expect(json).toEqual(unavailable);
      });
      expect(logged).toHaveBeenCalledTimes(2);
      const output = logged.mock.calls.map((args) => format(...args)).join("\n");
      expect(output).toMatch(/api_keys|budget_reservations/);
      for (const secret of secrets) expect(output).not.toContain(secret);
    });
  });
});
