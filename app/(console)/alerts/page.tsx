import type { Metadata } from "next";
import Link from "next/link";
import { requireConsole } from "@/app/_server/session";
import { MarkReadButton } from "@/components/alerts/mark-read-button";
import { AdminOnly } from "@/components/layout/admin-only";
import { PageHeader } from "@/components/layout/page-header";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { Table, THead, Td, Th, Tr } from "@/components/ui/table";
import { getDb } from "@/db/client";
import { windowHref } from "@/components/spend/budget-bar-items";
import { windowLabel } from "@/lib/limits/windows";
import { formatMicros } from "@/lib/money";
import {
  type AlertRow,
  type AnomalyDetail,
  type ReviewReminder,
  listAlerts,
} from "@/lib/spend/alert-queries";
import { markAlertsReadAction } from "./actions";

export const metadata: Metadata = { title: "Alerts · Gatehouse" };

const dateTime = new Intl.DateTimeFormat("en-GB", {
  dateStyle: "medium",
  timeStyle: "short",
  timeZone: "UTC",
});
const monthName = new Intl.DateTimeFormat("en-GB", {
  month: "long",
  year: "numeric",
  timeZone: "UTC",
});

const dayMonth = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "short",
  timeZone: "UTC",
});
const utcDay = (day: string) => dayMonth.format(new Date(`${day}T00:00:00Z`));

function describeAnomaly(alert: AlertRow, a: AnomalyDetail) {
  const spent = formatMicros(alert.spendMicros, { precise: true });
  const span = a.period === "day" ? `on ${utcDay(a.day)}` : `in the 7 days to ${utcDay(a.day)}`;
  const usual = formatMicros(a.medianMicros, { precise: true });
  const per = a.period === "day" ? "a day" : "a week";
  return a.medianMicros > 0
    ? `Spent ${spent} ${span}: ${(alert.spendMicros / a.medianMicros).toFixed(1)}× its usual ${usual} ${per}`
    : `Spent ${spent} ${span}, where it usually spends nothing`;
}

const DRIVER_KINDS = [
  ["member", "Members"],
  ["key", "Keys"],
  ["model", "Models"],
] as const;

/** "Members: Ann $32.00, Bob $1.00 · Keys: … · Models: …", the biggest first. */
function drivers(a: AnomalyDetail) {
  return DRIVER_KINDS.flatMap(([kind, label]) => {
    const of = a.drivers.filter((d) => d.kind === kind);
    return of.length
      ? [
          `${label}: ${of.map((d) => `${d.name} ${formatMicros(d.costMicros, { precise: true })}`).join(", ")}`,
        ]
      : [];
  }).join(" · ");
}

function hrefOf(a: AlertRow) {
  if (a.review) return `/reviews/${a.review.reviewId}`;
  if (a.source === "window") return windowHref(a);
  if (a.source === "anomaly")
    return a.groupId
      ? `/groups/${a.groupId}?tab=spend`
      : a.memberId
        ? `/access?member=${a.memberId}`
        : "/spend";
  return `/groups/${a.groupId}`;
}

function describeReminder({ status, undecided }: ReviewReminder) {
  if (status !== "open") return `Reached its due date; ${status} since`;
  return undecided
    ? `Reached its due date with ${undecided} ${undecided === 1 ? "decision" : "decisions"} outstanding`
    : "Reached its due date: every item is decided, complete it";
}

function describe(alert: AlertRow) {
  if (alert.review) return describeReminder(alert.review);
  if (alert.anomaly) return describeAnomaly(alert, alert.anomaly);
  const budget = formatMicros(alert.budgetMicros, { exact: true });
  if (alert.source === "window")
    return `Reached ${alert.thresholdPercent} % of its ${budget} ${windowLabel({ period: alert.period!, days: alert.days })} window`;
  return alert.kind === "forecast"
    ? `On pace to exceed its ${budget} budget this month`
    : `Reached ${alert.thresholdPercent} % of its ${budget} budget`;
}

/** The month of a monthly budget's alert; the start of a window's span ("2 Dec", "from 30 Nov"). */
function when(alert: AlertRow) {
  if (alert.review) return `Due ${dateTime.format(new Date(alert.review.dueAt))}`;
  if (alert.anomaly)
    return alert.anomaly.period === "day"
      ? utcDay(alert.anomaly.day)
      : `${utcDay(new Date(Date.parse(alert.anomaly.day) - 6 * 86_400_000).toISOString().slice(0, 10))} – ${utcDay(alert.anomaly.day)}`;
  if (alert.month) return monthName.format(new Date(`${alert.month}T00:00:00Z`));
  const start = dateTime.format(alert.windowStart!);
  return alert.period === "day" ? `The day from ${start}` : `The span from ${start}`;
}

interface AlertsPageProps {
  searchParams: Promise<{ page?: string }>;
}

export default async function AlertsPage({ searchParams }: AlertsPageProps) {
  const { actor } = await requireConsole();
  if (actor.role === "member") return <AdminOnly what="Alerts" />;
  const { page: rawPage } = await searchParams;
  const { rows, page, pageSize, total } = await listAlerts(await getDb(), actor, rawPage);
  const unread = rows.some((a) => !a.readAt);
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return (
    <>
      <PageHeader
        title="Alerts"
        description="Each threshold of a group's monthly budget alerts once a month, and so does a pace that heads past the budget; each threshold of a budget window alerts once a day, week or span; unusual spend of the organisation, a group or a member alerts once a day or week (Settings → Organisation sets how readily); an access review still open on its due date alerts once. Webhooks receive the same alerts."
        actions={unread && <MarkReadButton markRead={markAlertsReadAction} />}
      />
      <Card className="overflow-x-auto">
        <Table>
          <THead>
            <tr>
              <Th>When (UTC)</Th>
              <Th>On</Th>
              <Th>Alert</Th>
              <Th>Period</Th>
              <Th className="text-right">Spend then</Th>
            </tr>
          </THead>
          <tbody>
            {rows.map((a) => (
              <Tr key={a.id} className={a.readAt ? "text-muted-foreground" : undefined}>
                <Td className="whitespace-nowrap tabular-nums">
                  {!a.readAt && (
                    <span
                      className="mr-2 inline-block size-2 rounded-full bg-primary"
                      aria-hidden
                    />
                  )}
                  {dateTime.format(a.createdAt)}
                  {!a.readAt && <span className="sr-only"> (unread)</span>}
                </Td>
                <Td>
                  <Link href={hrefOf(a)} className="font-medium hover:underline">
                    {a.keyId ? `API key ${a.targetName}` : a.targetName}
                  </Link>
                  {a.anomaly && (
                    <span className="block text-xs text-muted-foreground">
                      {a.anomaly.scope === "org"
                        ? "The organisation"
                        : a.anomaly.scope === "group"
                          ? "Group"
                          : "Member"}
                    </span>
                  )}
                </Td>
                <Td>
                  {a.review ? (
                    <Badge variant="warning" className="mr-2">
                      Access review
                    </Badge>
                  ) : a.anomaly ? (
                    <Badge variant="warning" className="mr-2">
                      Unusual
                    </Badge>
                  ) : a.kind === "forecast" ? (
                    <Badge variant="warning" className="mr-2">
                      Forecast
                    </Badge>
                  ) : (
                    a.thresholdPercent >= 100 && (
                      <Badge variant="destructive" className="mr-2">
                        Over budget
                      </Badge>
                    )
                  )}
                  {describe(a)}
                  {a.anomaly && a.anomaly.drivers.length > 0 && (
                    <span className="mt-0.5 block text-xs text-muted-foreground">
                      {drivers(a.anomaly)}
                    </span>
                  )}
                </Td>
                <Td>{when(a)}</Td>
                <Td className="text-right tabular-nums">
                  {a.review ? "—" : formatMicros(a.spendMicros, { precise: true })}
                </Td>
              </Tr>
            ))}
            {!rows.length && (
              <tr>
                <Td colSpan={5} className="py-10 text-center text-muted-foreground">
                  No alerts yet. Give groups a monthly budget (a group&apos;s Settings tab) and they
                  will alert here as spend crosses its thresholds; unusual spend alerts here too.
                </Td>
              </tr>
            )}
          </tbody>
        </Table>
      </Card>
      {pages > 1 && (
        <nav aria-label="Pages" className="mt-4 flex items-center gap-3 text-sm">
          {page > 1 && <Link href={`/alerts?page=${page - 1}`}>Newer</Link>}
          <span className="text-muted-foreground">
            Page {page} of {pages}
          </span>
          {page < pages && <Link href={`/alerts?page=${page + 1}`}>Older</Link>}
        </nav>
      )}
    </>
  );
}
