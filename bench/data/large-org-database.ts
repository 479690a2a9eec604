import { sql } from "drizzle-orm";
import { connectPostgres } from "@/db/connect";
import { queryRows } from "@/db/rows";
import { syncModelCatalogue } from "@/lib/models/sync";
import { seedLargeOrg } from "./large-org";

// The large organisation in a scratch PostgreSQL database beside `base` (recreated), for
// `npm run bench:data` and `npm run bench`. Reports progress every 100,000 events.

export const LARGE_ORG_DATABASE = "gatehouse_bench_data";

export interface LargeOrgDatabase {
  url: string;
  orgId: string;
  members: number;
  events: number;
  seconds: number;
  /** pg_total_relation_size of the raw events (all partitions) and of the rollups, in bytes. */
  bytes: { events: number; rollups: number };
}

export async function createLargeOrgDatabase(
  base: string,
  options: { events: number; members: number; log?: (line: string) => void },
): Promise<LargeOrgDatabase> {
  const log = options.log ?? console.log;
  const admin = (await import("postgres")).default(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${LARGE_ORG_DATABASE} with (force)`);
  await admin.unsafe(`create database ${LARGE_ORG_DATABASE}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${LARGE_ORG_DATABASE}`;

  const connection = await connectPostgres(url.toString());
  try {
    await connection.migrate();
    await syncModelCatalogue(connection.db);
    const started = performance.now();
    let reported = 0;
    const org = await seedLargeOrg(connection.db, {
      events: options.events,
      members: options.members,
      onProgress: (stored) => {
        if (stored - reported < 100_000 && stored < options.events) return;
        reported = stored;
        const seconds = (performance.now() - started) / 1_000;
        log(
          `${stored.toLocaleString("en")} events, ${Math.round(stored / seconds).toLocaleString("en")} a second`,
        );
      },
    });
    const seconds = (performance.now() - started) / 1_000;
    await connection.db.execute(sql`analyze`);
    const [size] = await queryRows<{ events: string; rollups: string }>(
      connection.db,
      sql`select pg_total_relation_size('usage_events') + coalesce((select sum(pg_total_relation_size(i.inhrelid))
          from pg_inherits i where i.inhparent = 'usage_events'::regclass), 0) as events,
        pg_total_relation_size('usage_daily_member') + pg_total_relation_size('usage_daily_group')
          + pg_total_relation_size('usage_daily_feature') as rollups`,
    );
    return {
      url: url.toString(),
      orgId: org.orgId,
      members: org.members,
      events: org.events,
      seconds,
      bytes: { events: Number(size!.events), rollups: Number(size!.rollups) },
    };
  } finally {
    await connection.close();
  }
}

export const megabytes = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
