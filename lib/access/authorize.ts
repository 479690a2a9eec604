import type { z } from "zod";
import type { Db } from "@/db/connect";
import { apiKeys } from "@/db/schema";
import { recordRepeatedRefusal } from "@/lib/audit/refusals";
import { type Actor, assertCan } from "@/lib/auth/actor";
import type { Snapshots } from "@/lib/gateway/snapshots";
import { noteLastUse } from "@/lib/keys/last-used";
import { hashSecret, isWellFormedSecret } from "@/lib/keys/secret";
import { type Decision, decide } from "./decide";
import type { RateStore } from "./rate-store";
import { type AuthorizeInput, type DenyReason, authorizeInput } from "./schemas";
import { loadSubject } from "./subject";

export type { Decision } from "./decide";

// Refusals of who may use what are recorded in the audit log; refusals by the controls (rate
// limits, limits, budgets) are not: they are the controls working, and the spend pages and
// alerts show them.
const CONTROL_DENIALS: ReadonlySet<DenyReason> = new Set<DenyReason>([
  "rate_limited",
  "user_limit_exceeded",
  "key_limit_exceeded",
  "group_budget_exceeded",
  "budget_window_exceeded",
]);

export interface AuthorizeOptions {
  now?: Date;
  reservationTtlSeconds?: number;
  /** The instance's in-memory snapshots (the gateway API); without them, the database. */
  snapshots?: Pick<Snapshots, "subject">;
  rateStore?: RateStore;
}

/**
 * The gateway's question: may this member use this key for this model and these features,
 * within their limit, the key's limit and their groups' hard budgets? With an estimated cost,
 * an allowed request reserves it until the usage report settles it. With snapshots, who may use
 * what is read from memory, which every committed change reaches by notification; spend against
 * limits is always read from the database.
 */
export async function authorize(
  db: Db,
  actor: Actor,
  raw: AuthorizeInput,
  options: AuthorizeOptions = {},
): Promise<Decision> {
  assertCan(actor, "access:decide");
  const input = authorizeInput.parse(raw);
  const now = options.now ?? new Date();
  const user = input.user.externalId
    ? { externalId: input.user.externalId }
    : { email: input.user.email! };
  const { decision, keyId } = isWellFormedSecret(input.apiKey)
    ? await decideAndReserve(db, actor, input, user, now, options)
    : { decision: UNKNOWN_KEY, keyId: null };
  if (!decision.allow && !CONTROL_DENIALS.has(decision.reason))
    await recordRepeatedRefusal(db, actor, {
      target: { type: "api_key", id: keyId },
      reason: decision.reason,
      detail: { user: user.externalId ?? user.email!, message: decision.message },
    });
  return decision;
}

const UNKNOWN_KEY: Decision = {
  allow: false,
  reason: "key_unknown",
  message: "The API key is not one Gatehouse issued.",
};

async function decideAndReserve(
  db: Db,
  actor: Actor,
  input: z.output<typeof authorizeInput>,
  user: { externalId: string } | { email: string },
  now: Date,
  options: AuthorizeOptions,
) {
  const keyLookup = { secretHash: hashSecret(input.apiKey) };
  const subject = options.snapshots
    ? await options.snapshots.subject(actor.orgId, keyLookup, user)
    : await loadSubject(db, actor.orgId, keyLookup, user);
  const { decision } = await decide(
    db,
    actor.orgId,
    subject,
    {
      model: input.model,
      features: input.features,
      estimatedCostMicros: input.estimatedCostMicros ?? 0,
      estimatedTokens: input.estimatedTokens ?? 0,
    },
    {
      now,
      reserve: true,
      reservationTtlSeconds: options.reservationTtlSeconds,
      rateStore: options.rateStore,
    },
  );
  if (decision.allow) noteLastUse(db, apiKeys, decision.keyId, now);
  return { decision, keyId: subject.key?.id ?? null };
}
