import type { BudgetWindowStatus } from "@/lib/limits/budget-windows";
import { windowLabel } from "@/lib/limits/windows";
import { formatMicros } from "@/lib/money";
import type { BudgetProgress } from "@/lib/spend/analytics";
import { timeFromNow } from "@/lib/time";
import type { BudgetBar } from "./budget-bars";

// What the budget bars show of a group's monthly budget and of a budget window.

const day = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone: "UTC" });

export function monthlyBudgetBar(b: BudgetProgress): BudgetBar {
  return {
    id: b.groupId,
    name: b.name,
    href: `/groups/${b.groupId}?tab=spend`,
    mode: b.mode,
    budgetMicros: b.budgetMicros,
    spentMicros: b.spentMicros,
    projectedMicros: b.projectedMicros,
    note:
      b.projectedMicros === null
        ? "Too early in the month for a forecast."
        : `On pace for ${formatMicros(b.projectedMicros)} by month end${b.crossesBudgetAt ? `, crossing the budget around ${day.format(b.crossesBudgetAt)}` : ""}.`,
  };
}

/** "3 Dec, 00:00 CET": a time as the organisation's clocks show it. */
export function zonedTime(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-GB", {
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
    timeZone,
    timeZoneName: "short",
  }).format(at);
}

export function windowHref(w: Pick<BudgetWindowStatus, "groupId" | "keyId" | "memberId">): string {
  if (w.groupId) return `/groups/${w.groupId}?tab=settings`;
  if (w.keyId) return `/keys/${w.keyId}`;
  return `/access?member=${w.memberId}`;
}

export function budgetWindowBar(
  w: BudgetWindowStatus,
  timeZone: string,
  now = new Date(),
): BudgetBar {
  const moves = w.period === "days" ? "The oldest day leaves the window" : "Resets";
  const when = `${zonedTime(w.end, timeZone)} (${timeFromNow(w.end, now)})`;
  const pace =
    w.forecastMicros === null
      ? w.period === "days"
        ? ""
        : "Too early for a forecast. "
      : `On pace for ${formatMicros(w.forecastMicros)} by the end of the ${w.period}. `;
  const raised = w.raisedUntil && w.raisedUntil > now && w.raisedAmountMicros !== null;
  return {
    id: w.id,
    name: w.keyId ? `API key ${w.targetName}` : w.targetName,
    href: windowHref(w),
    span: windowLabel(w),
    mode: w.mode,
    budgetMicros: w.limitMicros,
    spentMicros: w.usedMicros,
    projectedMicros: w.forecastMicros,
    note: `${pace}${moves} ${when}.`,
    flag: raised
      ? `Raised from ${formatMicros(w.amountMicros, { exact: true })} until ${zonedTime(w.raisedUntil!, timeZone)}`
      : undefined,
  };
}

/**
 * What a budget windows panel shows of its target's windows: each window's settings (to change
 * it) with its bar, named by its span alone on the target's own page ("Over 7 days").
 */
export function budgetWindowsPanelData(
  { timeZone, windows }: { timeZone: string; windows: BudgetWindowStatus[] },
  now = new Date(),
) {
  return {
    timeZone,
    windows: windows.map((w) => {
      const raised = w.raisedUntil && w.raisedUntil > now;
      const bar = budgetWindowBar(w, timeZone, now);
      return {
        id: w.id,
        period: w.period,
        days: w.days,
        mode: w.mode,
        amountMicros: w.amountMicros,
        alertThresholds: w.alertThresholds,
        raisedAmountMicros: raised ? w.raisedAmountMicros : null,
        raisedThrough: raised
          ? new Intl.DateTimeFormat("en-CA", { timeZone }).format(
              new Date(w.raisedUntil!.getTime() - 1),
            )
          : null,
        label: `${formatMicros(w.amountMicros, { exact: true })} ${bar.span}`,
        bar: {
          ...bar,
          name: bar.span!.replace(/^./, (c) => c.toUpperCase()),
          span: undefined,
          href: undefined,
        },
      };
    }),
  };
}
