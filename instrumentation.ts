// Background duty of every server instance: archive temporary groups whose end date has
// passed, at start-up and every minute. The sweep is idempotent, so instances may overlap.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.NEXT_PHASE === "phase-production-build")
    return;
  const { getDb } = await import("@/db/client");
  const { archiveExpiredGroups } = await import("@/lib/groups/commands");
  const sweep = async () => {
    try {
      const archived = await archiveExpiredGroups(await getDb());
      if (archived.length)
        console.log(
          `[gatehouse] archived ${archived.length} temporary group(s) past their end date`,
        );
    } catch (error) {
      console.error("[gatehouse] archiving expired groups failed; will retry", error);
    }
  };
  setTimeout(sweep, 2_000).unref();
  setInterval(sweep, 60_000).unref();
}
