import { randomBytes } from "node:crypto";
import { afterAll } from "vitest";
import { type Connection, connectPglite, connectPostgres } from "@/db/connect";
import { syncModelCatalogue } from "@/lib/models/sync";
import { TEMPLATE_DATABASE, databaseUrl } from "./database-url";

export const usingPostgres = Boolean(process.env.DATABASE_URL);

// What to close and drop when the test file ends. Registered here, at the file's collection:
// an afterAll called from inside a beforeAll (where testDatabase is called) never runs, and each
// run left one database per file behind.
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

// The URL of each PostgreSQL test database, for tests that connect a second "instance" to it.
const urls = new WeakMap<Connection, string>();

/** The URL of a test database on PostgreSQL (another process or instance connects with it). */
export function urlOf(connection: Connection): string {
  const url = urls.get(connection);
  if (!url) throw new Error("only PostgreSQL test databases have a URL");
  return url;
}

/**
 * A fresh, migrated database for one test file: a copy of the template database on
 * PostgreSQL when DATABASE_URL is set, an in-memory PGlite otherwise. Dropped after the file.
 */
export async function testDatabase(
  on: "configured" | "pglite" = "configured",
): Promise<Connection> {
  const base = on === "pglite" ? undefined : process.env.DATABASE_URL;
  if (!base) {
    const connection = await connectPglite();
    await connection.migrate();
    await syncModelCatalogue(connection.db);
    cleanups.push(() => connection.close());
    return connection;
  }
  const name = `gatehouse_test_${randomBytes(6).toString("hex")}`;
  const admin = (await import("postgres")).default(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name} template ${TEMPLATE_DATABASE}`);
  const connection = await connectPostgres(databaseUrl(base, name), { max: 20 });
  urls.set(connection, databaseUrl(base, name));
  cleanups.push(async () => {
    await connection.close();
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  });
  return connection;
}

/**
 * The databases a suite that must hold on both runs against: PGlite always, and PostgreSQL too
 * when DATABASE_URL is set (as in CI). Use with `describe.each`.
 */
export const bothDatabases = (): ("pglite" | "configured")[] =>
  usingPostgres ? ["configured", "pglite"] : ["pglite"];
