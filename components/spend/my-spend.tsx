import { Card } from "@/components/ui/card";
import { Table, THead, Td, Th, Tr } from "@/components/ui/table";
import type { MySpend } from "@/lib/spend/analytics";
import { formatMicros } from "@/lib/money";

/** What a member sees of spend: their own month, against their limit. */
export function MySpendView({ spend }: { spend: MySpend }) {
  const share = spend.limitMicros ? spend.thisMonthMicros / spend.limitMicros : null;
  return (
    <div className="grid gap-6 lg:grid-cols-2">
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
