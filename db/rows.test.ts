import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { testDatabase } from "@/test/db";
import type { Db } from "./connect";
import { queryRows, uuidArray } from "./rows";

let db: Db;
beforeAll(async () => {
  ({ db } = await testDatabase());
});

describe("uuidArray", () => {
  it("passes any number of ids as one parameter (a bulk change of tens of thousands)", async () => {
    // More than PostgreSQL's 65,535 parameters a statement: one parameter an id would be refused.
    const ids = Array.from({ length: 70_000 }, () => randomUUID());
    const [row] = await queryRows<{ n: number; last: string }>(
      db,
      sql`select cardinality(${uuidArray(ids)})::int as n, (${uuidArray(ids)})[70000]::text as last`,
    );
    expect(row).toEqual({ n: 70_000, last: ids[69_999] });
  });

  it("gives an empty list as an empty uuid[]", async () => {
    const [row] = await queryRows<{ n: number }>(
      db,
      sql`select cardinality(${uuidArray([])})::int as n`,
    );
    expect(row!.n).toBe(0);
  });

  it("never splices a malformed id into the literal: PostgreSQL refuses it", async () => {
    const id = randomUUID();
    // Spliced into '{…}', this would be two well-formed ids.
    await expect(
      queryRows(db, sql`select cardinality(${uuidArray([`${id},${id}`])})`),
    ).rejects.toThrow(/uuid/);
  });
});
