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
} from "./chart-format";

interface GroupMonthChartProps {
  groupName: string;
  months: { month: string; costMicros: number }[];
  budgetMicros: number | null;
}

/** A group's spend per month for a year, against its monthly budget. */
export function GroupMonthChart({ groupName, months, budgetMicros }: GroupMonthChartProps) {
  return (
    <div
      role="img"
      aria-label={`${groupName}: spend per month for the last ${months.length} months${budgetMicros !== null ? ", against its monthly budget" : ""}.`}
    >
      <ResponsiveContainer width="100%" height={260} initialDimension={{ width: 800, height: 260 }}>
        <BarChart data={months} margin={{ top: 16, right: 8, bottom: 0, left: 8 }}>
          <CartesianGrid vertical={false} stroke="var(--border)" />
          <XAxis
            dataKey="month"
            tickFormatter={periodLabel}
            tick={{ fill: "var(--muted-foreground)", fontSize: 12 }}
            axisLine={false}
            tickLine={false}
          />
          <YAxis
            tickFormatter={axisMoney}
            tick={{ fill: "var(--muted-foreground)", fontSize: 12 }}
            axisLine={false}
            tickLine={false}
            width={56}
          />
          <Tooltip
            formatter={tooltipMoney}
            labelFormatter={(label) => periodLabel(String(label))}
            contentStyle={chartTooltipStyle}
            cursor={{ fill: "var(--accent)", opacity: 0.5 }}
          />
          <Bar dataKey="costMicros" name="Spend" fill={seriesColor(0)} radius={[3, 3, 0, 0]} />
          {budgetMicros !== null && (
            <ReferenceLine
              y={budgetMicros}
              stroke="var(--destructive)"
              strokeDasharray="5 4"
              ifOverflow="extendDomain"
              label={{
                value: `Budget ${axisMoney(budgetMicros)}`,
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
