import { formatMicros } from "@/lib/money";
import { modelCatalogue } from "@/lib/models/catalogue";
import type { Recommendation } from "@/lib/recommendations/recommendations";

// Each recommendation in words: what to do, the evidence, the pages it is about, and the
// command that follows it (the console's own actions, named by what they take).

export type Act =
  | { command: "addMembers" | "removeMembers"; input: { memberIds: string[]; groupIds: string[] } }
  | { command: "unassignKey"; input: { keyId: string; groupIds: string[] } }
  | { command: "restrictKey"; input: { keyId: string; features?: string[]; models?: string[] } };

export interface Described {
  icon: "add" | "remove" | "key" | "scope" | "cost";
  headline: string;
  evidence: string;
  links: { href: string; label: string }[];
  action: {
    label: string;
    done: string;
    act: Act;
    /** Said before acting, where the change stops requests someone makes today. */
    confirm?: string;
  } | null;
}

const dayMonth = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "short",
  year: "numeric",
  timeZone: "UTC",
});
const on = (day: string) => dayMonth.format(new Date(`${day}T00:00:00Z`));
const count = (n: number, one: string, many = `${one}s`) =>
  `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
const possessive = (name: string) => (name.endsWith("s") ? `${name}'` : `${name}'s`);
const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const percent = (share: number) => `${Math.round(share * 100)}%`;
const names = new Map(modelCatalogue.map((m) => [m.id, m.displayName]));
const modelName = (id: string) => names.get(id) ?? id;
const list = (items: string[]) =>
  items.length <= 2
    ? items.join(" and ")
    : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
const groupLink = (g: { id: string; name: string }) => ({ href: `/groups/${g.id}`, label: g.name });
const keyLink = (k: { id: string; name: string }) => ({ href: `/keys/${k.id}`, label: k.name });

export function describe(r: Recommendation): Described {
  switch (r.kind) {
    case "add_to_group": {
      const uses = r.keys.map(
        (k) => `${count(k.requests, "request")} with ${k.name} (${formatMicros(k.costMicros)})`,
      );
      const shares = r.keys.map((k) =>
        k.groupShare >= 0.995
          ? `everyone else who used ${k.name} (${count(k.groupUsers, "person", "people")}) is in ${r.group.name}`
          : `${percent(k.groupShare)} of everyone else's requests with ${k.name} came from ${count(k.groupUsers, "person", "people")} in ${r.group.name}`,
      );
      const them = r.keys.length > 1 ? "these keys" : "it";
      return {
        icon: "add",
        headline: `Add ${r.member.name} to ${r.group.name}`,
        evidence:
          `In the last 30 days ${r.member.name} (${r.member.email}) made ${list(uses)}. ` +
          `${capitalised(list(shares))}; ${r.member.name} is not. ` +
          (r.granted
            ? `They reach ${them} through a group above ${r.group.name}.`
            : `None of their groups grants ${them} now, so the gateway refuses them.`),
        links: [
          groupLink(r.group),
          { href: `/access?member=${r.member.id}`, label: r.member.name },
        ],
        action: {
          label: `Add to ${r.group.name}`,
          done: `Added ${r.member.name} to ${r.group.name}.`,
          act: {
            command: "addMembers",
            input: { memberIds: [r.member.id], groupIds: [r.group.id] },
          },
        },
      };
    }
    case "remove_idle_member":
      return {
        icon: "remove",
        headline: `Remove ${r.member.name} from ${r.group.name}`,
        evidence: `${r.group.name} grants ${r.keys.map((k) => k.name).join(", ")}, which others in it use. ${r.member.name} (${r.member.email}) has been a member since ${on(r.memberSince)} and has not used ${r.keys.length > 1 ? "any of them" : "it"} in the last 30 days.`,
        links: [
          groupLink(r.group),
          { href: `/access?member=${r.member.id}`, label: r.member.name },
        ],
        action: {
          label: "Remove from group",
          done: `Removed ${r.member.name} from ${r.group.name}.`,
          act: {
            command: "removeMembers",
            input: { memberIds: [r.member.id], groupIds: [r.group.id] },
          },
        },
      };
    case "unassign_idle_key":
      return {
        icon: "key",
        headline: `Take ${r.key.name} away from ${r.group.name}`,
        evidence: `No one in ${r.group.name} (${count(r.people, "person", "people")}) has used it in 30 days; the group has had it since ${on(r.assignedSince)}.`,
        links: [groupLink(r.group), keyLink(r.key)],
        action: {
          label: "Unassign key",
          done: `${r.key.name} is no longer given to ${r.group.name}.`,
          act: { command: "unassignKey", input: { keyId: r.key.id, groupIds: [r.group.id] } },
        },
      };
    case "unused_key_features":
      return {
        icon: "scope",
        headline: `Remove ${list(r.features)} from ${r.key.name}`,
        evidence: `No one in ${list(r.groups.map((g) => g.name))} made a request with ${list(r.features)} in the last 30 days, with this key or any other, while ${r.key.name} served ${count(r.requests, "request")}.`,
        links: [keyLink(r.key), ...r.groups.map(groupLink)],
        action: {
          label: r.features.length > 1 ? "Remove features" : "Remove feature",
          done: `${r.key.name} no longer carries ${list(r.features)}.`,
          act: { command: "restrictKey", input: { keyId: r.key.id, features: r.features } },
        },
      };
    case "unused_key_models": {
      const asked = r.requested.map(
        (m) => `${modelName(m.model)} (${m.requests.toLocaleString("en-US")})`,
      );
      const kept = r.kept.length
        ? ` ${list(r.kept.map(modelName))} stay${r.kept.length === 1 ? "s" : ""}: fallbacks and weighted models are there for when the others fail.`
        : "";
      return {
        icon: "scope",
        headline: r.allowedAll
          ? `Allow only the models ${r.key.name} is used for`
          : `Stop allowing ${r.models.length > 3 ? count(r.models.length, "unused model") : list(r.models.map(modelName))} on ${r.key.name}`,
        evidence:
          `${r.allowedAll ? `${r.key.name} allows every model in the catalogue. ` : ""}In the last 30 days its requests asked for ${list(asked)}; never for ${list(r.models.map(modelName))}.` +
          kept,
        links: [keyLink(r.key), ...r.groups.map(groupLink)],
        action: {
          label: r.models.length > 1 ? "Stop allowing them" : "Stop allowing it",
          done: `${r.key.name} no longer allows ${r.models.length > 3 ? count(r.models.length, "model") : list(r.models.map(modelName))}.`,
          act: { command: "restrictKey", input: { keyId: r.key.id, models: r.models } },
        },
      };
    }
    case "cheaper_model": {
      const alt = r.alternative;
      const price = `${formatMicros(alt.inputMicrosPerMtok, { exact: true })} in / ${formatMicros(alt.outputMicrosPerMtok, { exact: true })} out per million tokens`;
      return {
        icon: "cost",
        headline: `${r.group.name}: ${alt.name} instead of ${r.model.name} would save about ${formatMicros(r.savingMicros)} a month`,
        evidence:
          `${r.model.name} was ${percent(r.model.share)} of ${possessive(r.group.name)} spend in the last 30 days: ${formatMicros(r.model.costMicros)} for ${count(r.model.requests, "request")} of ${r.averageTokens.input.toLocaleString("en-US")} input and ${r.averageTokens.output.toLocaleString("en-US")} output tokens on average, mostly with ${r.key.name}. ` +
          `${alt.name}, of the same family and allowed on ${r.key.name}, takes up to ${alt.contextTokens.toLocaleString("en-US")} tokens at ${price}: the same requests would have cost ${formatMicros(alt.costMicros)}. ` +
          (r.key.restrictable
            ? `Taking ${r.model.name} off ${r.key.name} moves its clients to the models it still allows, for everyone it is given to (${list(r.key.groups)}).`
            : `${r.model.name} carries weighted traffic on ${r.key.name}: change its weights on the key's page.`),
        links: [groupLink(r.group), keyLink(r.key)],
        action: r.key.restrictable
          ? {
              label: `Stop allowing ${r.model.name} on ${r.key.name}`,
              done: `${r.key.name} no longer allows ${r.model.name}.`,
              confirm: `From now on the gateway refuses ${r.model.name} with ${r.key.name}, for everyone it is given to (${list(r.key.groups)}).`,
              act: { command: "restrictKey", input: { keyId: r.key.id, models: [r.model.id] } },
            }
          : null,
      };
    }
  }
}
