import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import type { BudgetProgress } from "@/lib/spend/analytics";
import { formatMicros } from "@/lib/money";
import { cn } from "@/lib/utils";

const day = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone: "UTC" });

/** Each budget as a bar: spent so far, and a marker where this month's pace ends up. */
export function BudgetBars({ budgets }: { budgets: BudgetProgress[] }) {
  return (
    <ul className="flex flex-col gap-4" aria-label="Budgets this month">
      {budgets.map((b) => {
        const share = b.budgetMicros ? b.spentMicros / b.budgetMicros : b.spentMicros ? 2 : 0;
        const projectedShare =
          b.projectedMicros === null || !b.budgetMicros ? null : b.projectedMicros / b.budgetMicros;
        // The bar spans 0 – 120 % of the budget (or the forecast, if larger, up to 200 %).
        const scale = Math.min(2, Math.max(1.2, share, projectedShare ?? 0));
        const pct = (v: number) => `${(Math.min(v, scale) / scale) * 100}%`;
        const over = share >= 1;
        const heading = projectedShare !== null && projectedShare >= 1 && !over;
        return (
          <li key={b.groupId} data-testid="budget-bar">
            <div className="mb-1 flex flex-wrap items-baseline gap-x-2 text-sm">
              <Link href={`/groups/${b.groupId}?tab=spend`} className="font-medium hover:underline">
                {b.name}
              </Link>
              <Badge variant={b.mode === "hard" ? "outline" : "secondary"}>{b.mode}</Badge>
              {over && <Badge variant="destructive">Over budget</Badge>}
              {heading && <Badge variant="warning">Heading over</Badge>}
              <span className="ml-auto tabular-nums">
                <span data-testid="budget-spent">
                  {formatMicros(b.spentMicros, { precise: true })}
                </span>
                <span className="text-muted-foreground">
                  {" "}
                  of {formatMicros(b.budgetMicros, { exact: true })} ({Math.round(share * 100)} %)
                </span>
              </span>
            </div>
            <div
              role="meter"
              aria-label={`${b.name}: spend this month against its budget`}
              aria-valuemin={0}
              aria-valuemax={b.budgetMicros}
              aria-valuenow={b.spentMicros}
              aria-valuetext={`${formatMicros(b.spentMicros, { precise: true })} of ${formatMicros(b.budgetMicros, { exact: true })}${b.projectedMicros !== null ? `, on pace for ${formatMicros(b.projectedMicros)}` : ""}`}
              className="relative h-3 rounded-full bg-muted"
            >
              <div
                className={cn(
                  "h-full rounded-full",
                  over ? "bg-destructive" : heading ? "bg-warning" : "bg-primary",
                )}
                style={{ width: pct(share) }}
              />
              <div
                className="absolute inset-y-[-3px] w-0.5 bg-foreground/70"
                style={{ left: pct(1) }}
                title="Budget"
                aria-hidden
              />
              {projectedShare !== null && (
                <div
                  className="absolute top-1/2 size-3 -translate-x-1/2 -translate-y-1/2 rotate-45 border-2 border-card bg-foreground"
                  style={{ left: pct(projectedShare) }}
                  title={`Forecast: ${formatMicros(b.projectedMicros!)}`}
                  aria-hidden
                />
              )}
            </div>
            <p className="mt-1 text-xs text-muted-foreground">
              {b.projectedMicros === null
                ? "Too early in the month for a forecast."
                : `On pace for ${formatMicros(b.projectedMicros)} by month end${b.crossesBudgetAt ? `, crossing the budget around ${day.format(b.crossesBudgetAt)}` : ""}.`}
            </p>
          </li>
        );
      })}
    </ul>
  );
}
