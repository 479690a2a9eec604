import { mkdirSync } from "node:fs";
import path from "node:path";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type { PGlite } from "@electric-sql/pglite";
import * as schema from "./schema";

export type Schema = typeof schema;
// One type for both drivers: domain code never knows which database it runs on.
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export interface Connection {
  db: Db;
  driver: "postgres" | "pglite";
  migrate(): Promise<void>;
  close(): Promise<void>;
}

const migrationsFolder = path.join(process.cwd(), "db/migrations");
// Several app instances may start at once against one PostgreSQL: one migrates, the others wait.
const MIGRATION_LOCK = 727_354_101;

export async function connectPostgres(
  url: string,
  options: { max?: number } = {},
): Promise<Connection> {
  const { default: postgres } = await import("postgres");
  const { drizzle } = await import("drizzle-orm/postgres-js");
  const { migrate } = await import("drizzle-orm/postgres-js/migrator");
  const client = postgres(url, {
    max: options.max ?? 10,
    onnotice: () => {},
    connect_timeout: 5,
    idle_timeout: 60,
  });
  const db = drizzle({ client, schema, casing: "snake_case" });
  return {
    db: db as unknown as Db,
    driver: "postgres",
    async migrate() {
      // A connection of its own: the advisory lock belongs to one session.
      const single = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 5 });
      try {
        await single`select pg_advisory_lock(${MIGRATION_LOCK})`;
        await migrate(drizzle({ client: single, casing: "snake_case" }), { migrationsFolder });
      } finally {
        await single.end({ timeout: 5 });
      }
    },
    close: () => client.end({ timeout: 5 }),
  };
}

/** Where the embedded database lives inside Gatehouse's data folder (beside auth-secret). */
export function embeddedDatabaseDir(dataDir: string): string {
  return path.join(path.resolve(dataDir), "db");
}

/** Embedded PostgreSQL in `dataDir`, or in memory when dataDir is undefined. */
export async function connectPglite(dataDir?: string): Promise<Connection> {
  const { PGlite } = await import("@electric-sql/pglite");
  if (dataDir) mkdirSync(path.dirname(path.resolve(dataDir)), { recursive: true });
  return wrapPglite(new PGlite(dataDir ? path.resolve(dataDir) : undefined));
}

export async function wrapPglite(client: PGlite): Promise<Connection> {
  const { drizzle } = await import("drizzle-orm/pglite");
  const { migrate } = await import("drizzle-orm/pglite/migrator");
  const db = drizzle({ client, schema, casing: "snake_case" });
  return {
    db: db as unknown as Db,
    driver: "pglite",
    migrate: () => migrate(db, { migrationsFolder }),
    close: () => client.close(),
  };
}
