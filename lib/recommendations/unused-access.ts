import { modelCatalogue } from "@/lib/models/catalogue";
import type { Evidence, LiveKey } from "./evidence";
import { groupFeature } from "./usage-window";

// A key's features and models that nobody needed in 30 days: least privilege for what a key
// carries, as idle-access is for who holds it. Judged only on keys whose settings and
// assignments have stood for 30 days (a model added last week has had no time to be used), and
// that were used (an unused key is advised off its groups instead).

export interface UnusedKeyFeatures {
  kind: "unused_key_features";
  subject: string;
  key: { id: string; name: string };
  /** The key's groups: no one in them made a request with these features, with any key. */
  groups: { id: string; name: string }[];
  features: string[];
  requests: number;
}

export interface UnusedKeyModels {
  kind: "unused_key_models";
  subject: string;
  key: { id: string; name: string };
  groups: { id: string; name: string }[];
  /** The key allowed every model in the catalogue (no list). */
  allowedAll: boolean;
  /** What its requests asked for, most first. */
  requested: { model: string; requests: number }[];
  models: string[];
  /** Fallbacks and weighted models stay, used or not: they are there for when others fail. */
  kept: string[];
}

function settledAndUsed(key: LiveKey, requests: number) {
  return (
    key.settled &&
    key.assignments.length > 0 &&
    key.assignments.every((a) => a.settled) &&
    requests > 0
  );
}

export function unusedAccess(evidence: Evidence): (UnusedKeyFeatures | UnusedKeyModels)[] {
  const advice: (UnusedKeyFeatures | UnusedKeyModels)[] = [];
  for (const key of evidence.keys.values()) {
    const models = evidence.use.modelsByKey.get(key.id) ?? new Map<string, number>();
    const requests = [...models.values()].reduce((a, b) => a + b, 0);
    if (!settledAndUsed(key, requests)) continue;
    const named = { id: key.id, name: key.name };
    const groups = key.assignments
      .map((a) => evidence.groups.get(a.groupId)!)
      .map((g) => ({ id: g.id, name: g.name }))
      .sort((a, b) => a.name.localeCompare(b.name));
    // A group's feature rollup counts its subgroups' people too, so the key's own groups suffice.
    const features = key.features.filter(
      (f) => !groups.some((g) => evidence.use.groupFeatures.has(groupFeature(g.id, f))),
    );
    if (features.length)
      advice.push({
        kind: "unused_key_features",
        subject: key.id,
        key: named,
        groups,
        features,
        requests,
      });

    const { allowedModels, fallbackModels, loadBalancing, weights } = key.policy;
    const kept = [
      ...fallbackModels,
      ...(loadBalancing === "weighted"
        ? Object.keys(weights).filter((m) => (weights[m] ?? 0) > 0 && !fallbackModels.includes(m))
        : []),
    ];
    const allowed = allowedModels.length ? allowedModels : modelCatalogue.map((m) => m.id);
    const unused = allowed.filter((m) => !models.has(m) && !kept.includes(m));
    if (unused.length)
      advice.push({
        kind: "unused_key_models",
        subject: key.id,
        key: named,
        groups,
        allowedAll: !allowedModels.length,
        requested: [...models]
          .map(([model, n]) => ({ model, requests: n }))
          .sort((a, b) => b.requests - a.requests || a.model.localeCompare(b.model)),
        models: unused,
        kept: kept.filter((m) => allowed.includes(m)),
      });
  }
  return advice;
}
