import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/connect";
import { queryRows } from "@/db/rows";
import { testDatabase } from "@/test/db";
import { DISTRIBUTION_COLUMN, TABLE_PLACEMENT } from "./distribution";

// The schema stays ready for Citus (db/distribution.ts): read from the migrated database's
// catalogue, so a migration that breaks a rule fails here, whatever the Drizzle schema says.

let db: Db;
beforeAll(async () => {
  db = (await testDatabase()).db;
});

interface Key {
  table: string;
  name: string;
  columns: string[];
  primary?: boolean;
}

interface ForeignKey extends Key {
  target: string;
  targetColumns: string[];
}

async function tables() {
  const rows = await queryRows<{ table: string }>(
    db,
    sql`select c.relname as table from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = current_schema() and c.relkind in ('r', 'p') and not c.relispartition
        and c.relname not like '\\_\\_%'`,
  );
  return rows.map((r) => r.table);
}

/** Primary keys and unique indexes (constraints or not, partial or not), by column names. */
async function uniqueKeys(): Promise<Key[]> {
  return queryRows<Key>(
    db,
    sql`select t.relname as table, i.relname as name, x.indisprimary as primary,
        array(select coalesce(a.attname, '(expression)') from unnest(x.indkey) with ordinality k(attnum, ord)
          left join pg_attribute a on a.attrelid = x.indrelid and a.attnum = k.attnum and k.attnum > 0
          order by k.ord) as columns
      from pg_index x join pg_class i on i.oid = x.indexrelid join pg_class t on t.oid = x.indrelid
      join pg_namespace n on n.oid = t.relnamespace
      where n.nspname = current_schema() and x.indisunique and not t.relispartition`,
  );
}

async function foreignKeys(): Promise<ForeignKey[]> {
  return queryRows<ForeignKey>(
    db,
    sql`select t.relname as table, c.conname as name, r.relname as target,
        array(select a.attname from unnest(c.conkey) with ordinality k(attnum, ord)
          join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.attnum order by k.ord) as columns,
        array(select a.attname from unnest(c.confkey) with ordinality k(attnum, ord)
          join pg_attribute a on a.attrelid = c.confrelid and a.attnum = k.attnum order by k.ord) as "targetColumns"
      from pg_constraint c join pg_class t on t.oid = c.conrelid join pg_class r on r.oid = c.confrelid
      join pg_namespace n on n.oid = t.relnamespace
      where n.nspname = current_schema() and c.contype = 'f' and not t.relispartition`,
  );
}

const placement = (table: string) => TABLE_PLACEMENT[table];

describe("the schema, placed on Citus", () => {
  it("places every table, and no table that is gone", async () => {
    const all = await tables();
    expect(
      all.filter((t) => !placement(t)),
      "add them to db/distribution.ts",
    ).toEqual([]);
    expect(Object.keys(TABLE_PLACEMENT).filter((t) => !all.includes(t))).toEqual([]);
  });

  it("has org_id in every distributed table, in its primary key and in every unique index", async () => {
    const all = await tables();
    const distributed = all.filter((t) => placement(t) === "distributed");
    const columns = await queryRows<{ table: string }>(
      db,
      sql`select c.relname as table from pg_class c join pg_namespace n on n.oid = c.relnamespace
        join pg_attribute a on a.attrelid = c.oid
        where n.nspname = current_schema() and a.attname = ${DISTRIBUTION_COLUMN} and not a.attisdropped`,
    );
    const withColumn = new Set(columns.map((c) => c.table));
    expect(distributed.filter((t) => !withColumn.has(t))).toEqual([]);
    const keys = await uniqueKeys();
    const withoutPrimaryKey = distributed.filter(
      (t) => !keys.some((k) => k.table === t && k.primary),
    );
    expect(withoutPrimaryKey, "distributed tables without a primary key").toEqual([]);
    const breaking = keys
      .filter((k) => placement(k.table) === "distributed")
      .filter((k) => !k.columns.includes(DISTRIBUTION_COLUMN))
      .map((k) => `${k.table}: ${k.name} (${k.columns.join(", ")})`);
    expect(breaking, "unique keys Citus could not enforce").toEqual([]);
  });

  it("has only foreign keys Citus can keep", async () => {
    const breaking = (await foreignKeys())
      .filter(({ table, target, columns, targetColumns }) => {
        const from = placement(table);
        const to = placement(target);
        if (to === "reference") return false;
        if (from === "distributed" && to === "distributed") {
          // Co-located: through the distribution column on both sides.
          const i = columns.indexOf(DISTRIBUTION_COLUMN);
          return i < 0 || targetColumns[i] !== DISTRIBUTION_COLUMN;
        }
        // Reference and coordinator tables cannot point into shards; coordinator to coordinator
        // is a local foreign key.
        return !(from === "coordinator" && to === "coordinator");
      })
      .map((f) => `${f.table}.${f.name} → ${f.target} (${f.columns.join(", ")})`);
    expect(breaking).toEqual([]);
  });
});
