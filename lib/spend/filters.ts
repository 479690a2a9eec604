import { z } from "zod";
import { toIsoDay } from "@/lib/time";
import { type SpendFilters, granularities } from "./filter-query";

// The spend pages' filters, as they live in the URL (shareable links): a date range (UTC days,
// both ends included), the granularity of trends, and the groups to chart. Anything malformed
// falls back to the default rather than failing the page.

const DAY_MS = 86_400_000;
const MAX_RANGE_DAYS = 731;

// A real date in a plausible range: the database refuses years like 0000, and a URL may say anything.
const isoDay = z.iso.date().refine((d) => d >= "2000-01-01" && d <= "2099-12-31");

export function spendFiltersOf(
  params: Record<string, string | string[] | undefined>,
  now = new Date(),
): SpendFilters {
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const today = toIsoDay(now);
  const defaultFrom = toIsoDay(new Date(now.getTime() - 29 * DAY_MS));
  let from = isoDay.safeParse(first(params.from)).data ?? defaultFrom;
  let to = isoDay.safeParse(first(params.to)).data ?? today;
  if (from > to) [from, to] = [to, from];
  const span = (Date.parse(to) - Date.parse(from)) / DAY_MS;
  if (span > MAX_RANGE_DAYS) from = toIsoDay(new Date(Date.parse(to) - MAX_RANGE_DAYS * DAY_MS));
  const granularity =
    z.enum(granularities).safeParse(first(params.granularity)).data ??
    (span <= 62 ? "day" : span <= 200 ? "week" : "month");
  const groupIds = (first(params.groups) ?? "")
    .split(",")
    .filter((id) => z.uuid().safeParse(id).success)
    .slice(0, 12);
  return { from, to, granularity, groupIds };
}
