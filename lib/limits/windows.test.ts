import { describe, expect, it } from "vitest";
import { endOfLocalDay, windowBounds } from "./windows";

// Where windows start and end, as people in the organisation's zone count days: across daylight
// saving changes, in zones a quarter or more than twelve hours from UTC.

const at = (iso: string) => new Date(iso);

describe("windowBounds", () => {
  it("starts a day at local midnight, 23 hours long on the spring change", () => {
    // Berlin moves from UTC+1 to UTC+2 at 02:00 on 29 March 2026.
    expect(
      windowBounds({ period: "day", days: null }, "Europe/Berlin", at("2026-03-29T12:00Z")),
    ).toEqual({
      start: at("2026-03-28T23:00Z"),
      end: at("2026-03-29T22:00Z"),
    });
  });

  it("starts a week on Monday, the last N days N−1 midnights ago, a month on its first", () => {
    const now = at("2026-12-02T20:00Z"); // Thursday 3 Dec, 01:45 in Kathmandu (UTC+5:45)
    expect(windowBounds({ period: "week", days: null }, "Asia/Kathmandu", now)).toEqual({
      start: at("2026-11-29T18:15Z"),
      end: at("2026-12-06T18:15Z"),
    });
    expect(windowBounds({ period: "days", days: 7 }, "Asia/Kathmandu", now)).toEqual({
      start: at("2026-11-26T18:15Z"),
      end: at("2026-12-03T18:15Z"),
    });
    expect(windowBounds({ period: "month", days: null }, "America/New_York", now)).toEqual({
      start: at("2026-12-01T05:00Z"),
      end: at("2027-01-01T05:00Z"),
    });
  });
});

describe("endOfLocalDay", () => {
  it("is the next midnight where the organisation is, east or west of UTC", () => {
    expect(endOfLocalDay("2026-01-15", "Pacific/Auckland")).toEqual(at("2026-01-15T11:00Z"));
    expect(endOfLocalDay("2026-01-15", "Pacific/Kiritimati")).toEqual(at("2026-01-15T10:00Z"));
    expect(endOfLocalDay("2026-01-15", "America/Los_Angeles")).toEqual(at("2026-01-16T08:00Z"));
    expect(endOfLocalDay("2026-01-15", "UTC")).toEqual(at("2026-01-16T00:00Z"));
  });
});
