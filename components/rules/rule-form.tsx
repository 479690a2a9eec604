"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState, useTransition } from "react";
import { toast } from "sonner";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { CheckList } from "@/components/ui/check-list";
import { Field, describedBy } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { toastWithUndo } from "@/components/ui/undo-toast";
import { type ActionResult, formErrors } from "@/lib/action-result";
import type { MembershipChange, MembershipPair } from "@/lib/memberships/schemas";
import { RULE_ATTRIBUTES, RULE_ATTRIBUTE_LABELS, type RuleAttribute } from "@/lib/rules/attributes";
import type { RuleInput } from "@/lib/rules/schemas";

interface Preview {
  matching: number;
  toAdd: number;
  examples: string[];
}

interface RuleFormProps {
  groups: { id: string; name: string }[];
  preview: (input: RuleInput) => Promise<ActionResult<Preview>>;
  create: (input: RuleInput) => Promise<ActionResult<{ id: string; added: MembershipPair[] }>>;
  revert: (input: MembershipChange) => Promise<ActionResult<unknown>>;
}

type Errors = Partial<Record<"name" | "values" | "groupIds" | "attribute" | "form", string>>;

const HINTS: Record<RuleAttribute, string> = {
  email_domain: "The part after @, such as acme.com. Everyone has one.",
  department: "As your identity provider sends it over SCIM (enterprise extension).",
  title: "As your identity provider sends it over SCIM.",
  cost_center: "As your identity provider sends it over SCIM (enterprise extension).",
  division: "As your identity provider sends it over SCIM (enterprise extension).",
  organization: "As your identity provider sends it over SCIM (enterprise extension).",
  manager:
    "The manager's email or name (or their id at your identity provider), from SCIM's enterprise extension.",
  sso_group:
    "A group your organisation's own sign-in provider names in its groups claim (Okta: a groups claim; Entra: group names or ids); read at each sign-in.",
};

/** A new rule: what it looks at, which values, which groups; previewed against today's members. */
export function RuleForm({ groups, preview, create, revert }: RuleFormProps) {
  const router = useRouter();
  const [name, setName] = useState("");
  const [attribute, setAttribute] = useState<RuleAttribute>("department");
  const [values, setValues] = useState("");
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [applyToExisting, setApplyToExisting] = useState(true);
  const [seen, setSeen] = useState<Preview | null>(null);
  const [errors, setErrors] = useState<Errors>({});
  const [pending, startTransition] = useTransition();
  const groupIds = [...chosen];
  const ready = Boolean(values.trim()) && chosen.size > 0;

  // What the rule would do now, once it says something: asked again as it changes.
  useEffect(() => {
    if (!ready) return;
    let current = true;
    const timer = setTimeout(async () => {
      const result = await preview({
        name: name || "preview",
        attribute,
        values,
        groupIds: [...chosen],
      });
      if (current) setSeen(result.ok ? result.data : null);
    }, 300);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [ready, attribute, values, chosen, name, preview]);

  return (
    <Card className="p-6">
      <form
        aria-label="New rule"
        className="flex flex-col gap-4"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          startTransition(async () => {
            const result = await create({ name, attribute, values, groupIds, applyToExisting });
            if (!result.ok)
              return setErrors(
                formErrors(result, ["name", "attribute", "values", "groupIds"] as const),
              );
            setErrors({});
            setName("");
            setValues("");
            setChosen(new Set());
            const { added } = result.data;
            if (added.length)
              toastWithUndo(
                `Rule saved; added ${added.length} ${added.length === 1 ? "membership" : "memberships"} now.`,
                () =>
                  void revert({ added, removed: [] }).then((undone) => {
                    if (!undone.ok) return void toast.error(undone.error);
                    toast.success("Taken back: the rule stays, for people who join from now on.");
                    router.refresh();
                  }),
              );
            else toast.success("Rule saved: it applies to people as they join or change.");
            router.refresh();
          });
        }}
      >
        <h2 className="text-base font-semibold">New rule</h2>
        {errors.form && <Alert variant="destructive">{errors.form}</Alert>}
        <Field id="rule-name" label="Name" error={errors.name}>
          <Input
            id="rule-name"
            value={name}
            maxLength={100}
            placeholder="Finance people"
            onChange={(e) => setName(e.target.value)}
            aria-invalid={Boolean(errors.name)}
            aria-describedby={describedBy("rule-name", errors.name, false)}
          />
        </Field>
        <div className="flex flex-col gap-4">
          <Field id="rule-attribute" label="When" error={errors.attribute}>
            <select
              id="rule-attribute"
              className="h-9 rounded-md border border-input bg-card px-2 text-sm"
              value={attribute}
              onChange={(e) => setAttribute(e.target.value as RuleAttribute)}
            >
              {RULE_ATTRIBUTES.map((a) => (
                <option key={a} value={a}>
                  {RULE_ATTRIBUTE_LABELS[a]}
                </option>
              ))}
            </select>
          </Field>
          <Field
            id="rule-values"
            label="is any of"
            hint={`${HINTS[attribute]} Separate values with commas; case does not matter.`}
            error={errors.values}
          >
            <Input
              id="rule-values"
              value={values}
              placeholder={attribute === "email_domain" ? "acme.com" : "Finance, FP&A"}
              onChange={(e) => setValues(e.target.value)}
              aria-invalid={Boolean(errors.values)}
              aria-describedby={describedBy("rule-values", errors.values)}
            />
          </Field>
        </div>
        <fieldset className="flex flex-col gap-1.5">
          <legend className="mb-1 text-sm font-medium">add them to</legend>
          <CheckList
            legend="Groups the rule adds to"
            items={groups}
            chosen={chosen}
            onChange={setChosen}
            render={(g) => g.name}
            empty="There are no groups a rule can add to (groups the directory owns are left to it)."
          />
          {errors.groupIds && <p className="text-sm text-destructive">{errors.groupIds}</p>}
        </fieldset>
        <p className="min-h-5 text-sm" role="status">
          {ready &&
            seen &&
            (seen.matching
              ? `Matches ${seen.matching} ${seen.matching === 1 ? "person" : "people"} now; would add ${seen.toAdd} ${seen.toAdd === 1 ? "membership" : "memberships"}${seen.examples.length ? ` (${seen.examples.join(", ")}${seen.toAdd > seen.examples.length ? ", …" : ""})` : ""}.`
              : "Matches nobody now: it will add people as they join or their attributes change.")}
        </p>
        <label className="flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            checked={applyToExisting}
            onChange={(e) => setApplyToExisting(e.target.checked)}
          />
          Also add the current members who match, now (with Undo)
        </label>
        <div>
          <Button type="submit" disabled={pending}>
            Save rule
          </Button>
        </div>
      </form>
    </Card>
  );
}
