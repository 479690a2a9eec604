"use client";

import { FIELD_LIMITS } from "@/lib/field-limits";
import { useState, useTransition } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field, describedBy } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import type { ActionResult } from "@/lib/action-result";
import { type CatalogueModel, providerNames } from "@/lib/models/catalogue";
import { formatMicros } from "@/lib/money";
import { cn } from "@/lib/utils";
import { FallbackList } from "./fallback-list";

export interface KeyFormValues {
  name: string;
  features: string[];
  allowedModels: string[];
  fallbackModels: string[];
  loadBalancing: "none" | "weighted" | "round-robin" | "lowest-latency";
  weights: Record<string, number>;
  expiresOn: string;
  monthlyLimitDollars: string;
}

export const emptyKeyForm: KeyFormValues = {
  name: "",
  features: ["streaming"],
  allowedModels: [],
  fallbackModels: [],
  loadBalancing: "none",
  weights: {},
  expiresOn: "",
  monthlyLimitDollars: "",
};

interface KeyFormProps {
  models: CatalogueModel[];
  knownFeatures: readonly string[];
  initial: KeyFormValues;
  submitLabel: string;
  disabled?: boolean;
  submit: (values: KeyFormValues) => Promise<ActionResult<unknown>>;
  onSaved?: (result: unknown) => void;
}

const strategies: { value: KeyFormValues["loadBalancing"]; label: string; hint: string }[] = [
  { value: "none", label: "None", hint: "Always the requested model; fallbacks only on failure." },
  { value: "weighted", label: "Weighted", hint: "Split traffic across the allowed models." },
  { value: "round-robin", label: "Round robin", hint: "Take the allowed models in turn." },
  { value: "lowest-latency", label: "Lowest latency", hint: "The fastest model lately." },
];

/** Everything a key carries: name, features, model policy, expiry and limit. */
export function KeyForm(props: KeyFormProps) {
  const { models, knownFeatures } = props;
  const [values, setValues] = useState(props.initial);
  const [customFeature, setCustomFeature] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const set = <K extends keyof KeyFormValues>(key: K, value: KeyFormValues[K]) =>
    setValues((v) => ({ ...v, [key]: value }));
  const errorOf = (field: string) =>
    errors[field] ??
    Object.entries(errors).find(([path]) => path.startsWith(`${field}.`))?.[1] ??
    undefined;

  const restricted = values.allowedModels.length > 0;
  const selectable = restricted ? values.allowedModels : models.map((m) => m.id);
  const weightTotal = values.allowedModels.reduce((sum, m) => sum + (values.weights[m] ?? 0), 0);
  const features = [...new Set([...knownFeatures, ...values.features])];

  const toggleModel = (id: string, on: boolean) => {
    const allowedModels = on
      ? models.map((m) => m.id).filter((m) => m === id || values.allowedModels.includes(m))
      : values.allowedModels.filter((m) => m !== id);
    setValues((v) => ({
      ...v,
      allowedModels,
      fallbackModels: allowedModels.length
        ? v.fallbackModels.filter((m) => allowedModels.includes(m))
        : v.fallbackModels,
    }));
  };

  const evenWeights = (ids: string[]) => {
    const base = Math.floor(100 / ids.length);
    return Object.fromEntries(ids.map((m, i) => [m, base + (i < 100 - base * ids.length ? 1 : 0)]));
  };
  const splitEvenly = () => set("weights", evenWeights(values.allowedModels));
  const chooseStrategy = (loadBalancing: KeyFormValues["loadBalancing"]) =>
    setValues((v) => ({
      ...v,
      loadBalancing,
      // Start a new weighting from an even split rather than from zeros.
      weights:
        loadBalancing === "weighted" && v.allowedModels.length > 1 && !weightTotal
          ? evenWeights(v.allowedModels)
          : v.weights,
    }));

  const addCustomFeature = () => {
    const feature = customFeature.trim().toLowerCase();
    if (!feature) return;
    set("features", [...new Set([...values.features, feature])]);
    setCustomFeature("");
  };

  const save = () =>
    startTransition(async () => {
      const result = await props.submit(values);
      if (!result.ok) {
        setError(result.error);
        setErrors(result.fieldErrors ?? {});
        return;
      }
      setError(null);
      setErrors({});
      props.onSaved?.(result.data);
    });

  return (
    <form
      className="flex flex-col gap-6"
      onSubmit={(e) => {
        e.preventDefault();
        save();
      }}
    >
      <fieldset disabled={props.disabled || pending} className="contents">
        <Card className="grid gap-5 p-5 md:grid-cols-2">
          <Field
            id="key-name"
            label="Name"
            error={errorOf("name")}
            hint="Name it after what uses it: support-bot, ci-evals."
          >
            <Input
              id="key-name"
              value={values.name}
              maxLength={FIELD_LIMITS.keyName}
              onChange={(e) => set("name", e.target.value)}
              aria-invalid={Boolean(errorOf("name"))}
              aria-describedby={describedBy("key-name", errorOf("name"))}
            />
          </Field>
          <div className="grid grid-cols-2 gap-4">
            <Field
              id="key-limit"
              label="Monthly limit (USD)"
              error={errorOf("monthlyLimitDollars")}
              hint="Empty: no limit."
            >
              <Input
                id="key-limit"
                inputMode="decimal"
                value={values.monthlyLimitDollars}
                placeholder="No limit"
                maxLength={FIELD_LIMITS.dollars}
                onChange={(e) => set("monthlyLimitDollars", e.target.value)}
                aria-invalid={Boolean(errorOf("monthlyLimitDollars"))}
                aria-describedby={describedBy("key-limit", errorOf("monthlyLimitDollars"))}
              />
            </Field>
            <Field
              id="key-expiry"
              label="Expires on"
              error={errorOf("expiresOn")}
              hint="End of that day, UTC. Empty: never."
            >
              <Input
                id="key-expiry"
                type="date"
                value={values.expiresOn}
                onChange={(e) => set("expiresOn", e.target.value)}
                aria-invalid={Boolean(errorOf("expiresOn"))}
                aria-describedby={describedBy("key-expiry", errorOf("expiresOn"))}
              />
            </Field>
          </div>
        </Card>

        <Card className="p-5">
          <fieldset aria-describedby="key-features-hint">
            <legend className="text-sm font-medium">Features</legend>
            <p id="key-features-hint" className="mt-1 text-xs text-muted-foreground">
              The gateway refuses requests that use a feature the key does not enable.
            </p>
            <div className="mt-3 flex flex-wrap gap-2">
              {features.map((f) => (
                <label
                  key={f}
                  className="flex cursor-pointer items-center gap-2 rounded-md border px-3 py-1.5 text-sm has-[:checked]:border-primary has-[:checked]:bg-primary/5"
                >
                  <input
                    type="checkbox"
                    checked={values.features.includes(f)}
                    onChange={(e) =>
                      set(
                        "features",
                        e.target.checked
                          ? [...values.features, f]
                          : values.features.filter((x) => x !== f),
                      )
                    }
                  />
                  {f}
                </label>
              ))}
            </div>
            <div className="mt-3 flex max-w-md gap-2">
              <Input
                aria-label="Another feature"
                placeholder="Another feature, e.g. vision"
                maxLength={FIELD_LIMITS.featureName}
                value={customFeature}
                onChange={(e) => setCustomFeature(e.target.value)}
                onKeyDown={(e) => {
                  if (e.key === "Enter") {
                    e.preventDefault();
                    addCustomFeature();
                  }
                }}
              />
              <Button type="button" variant="outline" onClick={addCustomFeature}>
                Add feature
              </Button>
            </div>
            {errorOf("features") && (
              <p className="mt-2 text-sm text-destructive">{errorOf("features")}</p>
            )}
          </fieldset>
        </Card>

        <Card className="p-5">
          <fieldset>
            <legend className="text-sm font-medium">Allowed models</legend>
            <p className="mt-1 text-xs text-muted-foreground">
              {restricted
                ? `${values.allowedModels.length} of ${models.length} models. Prices per million tokens, input / output.`
                : "None ticked: every model in the catalogue. Prices per million tokens, input / output."}
            </p>
            <div className="mt-3 grid gap-x-6 gap-y-4 sm:grid-cols-2 xl:grid-cols-3">
              {Object.entries(providerNames).map(([provider, providerName]) => (
                <div key={provider}>
                  <p className="mb-1 text-xs font-semibold uppercase tracking-wide text-muted-foreground">
                    {providerName}
                  </p>
                  {models
                    .filter((m) => m.provider === provider)
                    .map((m) => (
                      <label
                        key={m.id}
                        className="flex cursor-pointer items-center gap-2 rounded px-1 py-1 text-sm hover:bg-accent"
                      >
                        <input
                          type="checkbox"
                          aria-label={m.displayName}
                          aria-describedby={`price-${m.id}`}
                          checked={values.allowedModels.includes(m.id)}
                          onChange={(e) => toggleModel(m.id, e.target.checked)}
                        />
                        <span className="flex-1">{m.displayName}</span>
                        <span
                          id={`price-${m.id}`}
                          className="text-xs tabular-nums text-muted-foreground"
                        >
                          {formatMicros(m.inputMicrosPerMtok, { precise: true })} /{" "}
                          {formatMicros(m.outputMicrosPerMtok, { precise: true })}
                        </span>
                      </label>
                    ))}
                </div>
              ))}
            </div>
            {errorOf("allowedModels") && (
              <p className="mt-2 text-sm text-destructive">{errorOf("allowedModels")}</p>
            )}
          </fieldset>
        </Card>

        <div className="grid gap-6 lg:grid-cols-2">
          <Card className="p-5">
            <FallbackList
              models={models}
              selectable={selectable}
              value={values.fallbackModels}
              onChange={(fallbackModels) => set("fallbackModels", fallbackModels)}
              error={errorOf("fallbackModels")}
            />
          </Card>
          <Card className="p-5">
            <fieldset>
              <legend className="text-sm font-medium">Load balancing</legend>
              <div className="mt-3 flex flex-col gap-1">
                {strategies.map((s) => (
                  <label
                    key={s.value}
                    className="flex cursor-pointer items-start gap-2 rounded px-1 py-1 text-sm hover:bg-accent"
                  >
                    <input
                      type="radio"
                      name="loadBalancing"
                      className="mt-0.5"
                      checked={values.loadBalancing === s.value}
                      onChange={() => chooseStrategy(s.value)}
                    />
                    <span>
                      {s.label}
                      <span className="block text-xs text-muted-foreground">{s.hint}</span>
                    </span>
                  </label>
                ))}
              </div>
              {values.loadBalancing === "weighted" && (
                <div className="mt-4 border-t pt-4">
                  {values.allowedModels.length < 2 ? (
                    <p className="text-sm text-muted-foreground">
                      Tick at least two allowed models to weigh them.
                    </p>
                  ) : (
                    <>
                      <div className="flex flex-col gap-2">
                        {values.allowedModels.map((id) => (
                          <label key={id} className="flex items-center gap-3 text-sm">
                            <span className="flex-1">
                              {models.find((m) => m.id === id)?.displayName ?? id}
                            </span>
                            <Input
                              type="number"
                              min={0}
                              max={100}
                              className="w-20 text-right tabular-nums"
                              aria-label={`Weight of ${models.find((m) => m.id === id)?.displayName ?? id} (%)`}
                              value={values.weights[id] ?? 0}
                              onChange={(e) =>
                                set("weights", {
                                  ...values.weights,
                                  [id]: Math.trunc(Number(e.target.value) || 0),
                                })
                              }
                            />
                            <span className="w-3 text-muted-foreground">%</span>
                          </label>
                        ))}
                      </div>
                      <div className="mt-3 flex items-center justify-between">
                        <p
                          role="status"
                          className={cn(
                            "text-sm tabular-nums",
                            weightTotal === 100 ? "text-success" : "text-destructive",
                          )}
                        >
                          Total {weightTotal} %{weightTotal !== 100 && " (must be 100)"}
                        </p>
                        <Button type="button" variant="ghost" size="sm" onClick={splitEvenly}>
                          Split evenly
                        </Button>
                      </div>
                    </>
                  )}
                  {errorOf("weights") && (
                    <p className="mt-2 text-sm text-destructive">{errorOf("weights")}</p>
                  )}
                </div>
              )}
            </fieldset>
          </Card>
        </div>

        {error && (
          <Alert variant="destructive">
            {Object.keys(errors).length
              ? "Nothing was saved: correct the fields marked above."
              : error}
          </Alert>
        )}
        <div>
          <Button type="submit">{pending ? "Saving…" : props.submitLabel}</Button>
        </div>
      </fieldset>
    </form>
  );
}
