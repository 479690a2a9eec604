import { formatMicros } from "@/lib/money";

export const seriesColor = (index: number) => `var(--chart-${(index % 8) + 1})`;

const compact = new Intl.NumberFormat("en-US", {
  style: "currency",
  currency: "USD",
  notation: "compact",
  maximumFractionDigits: 1,
});

/** Axis ticks: "$1.2K". */
export const axisMoney = (micros: number) => compact.format(micros / 1_000_000);

/** Tooltips: to the cent. */
export const tooltipMoney = (micros: unknown) => formatMicros(Number(micros), { precise: true });

const monthLabel = new Intl.DateTimeFormat("en-GB", {
  month: "short",
  year: "2-digit",
  timeZone: "UTC",
});
const dayLabel = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "short",
  timeZone: "UTC",
});

/** "Nov 26" for yyyy-mm, "3 Nov" for yyyy-mm-dd. */
export function periodLabel(period: string) {
  return period.length === 7
    ? monthLabel.format(new Date(`${period}-01T00:00:00Z`))
    : dayLabel.format(new Date(`${period}T00:00:00Z`));
}

export const chartTooltipStyle = {
  backgroundColor: "var(--popover)",
  border: "1px solid var(--border)",
  borderRadius: 6,
  color: "var(--popover-foreground)",
  fontSize: 12,
};

// The axes every spend chart draws: periods along the bottom, money up the side.
const tick = { fill: "var(--muted-foreground)", fontSize: 12 };
export const periodAxis = { tickFormatter: periodLabel, tick, axisLine: false, tickLine: false };
export const moneyAxis = {
  tickFormatter: axisMoney,
  tick,
  axisLine: false,
  tickLine: false,
  width: 56,
};
export const chartMargin = { top: 8, right: 8, bottom: 0, left: 8 };

// Series draw at once: an animation re-renders the chart every frame for a second and more,
// and a range change pressed meanwhile waits for those frames (the page's interaction latency).
export const still = { isAnimationActive: false } as const;
