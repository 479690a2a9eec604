"use client";

import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
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

/** Spend over time for the chosen groups, or the organisation's total when none is chosen. */
export function TrendChart({ trend, granularity }: { trend: Trend; granularity: string }) {
  const rows = trend.points.map((p) => ({ bucket: p.bucket, total: p.totalMicros, ...p.byGroup }));
  const series = trend.groups.length
    ? trend.groups.map((g, i) => ({ key: g.id, name: g.name, color: seriesColor(i) }))
    : [{ key: "total", name: "Organisation total", color: seriesColor(0) }];
  return (
    <div
      role="img"
      aria-label={`Spend per ${granularity} for ${series.map((s) => s.name).join(", ")}.`}
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
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
