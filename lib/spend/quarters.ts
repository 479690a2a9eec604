import { sql } from "drizzle-orm";
import type { Db } from "@/db/connect";

// usage_quarter_scope serves budget windows, the longest of which is 31 days: older quarters are
// pruned by every instance's minute sweep (a range of the BRIN index, nothing most minutes).
const KEPT_DAYS = 40;

export async function pruneUsageQuarters(db: Db, now = new Date()): Promise<void> {
  const before = new Date(now.getTime() - KEPT_DAYS * 86_400_000);
  await db.execute(
    sql`delete from usage_quarter_scope where quarter < ${before.toISOString()}::timestamptz`,
  );
}
