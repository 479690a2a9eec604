import type { Metadata } from "next";
import Link from "next/link";
import { requireConsole } from "@/app/_server/session";
import { PageHeader } from "@/components/layout/page-header";
import { Card, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { getDb } from "@/db/client";
import { formatMicros } from "@/lib/money";
import { spendOverview } from "@/lib/spend/queries";
import { Table, THead, Td, Th, Tr } from "@/components/ui/table";

export const metadata: Metadata = { title: "Spend · Gatehouse" };

export default async function SpendPage() {
  const { actor } = await requireConsole();
  const overview = await spendOverview(await getDb(), actor);
  const change = overview.lastMonthMicros
    ? Math.round(
        ((overview.thisMonthMicros - overview.lastMonthMicros) / overview.lastMonthMicros) * 100,
      )
    : null;
  return (
    <>
      <PageHeader
        title="Spend"
        description="Calendar months in UTC. Group spend counts each person once, by the groups they were in when they made the request."
      />
      <div className="mb-6 grid gap-4 sm:grid-cols-2">
        <Card>
          <CardHeader>
            <CardDescription>This month so far</CardDescription>
            <CardTitle>
              <span className="text-3xl tabular-nums">
                {formatMicros(overview.thisMonthMicros, { precise: true })}
              </span>
            </CardTitle>
          </CardHeader>
        </Card>
        <Card>
          <CardHeader>
            <CardDescription>Last month</CardDescription>
            <CardTitle>
              <span className="text-3xl tabular-nums">
                {formatMicros(overview.lastMonthMicros, { precise: true })}
              </span>
            </CardTitle>
            {change !== null && (
              <p className="text-sm text-muted-foreground">
                This month so far is {Math.abs(change)}% {change >= 0 ? "above" : "below"} last
                month&apos;s total.
              </p>
            )}
          </CardHeader>
        </Card>
      </div>
      <Card className="overflow-x-auto">
        <Table>
          <caption className="border-b px-4 py-3 text-left font-medium">
            Spend by group this month
          </caption>
          <THead>
            <tr>
              <Th>Group</Th>
              <Th className="text-right">Spend</Th>
              <Th className="text-right">Budget</Th>
            </tr>
          </THead>
          <tbody>
            {overview.groups.map((g) => (
              <Tr key={g.groupId}>
                <Td>
                  <Link href={`/groups/${g.groupId}`} className="font-medium hover:underline">
                    {g.name}
                  </Link>
                </Td>
                <Td className="text-right tabular-nums">
                  {formatMicros(g.spendMicros, { precise: true })}
                </Td>
                <Td className="text-right tabular-nums text-muted-foreground">
                  {g.budgetMicros === null
                    ? "—"
                    : `${formatMicros(g.budgetMicros)} (${Math.round((g.spendMicros / Math.max(1, g.budgetMicros)) * 100)}%)`}
                </Td>
              </Tr>
            ))}
          </tbody>
        </Table>
      </Card>
    </>
  );
}
