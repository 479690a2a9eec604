import { spawn } from "node:child_process";
import path from "node:path";
import { DEMO_ADMIN, DEMO_MEMBER, DEMO_OTHER_ORG_ADMIN } from "@/db/seed/demo-credentials";
import { readDemoGatewayToken } from "@/db/seed/demo-secrets";
import {
  buildIfStale,
  dataDir,
  demoSecretsDir,
  ensureAuthSecret,
  hasDemoAdmin,
  isEmpty,
  loadEnvironment,
  lockDataDir,
  nextBin,
  openDatabase,
  productionServerArgs,
  say,
  seed,
} from "./setup";

// `npm start`: build when the sources are newer than the build, migrate, seed the embedded
// demo when its database is empty, then serve with server.ts (Next.js behind the gateway API's
// lean path; `npm run dev`: `next dev`). The server opens the
// database itself once this process has closed it (PGlite: one process at a time).

const started = Date.now();
loadEnvironment();
const port = process.env.PORT || "3000";
const embedded = !process.env.DATABASE_URL;
// `npm run dev`: the same preparation, then `next dev` instead of a production build.
const dev = process.argv.includes("--dev");

const unlock = lockDataDir();
process.on("exit", unlock);
ensureAuthSecret();

if (!dev) buildIfStale();

say(
  embedded
    ? `opening the embedded database in ${path.relative(process.cwd(), dataDir()) || "."}`
    : "connecting to PostgreSQL (DATABASE_URL)",
);
const connection = await openDatabase().catch((error: unknown) => {
  say(`cannot open the database: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
// The first seed also keeps a gateway token and the demo keys for `npm run simulate`.
if (embedded && (await isEmpty(connection))) await seed(connection, { keepSecrets: true });
const demo = await hasDemoAdmin(connection);
await connection.close();

say(`starting on http://localhost:${port}`);
const server = spawn(process.execPath, dev ? [nextBin, "dev", "-p", port] : productionServerArgs, {
  stdio: "inherit",
  env: { ...process.env, PORT: port, NEXT_TELEMETRY_DISABLED: "1" },
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.kill(signal));
server.on("exit", (code) => {
  unlock();
  process.exit(code ?? 0);
});

// Open the database in the server before the first visitor does, and say when it is ready.
for (let attempt = 0; attempt < 120; attempt++) {
  await new Promise((r) => setTimeout(r, 500));
  const ok = await fetch(`http://localhost:${port}/api/health`).then(
    (r) => r.ok,
    () => false,
  );
  if (ok) {
    say(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s: http://localhost:${port}`);
    if (demo) {
      say(
        `demo admin:  ${DEMO_ADMIN.email} / ${DEMO_ADMIN.password}  (owner of Acme, admin of Globex)`,
      );
      say(`demo member: ${DEMO_MEMBER.email} / ${DEMO_MEMBER.password}  (read-only, Acme)`);
      say(
        `other org:   ${DEMO_OTHER_ORG_ADMIN.email} / ${DEMO_OTHER_ORG_ADMIN.password}  (owner of Globex)`,
      );
      if (readDemoGatewayToken(demoSecretsDir())) say("simulate traffic: npm run simulate");
    }
    break;
  }
}
