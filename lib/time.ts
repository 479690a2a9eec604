// Time is UTC throughout: budgets run by calendar month in UTC, rollups by UTC day.
export function startOfMonthUtc(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
}

export function addMonthsUtc(at: Date, months: number): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + months, 1));
}

export function toIsoDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

const relative = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
const steps: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 86_400_000],
  ["month", 30 * 86_400_000],
  ["day", 86_400_000],
  ["hour", 3_600_000],
  ["minute", 60_000],
];

/** "3 minutes ago", "yesterday", "in 5 days": for times people scan, not for records. */
export function timeFromNow(at: Date, now = new Date()): string {
  const diff = at.getTime() - now.getTime();
  for (const [unit, ms] of steps)
    if (Math.abs(diff) >= ms) return relative.format(Math.trunc(diff / ms), unit);
  return "just now";
}
