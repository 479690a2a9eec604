import { and, eq, isNotNull } from "drizzle-orm";
import type { Db } from "@/db/connect";
import { rateLimits } from "@/db/schema";
import { modelMatches } from "./model-pattern";
import { counterKey } from "./rate-limit-check";
import { type RateStore, rateStoreFor } from "./rate-store";
import { loadSubject } from "./subject";

/** What tokens-a-minute limits need of a stored usage event. */
export interface TokenUsage {
  memberId: string;
  keyId: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  reservationId: string | null;
}

/**
 * Counts the input and output tokens of new usage against the tokens-a-minute limits that apply
 * to each event (its key's, its member's, their groups', for its model), and releases the token
 * estimates their authorize calls held. After the usage is stored: the usage is the record, and
 * a counter store (or database) that cannot answer now loses only these counts (logged), not
 * the usage.
 */
export async function settleTokenUsage(
  db: Db,
  orgId: string,
  events: readonly TokenUsage[],
  rateStore?: RateStore,
) {
  if (!events.length) return;
  try {
    const [any] = await db
      .select({ id: rateLimits.id })
      .from(rateLimits)
      .where(and(eq(rateLimits.orgId, orgId), isNotNull(rateLimits.tokensPerMinute)))
      .limit(1);
    // Holds exist only where such limits did; without any now, they lapse within two minutes.
    if (!any) return;
    const pairs = new Map(events.map((e) => [`${e.keyId}/${e.memberId}`, e]));
    const subjects = new Map(
      await Promise.all(
        [...pairs].map(
          async ([pair, e]) =>
            [pair, await loadSubject(db, orgId, { id: e.keyId }, { id: e.memberId })] as const,
        ),
      ),
    );
    const tokens = new Map<string, number>();
    for (const e of events) {
      const used = e.inputTokens + e.outputTokens;
      if (!used) continue;
      for (const limit of subjects.get(`${e.keyId}/${e.memberId}`)!.rateLimits)
        if (
          limit.tokensPerMinute !== null &&
          (limit.modelPattern === null || modelMatches(limit.modelPattern, e.model))
        ) {
          const key = counterKey(limit, e.memberId);
          tokens.set(key, (tokens.get(key) ?? 0) + used);
        }
    }
    const holdIds = events.flatMap((e) => (e.reservationId ? [e.reservationId] : []));
    const store = rateStore ?? (await rateStoreFor(db));
    await store.settle(
      orgId,
      holdIds,
      [...tokens].map(([key, amount]) => ({ key, amount })),
    );
  } catch (error) {
    console.error("[rate limits] could not count reported tokens:", (error as Error).message);
  }
}
