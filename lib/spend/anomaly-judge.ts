// Whether a day's (or a week's) spend is unusual for the one who spent it, judged against their
// own recent past: the 28 days before it (or the 4 weeks before). Plain functions, no database.

export type AnomalySensitivity = "off" | "low" | "medium" | "high";

/**
 * How many robust standard deviations above the usual a spend must be to count, per setting.
 * The robust standard deviation is 1.4826 × the median absolute deviation: for normally
 * distributed spend it estimates the standard deviation, and unlike it, one past spike in the
 * baseline barely moves it, so last week's incident does not hide this week's.
 */
export const SENSITIVITY_SCORE: Record<Exclude<AnomalySensitivity, "off">, number> = {
  low: 6,
  medium: 4,
  high: 3,
};

export const SENSITIVITY_LABEL: Record<AnomalySensitivity, string> = {
  off: "Off: never alert",
  low: "Low: only extreme spikes",
  medium: "Medium",
  high: "High: smaller rises too",
};

export interface Verdict {
  unusual: boolean;
  medianMicros: number;
  /** The baseline's 90th percentile: what its rare high periods reach. */
  p90Micros: number;
  score: number;
}

export interface JudgeRules {
  sensitivity: Exclude<AnomalySensitivity, "off">;
  /** Spend below this is never unusual (noise on tiny amounts). */
  minSpendMicros: number;
  /** How many periods of the baseline must have spend: without a past, nothing is unusual yet. */
  minActivePeriods: number;
}

function median(sorted: readonly number[]): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const ascending = (a: number, b: number) => a - b;

/**
 * Unusual: at least the minimum, above the baseline's 90th percentile, and `score` robust
 * standard deviations above its median. The percentile keeps spend that comes in bursts (a few
 * days a month) from being unusual each time, without letting one past spike hide the next. The
 * spread never counts as less than a tenth of the median or the minimum spend: a perfectly steady
 * spend would otherwise make a rise of a cent unusual.
 */
export function judgeSpend(baseline: readonly number[], spend: number, rules: JudgeRules): Verdict {
  const sorted = [...baseline].sort(ascending);
  const medianMicros = sorted.length ? median(sorted) : 0;
  const p90Micros = sorted.length ? sorted[Math.floor(0.9 * (sorted.length - 1))]! : 0;
  const mad = sorted.length
    ? median(sorted.map((v) => Math.abs(v - medianMicros)).sort(ascending))
    : 0;
  const spread = Math.max(1.4826 * mad, 0.1 * medianMicros, rules.minSpendMicros, 1);
  const score = (spend - medianMicros) / spread;
  const active = baseline.filter((v) => v > 0).length;
  return {
    unusual:
      active >= rules.minActivePeriods &&
      spend >= rules.minSpendMicros &&
      spend > p90Micros &&
      score >= SENSITIVITY_SCORE[rules.sensitivity],
    medianMicros: Math.round(medianMicros),
    p90Micros,
    score: Math.round(score * 100) / 100,
  };
}
