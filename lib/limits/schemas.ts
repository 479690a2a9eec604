import { z } from "zod";
import { isModelPattern } from "@/lib/access/model-pattern";

// A rate limit as the settings forms send it: on a key, a group (together or per member) or a
// member; an optional model pattern; requests a minute and a day (blank: no such limit).

export const MAX_RATE = 10_000_000;

const rate = (what: string) => {
  const message = `Enter whole ${what} from 1 to ${MAX_RATE.toLocaleString("en-US")}, or leave it blank.`;
  return z.preprocess(
    (v) =>
      v === undefined || v === null || (typeof v === "string" && !v.trim())
        ? null
        : typeof v === "string"
          ? Number(v.trim().replaceAll(",", ""))
          : v,
    z.number({ error: message }).int(message).min(1, message).max(MAX_RATE, message).nullable(),
  );
};

export const rateLimitInput = z
  .object({
    target: z.discriminatedUnion("kind", [
      z.object({ kind: z.literal("key"), id: z.uuid("Unknown key.") }),
      z.object({ kind: z.literal("member"), id: z.uuid("Unknown member.") }),
      z.object({
        kind: z.literal("group"),
        id: z.uuid("Unknown group."),
        perMember: z.boolean().default(false),
      }),
    ]),
    modelPattern: z
      .string()
      .trim()
      .max(200, "Keep the model pattern to 200 characters or fewer.")
      .optional()
      .transform((v) => v || null)
      .refine((v) => v === null || isModelPattern(v), {
        message: "Use a model id, with * for any characters (claude-opus-*, openai/*).",
      }),
    requestsPerMinute: rate("requests a minute"),
    requestsPerDay: rate("requests a day"),
  })
  .refine((v) => v.requestsPerMinute !== null || v.requestsPerDay !== null, {
    message: "Set requests a minute, requests a day, or both.",
    path: ["requestsPerMinute"],
  });

type RateValue = string | number | null | undefined;
/** As forms send it: each rate as typed ("1,000", blank) or a number; absent means none. */
export type RateLimitInput = Omit<
  z.input<typeof rateLimitInput>,
  "requestsPerMinute" | "requestsPerDay"
> & { requestsPerMinute?: RateValue; requestsPerDay?: RateValue };

export const rateLimitIdInput = z.object({ rateLimitId: z.uuid("Unknown rate limit.") });

// A model list as its form sends it: a name, allow or deny, and patterns one per line (or comma).
export const MAX_PATTERNS = 200;

export const modelListInput = z.object({
  name: z
    .string({ error: "Enter a name." })
    .trim()
    .min(1, "Enter a name.")
    .max(100, "Keep the name to 100 characters or fewer."),
  sense: z.enum(["allow", "deny"], { error: "Choose allow or deny." }),
  patterns: z
    .union([z.string(), z.array(z.string())])
    .transform((v) => [
      ...new Set((Array.isArray(v) ? v : v.split(/[\n,]+/)).map((p) => p.trim()).filter(Boolean)),
    ])
    .pipe(
      z
        .array(z.string())
        .min(1, "List at least one model or pattern.")
        .max(MAX_PATTERNS, `List at most ${MAX_PATTERNS} models or patterns.`)
        .refine((ps) => ps.every(isModelPattern), {
          message:
            "Use model ids, with * for any characters (claude-opus-*, openai/*), one per line.",
        }),
    ),
});

export type ModelListInput = z.input<typeof modelListInput>;

export const modelListAttachmentInput = z.object({
  listId: z.uuid("Unknown model list."),
  target: z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("key"), id: z.uuid("Unknown key.") }),
    z.object({ kind: z.literal("group"), id: z.uuid("Unknown group.") }),
  ]),
});

export const modelListIdInput = z.object({ listId: z.uuid("Unknown model list.") });

export type ModelListAttachmentInput = z.input<typeof modelListAttachmentInput>;
