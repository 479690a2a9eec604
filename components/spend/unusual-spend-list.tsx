import Link from "next/link";
import { formatMicros } from "@/lib/money";
import type { TrendAnomaly } from "@/lib/spend/alert-queries";

const dayMonth = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "short",
  timeZone: "UTC",
});

/** Under the trend: the unusual spend its red dots mark, in words, each linking to the alerts. */
export function UnusualSpendList({
  anomalies,
  names,
}: {
  anomalies: TrendAnomaly[];
  /** The charted series' names by group id ("total": the organisation). */
  names: Record<string, string>;
}) {
  return (
    <ul aria-label="Unusual spend" className="mt-3 flex flex-col gap-1 text-sm">
      {anomalies.map((a) => (
        <li key={a.id} className="flex items-baseline gap-2">
          <span
            className="size-2 shrink-0 translate-y-[-1px] rounded-full bg-destructive"
            aria-hidden
          />
          <span>
            <span className="font-medium">{names[a.groupId ?? "total"] ?? "Organisation"}</span>{" "}
            {a.period === "day" ? "on" : "in the 7 days to"}{" "}
            {dayMonth.format(new Date(`${a.day}T00:00:00Z`))}:{" "}
            <span className="tabular-nums">{formatMicros(a.spendMicros, { precise: true })}</span>
            <span className="text-muted-foreground">
              {a.medianMicros > 0
                ? `, ${(a.spendMicros / a.medianMicros).toFixed(1)}× the usual ${formatMicros(a.medianMicros, { precise: true })}`
                : ", where it usually spends nothing"}
            </span>{" "}
            <Link href="/alerts" className="text-primary underline underline-offset-2">
              What drove it
            </Link>
          </span>
        </li>
      ))}
    </ul>
  );
}
