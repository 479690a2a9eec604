import { spawn, spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";
import { findChromium } from "@/e2e/chromium";
import {
  buildIfStale,
  ensureAuthSecret,
  loadEnvironment,
  openDatabase,
  productionServerArgs,
  say,
  seed,
} from "./setup";

// `npm run test:e2e`: the Playwright suite against a production build, on a fresh database of
// its own (a new PostgreSQL database beside DATABASE_URL, or a fresh embedded data folder),
// seeded with the demo organisations. Extra arguments go to `playwright test`.

loadEnvironment();
// Without a browser the journeys cannot run: say what to install, once, before building anything.
const browser = findChromium();
if ("missing" in browser) {
  console.error(`[gatehouse] ${browser.missing}`);
  process.exit(1);
}
const port = process.env.E2E_PORT || "3100";
const base = process.env.DATABASE_URL;
if (base) {
  const url = new URL(base);
  const admin = (await import("postgres")).default(base, { max: 1, onnotice: () => {} });
  await admin.unsafe("drop database if exists gatehouse_e2e with (force)");
  await admin.unsafe("create database gatehouse_e2e");
  await admin.end();
  url.pathname = "/gatehouse_e2e";
  process.env.DATABASE_URL = url.toString();
  say("e2e on PostgreSQL, database gatehouse_e2e");
} else {
  process.env.GATEHOUSE_DATA_DIR = path.resolve(".data-e2e");
  rmSync(process.env.GATEHOUSE_DATA_DIR, { recursive: true, force: true });
  say("e2e on the embedded database, in .data-e2e");
}
ensureAuthSecret();
buildIfStale();

const connection = await openDatabase();
await seed(connection);
await connection.close();

// Served as in production: server.ts.
const server = spawn(process.execPath, productionServerArgs, {
  stdio: ["ignore", "inherit", "inherit"],
  env: {
    ...process.env,
    PORT: port,
    NEXT_TELEMETRY_DISABLED: "1",
    GATEHOUSE_WEBHOOKS_ALLOW_PRIVATE: "1",
  },
});
const stop = () => server.kill("SIGTERM");
process.on("SIGINT", stop);
process.on("exit", stop);

const baseUrl = `http://localhost:${port}`;
let healthy = false;
for (let attempt = 0; attempt < 120 && !healthy; attempt++) {
  await new Promise((r) => setTimeout(r, 500));
  healthy = await fetch(`${baseUrl}/api/health`).then(
    (r) => r.ok,
    () => false,
  );
}
if (!healthy) {
  say("the server did not become healthy within a minute");
  process.exit(1);
}

const result = spawnSync(
  process.execPath,
  [path.resolve("node_modules/@playwright/test/cli.js"), "test", ...process.argv.slice(2)],
  {
    stdio: "inherit",
    env: { ...process.env, E2E_BASE_URL: baseUrl, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: "1" },
  },
);
stop();
process.exit(result.status ?? 1);
