import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import nextEnv from "@next/env";
import { count, eq } from "drizzle-orm";
import { type Connection, connectPglite, connectPostgres, embeddedDatabaseDir } from "@/db/connect";
import { orgs, users } from "@/db/schema";
import { DEMO_ADMIN } from "@/db/seed/demo-credentials";
import { seedDemo } from "@/db/seed/demo";
import { demoSecretsDirFor, keepDemoSecrets } from "@/db/seed/demo-secrets";
import { syncModelCatalogue } from "@/lib/models/sync";

// Shared by `npm start`, the db:* scripts and the e2e runner: the same environment files as
// Next.js reads, the secret for the embedded demo, and the database opened for maintenance.

export function loadEnvironment(): void {
  nextEnv.loadEnvConfig(process.cwd(), false, { info: () => {}, error: console.error });
}

export function dataDir(): string {
  return path.resolve(process.env.GATEHOUSE_DATA_DIR || "./.data");
}

/** Where this database's demo secrets are kept (db/seed/demo-secrets.ts). */
export const demoSecretsDir = () => demoSecretsDirFor(dataDir(), process.env.DATABASE_URL);

export const say = (message: string) => console.log(`[gatehouse] ${message}`);

/** Uses AUTH_SECRET when set; otherwise keeps a generated one beside the data. */
export function ensureAuthSecret(): void {
  if (process.env.AUTH_SECRET) return;
  const file = path.join(dataDir(), "auth-secret");
  if (!existsSync(file)) {
    mkdirSync(dataDir(), { recursive: true });
    writeFileSync(file, randomBytes(32).toString("base64url"), { mode: 0o600 });
    say(`generated AUTH_SECRET, kept in ${path.relative(process.cwd(), file)}`);
  }
  process.env.AUTH_SECRET = readFileSync(file, "utf8").trim();
  if (process.env.DATABASE_URL) {
    say(
      "AUTH_SECRET is not set: using the generated one. Set AUTH_SECRET when running more than one instance.",
    );
  }
}

// PGlite has no file lock: two processes on one data folder silently diverge. The process that
// opens it writes its pid here, and others refuse while that process lives.
export function lockDataDir(): () => void {
  if (process.env.DATABASE_URL) return () => {};
  mkdirSync(dataDir(), { recursive: true });
  const file = path.join(dataDir(), "gatehouse.pid");
  if (existsSync(file)) {
    const pid = Number(readFileSync(file, "utf8"));
    if (pid && pid !== process.pid && isAlive(pid)) {
      throw new Error(
        `Another Gatehouse process (pid ${pid}) is using ${dataDir()}. Stop it first, or set GATEHOUSE_DATA_DIR to another folder.`,
      );
    }
  }
  writeFileSync(file, String(process.pid));
  return () => rmSync(file, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function openDatabase(): Promise<Connection> {
  const url = process.env.DATABASE_URL;
  const connection = url
    ? await connectPostgres(url, { max: 4 })
    : await connectPglite(embeddedDatabaseDir(dataDir()));
  await connection.migrate();
  await syncModelCatalogue(connection.db);
  return connection;
}

export async function isEmpty(connection: Connection): Promise<boolean> {
  const [row] = await connection.db.select({ n: count() }).from(orgs);
  return (row?.n ?? 0) === 0;
}

/**
 * Seeds the demo. With `keepSecrets` (npm start, db:seed, db:reset; not e2e, whose database is
 * not the one the console serves), also creates Acme's gateway token for `npm run simulate` and
 * keeps it, with the demo keys' secrets, in the data folder, readable by its owner only.
 */
export async function seed(
  connection: Connection,
  options: { keepSecrets?: boolean } = {},
): Promise<void> {
  const started = Date.now();
  const result = await seedDemo(connection.db, { log: (message) => say(`seeding: ${message}`) });
  say(
    `seeded Acme and Globex: ${result.members} people, ${result.events.toLocaleString("en-US")} usage events in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  if (options.keepSecrets) {
    await keepDemoSecrets(connection.db, demoSecretsDir(), result);
    say(
      `kept a gateway token and the demo keys for npm run simulate in ${path.relative(process.cwd(), demoSecretsDir()) || "."} (owner-only)`,
    );
  }
}

export async function hasDemoAdmin(connection: Connection): Promise<boolean> {
  const [row] = await connection.db
    .select({ id: users.id })
    .from(users)
    .where(eq(users.email, DEMO_ADMIN.email));
  return Boolean(row);
}

export const nextBin = path.resolve("node_modules/next/dist/bin/next");

/**
 * Node's arguments for the production server (server.ts: the gateway API's lean path in front of
 * Next.js) on the port in its environment's PORT.
 */
export const productionServerArgs = ["--import", "tsx", path.resolve("server.ts")];

const buildInputs = [
  "app",
  "components",
  "lib",
  "db",
  "instrumentation.ts",
  "proxy.ts",
  "types",
  "next.config.ts",
  "package-lock.json",
  "postcss.config.mjs",
  "tsconfig.json",
];

/** Runs `next build` when there is no build or a source is newer than it. */
export function buildIfStale(): void {
  const buildId = path.resolve(".next/BUILD_ID");
  if (existsSync(buildId) && newestMtime(buildInputs) <= statSync(buildId).mtimeMs) return;
  say(
    existsSync(buildId)
      ? "sources changed since the last build: building (about a minute)…"
      : "first start: building the console (about a minute)…",
  );
  const build = spawnSync(process.execPath, [nextBin, "build"], {
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (build.status !== 0) {
    say("the build failed; see the output above.");
    process.exit(build.status ?? 1);
  }
}

/** Newest modification time under the given paths (files only), to tell whether a build is stale. */
function newestMtime(paths: string[]): number {
  let newest = 0;
  const walk = (p: string) => {
    if (!existsSync(p)) return;
    const stat = statSync(p);
    if (stat.isDirectory()) {
      for (const entry of readdirSync(p))
        if (entry !== "node_modules" && !entry.startsWith(".data")) walk(path.join(p, entry));
    } else newest = Math.max(newest, stat.mtimeMs);
  };
  paths.forEach(walk);
  return newest;
}
