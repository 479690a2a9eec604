import { TZDate } from "@date-fns/tz";
import { addDays, addMonths, startOfDay, startOfMonth, startOfWeek } from "date-fns";

// Where a budget window starts and when it next moves, in the organisation's time zone: a day
// from midnight, a week from Monday midnight, the last N days from midnight N−1 days ago (today
// and the days before it), a month from midnight on its first day. @date-fns/tz does the zone arithmetic, so a day across a daylight
// saving change is 23 or 25 hours long, as the people in that zone live it.

export type WindowPeriod = "day" | "week" | "days" | "month";

export interface WindowShape {
  period: WindowPeriod;
  /** The number of days of a "days" window. */
  days: number | null;
}

export interface WindowBounds {
  /** The window's first instant. */
  start: Date;
  /** When it next moves: a day's or week's end, a "days" window's oldest day leaving it. */
  end: Date;
}

export function windowBounds(shape: WindowShape, timeZone: string, now: Date): WindowBounds {
  const local = new TZDate(now.getTime(), timeZone);
  const today = startOfDay(local);
  const tomorrow = addDays(today, 1);
  switch (shape.period) {
    case "day":
      return { start: instant(today), end: instant(tomorrow) };
    case "week": {
      const monday = startOfWeek(local, { weekStartsOn: 1 });
      return { start: instant(monday), end: instant(addDays(monday, 7)) };
    }
    case "days":
      return { start: instant(addDays(today, 1 - (shape.days ?? 1))), end: instant(tomorrow) };
    case "month": {
      const first = startOfMonth(local);
      return { start: instant(first), end: instant(addMonths(first, 1)) };
    }
  }
}

const instant = (d: Date) => new Date(d.getTime());

/**
 * A window where it is now: its bounds, the name of its current span (spend is counted per span:
 * a day of it, a week, a month) and the key, group or member whose spend it counts.
 */
export interface WindowSpan extends WindowBounds {
  span: string;
  scopeId: string;
}

export function windowSpan(
  window: WindowShape & { id: string },
  targetId: string,
  timeZone: string,
  now: Date,
): WindowSpan {
  const bounds = windowBounds(window, timeZone, now);
  return { ...bounds, span: `${window.id}@${bounds.start.toISOString()}`, scopeId: targetId };
}

/** The end of a calendar day (yyyy-mm-dd) in a zone: the next day's midnight there. */
export function endOfLocalDay(day: string, timeZone: string): Date {
  const [year, month, date] = day.split("-").map(Number) as [number, number, number];
  return instant(addDays(new TZDate(year, month - 1, date, timeZone), 1));
}

/** "a day", "a week", "a month", "over 7 days": as in "$100.00 a day". */
export function windowLabel(shape: WindowShape): string {
  return shape.period === "days" ? `over ${shape.days} days` : `a ${shape.period}`;
}

/** Whether the runtime knows this IANA time zone (what a form may store). */
export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** The zones a form offers: UTC first, then every zone the runtime knows, and the current one. */
export function timeZoneChoices(current: string): string[] {
  const known = Intl.supportedValuesOf("timeZone").filter((z) => z !== "UTC");
  return ["UTC", ...new Set([...(current === "UTC" ? [] : [current]), ...known])];
}

/** The amount in force at `now`: a temporary increase until its end, the set amount after. */
export function amountInForce(
  w: { amountMicros: number; raisedAmountMicros: number | null; raisedUntil: Date | null },
  now: Date,
): number {
  return w.raisedAmountMicros !== null && w.raisedUntil !== null && w.raisedUntil > now
    ? w.raisedAmountMicros
    : w.amountMicros;
}
