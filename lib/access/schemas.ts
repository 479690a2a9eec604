import { z } from "zod";

// The body of POST /api/v1/authorize.
export const authorizeInput = z
  .object({
    apiKey: z
      .string({ error: "the API key secret the request presented, as a string" })
      .min(1)
      .max(200),
    user: z
      .object({
        email: z.string().trim().toLowerCase().max(254).optional(),
        externalId: z.string().trim().min(1).max(200).optional(),
      })
      .refine((u) => u.email || u.externalId, "give email or externalId"),
    model: z.string().trim().min(1, "required").max(200),
    features: z.array(z.string().trim().min(1).max(100)).max(50).default([]),
    estimatedCostMicros: z.number().int().positive().max(1_000_000_000_000).optional(),
    estimatedTokens: z.number().int().positive().max(100_000_000).optional(),
  })
  .strict();

export type AuthorizeInput = z.input<typeof authorizeInput>;

export const denyReasons = [
  "key_unknown",
  "key_revoked",
  "key_expired",
  "user_unknown",
  "user_suspended",
  "no_group_access",
  "model_not_allowed",
  "feature_not_enabled",
  "rate_limited",
  "user_limit_exceeded",
  "key_limit_exceeded",
  "group_budget_exceeded",
  "budget_window_exceeded",
] as const;

export type DenyReason = (typeof denyReasons)[number];
