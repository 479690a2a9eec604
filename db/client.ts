import { env } from "@/lib/env";
import { startSnapshots } from "@/lib/gateway/snapshots";
import { syncModelCatalogue } from "@/lib/models/sync";
import {
  type Connection,
  type Db,
  connectPglite,
  connectPostgres,
  embeddedDatabaseDir,
} from "./connect";

// The process-wide database. Opened lazily on first use (never when a module loads, so that
// `next build` does not touch it), migrated once, and forgotten if opening failed so that the
// next request tries again once the database is back.
const state = globalThis as unknown as { __gatehouseDb?: Promise<Connection> };

export function getConnection(): Promise<Connection> {
  state.__gatehouseDb ??= open().catch((error: unknown) => {
    state.__gatehouseDb = undefined;
    throw error;
  });
  return state.__gatehouseDb;
}

export async function getDb(): Promise<Db> {
  return (await getConnection()).db;
}

async function open(): Promise<Connection> {
  const { DATABASE_URL, GATEHOUSE_DATA_DIR } = env();
  const connection = DATABASE_URL
    ? await connectPostgres(DATABASE_URL)
    : await connectPglite(embeddedDatabaseDir(GATEHOUSE_DATA_DIR));
  try {
    await connection.migrate();
    await syncModelCatalogue(connection.db);
    // The gateway API decides from memory, kept current by notifications (lib/gateway).
    await startSnapshots(connection);
  } catch (error) {
    await connection.close().catch(() => {});
    throw error;
  }
  return connection;
}
