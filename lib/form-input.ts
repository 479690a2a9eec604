import { z } from "zod";

// Dollars as typed in a form ("1250.5", "$1,250.50"), or empty for "none"; stored as
// micro-dollars, rounded to the cent. One schema, not a union, so that a bad amount gets this
// message rather than a union's "Invalid input".
export const optionalDollars = z
  .preprocess(
    (v) =>
      v === "" || v === null || v === undefined
        ? null
        : typeof v === "string"
          ? v.trim() === ""
            ? null
            : Number(v.trim().replace(/^\$/, "").replaceAll(",", ""))
          : v,
    z
      .number({ error: "Enter an amount in dollars." })
      .min(0, "Enter an amount between $0 and $10,000,000.")
      .max(10_000_000, "Enter an amount between $0 and $10,000,000.")
      .nullable(),
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
