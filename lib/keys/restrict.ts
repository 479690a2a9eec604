import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/connect";
import { apiKeys } from "@/db/schema";
import { audit } from "@/lib/audit/record";
import { type Actor, assertCan } from "@/lib/auth/actor";
import { Invalid } from "@/lib/errors";
import { modelCatalogue } from "@/lib/models/catalogue";
import { requireKey, snapshot } from "./commands";

// Least privilege on a key: take features and models away without retyping its settings (what
// the recommendations' "Remove" does). The policy stays one the key form would accept: a model
// no longer allowed leaves the fallbacks and the weights too, and weighted balancing over fewer
// than two models becomes none.

export const restrictKeyInput = z
  .object({
    keyId: z.uuid("Unknown key."),
    features: z.array(z.string().max(100)).max(30).default([]),
    models: z.array(z.string().max(100)).max(100).default([]),
  })
  .refine((i) => i.features.length + i.models.length > 0, "Choose a feature or model to remove.");

export type RestrictKeyInput = z.input<typeof restrictKeyInput>;

export async function restrictKey(db: Db, actor: Actor, raw: RestrictKeyInput, now = new Date()) {
  assertCan(actor, "org:manage");
  const input = restrictKeyInput.parse(raw);
  return db.transaction(async (tx) => {
    const before = await requireKey(tx, actor.orgId, input.keyId, { live: true });
    const missing = input.features.find((f) => !before.features.includes(f));
    if (missing) throw new Invalid(`${before.name} does not carry ${missing}.`);
    const policy = before.policy;
    // No list means every model in the catalogue: taking some away leaves the rest listed.
    const allowed = policy.allowedModels.length
      ? policy.allowedModels
      : modelCatalogue.map((m) => m.id);
    const notAllowed = input.models.find((m) => !allowed.includes(m));
    if (notAllowed) throw new Invalid(`${before.name} does not allow ${notAllowed}.`);
    const allowedModels = allowed.filter((m) => !input.models.includes(m));
    if (input.models.length && !allowedModels.length)
      throw new Invalid(`${before.name} must allow at least one model; to stop it, revoke it.`);
    const weighted = policy.loadBalancing === "weighted";
    const carrying = weighted ? input.models.find((m) => (policy.weights[m] ?? 0) > 0) : undefined;
    if (carrying)
      throw new Invalid(
        `${carrying} carries ${policy.weights[carrying]}% of ${before.name}'s traffic; give its weight to another model first.`,
      );
    const balanced = weighted && allowedModels.length >= 2;
    const [after] = await tx
      .update(apiKeys)
      .set({
        features: before.features.filter((f) => !input.features.includes(f)),
        policy: {
          allowedModels: input.models.length ? allowedModels : policy.allowedModels,
          fallbackModels: policy.fallbackModels.filter((m) => !input.models.includes(m)),
          loadBalancing: weighted && !balanced ? "none" : policy.loadBalancing,
          weights: balanced
            ? Object.fromEntries(allowedModels.map((m) => [m, policy.weights[m] ?? 0]))
            : {},
        },
        updatedAt: now,
      })
      .where(eq(apiKeys.id, before.id))
      .returning();
    await audit(
      tx,
      actor,
      "key.updated",
      { type: "api_key", id: before.id },
      { before: snapshot(before), after: snapshot(after!) },
    );
    return { id: after!.id, name: after!.name, features: after!.features, policy: after!.policy };
  });
}
