import { spawn } from "node:child_process";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import { connectPostgres } from "@/db/connect";
import { queryRows } from "@/db/rows";
import { syncModelCatalogue } from "@/lib/models/sync";
import {
  ensureAuthSecret,
  loadEnvironment,
  productionServerArgs,
  buildIfStale,
} from "@/scripts/setup";
import { LARGE_ORG_OWNER, seedLargeOrg } from "./data/large-org";

// `npm run bench:data [-- --events 1000000] [--members 2000] [--serve]`: a large organisation
// (bench/data/large-org.ts) in a scratch PostgreSQL database beside DATABASE_URL
// (gatehouse_bench_data, recreated), its usage stored by the ingestion code. `--serve` then
// starts the console on it (PORT, default 3000), to look at the big organisation in a browser.

loadEnvironment();
const { values } = parseArgs({
  options: {
    events: { type: "string", default: "1000000" },
    members: { type: "string", default: "2000" },
    serve: { type: "boolean", default: false },
  },
});
const events = Number(values.events);
const members = Number(values.members);
if (!Number.isSafeInteger(events) || events < 0 || !Number.isSafeInteger(members) || members < 1) {
  console.error("bench:data: --events and --members take whole numbers (--events 1000000)");
  process.exit(2);
}
const base = process.env.DATABASE_URL;
if (!base) {
  console.error(
    "bench:data needs PostgreSQL: set DATABASE_URL (postgres://postgres@127.0.0.1:5432/postgres)",
  );
  process.exit(2);
}
const admin = (await import("postgres")).default(base, { max: 1, onnotice: () => {} });
await admin.unsafe("drop database if exists gatehouse_bench_data with (force)");
await admin.unsafe("create database gatehouse_bench_data");
await admin.end();
const url = new URL(base);
url.pathname = "/gatehouse_bench_data";

const connection = await connectPostgres(url.toString());
await connection.migrate();
await syncModelCatalogue(connection.db);
const started = performance.now();
let reported = 0;
const org = await seedLargeOrg(connection.db, {
  events,
  members,
  onProgress: (stored) => {
    if (stored - reported < 100_000 && stored < events) return;
    reported = stored;
    const seconds = (performance.now() - started) / 1_000;
    console.log(
      `${stored.toLocaleString("en")} events, ${Math.round(stored / seconds).toLocaleString("en")} a second`,
    );
  },
});
const seconds = (performance.now() - started) / 1_000;
await connection.db.execute(sql`analyze`);
const [size] = await queryRows<{ events: string; rollups: string }>(
  connection.db,
  sql`select pg_size_pretty(pg_total_relation_size('usage_events') + coalesce((select sum(pg_total_relation_size(i.inhrelid)) from pg_inherits i where i.inhparent = 'usage_events'::regclass), 0)) as events,
    pg_size_pretty(pg_total_relation_size('usage_daily_member') + pg_total_relation_size('usage_daily_group') + pg_total_relation_size('usage_daily_feature')) as rollups`,
);
await connection.close();
console.log(
  `\n${org.members.toLocaleString("en")} members, ${org.events.toLocaleString("en")} events in ${seconds.toFixed(1)} s ` +
    `(${Math.round(org.events / seconds).toLocaleString("en")} a second); events ${size!.events}, rollups ${size!.rollups}; database gatehouse_bench_data`,
);

if (values.serve) {
  ensureAuthSecret();
  buildIfStale();
  const port = process.env.PORT || "3000";
  console.log(
    `\nserving on http://localhost:${port}: sign in as ${LARGE_ORG_OWNER.email} / ${LARGE_ORG_OWNER.password}`,
  );
  const server = spawn(process.execPath, productionServerArgs, {
    stdio: "inherit",
    env: { ...process.env, DATABASE_URL: url.toString(), PORT: port, NEXT_TELEMETRY_DISABLED: "1" },
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const)
    process.on(signal, () => server.kill(signal));
  server.on("exit", (code) => process.exit(code ?? 0));
} else process.exit(0);
