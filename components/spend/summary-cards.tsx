import { Card } from "@/components/ui/card";
import type { SpendSummary } from "@/lib/spend/analytics";
import { MIN_FORECAST_DAYS } from "@/lib/spend/forecast";
import { formatMicros } from "@/lib/money";
import { cn } from "@/lib/utils";

const count = new Intl.NumberFormat("en-US");

/** This month so far, its complete days against last month's first days, and where it heads. */
export function SpendSummaryCards({ summary }: { summary: SpendSummary }) {
  const c = summary.comparison;
  const change =
    c && c.lastMonthMicros
      ? Math.round(((c.thisMonthMicros - c.lastMonthMicros) / c.lastMonthMicros) * 100)
      : null;
  return (
    <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-4">
      <Card className="p-5">
        <p className="text-sm text-muted-foreground">This month so far</p>
        <p className="mt-1 text-2xl font-semibold tabular-nums" data-testid="spend-this-month">
          {formatMicros(summary.thisMonthMicros, { precise: true })}
        </p>
        {change !== null && (
          <p
            className={cn(
              "mt-1 text-sm tabular-nums",
              change > 0 ? "text-destructive" : "text-success",
            )}
          >
            {change > 0 ? "▲" : change < 0 ? "▼" : "="} {Math.abs(change)} % vs last month&apos;s
            first {c!.days} {c!.days === 1 ? "day" : "days"}
          </p>
        )}
      </Card>
      <Card className="p-5">
        <p className="text-sm text-muted-foreground">Last month</p>
        <p className="mt-1 text-2xl font-semibold tabular-nums">
          {formatMicros(summary.lastMonthMicros, { precise: true })}
        </p>
        {c && (
          <p className="mt-1 text-sm text-muted-foreground tabular-nums">
            {formatMicros(c.lastMonthMicros, { precise: true })} in its first {c.days}{" "}
            {c.days === 1 ? "day" : "days"}
          </p>
        )}
      </Card>
      <Card className="p-5">
        <p className="text-sm text-muted-foreground">Month-end forecast</p>
        <p className="mt-1 text-2xl font-semibold tabular-nums">
          {summary.projectedMicros === null ? "—" : formatMicros(summary.projectedMicros)}
        </p>
        <p className="mt-1 text-sm text-muted-foreground">
          {summary.projectedMicros === null
            ? `After the first ${MIN_FORECAST_DAYS} days.`
            : "At this month's pace."}
        </p>
      </Card>
      <Card className="p-5">
        <p className="text-sm text-muted-foreground">Requests this month</p>
        <p className="mt-1 text-2xl font-semibold tabular-nums">
          {count.format(summary.requestsThisMonth)}
        </p>
      </Card>
    </div>
  );
}
