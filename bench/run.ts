import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import { connectPglite, connectPostgres } from "@/db/connect";
import { syncModelCatalogue } from "@/lib/models/sync";
import { buildIfStale } from "@/scripts/setup";
import { benchAnalytics } from "./analytics";
import { benchAuthorize } from "./authorize";
import { INTERACTION_TARGET_MS, benchBrowser } from "./browser";
import { writeBenchmarksSection } from "./benchmarks-md";
import { routeBundles } from "./bundle";
import { heaviestModules } from "./bundle-modules";
import { type BenchResults, consoleReport } from "./console-report";
import { benchDashboards, subjects } from "./dashboards";
import { LARGE_ORG_OWNER } from "./data/large-org";
import { createLargeOrgDatabase, megabytes } from "./data/large-org-database";
import { benchIngest } from "./ingest";
import { benchMemberships } from "./memberships";
import { benchPages } from "./pages";
import { withConsoleServer } from "./console-server";

// `npm run bench [-- --events 10000000] [--members 2000]`: each benchmark prints its figures and
// their ratio to a baseline measured in the same run (ratio = time / baseline time). On
// DATABASE_URL when set (into a scratch database beside it), else on an in-memory PGlite. On
// PostgreSQL it then builds the large organisation (bench:data, 1,000,000 events unless told)
// and measures the console's reads and pages on it. Then the First Load JS of every route (the
// build's). Writes bench/results/latest.json.
const { values } = parseArgs({
  options: {
    events: { type: "string", default: "1000000" },
    members: { type: "string", default: "2000" },
  },
});
const results: BenchResults = {
  at: new Date().toISOString(),
  machine: {
    cpu: os.cpus()[0]?.model,
    cores: os.cpus().length,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
  },
};
const base = process.env.DATABASE_URL;
let cleanup = async () => {};
let connection;
if (base) {
  const admin = (await import("postgres")).default(base, { max: 1, onnotice: () => {} });
  await admin.unsafe("drop database if exists gatehouse_bench with (force)");
  await admin.unsafe("create database gatehouse_bench");
  const url = new URL(base);
  url.pathname = "/gatehouse_bench";
  connection = await connectPostgres(url.toString());
  cleanup = async () => {
    await admin.unsafe("drop database if exists gatehouse_bench with (force)");
    await admin.end();
  };
} else {
  connection = await connectPglite();
}
await connection.migrate();
await syncModelCatalogue(connection.db);
const titles: Record<string, string> = {};
const print = (name: string, title: string, rows: object[]) => {
  console.log(`\n${title}`);
  console.table(rows);
  results[name] = rows;
  titles[name] = title;
};
print(
  "ingest",
  `usage ingestion (${connection.driver}), 10 batches of 1,000 events`,
  await benchIngest(connection),
);
print(
  "memberships",
  `groups and memberships (${connection.driver}), 10,000 members and 40 groups; p50/p95 of 5 runs; ratio: p95 / the bare INSERT's p95`,
  await benchMemberships(connection),
);
// The bulk case just wrote 60,000 rows: let the planner see them before the next cases, as
// autovacuum would within a minute (without it the demo's Spend page reads took 15× longer).
await connection.db.execute(sql`analyze`);
print(
  "authorize",
  `authorize (${connection.driver}), 2,000 members in 40 groups, 2,000 calls per case (ratio: time / baseline time)`,
  await benchAuthorize(connection),
);
print(
  "analytics",
  `spend analytics (${connection.driver}), the demo organisation, median of 20 runs`,
  await benchAnalytics(connection),
);
await connection.close();
await cleanup();

if (base) {
  const org = await createLargeOrgDatabase(base, {
    events: Number(values.events),
    members: Number(values.members),
  });
  results.largeOrg = org;
  const large = await connectPostgres(org.url);
  const { groupId } = await subjects(large.db, org.orgId);
  print(
    "dashboards",
    `the console's reads on a large organisation: ${org.members.toLocaleString("en")} members, ` +
      `${org.events.toLocaleString("en")} events over 12 months (events ${megabytes(org.bytes.events)}, ` +
      `rollups ${megabytes(org.bytes.rollups)}); p50/p95 of 20 runs; ratio: p95 / the raw GROUP BY's p95`,
    await benchDashboards(large.db, org.orgId),
  );
  await large.close();
  const { pages, browser } = await withConsoleServer(org.url, async (url) => ({
    pages: await benchPages(url, LARGE_ORG_OWNER, [
      "/spend",
      `/groups/${groupId}?tab=spend`,
      "/groups",
      "/members",
      "/groups/board",
    ]),
    browser: await benchBrowser(url, LARGE_ORG_OWNER, org.members),
  }));
  print(
    "pages",
    "the same pages over HTTP, signed in (a production server on that database): full HTML, " +
      "p50/p95 of 20 fetches; ratio: p95 / the login page's p95",
    pages,
  );
  print(
    "browser",
    `in Chromium on that organisation: time to interactive and interaction latency (Event Timing, ` +
      `longest event of each interaction; 16 means at most 16), p50/p95 of 7; ratios: p95 / the ` +
      `baseline's p95 and p95 / the ${INTERACTION_TARGET_MS} ms target`,
    browser,
  );
}

buildIfStale();
const bundles = routeBundles();
const heaviest = heaviestModules(bundles.filter((b) => b.overBudget).map((b) => b.route));
print(
  "bundle",
  "First Load JS of every page route, gzipped, from the build's manifests (budget 170 kB); over " +
    "it, what the route adds to the framework, heaviest first (next analyze)",
  bundles.map((b) => ({ ...b, heaviest: heaviest.get(b.route)?.join(", ") ?? "" })),
);
mkdirSync("bench/results", { recursive: true });
writeFileSync("bench/results/latest.json", `${JSON.stringify(results, null, 2)}\n`);
writeBenchmarksSection("console", consoleReport(results, titles));
console.log("\nwrote bench/results/latest.json and BENCHMARKS.md");
