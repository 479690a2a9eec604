import type { Db } from "@/db/connect";
import { detectSpendAnomalies } from "./anomalies";

// New usage may make spend unusual: each instance checks an organisation a few seconds after
// usage arrives, once for all the batches of those seconds (a steady stream of usage costs one
// check per organisation per CHECK_DELAY_MS, not one per batch). Off the gateway's answer: the
// check's failure is logged, and the next usage checks again.

const CHECK_DELAY_MS = 10_000;
const pending = new Set<string>();

export function checkSpendSoon(db: Db, orgId: string): void {
  if (pending.has(orgId)) return;
  pending.add(orgId);
  setTimeout(() => {
    pending.delete(orgId);
    detectSpendAnomalies(db, orgId).catch((error: unknown) =>
      console.error("[gatehouse] the unusual spend check failed; the next usage retries", error),
    );
  }, CHECK_DELAY_MS).unref();
}
