import { z } from "zod";
import { FIELD_LIMITS } from "@/lib/field-limits";
import { optionalDollars, optionalEndOfDay } from "@/lib/form-input";
import { modelCatalogue } from "@/lib/models/catalogue";

// The features the gateway knows today; a key may also carry others (lowercase-with-dashes),
// so that a gateway feature shipped tomorrow needs no Gatehouse release.
export const knownFeatures = [
  "streaming",
  "structured-outputs",
  "reasoning",
  "prompt-library",
  "auto-caching",
] as const;

export const loadBalancingStrategies = [
  "none",
  "weighted",
  "round-robin",
  "lowest-latency",
] as const;

const modelIds = new Set(modelCatalogue.map((m) => m.id));
const modelId = z
  .string()
  .max(100, "Model ids are at most 100 characters.")
  .refine((id) => modelIds.has(id), {
    error: (issue) => `${String(issue.input)} is not in the model catalogue.`,
  });

const name = z
  .string({ error: "Enter a name." })
  .trim()
  .min(1, "Enter a name.")
  .max(FIELD_LIMITS.keyName, `Keep the name to ${FIELD_LIMITS.keyName} characters or fewer.`)
  .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), "The name cannot contain control characters.");

const feature = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "Feature names are lowercase words joined by dashes.")
  .max(
    FIELD_LIMITS.featureName,
    `Keep feature names to ${FIELD_LIMITS.featureName} characters or fewer.`,
  );

const keySettings = {
  name,
  features: z
    .array(feature)
    .max(30, "A key can carry at most 30 features.")
    .default([])
    .transform((fs) => [...new Set(fs)]),
  // Empty means every model in the catalogue.
  allowedModels: z
    .array(modelId)
    .max(100)
    .default([])
    .transform((ms) => [...new Set(ms)]),
  fallbackModels: z.array(modelId).max(10, "Keep the fallback list to 10 models.").default([]),
  loadBalancing: z.enum(loadBalancingStrategies, { error: "Choose a load-balancing strategy." }),
  weights: z.record(z.string().max(100), z.number().int().min(0).max(100)).default({}),
  expiresOn: optionalEndOfDay,
  monthlyLimitDollars: optionalDollars.optional().transform((v) => v ?? null),
};

interface PolicyFields {
  allowedModels: string[];
  fallbackModels: string[];
  loadBalancing: (typeof loadBalancingStrategies)[number];
  weights: Record<string, number>;
}

function checkPolicy(key: PolicyFields, ctx: z.RefinementCtx) {
  if (new Set(key.fallbackModels).size !== key.fallbackModels.length)
    ctx.addIssue({
      code: "custom",
      path: ["fallbackModels"],
      message: "A model appears twice in the fallback list.",
    });
  const outside = key.allowedModels.length
    ? key.fallbackModels.find((m) => !key.allowedModels.includes(m))
    : undefined;
  if (outside)
    ctx.addIssue({
      code: "custom",
      path: ["fallbackModels"],
      message: `${outside} is a fallback but not an allowed model.`,
    });
  if (key.loadBalancing !== "weighted") return;
  if (key.allowedModels.length < 2) {
    ctx.addIssue({
      code: "custom",
      path: ["weights"],
      message: "Weighted load balancing needs at least two allowed models.",
    });
    return;
  }
  const stray = Object.keys(key.weights).find((m) => !key.allowedModels.includes(m));
  if (stray)
    ctx.addIssue({
      code: "custom",
      path: ["weights"],
      message: `${stray} has a weight but is not an allowed model.`,
    });
  const total = key.allowedModels.reduce((sum, m) => sum + (key.weights[m] ?? 0), 0);
  if (total !== 100)
    ctx.addIssue({
      code: "custom",
      path: ["weights"],
      message: `The weights add up to ${total}; they must add up to 100.`,
    });
}

// Weights mean something only for weighted balancing; store none otherwise.
function normaliseWeights<K extends PolicyFields>(key: K): K {
  return {
    ...key,
    weights:
      key.loadBalancing === "weighted"
        ? Object.fromEntries(key.allowedModels.map((m) => [m, key.weights[m] ?? 0]))
        : {},
  };
}

export const createKeyInput = z
  .object(keySettings)
  .superRefine(checkPolicy)
  .transform(normaliseWeights);
export const updateKeyInput = z
  .object({ keyId: z.uuid("Unknown key."), ...keySettings })
  .superRefine(checkPolicy)
  .transform(normaliseWeights);

export const keyIdInput = z.object({ keyId: z.uuid("Unknown key.") });

export const keyGroupsInput = z.object({
  keyId: z.uuid("Unknown key."),
  groupIds: z
    .array(z.uuid("Unknown group."))
    .min(1, "Choose at least one group.")
    .max(500)
    .transform((ids) => [...new Set(ids)]),
});

export type CreateKeyInput = z.input<typeof createKeyInput>;
export type UpdateKeyInput = z.input<typeof updateKeyInput>;
export type KeyGroupsInput = z.input<typeof keyGroupsInput>;
