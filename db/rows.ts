import { type SQL, sql } from "drizzle-orm";
import type { Db } from "./connect";

// postgres.js returns the rows as an array, PGlite as `{ rows }`: raw queries go through here.
export async function queryRows<T>(db: Db, query: SQL): Promise<T[]> {
  const result: unknown = await db.execute(query);
  return Array.isArray(result) ? (result as T[]) : (result as { rows: T[] }).rows;
}

/** A count or sum as the drivers return it (bigint and numeric arrive as strings), 0 for null. */
export const toNumber = (v: string | number | null | undefined) => Number(v ?? 0);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (value: string) => UUID.test(value);

/**
 * A uuid[] of these ids as one query parameter (an array literal), however many: a bulk change
 * of 10,000 members as 10,000 parameters costs the driver and the planner more than the query.
 * Only well-formed ids go into the literal; anything else is a parameter of its own, which
 * PostgreSQL refuses as it would without this.
 */
export const uuidArray = (ids: readonly string[]): SQL =>
  ids.every((id) => UUID.test(id))
    ? sql`${`{${ids.join(",")}}`}::uuid[]`
    : sql`array[${sql.join(
        ids.map((id) => sql`${id}::uuid`),
        sql`, `,
      )}]`;

/** A text[] of these values as one query parameter (an array literal, each element quoted). */
export const textArray = (values: readonly string[]): SQL =>
  sql`${`{${values.map((v) => `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(",")}}`}::text[]`;

/** An int[] of these integers as one query parameter. */
export const intArray = (values: readonly number[]): SQL => {
  if (!values.every(Number.isSafeInteger)) throw new Error("intArray takes integers only");
  return sql`${`{${values.join(",")}}`}::int[]`;
};

/** A boolean[] of these values as one query parameter. */
export const boolArray = (values: readonly boolean[]): SQL =>
  sql`${`{${values.map(String).join(",")}}`}::boolean[]`;

/** A timestamptz[] of these instants as one query parameter. */
export const timestampArray = (values: readonly Date[]): SQL =>
  sql`${`{${values.map((v) => `"${v.toISOString()}"`).join(",")}}`}::timestamptz[]`;

/** A bigint[] of these integers as one query parameter (amounts beyond an int's range). */
export const bigintArray = (values: readonly number[]): SQL => {
  if (!values.every(Number.isSafeInteger)) throw new Error("bigintArray takes integers only");
  return sql`${`{${values.join(",")}}`}::bigint[]`;
};
