import type { SQL } from "drizzle-orm";
import type { Db } from "./connect";

// postgres.js returns the rows as an array, PGlite as `{ rows }`: raw queries go through here.
export async function queryRows<T>(db: Db, query: SQL): Promise<T[]> {
  const result: unknown = await db.execute(query);
  return Array.isArray(result) ? (result as T[]) : (result as { rows: T[] }).rows;
}
