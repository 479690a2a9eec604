import { and, eq, isNull, lt, or } from "drizzle-orm";
import type { Db } from "@/db/connect";
import type { apiKeys, gatewayTokens } from "@/db/schema";

// "Last used" of API keys and gateway tokens is kept to the minute: the hot path writes it at
// most once a minute per secret, so a busy key does not turn every decision into a row update.
const RESOLUTION_MS = 60_000;

/**
 * Records that a key or token was used at `now`, unless `lastUsedAt` (as read with it) is under
 * a minute old. The update is conditional too, so concurrent requests write it once.
 */
export async function touchLastUsed(
  db: Db,
  table: typeof apiKeys | typeof gatewayTokens,
  id: string,
  lastUsedAt: Date | null,
  now: Date,
) {
  if (lastUsedAt && now.getTime() - lastUsedAt.getTime() < RESOLUTION_MS) return;
  const cutoff = new Date(now.getTime() - RESOLUTION_MS);
  await db
    .update(table)
    .set({ lastUsedAt: now })
    .where(and(eq(table.id, id), or(isNull(table.lastUsedAt), lt(table.lastUsedAt, cutoff))));
}
