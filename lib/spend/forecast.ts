import { addMonthsUtc, startOfMonthUtc } from "@/lib/time";

const DAY_MS = 86_400_000;

// Pace needs some history: before this much of the month has passed, a projection says more
// about one busy morning than about the month, so none is made.
export const MIN_FORECAST_DAYS = 3;

export interface MonthForecast {
  // Spend at this month's pace by the end of the month (UTC); null too early in the month.
  projectedMicros: number | null;
  // When that pace reaches the budget, if it does this month and has not yet.
  crossesBudgetAt: Date | null;
}

/** Month-end spend projected linearly from the pace so far this calendar month. */
export function forecastMonth(
  spentMicros: number,
  budgetMicros: number | null,
  now: Date,
): MonthForecast {
  const start = startOfMonthUtc(now);
  const end = addMonthsUtc(now, 1);
  const elapsedDays = (now.getTime() - start.getTime()) / DAY_MS;
  if (elapsedDays < MIN_FORECAST_DAYS) return { projectedMicros: null, crossesBudgetAt: null };
  const perDay = spentMicros / elapsedDays;
  const projectedMicros = Math.round(
    (spentMicros / elapsedDays) * ((end.getTime() - start.getTime()) / DAY_MS),
  );
  let crossesBudgetAt: Date | null = null;
  if (budgetMicros !== null && spentMicros < budgetMicros && perDay > 0) {
    const at = new Date(now.getTime() + ((budgetMicros - spentMicros) / perDay) * DAY_MS);
    if (at < end) crossesBudgetAt = at;
  }
  return { projectedMicros, crossesBudgetAt };
}
