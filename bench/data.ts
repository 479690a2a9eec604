import { spawn } from "node:child_process";
import { parseArgs } from "node:util";
import {
  ensureAuthSecret,
  loadEnvironment,
  productionServerArgs,
  buildIfStale,
} from "@/scripts/setup";
import { connectPostgres } from "@/db/connect";
import { benchDashboards } from "./dashboards";
import { LARGE_ORG_OWNER } from "./data/large-org";
import { LARGE_ORG_DATABASE, createLargeOrgDatabase, megabytes } from "./data/large-org-database";

// `npm run bench:data [-- --events 1000000] [--members 2000] [--dashboards] [--serve]`: a large organisation
// (bench/data/large-org.ts) in a scratch PostgreSQL database beside DATABASE_URL
// (gatehouse_bench_data, recreated: bench/data/large-org-database.ts), its usage stored by the ingestion code. `--serve` then
// starts the console on it (PORT, default 3000), to look at the big organisation in a browser;
// `--dashboards` measures the console's reads on it (bench/dashboards.ts, as `npm run bench`
// does on its 1 M events), so the 10 M-event scale is one command.

loadEnvironment();
const { values } = parseArgs({
  options: {
    events: { type: "string", default: "1000000" },
    members: { type: "string", default: "2000" },
    serve: { type: "boolean", default: false },
    dashboards: { type: "boolean", default: false },
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
const org = await createLargeOrgDatabase(base, { events, members });
const url = org.url;
console.log(
  `\n${org.members.toLocaleString("en")} members, ${org.events.toLocaleString("en")} events in ${org.seconds.toFixed(1)} s ` +
    `(${Math.round(org.events / org.seconds).toLocaleString("en")} a second); events ${megabytes(org.bytes.events)}, ` +
    `rollups ${megabytes(org.bytes.rollups)}; database ${LARGE_ORG_DATABASE}`,
);

if (values.dashboards) {
  const large = await connectPostgres(url.toString());
  console.log(
    "\nthe console's reads on it: p50/p95 of 20 runs; ratio: p95 / the raw GROUP BY's p95",
  );
  console.table(await benchDashboards(large.db, org.orgId));
  await large.close();
}

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
