import type { Db } from "@/db/connect";
import {
  type Access,
  type Check,
  type DecisionRequest,
  type RateLimitHit,
  targetName,
} from "./checks";
import { type RateCounter, type RateStore, type RateWindow, rateStoreFor } from "./rate-store";
import type { Subject, SubjectRateLimit } from "./subject";

// The rate-limit rule: after the access rules, before the money. Every limit that applies counts
// the request (one counter per limit and window; a per-member group limit counts per member), all
// or none, in the shared store: 1 request, and its token estimate (if given) against tokens a
// minute. A request a later rule refuses is uncounted again.

interface Counted {
  counters: RateCounter[];
  limits: { limit: SubjectRateLimit; window: RateWindow; value: number }[];
}

/** The store's counter key of a limit for this member: per member for "each member" limits. */
export const counterKey = (limit: SubjectRateLimit, memberId: string) =>
  limit.scope === "group_member" ? `${limit.id}:${memberId}` : limit.id;

function countersOf(access: Access, request: DecisionRequest): Counted {
  const counted: Counted = { counters: [], limits: [] };
  for (const limit of access.rateLimits) {
    const key = counterKey(limit, access.member.id);
    for (const [window, value, amount] of [
      ["minute", limit.requestsPerMinute, 1],
      ["day", limit.requestsPerDay, 1],
      ["tokens", limit.tokensPerMinute, request.estimatedTokens],
    ] as const) {
      if (value === null) continue;
      counted.counters.push({ key, window, limit: value, amount });
      counted.limits.push({ limit, window, value });
    }
  }
  return counted;
}

const count = (n: number, one: string, many: string) =>
  `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
const rate = (window: RateWindow, n: number) =>
  window === "tokens"
    ? `${count(n, "token", "tokens")} a minute`
    : `${count(n, "request", "requests")} ${window === "minute" ? "a minute" : "a day"}`;
const forModels = (limit: SubjectRateLimit) =>
  limit.modelPattern ? ` for ${limit.modelPattern}` : "";

export type RateOutcome =
  | { passed: true; check: Check; refund: (() => Promise<void>) | null }
  | {
      passed: false;
      check: Check;
      hit: RateLimitHit;
      /** None when retrying cannot help: the estimate alone is more than the limit. */
      retryAfterSeconds: number | undefined;
      message: string;
    };

export const NO_RATE_LIMIT: RateOutcome = {
  passed: true,
  check: { rule: "rate_limit", passed: true, detail: "No rate limit applies." },
  refund: null,
};

/**
 * Checks (and with `consume`, counts) the request against the rate limits that apply. A token
 * estimate counted is held under `holdId` until the request's usage settles it.
 */
export async function checkRateLimits(
  db: Db,
  orgId: string,
  subject: Subject,
  access: Access,
  request: DecisionRequest,
  consume: boolean,
  holdId: string | null,
  store?: RateStore,
): Promise<RateOutcome> {
  const { counters, limits } = countersOf(access, request);
  if (!counters.length) return NO_RATE_LIMIT;
  const rates = store ?? (await rateStoreFor(db));
  const taken = await rates.take(orgId, counters, consume, holdId);
  if (taken.ok) {
    const detail = limits
      .map(
        ({ limit, window, value }) =>
          `${targetName(subject, limit)}: ${rate(window, value)}${forModels(limit)}`,
      )
      .join("; ");
    return {
      passed: true,
      check: { rule: "rate_limit", passed: true, detail: `Within ${detail}.` },
      refund: consume ? () => rates.refund(orgId, counters, taken.at, holdId) : null,
    };
  }
  const { limit, window, value } = limits[taken.index]!;
  const on = targetName(subject, limit);
  const estimate =
    window === "tokens" && request.estimatedTokens
      ? ` (this request's estimate: ${count(request.estimatedTokens, "token", "tokens")})`
      : "";
  const used = taken.used.toLocaleString("en-US");
  const never = taken.retryAfterSeconds === 0;
  const message = never
    ? `${on}: ${rate(window, value)}${forModels(limit)}, and this request's estimate of ${count(request.estimatedTokens, "token", "tokens")} is more than that: it can never pass.`
    : `${on}: ${rate(window, value)}${forModels(limit)}, ${used} used${estimate}. Retry in ${taken.retryAfterSeconds} s.`;
  return {
    passed: false,
    check: { rule: "rate_limit", passed: false, detail: message },
    hit: {
      id: limit.id,
      scope: limit.scope,
      on,
      modelPattern: limit.modelPattern,
      window: window === "day" ? "day" : "minute",
      unit: window === "tokens" ? "tokens" : "requests",
      limit: value,
      used: taken.used,
    },
    retryAfterSeconds: never ? undefined : taken.retryAfterSeconds,
    message,
  };
}
