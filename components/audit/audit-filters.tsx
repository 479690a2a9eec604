"use client";

import { Search, X } from "lucide-react";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useEffectEvent, useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import type { AuditFacets } from "@/lib/audit/queries";
import { targetNoun, targetTypeLabel } from "./audit-format";

interface AuditFiltersProps {
  facets: AuditFacets;
  /** The target filtered on (targetId in the URL), as an entry on this page names it. */
  target: { type: string; name: string | null } | null;
}

const selectClass = "h-9 rounded-md border border-input bg-card px-2 text-sm shadow-sm";
const FILTER_KEYS = ["actor", "action", "targetType", "targetId", "from", "to"] as const;

/**
 * A field that follows the URL but lets the person type: a change goes to the URL after a
 * pause, and a URL changed from elsewhere (Clear, a link, Back) replaces the text, unless it is
 * the value this field just sent. Returns the text, its setter, and a reset that sends nothing.
 */
function useDebouncedParam(value: string, commit: (next: string) => void, delay = 350) {
  const [draft, setDraft] = useState(value);
  const [seen, setSeen] = useState(value);
  const [sent, setSent] = useState(value);
  if (value !== seen) {
    setSeen(value);
    if (value !== sent) {
      setSent(value);
      setDraft(value);
    }
  }
  const send = useEffectEvent((next: string) => {
    setSent(next);
    commit(next);
  });
  useEffect(() => {
    if (draft === sent) return;
    const timer = setTimeout(() => send(draft), delay);
    return () => clearTimeout(timer);
  }, [draft, sent, delay]);
  const reset = (next: string) => {
    setDraft(next);
    setSent(next);
  };
  return [draft, setDraft, reset] as const;
}

/** Filters live in the URL, so that a filtered log can be shared, reloaded and exported. */
export function AuditFilters({ facets, target }: AuditFiltersProps) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const [pending, startTransition] = useTransition();

  const update = (changes: Partial<Record<(typeof FILTER_KEYS)[number], string>>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    next.delete("page");
    const query = next.toString();
    startTransition(() =>
      router.push(query ? `${pathname}?${query}` : pathname, { scroll: false }),
    );
  };

  const [actor, setActor, resetActor] = useDebouncedParam(params.get("actor") ?? "", (actor) =>
    update({ actor }),
  );
  const [from, setFrom, resetFrom] = useDebouncedParam(params.get("from") ?? "", (from) =>
    update({ from }),
  );
  const [to, setTo, resetTo] = useDebouncedParam(params.get("to") ?? "", (to) => update({ to }));

  const filtered = FILTER_KEYS.some((key) => params.get(key));
  const clear = () => {
    resetActor("");
    resetFrom("");
    resetTo("");
    update(Object.fromEntries(FILTER_KEYS.map((key) => [key, ""])));
  };

  // A value from a link that the dropdown does not list (yet) is still shown as chosen.
  const withCurrent = (values: string[], current: string) =>
    current && !values.includes(current) ? [current, ...values] : values;
  const action = params.get("action") ?? "";
  const actionsByArea = byArea(withCurrent(facets.actions, action));
  const targetType = params.get("targetType") ?? "";
  const targetId = params.get("targetId") ?? "";

  return (
    <div className="flex flex-col gap-3">
      <div className="flex flex-wrap items-end gap-3" role="group" aria-label="Audit log filters">
        <div className="flex flex-col gap-1.5">
          <Label htmlFor="audit-actor">Actor</Label>
          <div className="relative">
            <Search
              className="pointer-events-none absolute left-2.5 top-2.5 size-4 text-muted-foreground"
              aria-hidden
            />
            <Input
              id="audit-actor"
              type="search"
              list="audit-actors"
              value={actor}
              onChange={(e) => setActor(e.target.value)}
              placeholder="Email, gateway:name or user id"
              className="w-64 pl-8"
              autoComplete="off"
            />
            <datalist id="audit-actors">
              {facets.actors.map((label) => (
                <option key={label} value={label} />
              ))}
            </datalist>
          </div>
        </div>
        <div className="flex flex-col gap-1.5">
          <Label htmlFor="audit-action">Action</Label>
          <select
            id="audit-action"
            className={selectClass}
            value={action}
            onChange={(e) => update({ action: e.target.value })}
          >
            <option value="">Any</option>
            {[...actionsByArea].map(([area, actions]) => (
              <optgroup key={area} label={targetTypeLabel(area)}>
                {actions.map((a) => (
                  <option key={a} value={a}>
                    {a}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </div>
        <div className="flex flex-col gap-1.5">
          <Label htmlFor="audit-target-type">Target</Label>
          <select
            id="audit-target-type"
            className={selectClass}
            value={targetType}
            onChange={(e) => update({ targetType: e.target.value })}
          >
            <option value="">Any</option>
            {withCurrent(facets.targetTypes, targetType).map((t) => (
              <option key={t} value={t}>
                {targetTypeLabel(t)}
              </option>
            ))}
          </select>
        </div>
        <div className="flex flex-col gap-1.5">
          <Label htmlFor="audit-from">From (UTC)</Label>
          <Input
            id="audit-from"
            type="date"
            value={from}
            onChange={(e) => setFrom(e.target.value)}
            className="w-40"
          />
        </div>
        <div className="flex flex-col gap-1.5">
          <Label htmlFor="audit-to">To (UTC)</Label>
          <Input
            id="audit-to"
            type="date"
            value={to}
            onChange={(e) => setTo(e.target.value)}
            className="w-40"
          />
        </div>
        {filtered && (
          <Button variant="ghost" onClick={clear}>
            <X aria-hidden />
            Clear filters
          </Button>
        )}
        <span role="status" className="self-center text-sm text-muted-foreground">
          {pending ? "Updating…" : ""}
        </span>
      </div>
      {targetId && (
        <p className="flex flex-wrap items-center gap-2 text-sm">
          <span className="text-muted-foreground">
            Only entries for{" "}
            <span className="font-medium text-foreground">
              {target || targetType ? `${targetNoun(target?.type ?? targetType)} ` : ""}
              {target?.name ?? targetId}
            </span>
          </span>
          <Button variant="ghost" size="sm" onClick={() => update({ targetId: "" })}>
            <X aria-hidden />
            All targets
          </Button>
        </p>
      )}
    </div>
  );
}

/** Actions grouped by their area ("group.created" → "group"), in order; Node 20 lacks Map.groupBy. */
function byArea(actions: string[]): Map<string, string[]> {
  const areas = new Map<string, string[]>();
  for (const action of actions) {
    const area = action.split(".")[0]!;
    areas.set(area, [...(areas.get(area) ?? []), action]);
  }
  return areas;
}
