import { sql } from "drizzle-orm";
import type { Db } from "@/db/connect";
import { queryRows, toNumber } from "@/db/rows";
import { toIsoDay } from "@/lib/time";

// The last 30 days of use, as the recommendations read it: the one heavy read behind them (the
// member rollup's 30 days are ~430,000 rows at 10 M events a year, 0.4-0.7 s on the bench
// machine), so each instance keeps an organisation's window for a few minutes, indexed the way
// the recommendations look it up. Usage that arrived since shows within FRESH_MS (and what is
// older than STALE_MS is read again before answering); the organisation's groups, memberships,
// keys and dismissals are never kept (evidence.ts reads them on every call), so acting on advice
// takes it away at once.

/** How long without use makes access idle. */
export const IDLE_DAYS = 30;
const DAY_MS = 86_400_000;
/** Younger than this, a window is used as it is. */
export const FRESH_MS = 5 * 60_000;
/** Older than FRESH_MS and younger than this, it is used while a new one is read. */
const STALE_MS = 60 * 60_000;
const MAX_ORGS = 100;

export interface GroupModelUse {
  model: string;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  costMicros: number;
}

export interface Use {
  requests: number;
  costMicros: number;
}

export interface UsageWindow {
  /** Per key, each member's requests and cost with it. */
  byKey: Map<string, Map<string, Use>>;
  /** Per key, the requests for each model. */
  modelsByKey: Map<string, Map<string, number>>;
  /** Per model, the cost each member spent on it through each key. */
  byModel: Map<string, { memberId: string; keyId: string; costMicros: number }[]>;
  /** Per group, its people's use of each model (each request once in every group of its member). */
  groupModels: Map<string, GroupModelUse[]>;
  /** `${groupId}/${feature}` for each feature a group's people sent, with any key. */
  groupFeatures: Set<string>;
}

export const groupFeature = (groupId: string, feature: string) => `${groupId}/${feature}`;

async function readUsageWindow(db: Db, orgId: string, from: string): Promise<UsageWindow> {
  const org = sql`${orgId}::uuid`;
  const since = sql`${from}::date`;
  const [keyUse, groupModels, features] = await Promise.all([
    queryRows<{
      memberId: string;
      keyId: string;
      model: string;
      requests: string;
      costMicros: string;
    }>(
      db,
      sql`select member_id as "memberId", key_id as "keyId", model, sum(requests) as requests,
            sum(cost_micros) as "costMicros"
          from usage_daily_member where org_id = ${org} and day >= ${since}
          group by member_id, key_id, model`,
    ),
    queryRows<Record<keyof GroupModelUse | "groupId", string>>(
      db,
      sql`select group_id as "groupId", model, sum(requests) as requests,
            sum(input_tokens) as "inputTokens", sum(output_tokens) as "outputTokens",
            sum(cached_tokens) as "cachedTokens", sum(cost_micros) as "costMicros"
          from usage_daily_group_model where org_id = ${org} and day >= ${since}
          group by group_id, model`,
    ),
    queryRows<{ groupId: string; feature: string }>(
      db,
      sql`select distinct group_id as "groupId", feature from usage_daily_feature
          where org_id = ${org} and day >= ${since}`,
    ),
  ]);
  const window: UsageWindow = {
    byKey: new Map(),
    modelsByKey: new Map(),
    byModel: new Map(),
    groupModels: new Map(),
    groupFeatures: new Set(features.map((f) => groupFeature(f.groupId, f.feature))),
  };
  for (const row of keyUse) {
    const requests = toNumber(row.requests);
    const costMicros = toNumber(row.costMicros);
    const members = window.byKey.get(row.keyId) ?? new Map<string, Use>();
    const seen = members.get(row.memberId);
    members.set(row.memberId, {
      requests: (seen?.requests ?? 0) + requests,
      costMicros: (seen?.costMicros ?? 0) + costMicros,
    });
    window.byKey.set(row.keyId, members);
    const models = window.modelsByKey.get(row.keyId) ?? new Map<string, number>();
    models.set(row.model, (models.get(row.model) ?? 0) + requests);
    window.modelsByKey.set(row.keyId, models);
    const spent = window.byModel.get(row.model) ?? [];
    spent.push({ memberId: row.memberId, keyId: row.keyId, costMicros });
    window.byModel.set(row.model, spent);
  }
  for (const g of groupModels) {
    const rows = window.groupModels.get(g.groupId) ?? [];
    rows.push({
      model: g.model,
      requests: toNumber(g.requests),
      inputTokens: toNumber(g.inputTokens),
      outputTokens: toNumber(g.outputTokens),
      cachedTokens: toNumber(g.cachedTokens),
      costMicros: toNumber(g.costMicros),
    });
    window.groupModels.set(g.groupId, rows);
  }
  return window;
}

interface Kept {
  readAt: number;
  window: Promise<UsageWindow>;
  refreshing?: Promise<unknown>;
}

const kept = new WeakMap<Db, Map<string, Kept>>();

/** The organisation's last IDLE_DAYS days of use up to `now`'s day, kept as described above. */
export function usageWindow(db: Db, orgId: string, now: Date): Promise<UsageWindow> {
  const from = toIsoDay(new Date(now.getTime() - (IDLE_DAYS - 1) * DAY_MS));
  const windows = kept.get(db) ?? new Map<string, Kept>();
  kept.set(db, windows);
  const id = `${orgId}/${from}`;
  const entry = windows.get(id);
  const age = entry ? Date.now() - entry.readAt : Infinity;
  if (entry && age < FRESH_MS) return entry.window;
  if (entry && age < STALE_MS) {
    entry.refreshing ??= readUsageWindow(db, orgId, from).then(
      (window) => keep(windows, id, { readAt: Date.now(), window: Promise.resolve(window) }),
      // The kept window serves on; the next call tries again.
      () => (entry.refreshing = undefined),
    );
    return entry.window;
  }
  const next: Kept = { readAt: Date.now(), window: readUsageWindow(db, orgId, from) };
  keep(windows, id, next);
  // A failed read is not kept.
  next.window.catch(() => windows.get(id) === next && windows.delete(id));
  return next.window;
}

function keep(windows: Map<string, Kept>, id: string, entry: Kept) {
  windows.delete(id);
  windows.set(id, entry);
  // The least recently read go first.
  while (windows.size > MAX_ORGS) windows.delete(windows.keys().next().value!);
}

/** Forgets every kept window (the benchmark's cold case). */
export function forgetUsageWindows(db: Db) {
  kept.delete(db);
}
