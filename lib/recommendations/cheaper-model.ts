import { listPermits } from "@/lib/access/checks";
import { type CatalogueModel, costMicros, modelCatalogue } from "@/lib/models/catalogue";
import type { Evidence, LiveKey } from "./evidence";

// Cost efficiency: a group whose spend is mostly one model, where a cheaper model of the same
// family is allowed to it and would have served the same requests (their average size well
// inside its context window) for at least a fifth less at list price, on the key they use. The step advised is the
// smallest that saves that much (Opus to Sonnet, not to Haiku): the nearest in capability.

/** The model's share of the group's spend that makes it dominate. */
export const DOMINANT_SHARE = 0.5;
/** Below this a month, a saving is not worth an admin's attention ($10). */
export const MIN_MONTHLY_MICROS = 10_000_000;
const MIN_SAVING = 0.2;
/** An average request this far inside the alternative's window leaves room for the large ones. */
const WINDOW_HEADROOM = 4;

export interface CheaperModel {
  kind: "cheaper_model";
  subject: string;
  group: { id: string; name: string };
  model: { id: string; name: string; costMicros: number; requests: number; share: number };
  averageTokens: { input: number; output: number };
  alternative: {
    id: string;
    name: string;
    contextTokens: number;
    inputMicrosPerMtok: number;
    outputMicrosPerMtok: number;
    /** The same requests at its list price. */
    costMicros: number;
  };
  /** The last 30 days' difference: what a month of the same requests would save. */
  savingMicros: number;
  /** The key the group's people spent the most on the model through, and the groups it is given to. */
  key: { id: string; name: string; groups: string[]; restrictable: boolean };
}

const catalogue = new Map(modelCatalogue.map((m) => [m.id, m]));

function allows(key: LiveKey, model: string, lists: Evidence["lists"], groupChain: string[]) {
  const { allowedModels } = key.policy;
  if (allowedModels.length && !allowedModels.includes(model)) return false;
  return lists
    .filter((l) => l.keyId === key.id || (l.groupId && groupChain.includes(l.groupId)))
    .every((l) => listPermits(l, model));
}

export function cheaperModels(evidence: Evidence): CheaperModel[] {
  const people = evidence.peopleOf;
  const advice: CheaperModel[] = [];
  for (const [groupId, rows] of evidence.use.groupModels) {
    if (!evidence.groups.has(groupId)) continue;
    const total = rows.reduce((sum, r) => sum + r.costMicros, 0);
    const top = rows.reduce((a, b) => (b.costMicros > a.costMicros ? b : a));
    const model = catalogue.get(top.model);
    if (!model || !top.requests || top.costMicros < total * DOMINANT_SHARE) continue;
    const chain = evidence.lineage.get(groupId)!;
    // The key most of the model's spend here went through: the alternative must be allowed on
    // it (what the group's people would switch to), and it is the key to take the model off.
    const holders = people.get(groupId) ?? new Set<string>();
    const spentThrough = new Map<string, number>();
    for (const u of evidence.use.byModel.get(top.model) ?? [])
      if (holders.has(u.memberId))
        spentThrough.set(u.keyId, (spentThrough.get(u.keyId) ?? 0) + u.costMicros);
    const key = [...spentThrough]
      .sort((a, b) => b[1] - a[1])
      .map(([id]) => evidence.keys.get(id))
      .find(Boolean);
    // Once the key no longer allows the model, the admins have acted: its use will shift.
    if (!key || !allows(key, model.id, evidence.lists, chain)) continue;
    const average = {
      input: Math.round(top.inputTokens / top.requests),
      output: Math.round(top.outputTokens / top.requests),
    };
    const priced = (m: CatalogueModel) =>
      costMicros(m, { input: top.inputTokens, output: top.outputTokens, cached: top.cachedTokens });
    const alternative = modelCatalogue
      .filter(
        (m) =>
          m.family === model.family &&
          m.id !== model.id &&
          (average.input + average.output) * WINDOW_HEADROOM <= m.contextTokens &&
          priced(m) <= top.costMicros * (1 - MIN_SAVING) &&
          allows(key, m.id, evidence.lists, chain),
      )
      .sort((a, b) => priced(b) - priced(a))[0];
    if (!alternative) continue;
    const saving = top.costMicros - priced(alternative);
    if (saving < MIN_MONTHLY_MICROS) continue;
    const group = evidence.groups.get(groupId)!;
    advice.push({
      kind: "cheaper_model",
      subject: `${groupId}/${top.model}`,
      group: { id: group.id, name: group.name },
      model: {
        id: model.id,
        name: model.displayName,
        costMicros: top.costMicros,
        requests: top.requests,
        share: top.costMicros / total,
      },
      averageTokens: average,
      alternative: {
        id: alternative.id,
        name: alternative.displayName,
        contextTokens: alternative.contextTokens,
        inputMicrosPerMtok: alternative.inputMicrosPerMtok,
        outputMicrosPerMtok: alternative.outputMicrosPerMtok,
        costMicros: priced(alternative),
      },
      savingMicros: saving,
      key: {
        id: key.id,
        name: key.name,
        groups: key.assignments.map((a) => evidence.groups.get(a.groupId)!.name).sort(),
        // A model carrying a share of weighted traffic is not taken off in one click.
        restrictable: !(
          key.policy.loadBalancing === "weighted" && (key.policy.weights[top.model] ?? 0) > 0
        ),
      },
    });
  }
  // A parent's rollup holds its subgroups' requests: where a subgroup is advised the same, the
  // parent's advice says nothing more.
  return advice.filter(
    (a) =>
      !advice.some(
        (b) =>
          b !== a &&
          b.model.id === a.model.id &&
          evidence.lineage.get(b.group.id)!.includes(a.group.id),
      ),
  );
}
