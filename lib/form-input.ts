import { z } from "zod";

// Dollars as typed in a form (up to cents), or empty for "none"; stored as micro-dollars.
export const optionalDollars = z
  .union([
    z.literal("").transform(() => null),
    z.null(),
    z.coerce.number({ error: "Enter an amount in dollars." }),
  ])
  .refine(
    (v) => v === null || (Number.isFinite(v) && v >= 0 && v <= 10_000_000),
    "Enter an amount between $0 and $10,000,000.",
  )
  .transform((v) => (v === null ? null : Math.round(v * 100) * 10_000));

// A date from a form (yyyy-mm-dd, meaning the end of that day in UTC), or nothing.
export const optionalEndOfDay = z
  .union([
    z.literal("").transform(() => null),
    z.null(),
    z.iso.date("Enter a date like 2026-12-31."),
  ])
  .optional()
  .transform((v) => (v ? new Date(`${v}T23:59:59.999Z`) : null));
