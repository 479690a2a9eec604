import type { Db } from "@/db/connect";
import { type Access, type Check, type RateLimitHit, targetName } from "./checks";
import { type RateCounter, type RateStore, rateStoreFor } from "./rate-store";
import type { Subject, SubjectRateLimit } from "./subject";

// The rate-limit rule: after the access rules, before the money. Every limit that applies counts
// the request (one counter per limit and window; a per-member group limit counts per member), all
// or none, in the shared store. A request a later rule refuses is uncounted again.

interface Counted {
  counters: RateCounter[];
  limits: { limit: SubjectRateLimit; window: "minute" | "day"; value: number }[];
}

function countersOf(access: Access): Counted {
  const counted: Counted = { counters: [], limits: [] };
  for (const limit of access.rateLimits) {
    const key = limit.scope === "group_member" ? `${limit.id}:${access.member.id}` : limit.id;
    for (const [window, value] of [
      ["minute", limit.requestsPerMinute],
      ["day", limit.requestsPerDay],
    ] as const) {
      if (value === null) continue;
      counted.counters.push({ key, window, limit: value });
      counted.limits.push({ limit, window, value });
    }
  }
  return counted;
}

const per = (window: "minute" | "day") => (window === "minute" ? "a minute" : "a day");
const requests = (n: number) => `${n.toLocaleString("en-US")} ${n === 1 ? "request" : "requests"}`;
const forModels = (limit: SubjectRateLimit) =>
  limit.modelPattern ? ` for ${limit.modelPattern}` : "";

export type RateOutcome =
  | { passed: true; check: Check; refund: (() => Promise<void>) | null }
  | { passed: false; check: Check; hit: RateLimitHit; retryAfterSeconds: number; message: string };

/** Checks (and with `consume`, counts) the request against the rate limits that apply. */
export async function checkRateLimits(
  db: Db,
  orgId: string,
  subject: Subject,
  access: Access,
  consume: boolean,
  store?: RateStore,
): Promise<RateOutcome> {
  const { counters, limits } = countersOf(access);
  if (!counters.length)
    return {
      passed: true,
      check: { rule: "rate_limit", passed: true, detail: "No rate limit applies." },
      refund: null,
    };
  const rates = store ?? (await rateStoreFor(db));
  const taken = await rates.take(orgId, counters, consume);
  if (taken.ok) {
    const detail = limits
      .map(
        ({ limit, window, value }) =>
          `${targetName(subject, limit)}: ${requests(value)} ${per(window)}${forModels(limit)}`,
      )
      .join("; ");
    return {
      passed: true,
      check: { rule: "rate_limit", passed: true, detail: `Within ${detail}.` },
      refund: consume ? () => rates.refund(orgId, counters, taken.at) : null,
    };
  }
  const { limit, window, value } = limits[taken.index]!;
  const on = targetName(subject, limit);
  const message = `${on}: ${requests(value)} ${per(window)}${forModels(limit)}, ${taken.used.toLocaleString("en-US")} used. Retry in ${taken.retryAfterSeconds} s.`;
  return {
    passed: false,
    check: { rule: "rate_limit", passed: false, detail: message },
    hit: {
      id: limit.id,
      scope: limit.scope,
      on,
      modelPattern: limit.modelPattern,
      window,
      limit: value,
      used: taken.used,
    },
    retryAfterSeconds: taken.retryAfterSeconds,
    message,
  };
}
