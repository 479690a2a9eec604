"use client";

import {
  Bar,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import type { MonthlyByGroup } from "@/lib/spend/analytics";
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

/** Spend per month, stacked by group, with the organisation's total as a line. */
export function MonthlyGroupChart({ data }: { data: MonthlyByGroup }) {
  const rows = data.months.map((m) => ({ month: m.month, total: m.totalMicros, ...m.byGroup }));
  return (
    <div
      role="img"
      aria-label={`Spend per month for the last ${rows.length} months, stacked by group: ${data.groups.map((g) => g.name).join(", ")}, with the organisation's total.`}
    >
      <ResponsiveContainer width="100%" height={320} initialDimension={{ width: 800, height: 320 }}>
        <ComposedChart data={rows} margin={chartMargin}>
          <CartesianGrid vertical={false} stroke="var(--border)" />
          <XAxis dataKey="month" {...periodAxis} />
          <YAxis {...moneyAxis} />
          <Tooltip
            formatter={tooltipMoney}
            labelFormatter={(label) => periodLabel(String(label))}
            contentStyle={chartTooltipStyle}
            cursor={{ fill: "var(--accent)", opacity: 0.5 }}
          />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {data.groups.map((g, i) => (
            <Bar
              {...still}
              key={g.id}
              dataKey={g.id}
              name={g.name}
              stackId="groups"
              fill={seriesColor(i)}
            />
          ))}
          <Line
            {...still}
            dataKey="total"
            name="Organisation total"
            stroke="var(--foreground)"
            strokeDasharray="4 3"
            dot={false}
            type="monotone"
          />
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}
