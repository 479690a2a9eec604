import { randomUUID } from "node:crypto";
import type { Db } from "@/db/connect";
import {
  type Access,
  type Check,
  type DecisionRequest,
  NOTHING_USED,
  type Outcome,
  checkAccess,
  checkLimits,
  failed,
} from "./checks";
import { NO_RATE_LIMIT, checkRateLimits } from "./rate-limit-check";
import type { RateStore } from "./rate-store";
import { reserveInBatch } from "./reservation-batches";
import type { Subject } from "./subject";
import { limitScopeOf, usedFor, usedAgainstLimits } from "./used";

export type { Check, Decision, DecisionRequest, Rule } from "./checks";
export { rules } from "./checks";

export interface DecideOptions {
  now: Date;
  // Hold the estimate against the limits until the usage report settles it (the gateway's
  // calls); the console's "Why?" only asks.
  reserve: boolean;
  reservationTtlSeconds?: number;
  /** Where rate limits are counted; by default the process's store (rateStoreFor). */
  rateStore?: RateStore;
}

/**
 * The decision for a loaded subject, and the checks that led to it. Limits count spend this
 * calendar month (UTC) plus open reservations, budget windows their span's spend plus the same. A reserving decision runs under row locks on what
 * it counts against (in a batch with the organisation's other reserving requests of the moment),
 * so concurrent requests cannot overshoot a hard budget by more than one request's estimate.
 */
export async function decide(
  db: Db,
  orgId: string,
  subject: Subject,
  request: DecisionRequest,
  options: DecideOptions,
): Promise<{ decision: Outcome["decision"]; checks: Check[] }> {
  const access = checkAccess(subject, request, options.now);
  if ("decision" in access) return access;
  // What this decision holds (a budget reservation, a token estimate) is settled by the usage
  // that names this id.
  const reservationId = options.reserve ? randomUUID() : null;
  // The gateway's requests are counted; the console's "Why?" only looks. Without a rate limit
  // there is nothing to wait for.
  const rate = access.rateLimits.length
    ? await checkRateLimits(
        db,
        orgId,
        subject,
        access,
        request,
        options.reserve,
        request.estimatedTokens > 0 ? reservationId : null,
        options.rateStore,
      )
    : NO_RATE_LIMIT;
  if (!rate.passed)
    return failed(access.checks, "rate_limit", "rate_limited", rate.message, {
      rateLimit: rate.hit,
      ...(rate.retryAfterSeconds === undefined
        ? {}
        : { retryAfterSeconds: rate.retryAfterSeconds }),
    });
  access.checks.push(rate.check);
  const outcome = await checkMoney(db, orgId, access, request, options, reservationId);
  // Refused by a limit or budget: the request was not made, so it does not count either.
  if (!outcome.decision.allow && rate.refund) await rate.refund();
  // A token estimate held without a budget reservation is settled by the same id.
  if (outcome.decision.allow && !outcome.decision.reservationId && request.estimatedTokens > 0)
    outcome.decision.reservationId = reservationId;
  return outcome;
}

async function checkMoney(
  db: Db,
  orgId: string,
  access: Access,
  request: DecisionRequest,
  options: DecideOptions,
  reservationId: string | null,
): Promise<Outcome> {
  if (!access.limited) return checkLimits(access, request, NOTHING_USED, null);
  if (options.reserve && request.estimatedCostMicros > 0 && reservationId)
    return reserveInBatch(db, orgId, access, request, { ...options, reservationId });
  const used = await usedAgainstLimits(db, orgId, limitScopeOf(access), options.now);
  return checkLimits(access, request, usedFor(used, access), null);
}
