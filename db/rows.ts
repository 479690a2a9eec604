import { type SQL, sql } from "drizzle-orm";
import type { Db } from "./connect";

// postgres.js returns the rows as an array, PGlite as `{ rows }`: raw queries go through here.
export async function queryRows<T>(db: Db, query: SQL): Promise<T[]> {
  const result: unknown = await db.execute(query);
  return Array.isArray(result) ? (result as T[]) : (result as { rows: T[] }).rows;
}

/** A count or sum as the drivers return it (bigint and numeric arrive as strings), 0 for null. */
export const toNumber = (v: string | number | null | undefined) => Number(v ?? 0);

/** A uuid[] of these ids as a query parameter list (an empty uuid[] for none). */
export const uuidArray = (ids: readonly string[]): SQL =>
  ids.length
    ? sql`array[${sql.join(
        ids.map((id) => sql`${id}::uuid`),
        sql`, `,
      )}]`
    : sql`array[]::uuid[]`;
