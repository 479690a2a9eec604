// The spend pages' filters as the browser handles them: their shape and their query string.
// Parsing a URL into filters (with zod) is filters.ts, on the server only, so that the filter
// bar's bundle does not carry zod.

export const granularities = ["day", "week", "month"] as const;
export type Granularity = (typeof granularities)[number];

export interface SpendFilters {
  from: string;
  to: string;
  granularity: Granularity;
  groupIds: string[];
}

/** The query string for these filters with some changed, for links and router pushes. */
export function spendQuery(filters: SpendFilters, changes: Partial<SpendFilters> = {}): string {
  const next = { ...filters, ...changes };
  const query = new URLSearchParams({
    from: next.from,
    to: next.to,
    granularity: next.granularity,
  });
  if (next.groupIds.length) query.set("groups", next.groupIds.join(","));
  return query.toString();
}
