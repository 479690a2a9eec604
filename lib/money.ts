// Money is integer micro-dollars everywhere; it becomes a string only at the edge.
export const MICROS_PER_DOLLAR = 1_000_000;

export function formatMicros(micros: number, options: { precise?: boolean } = {}): string {
  const dollars = micros / MICROS_PER_DOLLAR;
  const small = Math.abs(dollars) < 1 && dollars !== 0;
  return new Intl.NumberFormat("en-US", {
    style: "currency",
    currency: "USD",
    minimumFractionDigits: options.precise || small ? 2 : 0,
    maximumFractionDigits: options.precise || small ? (small ? 4 : 2) : 0,
  }).format(dollars);
}
