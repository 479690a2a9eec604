import { Check, CircleSlash, X } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Label } from "@/components/ui/label";
import type { Check as RuleCheck, Decision, Rule } from "@/lib/access/decide";
import { rules } from "@/lib/access/decide";
import type { WhyQuery } from "@/lib/access/explain";
import type { CatalogueModel } from "@/lib/models/catalogue";
import { formatMicros } from "@/lib/money";

interface WhyExplainerProps {
  // Where the form submits (GET), and fields to carry along, such as the page's tab.
  action: string;
  hidden?: Record<string, string>;
  query: WhyQuery;
  members: { id: string; name: string; email: string }[];
  keys: { id: string; name: string }[];
  models: CatalogueModel[];
  features: readonly string[];
  result: { decision: Decision; checks: RuleCheck[] } | { error: string } | null;
}

const ruleNames: Record<Rule, string> = {
  key: "Key is live",
  member: "Member is active",
  group_access: "Key reaches the member through a group",
  model: "Model is allowed",
  features: "Features are enabled",
  rate_limit: "Rate limits",
  member_limit: "Member's monthly limit",
  key_limit: "Key's monthly limit",
  group_budget: "Hard group budgets",
  budget_window: "Hard budget windows (day, week, N days)",
};

const selectClass = "h-9 w-full rounded-md border border-input bg-card px-2 text-sm";

/**
 * "Why?": pick a member, a key and a model and see what the gateway would answer right now, rule
 * by rule. A plain GET form: the question lives in the URL, so an answer can be shared.
 */
export function WhyExplainer(props: WhyExplainerProps) {
  const { query, result } = props;
  return (
    <div className="grid gap-6 lg:grid-cols-[22rem_1fr]">
      <Card className="p-5">
        <form method="get" action={props.action} className="flex flex-col gap-4">
          {Object.entries(props.hidden ?? {}).map(([name, value]) => (
            <input key={name} type="hidden" name={name} value={value} />
          ))}
          <div className="flex flex-col gap-1.5">
            <Label htmlFor="why-member">Member</Label>
            <select
              id="why-member"
              name="member"
              defaultValue={query.member}
              className={selectClass}
            >
              <option value="">Choose a member…</option>
              {props.members.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.name} ({m.email})
                </option>
              ))}
            </select>
          </div>
          <div className="flex flex-col gap-1.5">
            <Label htmlFor="why-key">API key</Label>
            <select id="why-key" name="key" defaultValue={query.key} className={selectClass}>
              <option value="">Choose a key…</option>
              {props.keys.map((k) => (
                <option key={k.id} value={k.id}>
                  {k.name}
                </option>
              ))}
            </select>
          </div>
          <div className="flex flex-col gap-1.5">
            <Label htmlFor="why-model">Model</Label>
            <select id="why-model" name="model" defaultValue={query.model} className={selectClass}>
              <option value="">Choose a model…</option>
              {props.models.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.displayName}
                </option>
              ))}
            </select>
          </div>
          <fieldset>
            <legend className="text-sm font-medium">Features requested</legend>
            <div className="mt-2 flex flex-wrap gap-x-4 gap-y-1">
              {props.features.map((f) => (
                <label key={f} className="flex items-center gap-1.5 text-sm">
                  <input
                    type="checkbox"
                    name="features"
                    value={f}
                    defaultChecked={query.features?.includes(f)}
                  />
                  {f}
                </label>
              ))}
            </div>
          </fieldset>
          <div className="flex flex-col gap-1.5">
            <Label htmlFor="why-estimate">Estimated cost (USD, optional)</Label>
            <input
              id="why-estimate"
              name="estimate"
              inputMode="decimal"
              defaultValue={query.estimate}
              placeholder="0.00"
              className={selectClass}
            />
          </div>
          <Button type="submit">Explain</Button>
        </form>
      </Card>
      <div>{result ? <Answer result={result} /> : <Placeholder />}</div>
    </div>
  );
}

function Placeholder() {
  return (
    <Card className="flex h-full min-h-48 items-center justify-center p-6 text-center text-sm text-muted-foreground">
      Choose a member, a key and a model to see what the gateway would answer, and which rule
      decides.
    </Card>
  );
}

function Answer({ result }: { result: NonNullable<WhyExplainerProps["result"]> }) {
  if ("error" in result)
    return (
      <Card role="alert" className="p-5 text-sm text-destructive">
        {result.error}
      </Card>
    );
  const { decision, checks } = result;
  const decisive = decision.allow ? null : checks.at(-1)?.rule;
  return (
    <Card className="p-5" aria-live="polite">
      <div className="flex flex-wrap items-center gap-3">
        {decision.allow ? (
          <Badge variant="success" className="text-sm">
            Allowed
          </Badge>
        ) : (
          <Badge variant="destructive" className="text-sm">
            Denied: {decision.reason}
          </Badge>
        )}
        <p className="text-sm">
          {decision.allow
            ? `Through ${decision.groups.map((g) => g.name).join(", ")}.`
            : decision.message}
        </p>
      </div>
      <ol className="mt-5 flex flex-col gap-2" aria-label="Rules checked">
        {rules.map((rule) => {
          const check = checks.find((c) => c.rule === rule);
          return (
            <li
              key={rule}
              className={`flex items-start gap-3 rounded-md border px-3 py-2 text-sm ${rule === decisive ? "border-destructive/50 bg-destructive/5" : ""}`}
            >
              {!check ? (
                <CircleSlash
                  className="mt-0.5 size-4 text-muted-foreground"
                  aria-label="Not reached"
                />
              ) : check.passed ? (
                <Check className="mt-0.5 size-4 text-success" aria-label="Passed" />
              ) : (
                <X className="mt-0.5 size-4 text-destructive" aria-label="Failed" />
              )}
              <div>
                <p className="font-medium">
                  {ruleNames[rule]}
                  {rule === decisive && <span className="ml-2 text-destructive">decided</span>}
                </p>
                <p className="text-muted-foreground">
                  {check?.detail ?? "Not checked: an earlier rule decided."}
                </p>
              </div>
            </li>
          );
        })}
      </ol>
      {decision.allow && (
        <dl className="mt-5 grid grid-cols-[10rem_1fr] gap-y-1.5 border-t pt-4 text-sm">
          <dt className="text-muted-foreground">Fallbacks</dt>
          <dd>{decision.policy.fallbackModels.join(" → ") || "None"}</dd>
          <dt className="text-muted-foreground">Load balancing</dt>
          <dd>{decision.policy.loadBalancing}</dd>
          <dt className="text-muted-foreground">Member has left</dt>
          <dd>
            {decision.remaining.memberMicros === null
              ? "No limit"
              : formatMicros(decision.remaining.memberMicros, { precise: true })}
          </dd>
          <dt className="text-muted-foreground">Key has left</dt>
          <dd>
            {decision.remaining.keyMicros === null
              ? "No limit"
              : formatMicros(decision.remaining.keyMicros, { precise: true })}
          </dd>
        </dl>
      )}
    </Card>
  );
}
