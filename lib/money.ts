// Money is integer micro-dollars everywhere; it becomes a string only at the edge.
export const MICROS_PER_DOLLAR = 1_000_000;

/**
 * Dollars for people. `precise`: cents always. `exact`, for settings (budgets, limits): as they
 * were set, whole dollars without cents and anything else to the cent or finer, never rounded.
 */
export function formatMicros(
  micros: number,
  options: { precise?: boolean; exact?: boolean } = {},
): string {
  const dollars = micros / MICROS_PER_DOLLAR;
  if (options.exact)
    return new Intl.NumberFormat("en-US", {
      style: "currency",
      currency: "USD",
      minimumFractionDigits: micros % MICROS_PER_DOLLAR === 0 ? 0 : 2,
      maximumFractionDigits: 6,
    }).format(dollars);
  const small = Math.abs(dollars) < 1 && dollars !== 0;
  return new Intl.NumberFormat("en-US", {
    style: "currency",
    currency: "USD",
    minimumFractionDigits: options.precise || small ? 2 : 0,
    maximumFractionDigits: options.precise || small ? (small ? 4 : 2) : 0,
  }).format(dollars);
}
