import type { SQL } from "drizzle-orm";
import type { Db } from "./connect";

// postgres.js returns the rows as an array, PGlite as `{ rows }`: raw queries go through here.
export async function queryRows<T>(db: Db, query: SQL): Promise<T[]> {
  const result: unknown = await db.execute(query);
  return Array.isArray(result) ? (result as T[]) : (result as { rows: T[] }).rows;
}

/** A count or sum as the drivers return it (bigint and numeric arrive as strings), 0 for null. */
export const toNumber = (v: string | number | null | undefined) => Number(v ?? 0);
