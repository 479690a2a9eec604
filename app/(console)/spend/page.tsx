import type { Metadata } from "next";
import { requireConsole } from "@/app/_server/session";
import { PageHeader } from "@/components/layout/page-header";
import { budgetWindowBar, monthlyBudgetBar } from "@/components/spend/budget-bar-items";
import { BudgetBars } from "@/components/spend/budget-bars";
import { ChartFigure } from "@/components/spend/chart-figure";
import { CsvButton } from "@/components/spend/csv-button";
import { GroupHeatmap } from "@/components/spend/group-heatmap";
import { MonthlyGroupChart, TrendChart } from "@/components/spend/lazy-charts";
import { MySpendView } from "@/components/spend/my-spend";
import { SpendFiltersBar } from "@/components/spend/spend-filters";
import { SpendSummaryCards } from "@/components/spend/summary-cards";
import { TopTable } from "@/components/spend/top-table";
import { UnusualSpendList } from "@/components/spend/unusual-spend-list";
import { Card } from "@/components/ui/card";
import { Table, THead, Td, Th } from "@/components/ui/table";
import { getDb } from "@/db/client";
import { withParentPaths } from "@/lib/groups/paths";
import { budgetWindowsWithSpend } from "@/lib/limits/budget-windows";
import { windowLabel } from "@/lib/limits/windows";
import { formatMicros } from "@/lib/money";
import { trendAnomalies } from "@/lib/spend/alert-queries";
import { mySpend } from "@/lib/spend/analytics";
import { spendFiltersOf } from "@/lib/spend/filters";
import { spendOverview } from "@/lib/spend/overview";

export const metadata: Metadata = { title: "Spend · Gatehouse" };

interface SpendPageProps {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

const dollars = (micros: number) => micros / 1_000_000;

export default async function SpendPage({ searchParams }: SpendPageProps) {
  const { actor } = await requireConsole();
  const db = await getDb();
  if (actor.role === "member")
    return (
      <>
        <PageHeader title="My spend" description="Your requests through the gateway this month." />
        <MySpendView spend={await mySpend(db, actor)} />
      </>
    );

  const filters = spendFiltersOf(await searchParams);
  const { summary, budgets, monthly, trend, members, keys, models, groups, features, preferences } =
    await spendOverview(db, actor, filters);
  const [windows, anomalies] = await Promise.all([
    budgetWindowsWithSpend(db, actor, "all"),
    trendAnomalies(db, actor, filters),
  ]);
  const liveGroups = withParentPaths(groups).filter((g) => !g.archivedAt);
  const monthlyEmpty = monthly.months.every((m) => m.totalMicros === 0);
  const trendEmpty = trend.points.every((p) => p.totalMicros === 0);
  const groupNames = monthly.groups.map((g) => g.name);
  const trendSeries = trend.groups.length ? trend.groups : [{ id: "total", name: "Organisation" }];

  return (
    <>
      <PageHeader
        title="Spend"
        description="Calendar months in UTC. A group's spend is its members' requests, by the groups they were in when they made them, each request once per group."
      />
      <SpendSummaryCards summary={summary} />

      <div className="mt-6 grid gap-6 xl:grid-cols-[3fr_2fr]">
        <ChartFigure
          title="Spend by group, last 12 months"
          description={
            filters.groupIds.length
              ? "The chosen groups, stacked, and the organisation's total."
              : "Top-level departments, stacked; the dashed line is the organisation's total, project and function groups included. Choose groups below to stack others."
          }
          empty={monthlyEmpty}
          emptyText="No spend in the last 12 months yet."
          actions={
            <CsvButton
              filename="spend-by-group-by-month.csv"
              header={["Month", ...groupNames, "Organisation total (USD)"]}
              rows={monthly.months.map((m) => [
                m.month,
                ...monthly.groups.map((g) => dollars(m.byGroup[g.id] ?? 0)),
                dollars(m.totalMicros),
              ])}
            />
          }
          table={
            <Table aria-label="Spend by group and month">
              <THead>
                <tr>
                  <Th>Month</Th>
                  {groupNames.map((name) => (
                    <Th key={name} className="text-right">
                      {name}
                    </Th>
                  ))}
                  <Th className="text-right">Organisation</Th>
                </tr>
              </THead>
              <tbody>
                {monthly.months.map((m) => (
                  <tr key={m.month} className="border-t">
                    <Td>{m.month}</Td>
                    {monthly.groups.map((g) => (
                      <Td key={g.id} className="text-right tabular-nums">
                        {formatMicros(m.byGroup[g.id] ?? 0, { precise: true })}
                      </Td>
                    ))}
                    <Td className="text-right tabular-nums" data-testid="month-total">
                      {formatMicros(m.totalMicros, { precise: true })}
                    </Td>
                  </tr>
                ))}
              </tbody>
            </Table>
          }
        >
          <MonthlyGroupChart data={monthly} />
        </ChartFigure>

        <Card className="p-5">
          <div className="mb-4 flex items-start justify-between gap-2">
            <div>
              <h2 className="text-base font-semibold">Budgets this month</h2>
              <p className="mt-0.5 text-sm text-muted-foreground">
                The line marks the budget, the diamond where this month&apos;s pace ends up.
              </p>
            </div>
            <CsvButton
              filename="budgets-this-month.csv"
              header={["Group", "Mode", "Budget (USD)", "Spent (USD)", "Projected (USD)"]}
              rows={budgets.map((b) => [
                b.name,
                b.mode,
                dollars(b.budgetMicros),
                dollars(b.spentMicros),
                b.projectedMicros === null ? null : dollars(b.projectedMicros),
              ])}
            />
          </div>
          {budgets.length ? (
            <BudgetBars budgets={budgets.map(monthlyBudgetBar)} label="Budgets this month" />
          ) : (
            <p className="py-8 text-center text-sm text-muted-foreground">
              No group has a budget. Set one on a group&apos;s Settings tab.
            </p>
          )}
        </Card>
      </div>

      <Card className="mt-6 p-5">
        <div className="mb-4 flex items-start justify-between gap-2">
          <div>
            <h2 className="text-base font-semibold">Budget windows</h2>
            <p className="mt-0.5 text-sm text-muted-foreground">
              Budgets over a day, a week or the last few days, on groups, keys and members. Days
              start at midnight, {windows.timeZone}.
            </p>
          </div>
          <CsvButton
            filename="budget-windows.csv"
            header={[
              "On",
              "Window",
              "Mode",
              "Amount (USD)",
              "Spent (USD)",
              "Forecast (USD)",
              "Resets",
            ]}
            rows={windows.windows.map((w) => [
              w.targetName,
              windowLabel(w),
              w.mode,
              dollars(w.limitMicros),
              dollars(w.usedMicros),
              w.forecastMicros === null ? null : dollars(w.forecastMicros),
              w.end.toISOString(),
            ])}
          />
        </div>
        {windows.windows.length ? (
          <BudgetBars
            budgets={windows.windows.map((w) => budgetWindowBar(w, windows.timeZone))}
            label="Budget windows"
          />
        ) : (
          <p className="py-6 text-center text-sm text-muted-foreground">
            No budget windows. Set one on a group&apos;s Settings tab, a key&apos;s page or a
            member&apos;s card on Access.
          </p>
        )}
      </Card>

      <section aria-labelledby="trend-heading" className="mt-8 flex flex-col gap-4">
        <div className="flex flex-wrap items-end justify-between gap-4">
          <h2 id="trend-heading" className="text-lg font-semibold">
            Trends and top spenders
          </h2>
          <SpendFiltersBar
            filters={filters}
            today={new Date().toISOString().slice(0, 10)}
            groups={liveGroups.map(({ id, name, path }) => ({ id, name, path }))}
          />
        </div>
        <ChartFigure
          title={`Spend per ${filters.granularity}, ${filters.from} to ${filters.to}`}
          description={`${
            trend.groups.length
              ? "The chosen groups."
              : "The organisation's total. Choose groups to compare them."
          }${anomalies.length ? " A red dot marks unusual spend." : ""}`}
          empty={trendEmpty}
          emptyText="No spend in this range."
          actions={
            <CsvButton
              filename={`spend-per-${filters.granularity}-${filters.from}-${filters.to}.csv`}
              header={["Period starting", ...trendSeries.map((s) => `${s.name} (USD)`)]}
              rows={trend.points.map((p) => [
                p.bucket,
                ...trendSeries.map((s) =>
                  dollars(s.id === "total" ? p.totalMicros : (p.byGroup[s.id] ?? 0)),
                ),
              ])}
            />
          }
          table={
            <Table aria-label="Spend over time">
              <THead>
                <tr>
                  <Th>Period starting</Th>
                  {trendSeries.map((s) => (
                    <Th key={s.id} className="text-right">
                      {s.name}
                    </Th>
                  ))}
                </tr>
              </THead>
              <tbody>
                {trend.points.map((p) => (
                  <tr key={p.bucket} className="border-t">
                    <Td>{p.bucket}</Td>
                    {trendSeries.map((s) => (
                      <Td key={s.id} className="text-right tabular-nums">
                        {formatMicros(s.id === "total" ? p.totalMicros : (p.byGroup[s.id] ?? 0), {
                          precise: true,
                        })}
                      </Td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </Table>
          }
        >
          <TrendChart trend={trend} granularity={filters.granularity} anomalies={anomalies} />
          {anomalies.length > 0 && (
            <UnusualSpendList
              anomalies={anomalies}
              names={Object.fromEntries(trendSeries.map((s) => [s.id, s.name]))}
            />
          )}
        </ChartFigure>
        <div className="grid gap-6 lg:grid-cols-3">
          <TopTable
            title="Top members"
            what="Member"
            rows={members}
            filename={`top-members-${filters.from}-${filters.to}.csv`}
            hrefOf={(r) => `/access?member=${r.id}`}
          />
          <TopTable
            title="Top keys"
            what="Key"
            rows={keys}
            filename={`top-keys-${filters.from}-${filters.to}.csv`}
            hrefOf={(r) => `/keys/${r.id}`}
          />
          <TopTable
            title="Top models"
            what="Model"
            rows={models}
            filename={`top-models-${filters.from}-${filters.to}.csv`}
          />
        </div>
        <GroupHeatmap
          title="Feature use by group"
          description="The share of each group's requests that used each feature."
          matrix={features}
          filename={`feature-use-by-group-${filters.from}-${filters.to}.csv`}
        />
        <GroupHeatmap
          title="Model preference by group"
          description="The share of each group's requests that went to each model."
          matrix={preferences}
          filename={`model-preference-by-group-${filters.from}-${filters.to}.csv`}
        />
      </section>
    </>
  );
}
