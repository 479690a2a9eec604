import Link from "next/link";
import { Card } from "@/components/ui/card";
import { Table, THead, Td, Th } from "@/components/ui/table";
import { formatMicros } from "@/lib/money";
import { type SpendFilters, spendQuery } from "@/lib/spend/filter-query";
import type { GroupSpend } from "@/lib/spend/group-analytics";
import { BreakdownTable, costColumn, requestsColumn } from "./breakdown-table";
import { ChartFigure } from "./chart-figure";
import { CsvButton } from "./csv-button";
import { SpendBarsChart } from "./lazy-charts";

interface GroupSpendPanelProps {
  groupId: string;
  groupName: string;
  budgetMicros: number | null;
  spend: GroupSpend;
  filters: SpendFilters;
}

const count = new Intl.NumberFormat("en-US");
const percent = (part: number, whole: number) => (whole ? (part / whole) * 100 : 0);
const perThousandTokens = (t: { costMicros: number; tokens: number }) =>
  t.tokens ? (t.costMicros / t.tokens) * 1000 : null;
const perRequest = (t: { costMicros: number; requests: number }) =>
  t.requests ? t.costMicros / t.requests : null;

/** A group's spend tab: a year against its budget, and where the range's money went. */
export function GroupSpendPanel({
  groupId,
  groupName,
  budgetMicros,
  spend,
  filters,
}: GroupSpendPanelProps) {
  const slug = groupName.toLowerCase().replace(/\W+/g, "-");
  const range = `${filters.from}-${filters.to}`;
  const efficiency = [
    {
      label: "Cost per 1,000 tokens",
      group: perThousandTokens(spend.totals),
      org: perThousandTokens(spend.org),
    },
    { label: "Cost per request", group: perRequest(spend.totals), org: perRequest(spend.org) },
  ];
  const orgRequests = spend.org.requests;
  return (
    <div className="flex flex-col gap-6">
      <ChartFigure
        title="Spend per month"
        description={
          budgetMicros === null
            ? "The last 12 months. No budget is set."
            : `The last 12 months against the ${formatMicros(budgetMicros, { exact: true })} monthly budget.`
        }
        empty={spend.months.every((m) => m.costMicros === 0)}
        emptyText={`${groupName} has no spend in the last 12 months.`}
        actions={
          <CsvButton
            filename={`${slug}-spend-by-month.csv`}
            header={["Month", "Spend (USD)", "Budget (USD)"]}
            rows={spend.months.map((m) => [
              m.month,
              m.costMicros / 1_000_000,
              budgetMicros === null ? null : budgetMicros / 1_000_000,
            ])}
          />
        }
        table={
          <Table aria-label={`${groupName} spend per month`}>
            <THead>
              <tr>
                <Th>Month</Th>
                <Th className="text-right">Spend</Th>
              </tr>
            </THead>
            <tbody>
              {spend.months.map((m) => (
                <tr key={m.month} className="border-t">
                  <Td>{m.month}</Td>
                  <Td className="text-right tabular-nums">
                    {formatMicros(m.costMicros, { precise: true })}
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        }
      >
        <SpendBarsChart
          description={`${groupName}: spend per month for the last ${spend.months.length} months${budgetMicros === null ? "" : ", against its monthly budget"}.`}
          data={spend.months.map((m) => ({ period: m.month, costMicros: m.costMicros }))}
          line={budgetMicros === null ? null : { micros: budgetMicros, label: "Budget" }}
        />
      </ChartFigure>

      <div className="flex flex-wrap items-center justify-between gap-2 text-sm text-muted-foreground">
        <p>
          Breakdowns for {filters.from} to {filters.to}:{" "}
          <span className="font-medium text-foreground">
            {formatMicros(spend.totals.costMicros, { precise: true })}
          </span>{" "}
          over {count.format(spend.totals.requests)} requests.
        </p>
        <Link
          href={`/spend?${spendQuery(filters, { groupIds: [groupId] })}`}
          className="text-primary hover:underline"
        >
          Change the range on the Spend page
        </Link>
      </div>

      <div className="grid gap-4 md:grid-cols-2">
        {efficiency.map((e) => (
          <Card key={e.label} className="p-5">
            <p className="text-sm text-muted-foreground">{e.label}</p>
            <p className="mt-1 text-2xl font-semibold tabular-nums">
              {e.group === null ? "—" : formatMicros(Math.round(e.group), { precise: true })}
            </p>
            <p className="mt-1 text-sm text-muted-foreground tabular-nums">
              Organisation:{" "}
              {e.org === null ? "—" : formatMicros(Math.round(e.org), { precise: true })}
              {e.group !== null && e.org ? ` (${Math.round(percent(e.group, e.org))} % of it)` : ""}
            </p>
          </Card>
        ))}
      </div>

      <div className="grid gap-6 xl:grid-cols-2">
        <BreakdownTable
          title="By model"
          description="Requests and spend per model, and the model's share of requests here and in the whole organisation."
          rows={spend.byModel}
          rowKey={(r) => r.model}
          filename={`${slug}-by-model-${range}.csv`}
          columns={[
            {
              header: "Model",
              cell: (r) => <span className="font-medium">{r.model}</span>,
              csv: (r) => r.model,
            },
            requestsColumn(),
            {
              header: "Share here",
              cell: (r) => `${percent(r.requests, spend.totals.requests).toFixed(1)} %`,
              csv: (r) => +percent(r.requests, spend.totals.requests).toFixed(2),
              numeric: true,
            },
            {
              header: "Share in org",
              cell: (r) =>
                `${percent(spend.org.byModel.find((m) => m.model === r.model)?.requests ?? 0, orgRequests).toFixed(1)} %`,
              csv: (r) =>
                +percent(
                  spend.org.byModel.find((m) => m.model === r.model)?.requests ?? 0,
                  orgRequests,
                ).toFixed(2),
              numeric: true,
            },
            costColumn(),
          ]}
        />
        <BreakdownTable
          title="Top members"
          description="The ten who spent most here, subgroups included."
          rows={spend.byMember}
          rowKey={(r) => r.memberId}
          filename={`${slug}-top-members-${range}.csv`}
          columns={[
            {
              header: "Member",
              cell: (r) => (
                <Link href={`/access?member=${r.memberId}`} className="font-medium hover:underline">
                  {r.name}
                </Link>
              ),
              csv: (r) => r.name,
            },
            requestsColumn(),
            costColumn(),
          ]}
        />
        <BreakdownTable
          title="By feature"
          description="Requests that used each feature; one request can use several."
          rows={spend.byFeature}
          rowKey={(r) => r.feature}
          filename={`${slug}-by-feature-${range}.csv`}
          empty="No feature was used in this range."
          columns={[
            {
              header: "Feature",
              cell: (r) => <span className="font-medium">{r.feature}</span>,
              csv: (r) => r.feature,
            },
            requestsColumn(),
            {
              header: "Share of requests",
              cell: (r) => `${percent(r.requests, spend.totals.requests).toFixed(1)} %`,
              csv: (r) => +percent(r.requests, spend.totals.requests).toFixed(2),
              numeric: true,
            },
            costColumn(),
          ]}
        />
      </div>
    </div>
  );
}
