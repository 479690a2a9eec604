import type { Db } from "@/db/connect";
import { apiKeys } from "@/db/schema";
import { type Actor, assertCan } from "@/lib/auth/actor";
import { touchLastUsed } from "@/lib/keys/last-used";
import { hashSecret, isWellFormedSecret } from "@/lib/keys/secret";
import { type Decision, decide } from "./decide";
import { type AuthorizeInput, authorizeInput } from "./schemas";
import { loadSubject } from "./subject";

export type { Decision } from "./decide";

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
  if (!isWellFormedSecret(input.apiKey))
    return {
      allow: false,
      reason: "key_unknown",
      message: "The API key is not one Gatehouse issued.",
    };

  const subject = await loadSubject(
    db,
    actor.orgId,
    { secretHash: hashSecret(input.apiKey) },
    input.user.externalId ? { externalId: input.user.externalId } : { email: input.user.email! },
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
  return decision;
}
