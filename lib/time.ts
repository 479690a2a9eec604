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
