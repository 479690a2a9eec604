import { z } from "zod";
import { usageStatus } from "@/db/schema";
import { authorizeInput } from "@/lib/access/schemas";
import { UNSTORABLE_TEXT_MESSAGE, unstorableTextPath } from "@/lib/text";

// One request's usage as the gateway reports it. Validated event by event: a bad event is
// rejected with its reason while the rest of the batch goes in.
//
// The member is named either by `memberId` (the id authorize answered) or by `user`, exactly as
// authorize takes it (`externalId` when given, else `email`, case-insensitive), so a gateway that
// keeps no state between the two calls can still report. Unknown fields are refused, as in
// authorize: a misspelt `costMicros` must not silently become the catalogue price.
// When the request was made: an ISO 8601 time with its offset (or a Date, from code). Not before
// 2000 and not ahead of now by more than a clock's skew: a far-off date is a gateway bug, and
// must be refused on its own rather than fail the batch in the database.
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;
const EARLIEST = Date.UTC(2000, 0, 1);
const MAX_CLOCK_SKEW_MS = 5 * 60_000;
const occurredAt = z
  .preprocess(
    (v) => (typeof v === "string" && ISO_WITH_OFFSET.test(v) ? new Date(v) : v),
    z.date({ error: "give an ISO 8601 time with its offset, like 2026-11-28T14:03:12Z" }),
  )
  .refine((d) => d.getTime() >= EARLIEST, "before the year 2000")
  .refine(
    (d) => d.getTime() <= Date.now() + MAX_CLOCK_SKEW_MS,
    "in the future: check the gateway's clock",
  );

export const usageEventInput = z
  .object({
    eventId: z.string().trim().min(1).max(200),
    occurredAt,
    memberId: z.uuid().optional(),
    user: authorizeInput.shape.user.optional(),
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
  })
  .strict()
  .refine((e) => (e.memberId === undefined) !== (e.user === undefined), {
    message: "give exactly one of memberId and user",
    path: ["memberId"],
  })
  .superRefine((e, ctx) => {
    const path = unstorableTextPath(e);
    if (path)
      ctx.addIssue({ code: "custom", path: path.split("."), message: UNSTORABLE_TEXT_MESSAGE });
  });

export type UsageEventInput = z.input<typeof usageEventInput>;
export type UsageEvent = z.output<typeof usageEventInput>;

/** The most events one call of POST /api/v1/usage may carry. */
export const MAX_USAGE_BATCH = 1_000;

// The body of POST /api/v1/usage. Only the envelope is checked here: each event is validated on
// its own by ingestUsage, so one bad event does not refuse the batch.
export const usageBatchInput = z
  .object({
    events: z
      .array(z.unknown())
      .min(1, "send at least one event")
      .max(MAX_USAGE_BATCH, "at most 1,000 events per call: split the batch"),
  })
  .strict();
