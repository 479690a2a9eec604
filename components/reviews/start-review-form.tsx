"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { toast } from "sonner";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { CheckList } from "@/components/ui/check-list";
import { Field, describedBy } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { type ActionResult, formErrors } from "@/lib/action-result";
import type { StartReviewInput } from "@/lib/reviews/schemas";

interface StartReviewFormProps {
  groups: { id: string; name: string; directMembers: number }[];
  reviewers: { id: string; name: string; email: string }[];
  defaults: { name: string; dueOn: string; reviewerMemberId: string };
  start: (input: StartReviewInput) => Promise<ActionResult<{ id: string }>>;
}

type Errors = Partial<Record<"name" | "dueOn" | "reviewerMemberId" | "groupIds" | "form", string>>;

const select = "h-9 rounded-md border border-input bg-card px-2 text-sm";

/** Name, due date, reviewer, groups (all or some), key assignments too, when removals apply. */
export function StartReviewForm({ groups, reviewers, defaults, start }: StartReviewFormProps) {
  const router = useRouter();
  const [values, setValues] = useState(defaults);
  const [scope, setScope] = useState<"all" | "some">("all");
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [includeKeys, setIncludeKeys] = useState(true);
  const [applyMode, setApplyMode] = useState<StartReviewInput["applyMode"]>("at_end");
  const [errors, setErrors] = useState<Errors>({});
  const [pending, startTransition] = useTransition();
  const people = (scope === "all" ? groups : groups.filter((g) => chosen.has(g.id))).reduce(
    (n, g) => n + g.directMembers,
    0,
  );

  return (
    <Card className="max-w-2xl p-6">
      <form
        className="flex flex-col gap-5"
        aria-label="Start an access review"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (scope === "some" && !chosen.size)
            return setErrors({ groupIds: "Choose at least one group, or review all of them." });
          startTransition(async () => {
            const result = await start({
              ...values,
              groupIds: scope === "all" ? [] : [...chosen],
              includeKeys,
              applyMode,
            });
            if (!result.ok)
              return setErrors(
                formErrors(result, ["name", "dueOn", "reviewerMemberId", "groupIds"] as const),
              );
            toast.success("Review started: its reviewers can decide now.");
            router.push(`/reviews/${result.data.id}`);
          });
        }}
      >
        {errors.form && <Alert variant="destructive">{errors.form}</Alert>}
        <Field id="review-name" label="Name" error={errors.name}>
          <Input
            id="review-name"
            value={values.name}
            maxLength={100}
            onChange={(e) => setValues({ ...values, name: e.target.value })}
            aria-invalid={Boolean(errors.name)}
            aria-describedby={describedBy("review-name", errors.name, false)}
          />
        </Field>
        <div className="flex flex-wrap gap-4">
          <Field
            id="review-due"
            label="Due date"
            hint="Still open at the end of this day, it alerts (bell and webhook)."
            error={errors.dueOn}
          >
            <Input
              id="review-due"
              type="date"
              value={values.dueOn}
              onChange={(e) => setValues({ ...values, dueOn: e.target.value })}
              aria-invalid={Boolean(errors.dueOn)}
              aria-describedby={describedBy("review-due", errors.dueOn)}
              className="w-44"
            />
          </Field>
          <Field
            id="review-reviewer"
            label="Reviewer"
            hint="Of every group; you can hand single groups to others on the review."
            error={errors.reviewerMemberId}
          >
            <select
              id="review-reviewer"
              className={select}
              value={values.reviewerMemberId}
              onChange={(e) => setValues({ ...values, reviewerMemberId: e.target.value })}
              aria-invalid={Boolean(errors.reviewerMemberId)}
              aria-describedby={describedBy("review-reviewer", errors.reviewerMemberId)}
            >
              {reviewers.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name} ({r.email})
                </option>
              ))}
            </select>
          </Field>
        </div>

        <fieldset className="flex flex-col gap-2">
          <legend className="mb-1 text-sm font-medium">Groups</legend>
          <label className="flex items-center gap-2 text-sm">
            <input type="radio" checked={scope === "all"} onChange={() => setScope("all")} />
            All {groups.length} groups
          </label>
          <label className="flex items-center gap-2 text-sm">
            <input type="radio" checked={scope === "some"} onChange={() => setScope("some")} />
            Chosen groups
          </label>
          {scope === "some" && (
            <CheckList
              legend="Groups to review"
              items={groups}
              chosen={chosen}
              onChange={(next) => {
                setChosen(next);
                setErrors({ ...errors, groupIds: undefined });
              }}
              render={(g) => (
                <span className="flex w-full justify-between gap-2">
                  {g.name}
                  <span className="text-xs text-muted-foreground">
                    {g.directMembers} {g.directMembers === 1 ? "member" : "members"}
                  </span>
                </span>
              )}
              empty="There are no groups yet."
            />
          )}
          {errors.groupIds && <p className="text-sm text-destructive">{errors.groupIds}</p>}
          <p className="text-xs text-muted-foreground" role="status">
            {people} direct {people === 1 ? "membership" : "memberships"} to review (people in a
            subgroup are reviewed there).
          </p>
          <label className="flex items-center gap-2 text-sm">
            <input
              type="checkbox"
              checked={includeKeys}
              onChange={(e) => setIncludeKeys(e.target.checked)}
            />
            Also review which API keys each group is given
          </label>
        </fieldset>

        <fieldset className="flex flex-col gap-2">
          <legend className="mb-1 text-sm font-medium">Removals take effect</legend>
          <label className="flex items-start gap-2 text-sm">
            <input
              type="radio"
              className="mt-1"
              checked={applyMode === "at_end"}
              onChange={() => setApplyMode("at_end")}
            />
            <span>
              When the review is completed, all at once
              <span className="block text-xs text-muted-foreground">
                Reviewers can change their minds until then.
              </span>
            </span>
          </label>
          <label className="flex items-start gap-2 text-sm">
            <input
              type="radio"
              className="mt-1"
              checked={applyMode === "as_decided"}
              onChange={() => setApplyMode("as_decided")}
            />
            <span>
              As each is decided
              <span className="block text-xs text-muted-foreground">
                Access ends the moment a reviewer removes it.
              </span>
            </span>
          </label>
        </fieldset>
        <div>
          <Button type="submit" disabled={pending || !reviewers.length}>
            Start review
          </Button>
        </div>
      </form>
    </Card>
  );
}
