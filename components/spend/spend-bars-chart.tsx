"use client";

import {
  Bar,
  BarChart,
  CartesianGrid,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import {
  axisMoney,
  chartTooltipStyle,
  periodLabel,
  seriesColor,
  tooltipMoney,
  moneyAxis,
  periodAxis,
  still,
} from "./chart-format";

interface SpendBarsChartProps {
  // What the chart shows, for screen readers.
  description: string;
  // Periods are months (yyyy-mm) or days (yyyy-mm-dd).
  data: { period: string; costMicros: number }[];
  // A budget or limit to draw across the bars.
  line: { micros: number; label: string } | null;
}

/** Spend per period as bars, against a budget or limit. */
export function SpendBarsChart({ description, data, line }: SpendBarsChartProps) {
  return (
    <div role="img" aria-label={description}>
      <ResponsiveContainer width="100%" height={260} initialDimension={{ width: 800, height: 260 }}>
        <BarChart data={data} margin={{ top: 16, right: 8, bottom: 0, left: 8 }}>
          <CartesianGrid vertical={false} stroke="var(--border)" />
          <XAxis dataKey="period" {...periodAxis} />
          <YAxis {...moneyAxis} />
          <Tooltip
            formatter={tooltipMoney}
            labelFormatter={(label) => periodLabel(String(label))}
            contentStyle={chartTooltipStyle}
            cursor={{ fill: "var(--accent)", opacity: 0.5 }}
          />
          <Bar
            {...still}
            dataKey="costMicros"
            name="Spend"
            fill={seriesColor(0)}
            radius={[3, 3, 0, 0]}
          />
          {line && (
            <ReferenceLine
              y={line.micros}
              stroke="var(--destructive)"
              strokeDasharray="5 4"
              ifOverflow="extendDomain"
              label={{
                value: `${line.label} ${axisMoney(line.micros)}`,
                position: "insideTopRight",
                fill: "var(--destructive)",
                fontSize: 12,
              }}
            />
          )}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
