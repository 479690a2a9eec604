"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import type { ActionResult } from "@/lib/action-result";

interface TimeZoneFormProps {
  timeZone: string;
  /** The zones the server knows (IANA names), to choose from. */
  zones: string[];
  save: (input: { timeZone: string }) => Promise<ActionResult<unknown>>;
}

/** Where the organisation's days start for its budget windows. */
export function TimeZoneForm({ timeZone, zones, save }: TimeZoneFormProps) {
  const router = useRouter();
  const [value, setValue] = useState(timeZone);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  return (
    <form
      className="flex flex-wrap items-end gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        startTransition(async () => {
          const result = await save({ timeZone: value });
          if (!result.ok) return setError(result.fieldErrors?.timeZone ?? result.error);
          setError(null);
          toast.success(`Budget windows now start their days at midnight, ${value}.`);
          router.refresh();
        });
      }}
    >
      <div className="flex flex-col gap-1.5">
        <label htmlFor="org-time-zone" className="text-sm font-medium">
          Time zone
        </label>
        <select
          id="org-time-zone"
          value={value}
          disabled={pending}
          onChange={(e) => setValue(e.target.value)}
          aria-invalid={Boolean(error)}
          aria-describedby={error ? "org-time-zone-error" : "org-time-zone-hint"}
          className="h-9 rounded-md border border-input bg-card px-2 text-sm"
        >
          {zones.map((z) => (
            <option key={z} value={z}>
              {z}
            </option>
          ))}
        </select>
      </div>
      <Button type="submit" variant="outline" size="sm" disabled={pending || value === timeZone}>
        Save
      </Button>
      {error ? (
        <p id="org-time-zone-error" className="w-full text-sm text-destructive">
          {error}
        </p>
      ) : (
        <p id="org-time-zone-hint" className="w-full text-xs text-muted-foreground">
          Where the days and weeks of budget windows start. Monthly budgets and the charts count UTC
          months and days.
        </p>
      )}
    </form>
  );
}
