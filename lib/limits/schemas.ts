import { z } from "zod";
import { isModelPattern } from "@/lib/access/model-pattern";
import { optionalDollars } from "@/lib/form-input";
import { controlTarget, groupTarget, keyTarget, memberTarget } from "./targets";

// A rate limit as the settings forms send it: on a key, a group (together or per member) or a
// member; an optional model pattern; requests a minute and a day (blank: no such limit).

export const MAX_RATE = 10_000_000;
export const MAX_TOKEN_RATE = 1_000_000_000;

const rate = (what: string, max = MAX_RATE) => {
  const message = `Enter whole ${what} from 1 to ${max.toLocaleString("en-US")}, or leave it blank.`;
  return z.preprocess(
    (v) =>
      v === undefined || v === null || (typeof v === "string" && !v.trim())
        ? null
        : typeof v === "string"
          ? Number(v.trim().replaceAll(",", ""))
          : v,
    z.number({ error: message }).int(message).min(1, message).max(max, message).nullable(),
  );
};

export const rateLimitInput = z
  .object({
    target: z.discriminatedUnion("kind", [
      keyTarget,
      memberTarget,
      groupTarget.extend({ perMember: z.boolean().default(false) }),
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
    tokensPerMinute: rate("tokens a minute", MAX_TOKEN_RATE),
  })
  .refine(
    (v) => v.requestsPerMinute !== null || v.requestsPerDay !== null || v.tokensPerMinute !== null,
    {
      message: "Set requests a minute, requests a day or tokens a minute.",
      path: ["requestsPerMinute"],
    },
  );

type RateValue = string | number | null | undefined;
/** As forms send it: each rate as typed ("1,000", blank) or a number; absent means none. */
export type RateLimitInput = Omit<
  z.input<typeof rateLimitInput>,
  "requestsPerMinute" | "requestsPerDay" | "tokensPerMinute"
> & { requestsPerMinute?: RateValue; requestsPerDay?: RateValue; tokensPerMinute?: RateValue };

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
  target: z.discriminatedUnion("kind", [keyTarget, groupTarget]),
});

export const modelListIdInput = z.object({ listId: z.uuid("Unknown model list.") });

export type ModelListAttachmentInput = z.input<typeof modelListAttachmentInput>;

// A budget window as its form sends it: on a key, a group or a member; a day, a week, the last N
// days or a calendar month; an amount in dollars; soft (alerts only) or hard (refuses); alert thresholds in percent;
// and an optional temporary amount until a date (the end of that day in the organisation's zone).
export const MAX_WINDOW_DAYS = 31;

const dollars = (what: string) =>
  optionalDollars.refine((v) => v === null || v > 0, `Enter ${what} above $0.`);

export const budgetWindowInput = z
  .object({
    target: controlTarget,
    period: z.enum(["day", "week", "days", "month"], {
      error: "Choose a day, a week, a number of days or a month.",
    }),
    days: z.preprocess(
      (v) => (v === "" || v === undefined || v === null ? null : Number(v)),
      z
        .number({ error: `Enter a number of days from 2 to ${MAX_WINDOW_DAYS}.` })
        .int(`Enter a number of days from 2 to ${MAX_WINDOW_DAYS}.`)
        .min(2, `Enter a number of days from 2 to ${MAX_WINDOW_DAYS}.`)
        .max(MAX_WINDOW_DAYS, `Enter a number of days from 2 to ${MAX_WINDOW_DAYS}.`)
        .nullable(),
    ),
    amount: dollars("an amount"),
    mode: z.enum(["soft", "hard"], { error: "Choose soft or hard." }),
    alertThresholds: z
      .union([z.string(), z.array(z.number())])
      .default([80, 100])
      .transform((v) =>
        Array.isArray(v)
          ? v
          : v
              .split(/[\s,%]+/)
              .filter(Boolean)
              .map(Number),
      )
      .pipe(
        z
          .array(
            z
              .number({ error: "Alert thresholds are whole percentages, like 80, 100." })
              .int("Alert thresholds are whole percentages, like 80, 100.")
              .min(1, "Alert thresholds are from 1% to 1000%.")
              .max(1000, "Alert thresholds are from 1% to 1000%."),
            { error: "Alert thresholds are whole percentages, like 80, 100." },
          )
          .max(10, "Set at most 10 alert thresholds."),
      )
      .transform((v) => [...new Set(v)].sort((a, b) => a - b)),
    raisedAmount: dollars("a temporary amount"),
    raisedUntil: z
      .union([
        z.literal("").transform(() => null),
        z.null(),
        z.iso.date("Enter a date like 2026-12-31."),
      ])
      .optional()
      .transform((v) => v ?? null),
  })
  .superRefine((v, ctx) => {
    if (v.amount === null)
      ctx.addIssue({ code: "custom", path: ["amount"], message: "Enter an amount above $0." });
    if (v.period === "days" && v.days === null)
      ctx.addIssue({
        code: "custom",
        path: ["days"],
        message: `Enter a number of days from 2 to ${MAX_WINDOW_DAYS}.`,
      });
    if ((v.raisedAmount === null) !== (v.raisedUntil === null))
      ctx.addIssue({
        code: "custom",
        path: [v.raisedAmount === null ? "raisedAmount" : "raisedUntil"],
        message: "A temporary increase needs both an amount and the date it lasts until.",
      });
    else if (v.raisedAmount !== null && v.amount !== null && v.raisedAmount <= v.amount)
      ctx.addIssue({
        code: "custom",
        path: ["raisedAmount"],
        message: "A temporary increase must be above the window's amount.",
      });
  })
  .transform((v) => ({
    ...v,
    amount: v.amount!,
    days: v.period === "days" ? v.days : null,
  }));

type FormValue = string | number | null | undefined;
/** As forms send it: amounts and days as typed ("1,250.50", "7", blank) or numbers. */
export type BudgetWindowInput = Omit<
  z.input<typeof budgetWindowInput>,
  "days" | "amount" | "raisedAmount"
> & { days?: FormValue; amount: FormValue; raisedAmount?: FormValue };

export const budgetWindowIdInput = z.object({ budgetWindowId: z.uuid("Unknown budget window.") });
