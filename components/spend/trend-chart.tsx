"use client";

import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceDot,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import type { TrendAnomaly } from "@/lib/spend/alert-queries";
import type { Trend } from "@/lib/spend/analytics";
import {
  chartTooltipStyle,
  periodLabel,
  seriesColor,
  tooltipMoney,
  chartMargin,
  moneyAxis,
  periodAxis,
  still,
} from "./chart-format";

interface TrendChartProps {
  trend: Trend;
  granularity: string;
  /** Unusual spend of the charted series, marked on their lines. */
  anomalies?: TrendAnomaly[];
}

/** Spend over time for the chosen groups, or the organisation's total when none is chosen. */
export function TrendChart({ trend, granularity, anomalies = [] }: TrendChartProps) {
  const rows = trend.points.map((p) => ({ bucket: p.bucket, total: p.totalMicros, ...p.byGroup }));
  const series = trend.groups.length
    ? trend.groups.map((g, i) => ({ key: g.id, name: g.name, color: seriesColor(i) }))
    : [{ key: "total", name: "Organisation total", color: seriesColor(0) }];
  // One marker per point of a line, however many anomalies (a day's and a week's) fall on it.
  const markers = [
    ...new Map(
      anomalies.map((a) => {
        const key = a.groupId ?? "total";
        return [`${a.bucket}/${key}`, { bucket: a.bucket, key }];
      }),
    ).values(),
  ].flatMap(({ bucket, key }) => {
    const row = rows.find((r) => r.bucket === bucket) as Record<string, number> | undefined;
    return row && key in row ? [{ bucket, key, y: row[key]! }] : [];
  });
  return (
    <div
      role="img"
      aria-label={`Spend per ${granularity} for ${series.map((s) => s.name).join(", ")}.${markers.length ? ` ${markers.length} marked as unusual.` : ""}`}
    >
      <ResponsiveContainer width="100%" height={280} initialDimension={{ width: 800, height: 280 }}>
        <LineChart data={rows} margin={chartMargin}>
          <CartesianGrid vertical={false} stroke="var(--border)" />
          <XAxis dataKey="bucket" {...periodAxis} minTickGap={24} />
          <YAxis {...moneyAxis} />
          <Tooltip
            formatter={tooltipMoney}
            labelFormatter={(label) =>
              `${granularity === "week" ? "Week of " : ""}${periodLabel(String(label))}`
            }
            contentStyle={chartTooltipStyle}
          />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {series.map((s) => (
            <Line
              {...still}
              key={s.key}
              dataKey={s.key}
              name={s.name}
              stroke={s.color}
              strokeWidth={2}
              dot={rows.length <= 31 ? { r: 2 } : false}
              type="monotone"
            />
          ))}
          {markers.map((m) => (
            <ReferenceDot
              key={`${m.bucket}/${m.key}`}
              x={m.bucket}
              y={m.y}
              r={6}
              fill="var(--destructive)"
              stroke="var(--card)"
              strokeWidth={2}
              ifOverflow="extendDomain"
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
