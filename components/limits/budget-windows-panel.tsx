"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { toast } from "sonner";
import { type BudgetBar, BudgetBars } from "@/components/spend/budget-bars";
import { Button } from "@/components/ui/button";
import { Field, describedBy } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import type { ActionResult } from "@/lib/action-result";
import type { BudgetWindowInput } from "@/lib/limits/schemas";
import type { WindowPeriod } from "@/lib/limits/windows";

interface WindowRow {
  id: string;
  period: WindowPeriod;
  days: number | null;
  mode: "soft" | "hard";
  amountMicros: number;
  alertThresholds: number[];
  raisedAmountMicros: number | null;
  /** The last day of a temporary increase (yyyy-mm-dd, in the organisation's zone). */
  raisedThrough: string | null;
  /** "$40 a day": the window in a few words. */
  label: string;
  /** Its spend now, as the server worked it out. */
  bar: BudgetBar;
}

interface BudgetWindowsPanelProps {
  target: { kind: "key" | "member" | "group"; id: string; name: string };
  windows: WindowRow[];
  timeZone: string;
  canEdit: boolean;
  set: (input: BudgetWindowInput) => Promise<ActionResult<unknown>>;
  remove: (input: { budgetWindowId: string }) => Promise<ActionResult<unknown>>;
}

const periods: { value: WindowPeriod; label: string }[] = [
  { value: "day", label: "A day" },
  { value: "week", label: "A week (from Monday)" },
  { value: "days", label: "The last N days" },
  { value: "month", label: "A calendar month" },
];

const asDollars = (micros: number | null) =>
  micros === null ? "" : String(micros / 1_000_000).replace(/\.(\d)$/, ".$10");

const empty = {
  period: "day" as WindowPeriod,
  days: "7",
  amount: "",
  mode: "hard" as "soft" | "hard",
  alertThresholds: "80, 100",
  raisedAmount: "",
  raisedUntil: "",
};

/**
 * The budget windows of a key, a group or a member: what each has spent in its day, week or last
 * N days against its amount, when it resets, and a form to set one (setting a window of a length
 * that has one changes it).
 */
export function BudgetWindowsPanel(props: BudgetWindowsPanelProps) {
  const { target, windows, timeZone, canEdit, set, remove } = props;
  const router = useRouter();
  const [form, setForm] = useState(empty);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [pending, startTransition] = useTransition();
  const update = (values: Partial<typeof empty>) => setForm((f) => ({ ...f, ...values }));

  const submit = () =>
    startTransition(async () => {
      const result = await set({
        target: { kind: target.kind, id: target.id },
        period: form.period,
        days: form.period === "days" ? form.days : null,
        amount: form.amount,
        mode: form.mode,
        alertThresholds: form.alertThresholds,
        raisedAmount: form.raisedAmount,
        raisedUntil: form.raisedUntil,
      });
      if (!result.ok)
        // A list's item ("alertThresholds.1") is shown on the list's field.
        return setErrors(
          Object.fromEntries(
            Object.entries(result.fieldErrors ?? { amount: result.error }).map(([k, v]) => [
              k.replace(/\.\d+$/, ""),
              v,
            ]),
          ),
        );
      setErrors({});
      setForm(empty);
      toast.success(`Budget window saved for ${target.name}.`);
      router.refresh();
    });

  const edit = (w: WindowRow) => {
    setErrors({});
    setForm({
      period: w.period,
      days: String(w.days ?? 7),
      amount: asDollars(w.amountMicros),
      mode: w.mode,
      alertThresholds: w.alertThresholds.join(", "),
      raisedAmount: asDollars(w.raisedAmountMicros),
      raisedUntil: w.raisedThrough ?? "",
    });
  };

  const fieldProps = (id: string, name: keyof typeof empty) => ({
    id,
    value: form[name],
    onChange: (e: { target: { value: string } }) => update({ [name]: e.target.value }),
    "aria-invalid": Boolean(errors[name]),
    "aria-describedby": describedBy(id, errors[name]),
  });

  return (
    <div className="flex flex-col gap-4">
      {windows.length ? (
        <BudgetBars
          budgets={windows.map((w) => w.bar)}
          label={`Budget windows of ${target.name}`}
        />
      ) : (
        <p className="text-sm text-muted-foreground">
          No budget windows: only the monthly budget and limits apply.
        </p>
      )}
      {canEdit && windows.length > 0 && (
        <ul className="flex flex-wrap gap-2" aria-label="Change or remove a window">
          {windows.map((w) => (
            <li key={w.id} className="flex items-center gap-1 rounded-md border px-2 py-1 text-sm">
              <span>{w.label}</span>
              <Button
                variant="ghost"
                size="sm"
                disabled={pending}
                aria-label={`Change the window of ${w.label}`}
                onClick={() => edit(w)}
              >
                Change
              </Button>
              <Button
                variant="ghost"
                size="sm"
                disabled={pending}
                aria-label={`Remove the window of ${w.label}`}
                onClick={() =>
                  startTransition(async () => {
                    const result = await remove({ budgetWindowId: w.id });
                    if (result.ok) toast.success("Budget window removed.");
                    else toast.error(result.error);
                    router.refresh();
                  })
                }
              >
                Remove
              </Button>
            </li>
          ))}
        </ul>
      )}
      {canEdit && (
        <form
          aria-label={`Set a budget window for ${target.name}`}
          className="flex flex-col gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
        >
          <fieldset disabled={pending} className="grid gap-3 sm:grid-cols-3">
            <Field id="window-period" label="Window" error={errors.period}>
              <select
                {...fieldProps("window-period", "period")}
                className="h-9 rounded-md border border-input bg-card px-2 text-sm"
              >
                {periods.map((p) => (
                  <option key={p.value} value={p.value}>
                    {p.label}
                  </option>
                ))}
              </select>
            </Field>
            {form.period === "days" && (
              <Field
                id="window-days"
                label="Days"
                hint="2 to 31: today and the days before it."
                error={errors.days}
              >
                <Input {...fieldProps("window-days", "days")} inputMode="numeric" maxLength={3} />
              </Field>
            )}
            <Field
              id="window-amount"
              label="Amount (USD)"
              hint={`Days start at midnight, ${timeZone}.`}
              error={errors.amount}
            >
              <Input
                {...fieldProps("window-amount", "amount")}
                inputMode="decimal"
                maxLength={20}
              />
            </Field>
            <Field
              id="window-alerts"
              label="Alert at (% of the window)"
              hint="Each alerts once a window, in the console and to webhooks. Empty: none."
              error={errors.alertThresholds}
            >
              <Input {...fieldProps("window-alerts", "alertThresholds")} maxLength={60} />
            </Field>
            <Field
              id="window-raised-amount"
              label="Temporary amount (optional)"
              hint="Raises the window until the date below."
              error={errors.raisedAmount}
            >
              <Input
                {...fieldProps("window-raised-amount", "raisedAmount")}
                inputMode="decimal"
                maxLength={20}
              />
            </Field>
            <Field
              id="window-raised-until"
              label="Temporary until (last day)"
              hint="Then the amount above applies again by itself."
              error={errors.raisedUntil}
            >
              <Input {...fieldProps("window-raised-until", "raisedUntil")} type="date" />
            </Field>
          </fieldset>
          <fieldset className="flex flex-wrap gap-4 text-sm" disabled={pending}>
            <legend className="sr-only">What the window does when it is spent</legend>
            <label className="flex items-center gap-2">
              <input
                type="radio"
                name="window-mode"
                checked={form.mode === "hard"}
                onChange={() => update({ mode: "hard" })}
              />
              Hard: the gateway refuses once it is spent
            </label>
            <label className="flex items-center gap-2">
              <input
                type="radio"
                name="window-mode"
                checked={form.mode === "soft"}
                onChange={() => update({ mode: "soft" })}
              />
              Soft: alerts only
            </label>
          </fieldset>
          <div>
            <Button type="submit" disabled={pending}>
              Save budget window
            </Button>
          </div>
        </form>
      )}
    </div>
  );
}
