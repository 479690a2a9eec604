// Background duties of every server instance, at start-up and every minute: archive temporary
// groups whose end date has passed, and prune budget reservations long expired. Both sweeps are
// idempotent, so instances may overlap.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.NEXT_PHASE === "phase-production-build")
    return;
  const { getDb } = await import("@/db/client");
  const { archiveExpiredGroups } = await import("@/lib/groups/commands");
  const { pruneReservations } = await import("@/lib/access/reservations");
  const sweep = async () => {
    try {
      const db = await getDb();
      const archived = await archiveExpiredGroups(db);
      if (archived.length)
        console.log(
          `[gatehouse] archived ${archived.length} temporary group(s) past their end date`,
        );
      await pruneReservations(db);
    } catch (error) {
      console.error("[gatehouse] background sweep failed; will retry", error);
    }
  };
  setTimeout(sweep, 2_000).unref();
  setInterval(sweep, 60_000).unref();
}
