import { Card } from "@/components/ui/card";
import { Table, THead, Td, Th, Tr } from "@/components/ui/table";
import type { MySpend } from "@/lib/spend/analytics";
import { formatMicros } from "@/lib/money";
import { ChartFigure } from "./chart-figure";
import { SpendBarsChart } from "./lazy-charts";

/** What a member sees of spend: their own month, against their limit. */
export function MySpendView({ spend }: { spend: MySpend }) {
  // A $0 limit is reached by any spend at all.
  const share =
    spend.limitMicros === null
      ? null
      : spend.limitMicros
        ? spend.thisMonthMicros / spend.limitMicros
        : spend.thisMonthMicros
          ? 1
          : 0;
  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <div className="lg:col-span-2">
        <ChartFigure
          title="Per day this month"
          empty={spend.thisMonthMicros === 0}
          emptyText="No requests this month."
          table={
            <Table aria-label="Your spend per day">
              <THead>
                <tr>
                  <Th>Day</Th>
                  <Th className="text-right">Cost</Th>
                </tr>
              </THead>
              <tbody>
                {spend.days.map((d) => (
                  <Tr key={d.day}>
                    <Td>{d.day}</Td>
                    <Td className="text-right tabular-nums">
                      {formatMicros(d.costMicros, { precise: true })}
                    </Td>
                  </Tr>
                ))}
              </tbody>
            </Table>
          }
        >
          <SpendBarsChart
            description="Your spend per day this month."
            data={spend.days.map((d) => ({ period: d.day, costMicros: d.costMicros }))}
            line={null}
          />
        </ChartFigure>
      </div>
      <Card className="p-5">
        <p className="text-sm text-muted-foreground">This month so far</p>
        <p className="mt-1 text-2xl font-semibold tabular-nums">
          {formatMicros(spend.thisMonthMicros, { precise: true })}
        </p>
        <p className="mt-1 text-sm text-muted-foreground">
          {spend.limitMicros === null
            ? "You have no personal monthly limit."
            : `Of your ${formatMicros(spend.limitMicros)} monthly limit (${Math.round(share! * 100)} %).`}
        </p>
        {share !== null && (
          <div
            role="meter"
            aria-label="Your spend against your limit"
            aria-valuemin={0}
            aria-valuemax={spend.limitMicros!}
            aria-valuenow={spend.thisMonthMicros}
            className="mt-3 h-3 rounded-full bg-muted"
          >
            <div
              className={
                share >= 1 ? "h-full rounded-full bg-destructive" : "h-full rounded-full bg-primary"
              }
              style={{ width: `${Math.min(1, share) * 100}%` }}
            />
          </div>
        )}
      </Card>
      <Card className="overflow-x-auto">
        <Table aria-label="Your spend by model this month">
          <THead>
            <tr>
              <Th>Model</Th>
              <Th className="text-right">Requests</Th>
              <Th className="text-right">Cost</Th>
            </tr>
          </THead>
          <tbody>
            {spend.byModel.map((m) => (
              <Tr key={m.model}>
                <Td className="font-medium">{m.model}</Td>
                <Td className="text-right tabular-nums">{m.requests}</Td>
                <Td className="text-right tabular-nums">
                  {formatMicros(m.costMicros, { precise: true })}
                </Td>
              </Tr>
            ))}
            {!spend.byModel.length && (
              <tr>
                <Td colSpan={3} className="py-6 text-center text-muted-foreground">
                  No requests this month.
                </Td>
              </tr>
            )}
          </tbody>
        </Table>
      </Card>
    </div>
  );
}
