import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { Db } from "@/db/connect";
import { getDb } from "@/db/client";
import { queryRows } from "@/db/rows";
import { demoPeople, seedDemo } from "@/db/seed/demo";
import {
  DEMO_GATEWAY_TOKEN_FILE,
  DEMO_KEYS_FILE,
  keepDemoSecrets,
  readDemoGatewayToken,
  readDemoKeys,
} from "@/db/seed/demo-secrets";
import { seededRandom } from "@/db/seed/random";
import { gatewayActorForToken } from "@/lib/gateway/tokens";
import { createSimulator, parseCli } from "@/scripts/simulate";
import { testDatabase } from "@/test/db";
import { POST as authorizePost } from "../authorize/route";
import { POST as usagePost } from "./route";

// `npm run simulate` against the seeded demo, with its HTTP calls served by the two route
// handlers: the people it picks are the seed's, the secrets `npm start` keeps work, and what it
// reports is stored once, settling the reservations authorize made.
vi.mock("@/db/client", () => ({ getDb: vi.fn() }));

let db: Db;
let dataDir: string;
let acmeOrgId: string;
let token: string;
let keys: Map<string, string>;

/** fetch, served by the route handlers; `fail` answers instead when it returns a status. */
function routed(fail: (pathname: string) => number | null = () => null): typeof fetch {
  return async (input, init) => {
    const url = new URL(String(input));
    const status = fail(url.pathname);
    if (status) return Response.json({ error: "unavailable" }, { status });
    const handler = { "/api/v1/authorize": authorizePost, "/api/v1/usage": usagePost }[
      url.pathname
    ];
    if (!handler) return new Response(null, { status: 404 });
    return handler(new Request(url, init));
  };
}

async function simulatedEvents() {
  const [row] = await queryRows<{ n: string; cost: string; open: string }>(
    db,
    sql`select (select count(*) from usage_events where event_id like 'sim-%') as n,
               (select coalesce(sum(cost_micros), 0) from usage_events where event_id like 'sim-%') as cost,
               (select count(*) from budget_reservations where settled_at is null) as open`,
  );
  return { events: Number(row!.n), cost: Number(row!.cost), open: Number(row!.open) };
}

beforeAll(async () => {
  ({ db } = await testDatabase());
  vi.mocked(getDb).mockResolvedValue(db);
  const seeded = await seedDemo(db);
  acmeOrgId = seeded.acmeOrgId;
  dataDir = mkdtempSync(path.join(tmpdir(), "gatehouse-demo-"));
  await keepDemoSecrets(db, dataDir, seeded);
  token = readDemoGatewayToken(dataDir)!;
  keys = new Map(
    readDemoKeys(dataDir)!
      .filter((k) => k.org === "acme")
      .map((k) => [k.name, k.secret]),
  );
}, 120_000);

describe("the demo secrets npm start keeps", () => {
  it("are an Acme gateway token and the demo keys, readable by their owner only, hashed in the database", async () => {
    for (const file of [DEMO_GATEWAY_TOKEN_FILE, DEMO_KEYS_FILE])
      expect(statSync(path.join(dataDir, file)).mode & 0o777).toBe(0o600);
    expect(await gatewayActorForToken(db, token)).toMatchObject({
      orgId: acmeOrgId,
      label: "gateway:demo-simulator",
    });
    expect([...keys.keys()]).toEqual(["eng-prod-key", "marketing-key"]);
    const [stored] = await queryRows<{ text: string }>(
      db,
      sql`select (select json_agg(t)::text from gateway_tokens t) || (select json_agg(k)::text from api_keys k) as text`,
    );
    for (const secret of [token, ...keys.values()]) expect(stored!.text).not.toContain(secret);
    expect(readFileSync(path.join(dataDir, DEMO_KEYS_FILE), "utf8")).toContain("globex-default");
  });
});

describe("npm run simulate", () => {
  it("picks the seed's people: those with a key are allowed with it, the others are denied", async () => {
    const people = demoPeople();
    const [{ n }] = (await queryRows<{ n: string }>(
      db,
      sql`select count(*) as n from org_members m join users u on u.id = m.user_id
          where m.org_id = ${acmeOrgId}::uuid and u.email in ${people.map((p) => p.email)}`,
    )) as [{ n: string }];
    expect(Number(n)).toBe(people.length);
    expect(new Set(people.map((p) => p.email)).size).toBe(people.length);

    for (const person of people) {
      const response = await authorizePost(
        new Request("http://gatehouse.test/api/v1/authorize", {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: JSON.stringify({
            apiKey: keys.get(person.keyName ?? "eng-prod-key"),
            user: { email: person.email },
            model: person.models[0]?.[0] ?? "gpt-4o",
          }),
        }),
      );
      const decision = await response.json();
      if (person.keyName) expect(decision, person.email).toMatchObject({ allow: true });
      else expect(decision, person.email).toMatchObject({ reason: "no_group_access" });
    }
  });

  it("reports the usage of every allowed request once, settling its reservation", async () => {
    const random = seededRandom(7);
    const simulator = createSimulator({
      url: "http://localhost:3000",
      token,
      keys,
      random: random.next,
      fetch: routed(),
    });
    const before = await simulatedEvents();
    for (let i = 0; i < 60; i++) await simulator.request();
    const flushed = await simulator.flush();
    expect(flushed).toEqual({ retrying: 0 });
    const { second, total } = simulator.take();
    expect(second.requests).toBe(60);
    expect(total.allowed).toBeGreaterThan(30);
    expect(total.allowed + [...total.denied.values()].reduce((a, b) => a + b, 0)).toBe(60);
    expect([...total.denied.keys()]).not.toContain("user_unknown");
    expect([...total.failed.keys()]).toEqual([]);
    expect(simulator.pending()).toBe(0);
    const after = await simulatedEvents();
    expect(after.events - before.events).toBe(total.allowed);
    expect(total.sent).toBe(total.allowed);
    expect(after.cost - before.cost).toBe(total.sentMicros);
    expect(after.open).toBe(0);
  });

  it("keeps the usage the console did not take, and sends it once when it answers again", async () => {
    let failing = true;
    const simulator = createSimulator({
      url: "http://localhost:3000",
      token,
      keys,
      random: seededRandom(11).next,
      fetch: routed((pathname) => (failing && pathname === "/api/v1/usage" ? 503 : null)),
    });
    const before = await simulatedEvents();
    for (let i = 0; i < 20; i++) await simulator.request();
    const allowed = simulator.take().total.allowed;
    expect(await simulator.flush()).toEqual({ retrying: allowed, error: "503" });
    expect(await simulator.flush()).toEqual({ retrying: allowed, error: "503" });
    expect((await simulatedEvents()).events).toBe(before.events);
    failing = false;
    expect(await simulator.flush()).toEqual({ retrying: 0 });
    expect(await simulator.flush()).toEqual({ retrying: 0 });
    expect((await simulatedEvents()).events).toBe(before.events + allowed);
    expect(simulator.take().total.sent).toBe(allowed);
  });

  it("takes its options from the command line, then the environment", () => {
    expect(parseCli([], {})).toEqual({
      url: "http://localhost:3000",
      rps: 5,
      duration: 0,
      token: null,
    });
    expect(
      parseCli(["--url", "http://console:8080", "--rps", "0.5", "--duration", "30"], {
        PORT: "4000",
        GATEHOUSE_GATEWAY_TOKEN: "ghg_env",
      }),
    ).toEqual({ url: "http://console:8080", rps: 0.5, duration: 30, token: "ghg_env" });
    expect(
      parseCli(["--token", "ghg_cli"], { PORT: "4000", GATEHOUSE_GATEWAY_TOKEN: "x" }),
    ).toEqual({ url: "http://localhost:4000", rps: 5, duration: 0, token: "ghg_cli" });
    expect(parseCli(["--help"], {})).toBe("help");
    expect(() => parseCli(["--rps", "0"], {})).toThrow(/--rps/);
    expect(() => parseCli(["--duration", "soon"], {})).toThrow(/--duration/);
    expect(() => parseCli(["--bogus"], {})).toThrow();
  });
});
