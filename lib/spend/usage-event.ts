import { z } from "zod";
import { usageStatus } from "@/db/schema";

// One request's usage as the gateway reports it. Validated event by event: a bad event is
// rejected with its reason while the rest of the batch goes in.
export const usageEventInput = z.object({
  eventId: z.string().trim().min(1).max(200),
  occurredAt: z.coerce.date(),
  memberId: z.uuid(),
  keyId: z.uuid(),
  model: z.string().trim().min(1).max(200),
  provider: z.string().trim().min(1).max(100).optional(),
  features: z.array(z.string().trim().min(1).max(100)).max(50).default([]),
  inputTokens: z.number().int().min(0).max(100_000_000),
  outputTokens: z.number().int().min(0).max(100_000_000),
  cachedTokens: z.number().int().min(0).max(100_000_000).default(0),
  costMicros: z.number().int().min(0).max(1_000_000_000_000).optional(),
  latencyMs: z.number().int().min(0).max(86_400_000).nullish(),
  status: z.enum(usageStatus.enumValues).default("success"),
  reservationId: z.uuid().nullish(),
});

export type UsageEventInput = z.input<typeof usageEventInput>;
export type UsageEvent = z.output<typeof usageEventInput>;
