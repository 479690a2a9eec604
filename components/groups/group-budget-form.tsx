"use client";

import { FIELD_LIMITS } from "@/lib/field-limits";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { Field, describedBy } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import type { ActionResult } from "@/lib/action-result";

interface GroupBudgetFormProps {
  groupId: string;
  groupName: string;
  budgetMicros: number | null;
  mode: "soft" | "hard";
  thresholds: number[];
  disabled: boolean;
  save: (input: {
    groupId: string;
    budgetDollars: string;
    mode: "soft" | "hard";
    thresholds: string;
  }) => Promise<ActionResult<unknown>>;
}

/** A group's monthly budget, what happens when it is reached, and when admins hear about it. */
export function GroupBudgetForm(props: GroupBudgetFormProps) {
  const router = useRouter();
  const [budget, setBudget] = useState(
    props.budgetMicros === null ? "" : String(props.budgetMicros / 1_000_000),
  );
  const [mode, setMode] = useState(props.mode);
  const [thresholds, setThresholds] = useState(props.thresholds.join(", "));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [pending, startTransition] = useTransition();

  const submit = () =>
    startTransition(async () => {
      const result = await props.save({
        groupId: props.groupId,
        budgetDollars: budget,
        mode,
        thresholds,
      });
      if (!result.ok) {
        setErrors(result.fieldErrors ?? { budgetDollars: result.error });
        return;
      }
      setErrors({});
      toast.success(
        budget.trim()
          ? `${props.groupName}'s budget is saved: $${budget} a month, ${mode}.`
          : `${props.groupName} has no budget now.`,
      );
      router.refresh();
    });

  return (
    <form
      aria-label="Budget"
      className="flex flex-col gap-4"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <fieldset disabled={props.disabled || pending} className="contents">
        <div className="grid gap-4 sm:grid-cols-2">
          <Field
            id="budget-dollars"
            label="Monthly budget (USD)"
            error={errors.budgetDollars}
            hint="Calendar month, UTC. Empty: no budget."
          >
            <Input
              id="budget-dollars"
              inputMode="decimal"
              placeholder="No budget"
              maxLength={FIELD_LIMITS.dollars}
              value={budget}
              onChange={(e) => setBudget(e.target.value)}
              aria-invalid={Boolean(errors.budgetDollars)}
              aria-describedby={describedBy("budget-dollars", errors.budgetDollars)}
            />
          </Field>
          <Field
            id="budget-thresholds"
            label="Alert at (% of budget)"
            error={errors.thresholds}
            hint="Each alerts once a month, in the console and to webhooks."
          >
            <Input
              id="budget-thresholds"
              value={thresholds}
              onChange={(e) => setThresholds(e.target.value)}
              aria-invalid={Boolean(errors.thresholds)}
              aria-describedby={describedBy("budget-thresholds", errors.thresholds)}
            />
          </Field>
        </div>
        <fieldset>
          <legend className="text-sm font-medium">When the budget is reached</legend>
          <div className="mt-2 flex flex-col gap-1 sm:flex-row sm:gap-6">
            {(
              [
                ["soft", "Soft: alert only", "Requests go on; admins are told."],
                [
                  "hard",
                  "Hard: deny requests",
                  "The gateway refuses members' requests until next month.",
                ],
              ] as const
            ).map(([value, label, hint]) => (
              <label key={value} className="flex cursor-pointer items-start gap-2 text-sm">
                <input
                  type="radio"
                  name="budget-mode"
                  className="mt-0.5"
                  checked={mode === value}
                  onChange={() => setMode(value)}
                />
                <span>
                  {label}
                  <span className="block text-xs text-muted-foreground">{hint}</span>
                </span>
              </label>
            ))}
          </div>
        </fieldset>
        <div>
          <Button type="submit">{pending ? "Saving…" : "Save budget"}</Button>
        </div>
      </fieldset>
    </form>
  );
}
