// How reviews' dates read, as days in the organisation's time zone. A review is due at the end of
// its day, which is the first instant of the next: people read the day itself.

export function dayIn(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeZone }).format(at);
}

export const dueDay = (dueAt: Date, timeZone: string) =>
  dayIn(new Date(dueAt.getTime() - 1), timeZone);

export const STATUS_LABEL = {
  open: "Open",
  completed: "Completed",
  cancelled: "Cancelled",
} as const;

export function progressLabel({ items, decided }: { items: number; decided: number }) {
  return `${decided} of ${items} decided`;
}
