"use client";

import dynamic from "next/dynamic";

// The charts' library (Recharts, about 125 kB gzipped) is not needed for the page's first paint:
// each card's title, its figures table and its CSV are server-rendered, and the chart fills a
// box of its final height once the library arrives, so nothing moves.
function chartBox(height: number) {
  function ChartLoading() {
    return (
      <div
        aria-busy
        aria-label="Loading the chart"
        className="animate-pulse rounded-md bg-muted/40"
        style={{ height }}
      />
    );
  }
  return ChartLoading;
}

export const TrendChart = dynamic(() => import("./trend-chart").then((m) => m.TrendChart), {
  ssr: false,
  loading: chartBox(280),
});

export const MonthlyGroupChart = dynamic(
  () => import("./monthly-group-chart").then((m) => m.MonthlyGroupChart),
  { ssr: false, loading: chartBox(320) },
);

export const SpendBarsChart = dynamic(
  () => import("./spend-bars-chart").then((m) => m.SpendBarsChart),
  { ssr: false, loading: chartBox(260) },
);
