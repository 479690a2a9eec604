import { lt } from "drizzle-orm";
import type { Db } from "@/db/connect";
import { budgetReservations } from "@/db/schema";

// A reservation matters only until it expires (it then stops counting against any limit) or its
// usage settles it; an hour after expiry nothing can refer to it usefully, so it goes, keeping
// the table (and the indexes authorize reads under a budget's lock) the size of live traffic.
const KEEP_AFTER_EXPIRY_MS = 60 * 60 * 1000;

export async function pruneReservations(db: Db, now = new Date()): Promise<number> {
  const pruned = await db
    .delete(budgetReservations)
    .where(lt(budgetReservations.expiresAt, new Date(now.getTime() - KEEP_AFTER_EXPIRY_MS)))
    .returning({ id: budgetReservations.id });
  return pruned.length;
}
