// Background duties of every server instance, at start-up and every minute: archive temporary
// groups whose end date has passed, remind of access reviews that reached their due date, prune budget reservations long expired, sessions long ended and the quarter-hour spend budget windows no longer read, and keep the monthly
// partitions of usage events ready around now. The sweeps are idempotent, so instances may overlap. Separately, every 10 seconds, send due webhook
// deliveries (instances share them through the database: each delivery is claimed by one). With
// REDIS_URL, connect to Redis at once.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.NEXT_PHASE === "phase-production-build")
    return;
  const { getDb } = await import("@/db/client");
  const { archiveExpiredGroups } = await import("@/lib/groups/commands");
  const { pruneReservations } = await import("@/lib/access/reservations");
  const { ensureCurrentUsagePartitions } = await import("@/lib/spend/partitions");
  const { pruneSessions } = await import("@/lib/auth/sessions");
  const { pruneUsageQuarters } = await import("@/lib/spend/quarters");
  const { remindDueAccessReviews } = await import("@/lib/reviews/reminders");
  const { sessionPolicy } = await import("@/lib/env");
  const sweep = async () => {
    try {
      const db = await getDb();
      const archived = await archiveExpiredGroups(db);
      if (archived.length)
        console.log(
          `[gatehouse] archived ${archived.length} temporary group(s) past their end date`,
        );
      const reminded = await remindDueAccessReviews(db);
      if (reminded.length)
        console.log(`[gatehouse] reminded of ${reminded.length} access review(s) due`);
      await pruneReservations(db);
      await pruneSessions(db, sessionPolicy());
      await pruneUsageQuarters(db);
      const partitions = await ensureCurrentUsagePartitions(db);
      if (partitions.length) console.log(`[gatehouse] created ${partitions.join(", ")}`);
    } catch (error) {
      console.error("[gatehouse] background sweep failed; will retry", error);
    }
  };
  setTimeout(sweep, 2_000).unref();
  setInterval(sweep, 60_000).unref();

  // With Redis counting rate limits, connect at start: the first requests then find it ready.
  const { env } = await import("@/lib/env");
  if (env().REDIS_URL) {
    const { rateStoreFor } = await import("@/lib/access/rate-store");
    getDb()
      .then(rateStoreFor)
      .catch((error: unknown) => console.error("[gatehouse] Redis not ready at start", error));
  }

  const { deliverDueWebhooks, pruneWebhookDeliveries } = await import("@/lib/webhooks/deliver");
  let delivering = false;
  let prunedAt = 0;
  const deliverWebhooks = async () => {
    // A slow receiver can hold a round for up to its timeout: never run two rounds at once.
    if (delivering) return;
    delivering = true;
    try {
      const db = await getDb();
      // Keep sending while full batches come back, so a backlog drains within the round.
      for (let round = 0; round < 10; round++) {
        const sent = await deliverDueWebhooks(db, { limit: 20 });
        if (sent.length < 20) break;
      }
      if (Date.now() - prunedAt > 3_600_000) {
        prunedAt = Date.now();
        await pruneWebhookDeliveries(db);
      }
    } catch (error) {
      console.error("[gatehouse] webhook delivery round failed; will retry", error);
    } finally {
      delivering = false;
    }
  };
  setTimeout(deliverWebhooks, 3_000).unref();
  setInterval(deliverWebhooks, 10_000).unref();
}
