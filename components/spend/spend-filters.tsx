"use client";

import { usePathname, useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Label } from "@/components/ui/label";
import { type SpendFilters, granularities, spendQuery } from "@/lib/spend/filter-query";

interface SpendFiltersBarProps {
  filters: SpendFilters;
  // Today in UTC (yyyy-mm-dd), from the server: the presets count back from it.
  today: string;
  groups: { id: string; name: string; path: string }[];
}

const fieldClass = "h-9 rounded-md border border-input bg-card px-2 text-sm";

/** Range, granularity and groups; every change goes to the URL, so any view can be shared. */
export function SpendFiltersBar({ filters, today, groups }: SpendFiltersBarProps) {
  const router = useRouter();
  const pathname = usePathname();
  const [picking, setPicking] = useState(false);
  const go = (changes: Partial<SpendFilters>) =>
    router.push(`${pathname}?${spendQuery(filters, changes)}`, { scroll: false });
  const presets = [
    { label: "7 days", days: 6 },
    { label: "30 days", days: 29 },
    { label: "90 days", days: 89 },
    { label: "12 months", days: 364 },
  ];
  const daysBack = (days: number) =>
    new Date(Date.parse(today) - days * 86_400_000).toISOString().slice(0, 10);

  return (
    <div className="flex flex-wrap items-end gap-3" role="group" aria-label="Spend filters">
      <div className="flex flex-col gap-1.5">
        <Label htmlFor="spend-from">From</Label>
        <input
          id="spend-from"
          type="date"
          className={fieldClass}
          value={filters.from}
          max={filters.to}
          onChange={(e) => e.target.value && go({ from: e.target.value })}
        />
      </div>
      <div className="flex flex-col gap-1.5">
        <Label htmlFor="spend-to">To</Label>
        <input
          id="spend-to"
          type="date"
          className={fieldClass}
          value={filters.to}
          min={filters.from}
          onChange={(e) => e.target.value && go({ to: e.target.value })}
        />
      </div>
      <div className="flex gap-1">
        {presets.map((p) => (
          <Button
            key={p.label}
            variant={
              filters.from === daysBack(p.days) && filters.to === today ? "secondary" : "ghost"
            }
            size="sm"
            onClick={() =>
              go({
                from: daysBack(p.days),
                to: today,
                granularity: p.days > 200 ? "month" : p.days > 62 ? "week" : "day",
              })
            }
          >
            {p.label}
          </Button>
        ))}
      </div>
      <div className="flex flex-col gap-1.5">
        <Label htmlFor="spend-granularity">Per</Label>
        <select
          id="spend-granularity"
          className={fieldClass}
          value={filters.granularity}
          onChange={(e) => go({ granularity: e.target.value as SpendFilters["granularity"] })}
        >
          {granularities.map((g) => (
            <option key={g} value={g}>
              {g}
            </option>
          ))}
        </select>
      </div>
      <div className="relative">
        <Button variant="outline" onClick={() => setPicking((p) => !p)} aria-expanded={picking}>
          Groups: {filters.groupIds.length ? filters.groupIds.length : "top level"}
        </Button>
        {picking && (
          <fieldset className="absolute right-0 z-30 mt-1 max-h-80 w-72 overflow-y-auto rounded-md border bg-popover p-1 shadow-lg">
            <legend className="sr-only">Groups to chart</legend>
            {groups.map((g) => (
              <label
                key={g.id}
                className="flex cursor-pointer items-center gap-2 rounded px-2 py-1.5 text-sm hover:bg-accent"
              >
                <input
                  type="checkbox"
                  checked={filters.groupIds.includes(g.id)}
                  onChange={(e) =>
                    go({
                      groupIds: e.target.checked
                        ? [...filters.groupIds, g.id]
                        : filters.groupIds.filter((id) => id !== g.id),
                    })
                  }
                />
                <span>
                  {g.name}
                  {g.path && <span className="ml-1 text-xs text-muted-foreground">{g.path}</span>}
                </span>
              </label>
            ))}
          </fieldset>
        )}
      </div>
    </div>
  );
}
