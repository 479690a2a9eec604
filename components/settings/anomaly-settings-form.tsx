"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import type { ActionResult } from "@/lib/action-result";
import { type AnomalySensitivity, SENSITIVITY_LABEL } from "@/lib/spend/anomaly-judge";

interface AnomalySettingsFormProps {
  sensitivity: AnomalySensitivity;
  /** The least a day must cost to count, in dollars as typed ("1.00"). */
  minSpend: string;
  save: (input: { sensitivity: string; minSpend: string }) => Promise<ActionResult<unknown>>;
}

type Errors = Partial<Record<"sensitivity" | "minSpend" | "form", string>>;

/** How readily a day's or week's spend alerts as unusual. */
export function AnomalySettingsForm({ sensitivity, minSpend, save }: AnomalySettingsFormProps) {
  const router = useRouter();
  const [values, setValues] = useState({ sensitivity, minSpend });
  const [errors, setErrors] = useState<Errors>({});
  const [pending, startTransition] = useTransition();
  const unchanged = values.sensitivity === sensitivity && values.minSpend === minSpend;
  return (
    <form
      className="flex flex-wrap items-end gap-2"
      aria-label="Unusual spend"
      onSubmit={(e) => {
        e.preventDefault();
        startTransition(async () => {
          const result = await save(values);
          if (!result.ok)
            return setErrors({
              sensitivity: result.fieldErrors?.sensitivity,
              minSpend: result.fieldErrors?.minSpend,
              form: result.fieldErrors ? undefined : result.error,
            });
          setErrors({});
          toast.success(
            values.sensitivity === "off"
              ? "Unusual spend no longer alerts."
              : "Unusual spend alerts saved.",
          );
          router.refresh();
        });
      }}
    >
      <div className="flex flex-col gap-1.5">
        <label htmlFor="anomaly-sensitivity" className="text-sm font-medium">
          Unusual spend
        </label>
        <select
          id="anomaly-sensitivity"
          value={values.sensitivity}
          disabled={pending}
          onChange={(e) =>
            setValues({ ...values, sensitivity: e.target.value as AnomalySensitivity })
          }
          aria-invalid={Boolean(errors.sensitivity)}
          className="h-9 rounded-md border border-input bg-card px-2 text-sm"
        >
          {Object.entries(SENSITIVITY_LABEL).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </div>
      <div className="flex flex-col gap-1.5">
        <label htmlFor="anomaly-min-spend" className="text-sm font-medium">
          Ignore days under (USD)
        </label>
        <input
          id="anomaly-min-spend"
          inputMode="decimal"
          value={values.minSpend}
          disabled={pending || values.sensitivity === "off"}
          onChange={(e) => setValues({ ...values, minSpend: e.target.value })}
          aria-invalid={Boolean(errors.minSpend)}
          aria-describedby={errors.minSpend ? "anomaly-min-spend-error" : undefined}
          className="h-9 w-28 rounded-md border border-input bg-card px-2 text-sm tabular-nums"
        />
      </div>
      <Button type="submit" variant="outline" size="sm" disabled={pending || unchanged}>
        Save
      </Button>
      {errors.sensitivity || errors.minSpend || errors.form ? (
        <p id="anomaly-min-spend-error" role="alert" className="w-full text-sm text-destructive">
          {errors.sensitivity ?? errors.minSpend ?? errors.form}
        </p>
      ) : (
        <p className="w-full text-xs text-muted-foreground">
          Alerts when the organisation&apos;s, a group&apos;s or a member&apos;s spend today (or
          over 7 days) is far above its own last 28 days, with who, which keys and which models
          drove it. UTC days.
        </p>
      )}
    </form>
  );
}
