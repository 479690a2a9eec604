import { z } from "zod";
import type { Db } from "@/db/connect";
import { type Actor, assertCan } from "@/lib/auth/actor";
import { optionalDollars } from "@/lib/form-input";
import { decide } from "./decide";
import { loadSubject } from "./subject";

export const explainInput = z.object({
  memberId: z.uuid("Choose a member."),
  keyId: z.uuid("Choose a key."),
  model: z.string().trim().min(1, "Choose a model.").max(200),
  features: z.array(z.string().trim().min(1).max(100)).max(50).default([]),
  estimatedCostDollars: optionalDollars.optional().transform((v) => v ?? 0),
});

export type ExplainInput = z.input<typeof explainInput>;

/** The "Why?" question as a page's URL carries it: any part may be missing or malformed. */
export interface WhyQuery {
  member?: string;
  key?: string;
  model?: string;
  features?: string[];
  estimate?: string;
}

/**
 * "Why?": the decision the gateway would get for this member, key and model right now, with
 * every rule checked on the way. It runs the gateway's own decision without reserving anything.
 */
export async function explainAccess(db: Db, actor: Actor, raw: ExplainInput, now = new Date()) {
  // Admins only: the rules name people's and groups' spend against their limits.
  assertCan(actor, "org:manage");
  const input = explainInput.parse(raw);
  const subject = await loadSubject(db, actor.orgId, { id: input.keyId }, { id: input.memberId });
  return decide(
    db,
    actor.orgId,
    subject,
    {
      model: input.model,
      features: input.features,
      estimatedCostMicros: input.estimatedCostDollars,
      estimatedTokens: 0,
    },
    { now, reserve: false },
  );
}
