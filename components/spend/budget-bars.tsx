import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { formatMicros } from "@/lib/money";
import { cn } from "@/lib/utils";

/** A budget over some span (this month, today, the last 7 days) and its spend so far. */
export interface BudgetBar {
  id: string;
  name: string;
  /** Where the name links to; none on the budget's own page. */
  href?: string;
  /** The span, after the name: "a day", "over 7 days". */
  span?: string;
  mode: "soft" | "hard";
  budgetMicros: number;
  spentMicros: number;
  projectedMicros: number | null;
  /** Under the bar: the forecast, or when the span resets. */
  note: string;
  /** Beside the name: "Raised until 3 Dec". */
  flag?: string;
}

/** Each budget as a bar: spent so far, and a marker where the span's pace ends up. */
export function BudgetBars({ budgets, label }: { budgets: BudgetBar[]; label: string }) {
  return (
    <ul className="flex flex-col gap-4" aria-label={label}>
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
          <li key={b.id} data-testid="budget-bar">
            <div className="mb-1 flex flex-wrap items-baseline gap-x-2 text-sm">
              {b.href ? (
                <Link href={b.href} className="font-medium hover:underline">
                  {b.name}
                </Link>
              ) : (
                <span className="font-medium">{b.name}</span>
              )}
              {b.span && <span className="text-muted-foreground">{b.span}</span>}
              <Badge variant={b.mode === "hard" ? "outline" : "secondary"}>{b.mode}</Badge>
              {b.flag && <Badge variant="secondary">{b.flag}</Badge>}
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
              aria-label={`${b.name}${b.span ? ` ${b.span}` : ""}: spend against its budget`}
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
            <p className="mt-1 text-xs text-muted-foreground">{b.note}</p>
          </li>
        );
      })}
    </ul>
  );
}
