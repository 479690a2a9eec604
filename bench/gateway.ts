import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { type Connection, connectPglite, connectPostgres, embeddedDatabaseDir } from "@/db/connect";
import { queryRows } from "@/db/rows";
import { syncModelCatalogue } from "@/lib/models/sync";
import { ensureCurrentUsagePartitions } from "@/lib/spend/partitions";
import { productionServerArgs } from "@/scripts/setup";
import {
  BUDGETED,
  CONTRACTORS,
  RATE_LIMITED,
  WINDOWED,
  type GatewayFixture,
  emailOf,
  seedGatewayFixture,
} from "./gateway/fixture";
import { markdownTable, writeBenchmarksSection } from "./benchmarks-md";
import type { LoadCase, LoadFigures } from "./gateway/load";

// `npm run bench:gateway`: the gateway API over HTTP, end to end. A production server (server.ts,
// the build of `npm run build`) on PostgreSQL (DATABASE_URL, into a scratch database beside it)
// and one on the embedded database (a scratch data folder), and a bare node:http server answering
// a constant JSON, each driven by the same load generator (autocannon, a process of its own)
// after a warm-up, one after another. Ratios are to the bare server's figure at the same number of
// connections in this run. Usage ingestion is also compared with a plain multi-row INSERT of the
// same rows into a table without rollups, in the same database. Writes bench/results/gateway.json
// and the table in BENCHMARKS.md. `--cpu-prof` writes the servers' CPU profiles to
// bench/results/profiles. A benchmark, not a test: it asserts nothing.

const CONNECTIONS = [1, 10, 50];
const USAGE_CALLERS = [1, 4];
const SECONDS = Number(process.env.BENCH_SECONDS || 8);
const WARM_UP_SECONDS = 3;
const BATCH = 1_000;
const PORTS = { bare: 4101, postgres: 4102, embedded: 4103 };
const profile = process.argv.includes("--cpu-prof");
// BENCH_SERVER_DIR=<checkout>: serve with `next start` from another checkout (an earlier commit,
// built there), to measure before and after with the same harness; written to gateway-before.json.
const otherCheckout = process.env.BENCH_SERVER_DIR
  ? path.resolve(process.env.BENCH_SERVER_DIR)
  : null;
const resultsDir = path.resolve("bench/results");
// BENCH_CASES=<text>: only the authorize cases whose name contains it, on each database, for a
// quick before and after; prints the figures and writes no results.
const caseFilter = process.env.BENCH_CASES;

interface Row extends LoadFigures {
  database: "none" | "postgres" | "embedded";
  case: string;
  connections: number;
  ratioToBare: number | null;
  eventsPerSecond?: number;
}

const rows: Row[] = [];
const bare = new Map<number, number>();

function load(spec: LoadCase): LoadFigures {
  const output = execFileSync(
    process.execPath,
    ["--import", "tsx", path.resolve("bench/gateway/load.ts"), JSON.stringify(spec)],
    { encoding: "utf8", maxBuffer: 1 << 20 },
  );
  return JSON.parse(output.trim().split("\n").at(-1)!) as LoadFigures;
}

function start(args: string[], env: Record<string, string>, cwd?: string): ChildProcess {
  const child = spawn(process.execPath, args, {
    cwd,
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...env },
  });
  process.once("exit", () => child.kill("SIGKILL"));
  return child;
}

async function stop(child: ChildProcess) {
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

async function waitFor(url: string) {
  for (let i = 0; i < 240; i++) {
    const up = await fetch(url, { method: "POST", body: "{}" }).then(
      (r) => r.status < 500,
      () => false,
    );
    if (up) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not come up`);
}

// Appended to the case names of a run (the Redis-backed one).
let caseSuffix = "";

function record(database: Row["database"], caseName: string, connections: number, f: LoadFigures) {
  const name = `${caseName}${caseSuffix}`;
  const base = bare.get(connections);
  const row: Row = {
    database,
    case: name,
    connections,
    ...f,
    ratioToBare: base && database !== "none" ? +(f.requestsPerSecond / base).toFixed(3) : null,
  };
  if (name.startsWith("usage")) {
    row.eventsPerSecond = Math.round(((f.ok * BATCH) / SECONDS) * 10) / 10;
    row.ratioToBare = null;
  }
  rows.push(row);
  console.log(
    `${database.padEnd(9)} ${name.padEnd(44)} c=${String(connections).padStart(2)}  ${f.requestsPerSecond} req/s` +
      (row.eventsPerSecond ? ` (${row.eventsPerSecond} events/s)` : "") +
      `  p50 ${f.p50Ms} ms  p99 ${f.p99Ms} ms  errors ${f.errors}  non-2xx ${f.non2xx}` +
      (row.ratioToBare !== null ? `  ratio ${row.ratioToBare}` : ""),
  );
}

function gatewayCases(url: string, fixture: GatewayFixture) {
  const people = (kind: "p" | "c" | "b" | "r" | "w", count: number) =>
    Array.from({ length: count }, (_, i) => emailOf(fixture.slug, kind, i));
  const authorize = `${url}/api/v1/authorize`;
  return [
    {
      name: "authorize: allowed, no limit applies",
      spec: { url: authorize, authorize: { apiKey: fixture.openKey, emails: people("p", 2_000) } },
    },
    {
      name: "authorize: denied, no_group_access",
      spec: {
        url: authorize,
        authorize: { apiKey: fixture.openKey, emails: people("c", CONTRACTORS) },
      },
    },
    {
      name: "authorize: allowed, reserving against a hard budget",
      spec: {
        url: authorize,
        authorize: {
          apiKey: fixture.budgetedKey,
          emails: people("b", BUDGETED),
          estimatedCostMicros: 1_000,
        },
      },
    },
    {
      name: "authorize: allowed, reserving against 2 hard budget windows",
      spec: {
        url: authorize,
        authorize: {
          apiKey: fixture.windowedKey,
          emails: people("w", WINDOWED),
          estimatedCostMicros: 1_000,
        },
      },
    },
    {
      name: "authorize: allowed, counted against 3 rate limits",
      spec: {
        url: authorize,
        authorize: { apiKey: fixture.limitedKey, emails: people("r", RATE_LIMITED) },
      },
    },
  ];
}

async function measureServer(
  database: "postgres" | "embedded",
  fixture: GatewayFixture,
  env: Record<string, string>,
  port: number,
  only: ((caseName: string) => boolean) | undefined = caseFilter
    ? (name) => name.includes(caseFilter)
    : undefined,
) {
  const profileArgs = profile
    ? ["--cpu-prof", `--cpu-prof-dir=${path.join(resultsDir, "profiles", database)}`]
    : [];
  const serve = otherCheckout
    ? [path.join(otherCheckout, "node_modules/next/dist/bin/next"), "start", "-p", String(port)]
    : productionServerArgs;
  const server = start(
    [...profileArgs, ...serve],
    { ...env, PORT: String(port) },
    otherCheckout ?? undefined,
  );
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/api/v1/authorize`);
  for (const { name, spec } of gatewayCases(url, fixture).filter((c) => !only || only(c.name))) {
    load({ ...spec, token: fixture.token, connections: 10, seconds: WARM_UP_SECONDS });
    for (const connections of CONNECTIONS)
      record(
        database,
        name,
        connections,
        load({ ...spec, token: fixture.token, connections, seconds: SECONDS }),
      );
  }
  if (only) return void (await stop(server));
  const usage = {
    url: `${url}/api/v1/usage`,
    token: fixture.token,
    usage: { keyId: fixture.openKeyId, memberIds: fixture.memberIds, batch: BATCH },
  };
  load({ ...usage, connections: 1, seconds: WARM_UP_SECONDS });
  for (const callers of USAGE_CALLERS)
    record(
      database,
      "usage: batches of 1,000 events",
      callers,
      load({ ...usage, connections: callers, seconds: SECONDS }),
    );
  await stop(server);
}

/** The same rows as a usage batch, by one multi-row INSERT into a table without rollups. */
async function plainInsert(
  connection: Connection,
  fixture: GatewayFixture,
  database: Row["database"],
) {
  const { db } = connection;
  await db.execute(
    sql`create table if not exists bench_plain_events (like usage_events including defaults)`,
  );
  for (const callers of USAGE_CALLERS) {
    let batches = 0;
    const deadline = performance.now() + SECONDS * 1_000;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: callers }, async (_, caller) => {
        while (performance.now() < deadline) {
          const b = batches++;
          const occurredAt = new Date().toISOString();
          const events = Array.from({ length: BATCH }, (_, i) => ({
            eventId: `plain-${caller}-${b}-${i}`,
            occurredAt,
            memberId: fixture.memberIds[(b * BATCH + i) % fixture.memberIds.length],
            keyId: fixture.openKeyId,
            model: i % 2 ? "gpt-4o" : "claude-sonnet-4-5",
            features: ["streaming"],
            inputTokens: 1_000 + i,
            outputTokens: 300,
            costMicros: 1_234,
          }));
          await db.execute(sql`
            insert into bench_plain_events (org_id, event_id, occurred_at, member_id, key_id, model, provider,
              features, input_tokens, output_tokens, cached_tokens, cost_micros)
            values ${sql.join(
              events.map(
                (e) =>
                  sql`(${fixture.orgId}::uuid, ${e.eventId}, ${e.occurredAt}::timestamptz,
                    ${e.memberId}::uuid, ${e.keyId}::uuid, ${e.model}, 'openai', '{streaming}'::text[],
                    ${e.inputTokens}, ${e.outputTokens}, 0, ${e.costMicros})`,
              ),
              sql`, `,
            )}`);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1_000;
    const eventsPerSecond = Math.round(((batches * BATCH) / seconds) * 10) / 10;
    rows.push({
      database,
      case: "plain multi-row INSERT, no rollups (baseline)",
      connections: callers,
      requestsPerSecond: Math.round((batches / seconds) * 10) / 10,
      p50Ms: 0,
      p99Ms: 0,
      ok: batches,
      errors: 0,
      non2xx: 0,
      ratioToBare: null,
      eventsPerSecond,
    });
    console.log(
      `${database.padEnd(9)} plain multi-row INSERT of 1,000 rows, ${callers} caller(s): ${eventsPerSecond} events/s`,
    );
  }
}

async function prepare(connection: Connection) {
  await connection.migrate();
  await syncModelCatalogue(connection.db);
  // As a server does at start: the fixture's usage then lands in its month's partition, and no
  // partition move of the server's background sweep waits for locks during the measurements.
  await ensureCurrentUsagePartitions(connection.db);
  const fixture = await seedGatewayFixture(connection.db);
  // A fresh database has no statistics yet (autovacuum analyses it later; PGlite never does):
  // the ingest statement's plan depends on them, and a long-running database has them.
  await connection.db.execute(sql`analyze`);
  return fixture;
}

mkdirSync(resultsDir, { recursive: true });
const machine = {
  cpu: os.cpus()[0]?.model ?? "unknown",
  cores: os.cpus().length,
  memoryGb: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
  os: `${os.type()} ${os.release()}`,
  loadGenerator: "autocannon 8.0.0 (a separate process)",
  secondsPerRun: SECONDS,
};
console.log(`machine: ${JSON.stringify(machine)}`);

const bareServer = start(["--import", "tsx", path.resolve("bench/gateway/bare.ts")], {
  PORT: String(PORTS.bare),
});
await waitFor(`http://127.0.0.1:${PORTS.bare}/`);
load({ url: `http://127.0.0.1:${PORTS.bare}/`, connections: 10, seconds: WARM_UP_SECONDS });
for (const connections of CONNECTIONS) {
  const f = load({ url: `http://127.0.0.1:${PORTS.bare}/`, connections, seconds: SECONDS });
  bare.set(connections, f.requestsPerSecond);
  record("none", "bare node:http, constant JSON (baseline)", connections, f);
}
await stop(bareServer);

const base = process.env.DATABASE_URL;
let postgresVersion: string | null = null;
if (base) {
  const admin = (await import("postgres")).default(base, { max: 1, onnotice: () => {} });
  await admin.unsafe("drop database if exists gatehouse_bench_gateway with (force)");
  await admin.unsafe("create database gatehouse_bench_gateway");
  const url = new URL(base);
  url.pathname = "/gatehouse_bench_gateway";
  const connection = await connectPostgres(url.toString());
  const fixture = await prepare(connection);
  postgresVersion =
    (await queryRows<{ version: string }>(connection.db, sql`select version()`))[0]?.version ??
    null;
  await plainInsert(connection, fixture, "postgres");
  await connection.close();
  await measureServer("postgres", fixture, { DATABASE_URL: url.toString() }, PORTS.postgres);
  // The same rate-limited case with the counters in Redis (the machine's, on 127.0.0.1).
  const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379/14";
  caseSuffix = " (counters in Redis)";
  await measureServer(
    "postgres",
    fixture,
    { DATABASE_URL: url.toString(), REDIS_URL: redisUrl },
    PORTS.postgres,
    (name) => name.includes("rate limits"),
  );
  caseSuffix = "";
  await admin.unsafe("drop database if exists gatehouse_bench_gateway with (force)");
  await admin.end();
} else {
  console.log("DATABASE_URL is not set: PostgreSQL skipped");
}

const dataDir = path.resolve(".data-bench");
rmSync(dataDir, { recursive: true, force: true });
const embedded = await connectPglite(embeddedDatabaseDir(dataDir));
const fixture = await prepare(embedded);
await plainInsert(embedded, fixture, "embedded");
await embedded.close();
await measureServer(
  "embedded",
  fixture,
  { DATABASE_URL: "", GATEHOUSE_DATA_DIR: dataDir, AUTH_SECRET: "bench-".padEnd(40, "x") },
  PORTS.embedded,
);
rmSync(dataDir, { recursive: true, force: true });

if (caseFilter) process.exit(0);
const at = new Date().toISOString();
const results = {
  at,
  server: otherCheckout ?? "server.ts",
  machine: { ...machine, postgres: postgresVersion },
  rows,
};
writeFileSync(
  path.join(resultsDir, otherCheckout ? "gateway-before.json" : "gateway.json"),
  `${JSON.stringify(results, null, 2)}\n`,
);
if (otherCheckout) {
  console.log(`\nwrote ${path.relative(process.cwd(), resultsDir)}/gateway-before.json`);
  process.exit(0);
}
const tableOf = (of: Row[]) =>
  markdownTable(
    of.map((r) => ({
      database: r.database,
      case: r.case,
      connections: r.connections,
      "req/s": r.requestsPerSecond,
      "events/s": r.eventsPerSecond,
      "p50 ms": r.p50Ms || null,
      "p99 ms": r.p99Ms || null,
      "ratio to bare": r.ratioToBare,
      errors: r.errors,
      "non-2xx": r.non2xx,
    })),
  );
const table = tableOf(rows);
const beforeFile = path.join(resultsDir, "gateway-before.json");
const before = existsSync(beforeFile)
  ? (JSON.parse(readFileSync(beforeFile, "utf8")) as { at: string; server: string; rows: Row[] })
  : null;
writeBenchmarksSection(
  "gateway",
  `## Gateway API over HTTP (\`npm run bench:gateway\`)

Run ${at} on ${machine.cores} × ${machine.cpu}, ${machine.memoryGb} GB, ${machine.os}, Node ${machine.node}, ${postgresVersion ?? "no PostgreSQL"}.
Load generator: ${machine.loadGenerator}, ${SECONDS} s per run after a ${WARM_UP_SECONDS} s warm-up per case. The ratio is
the server's req/s over the bare node:http server's at the same number of connections, in the
same run; usage rows count events per second of 2xx answers (1,000 events per request), and
the plain INSERT rows are the same events inserted by one multi-row statement each into a
table without rollups, from the benchmark's own process (no HTTP). Figures in
bench/results/gateway.json. The machine's two cores are shared by the servers, the load
generator (which takes one of them) and PostgreSQL, and by whatever else runs on it: compare
figures of one run, not of two.

What limits each path (profiles: \`npm run bench:gateway -- --cpu-prof\`, and PostgreSQL's
statement log and auto_explain):

- authorize without a reservation (allowed or denied): decided from memory, no database round
  trip. About a third of the server's CPU is the kernel's: the response's writev (a profile
  item of ~20 µs a request once the server, not the load generator, is the slower side: a bare
  server given 25 µs of busy work per request spends as much in it). The rest is node:http's
  parsing and headers, the zod parse of the body, the checks, and two secret checks (CRC-32 and
  SHA-256, native). The bare server is bound by the load generator, not by itself.
- authorize with a reservation: one transaction per batch of the requests that queued while the
  previous one ran, one batch at a time per organisation and instance: BEGIN, lock the budget's
  rows, read the month's spend and what budget_holds holds and release what was settled or
  expired (one statement), insert the reservations and move the holds (one statement), COMMIT.
  A batch's cost barely grows with its size or with the open reservations (the benchmark never
  settles any: thousands pile up within a run), so at 50 connections most of a request's time is
  waiting for the batch in flight and then its own; with the embedded database a batch runs on
  the server's only thread, between the requests it answers.
- usage: bound by PostgreSQL's work per event (~60 µs in one backend, statement log): claim the
  id, insert the event, and upsert a row per day, member, key and model into the member rollup
  and into the group rollup of each of the member's groups and their ancestors (3,000 rows for
  1,000 events of members two levels below the root), plus the feature rollup. Batches of one
  organisation that arrive together share a transaction (two at a time); a plain INSERT of the
  same events without rollups is the floor it is compared with. Budget windows add a rollup per
  quarter of an hour of each event's member, key and groups, and a lookup of the windows (and of
  tokens-a-minute limits) that the new spend may alert or count against.
- authorize against budget windows: a reservation as above, whose one read also sums the
  window's quarter-hours (a day of them, and 7 days', here) for the group.
- authorize counted against rate limits: on PostgreSQL, one statement per batch of the requests
  that queued while the previous batch ran (gatehouse_rate_take: advisory locks on the counters,
  each counter read and written once, an asynchronous commit), one batch at a time per
  organisation and instance; with Redis, one script per request.

${table}
${
  before
    ? `
### Before: \`next start\` of the earlier checkout, same harness (BENCH_SERVER_DIR=${path.basename(before.server)}, run ${before.at})

${tableOf(before.rows)}
`
    : ""
}`,
);
console.log(`\nwrote ${path.relative(process.cwd(), resultsDir)}/gateway.json and BENCHMARKS.md`);
process.exit(0);
