import { sql } from "drizzle-orm";
import type { Db } from "@/db/connect";
import { queryRows } from "@/db/rows";
import { addMonthsUtc, startOfMonthUtc, toIsoDay } from "@/lib/time";

// Raw usage events are partitioned by calendar month (UTC), so that an old month can be detached
// (and archived or dropped) in one statement: `alter table usage_events detach partition
// usage_events_2026_01`. Each server makes sure the months around now exist (a minute's sweep);
// events of a month without its partition land in usage_events_default, and creating that
// month's partition later moves them out of it, in one transaction (which gives up, to be retried
// by the next sweep, if it cannot get its locks within a few seconds).

const LOCK = "gatehouse:usage-partitions";

export const partitionName = (month: Date) =>
  `usage_events_${toIsoDay(month).slice(0, 7).replace("-", "_")}`;

/** Creates the monthly partitions from `from`'s month to `to`'s; returns the names it created. */
export async function ensureUsagePartitions(db: Db, from: Date, to: Date): Promise<string[]> {
  const existing = new Set(
    (
      await queryRows<{ name: string }>(
        db,
        sql`select c.relname as name from pg_inherits i
            join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent
            where p.relname = 'usage_events'`,
      )
    ).map((r) => r.name),
  );
  const created: string[] = [];
  for (let month = startOfMonthUtc(from); month <= to; month = addMonthsUtc(month, 1)) {
    const name = partitionName(month);
    if (existing.has(name)) continue;
    const start = toIsoDay(month);
    const end = toIsoDay(addMonthsUtc(month, 1));
    const made = await db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${LOCK}, 0))`);
      const [already] = await queryRows(tx, sql`select 1 from pg_class where relname = ${name}`);
      if (already) return false;
      // Attaching locks the default partition and, through the foreign keys, the member and key
      // tables: give up after a moment rather than queue every writer behind us (the next sweep
      // retries), and take the default partition first so no insert into it can interleave.
      await tx.execute(sql`set local lock_timeout = '3s'`);
      await tx.execute(sql`lock table usage_events_default in access exclusive mode`);
      // Names and bounds come from dates formatted here, never from input.
      await tx.execute(
        sql.raw(
          `create table ${name} (like usage_events including defaults including constraints)`,
        ),
      );
      await tx.execute(
        sql.raw(`with moved as (
            delete from usage_events_default
            where occurred_at >= '${start}T00:00:00Z' and occurred_at < '${end}T00:00:00Z'
            returning *)
          insert into ${name} select * from moved`),
      );
      await tx.execute(
        sql.raw(
          `alter table usage_events attach partition ${name} for values from ('${start}T00:00:00Z') to ('${end}T00:00:00Z')`,
        ),
      );
      return true;
    });
    if (made) created.push(name);
  }
  return created;
}

/** The months a running server keeps ready: last month to two months ahead. */
export function ensureCurrentUsagePartitions(db: Db, now = new Date()) {
  return ensureUsagePartitions(db, addMonthsUtc(now, -1), addMonthsUtc(now, 2));
}
