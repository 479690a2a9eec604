import type { z } from "zod";
import type { Db } from "@/db/connect";
import { apiKeys } from "@/db/schema";
import { recordRefusal } from "@/lib/audit/refusals";
import { type Actor, assertCan } from "@/lib/auth/actor";
import { touchLastUsed } from "@/lib/keys/last-used";
import { hashSecret, isWellFormedSecret } from "@/lib/keys/secret";
import { type Decision, decide } from "./decide";
import { type AuthorizeInput, type DenyReason, authorizeInput } from "./schemas";
import { loadSubject } from "./subject";

export type { Decision } from "./decide";

// Refusals of who may use what are recorded in the audit log; refusals for money (limits, budgets)
// are not: they are the spend controls working, and the spend pages and alerts show them.
const MONEY_DENIALS: ReadonlySet<DenyReason> = new Set<DenyReason>([
  "user_limit_exceeded",
  "key_limit_exceeded",
  "group_budget_exceeded",
]);

export interface AuthorizeOptions {
  now?: Date;
  reservationTtlSeconds?: number;
}

/**
 * The gateway's question: may this member use this key for this model and these features,
 * within their limit, the key's limit and their groups' hard budgets? With an estimated cost,
 * an allowed request reserves it until the usage report settles it. Nothing is cached: a revoked
 * key or a removed membership is refused from the next call on.
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
  if (!decision.allow && !MONEY_DENIALS.has(decision.reason))
    await recordRefusal(db, actor, {
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
  const subject = await loadSubject(
    db,
    actor.orgId,
    { secretHash: hashSecret(input.apiKey) },
    user,
  );
  const { decision } = await decide(
    db,
    actor.orgId,
    subject,
    {
      model: input.model,
      features: input.features,
      estimatedCostMicros: input.estimatedCostMicros ?? 0,
    },
    { now, reserve: true, reservationTtlSeconds: options.reservationTtlSeconds },
  );
  if (decision.allow)
    await touchLastUsed(db, apiKeys, decision.keyId, subject.key?.lastUsedAt ?? null, now);
  return { decision, keyId: subject.key?.id ?? null };
}
