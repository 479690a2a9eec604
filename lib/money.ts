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
  if (options.exact) return usd(micros % MICROS_PER_DOLLAR === 0 ? 0 : 2, 6).format(dollars);
  const small = Math.abs(dollars) < 1 && dollars !== 0;
  return usd(
    options.precise || small ? 2 : 0,
    options.precise || small ? (small ? 4 : 2) : 0,
  ).format(dollars);
}

// Making a formatter costs tens of microseconds (the gateway's answers format limits on every
// call); there are only a few kinds, so each is made once.
const formatters = new Map<string, Intl.NumberFormat>();
function usd(minimumFractionDigits: number, maximumFractionDigits: number) {
  const kind = `${minimumFractionDigits}/${maximumFractionDigits}`;
  let formatter = formatters.get(kind);
  if (!formatter)
    formatters.set(
      kind,
      (formatter = new Intl.NumberFormat("en-US", {
        style: "currency",
        currency: "USD",
        minimumFractionDigits,
        maximumFractionDigits,
      })),
    );
  return formatter;
}
