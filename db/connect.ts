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
  /**
   * Listens to a notification channel for as long as the connection is open. `onState(true)`
   * once listening (again, after a dropped connection is back); `onState(false)` when the
   * listening connection drops: notifications sent meanwhile are lost.
   */
  listen(channel: string, handlers: ListenHandlers): Promise<void>;
  close(): Promise<void>;
}

export interface ListenHandlers {
  onNotify(payload: string): void;
  onState(listening: boolean): void;
}

const LISTEN_RETRY_MS = 250;

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
  const listeners: (() => Promise<unknown>)[] = [];
  return {
    db: db as unknown as Db,
    driver: "postgres",
    async listen(channel, { onNotify, onState }) {
      // A connection of its own, kept open, so that its loss is seen (onclose) and repaired: a
      // new connection and LISTEN again, retried until the database answers.
      let closed = false;
      let retry: ReturnType<typeof setTimeout> | undefined;
      const retrySoon = () => {
        if (!closed && !retry)
          retry = setTimeout(() => {
            retry = undefined;
            void start();
          }, LISTEN_RETRY_MS);
      };
      const listener = postgres(url, {
        max: 1,
        max_lifetime: null,
        fetch_types: false,
        connect_timeout: 5,
        onnotice: () => {},
        onclose: () => {
          if (closed) return;
          onState(false);
          retrySoon();
        },
        // Not in postgres.js' types, but its documented hook for notifications (as sql.listen uses).
        ...{ onnotify: (c: string, payload: string) => c === channel && onNotify(payload) },
      });
      const start = async () => {
        if (closed) return;
        try {
          await listener.unsafe(`listen "${channel}"`);
          onState(true);
        } catch {
          retrySoon();
        }
      };
      listeners.push(() => {
        closed = true;
        clearTimeout(retry);
        return listener.end({ timeout: 1 });
      });
      await start();
    },
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
    async close() {
      await Promise.all(listeners.map((end) => end()));
      await client.end({ timeout: 5 });
    },
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
    // In-process: notifications cannot be lost while the database is open.
    async listen(channel, { onNotify, onState }) {
      await client.listen(channel, onNotify);
      onState(true);
    },
    close: () => client.close(),
  };
}
