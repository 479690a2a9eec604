import type { KeyPolicy } from "@/db/schema";
import { type WindowSpan, amountInForce, windowLabel, windowSpan } from "@/lib/limits/windows";
import { formatMicros } from "@/lib/money";
import { modelMatches } from "./model-pattern";
import type { DenyReason } from "./schemas";
import type {
  Subject,
  SubjectBudgetWindow,
  SubjectGroup,
  SubjectModelList,
  SubjectRateLimit,
} from "./subject";

// The rules of a decision, as pure functions of what they are about: the database path (the
// console's "Why?", the fallback while an instance is not listening) and the gateway's snapshot
// path load the subject differently and then apply exactly these.

/** The rate limit that refused a request, as the gateway's answer names it. */
export interface RateLimitHit {
  id: string;
  scope: SubjectRateLimit["scope"];
  /** The key's, member's or group's name. */
  on: string;
  modelPattern: string | null;
  window: "minute" | "day";
  /** What it counts: requests, or input and output tokens. */
  unit: "requests" | "tokens";
  limit: number;
  used: number;
}

/** The budget window that refused a request, as the gateway's answer names it. */
export interface BudgetWindowHit {
  id: string;
  scope: SubjectBudgetWindow["scope"];
  /** The key's, member's or group's name. */
  on: string;
  period: SubjectBudgetWindow["period"];
  days: number | null;
  limitMicros: number;
  usedMicros: number;
  /** When the window next moves (a "days" window: when its oldest day leaves it). */
  resetsAt: string;
}

export type Decision =
  | {
      allow: false;
      reason: DenyReason;
      message: string;
      /** With `rate_limited`: the limit that decided, and when to try again. */
      rateLimit?: RateLimitHit;
      retryAfterSeconds?: number;
      /** With `budget_window_exceeded`: the window that decided. */
      budgetWindow?: BudgetWindowHit;
    }
  | {
      allow: true;
      keyId: string;
      memberId: string;
      groups: { id: string; name: string }[];
      policy: {
        model: string;
        fallbackModels: string[];
        loadBalancing: KeyPolicy["loadBalancing"];
        weights: Record<string, number>;
      };
      remaining: {
        memberMicros: number | null;
        keyMicros: number | null;
        groups: { id: string; name: string; remainingMicros: number }[];
      };
      reservationId: string | null;
    };

// The rules in the order they are applied; the first that fails decides.
export const rules = [
  "key",
  "member",
  "group_access",
  "model",
  "features",
  "rate_limit",
  "member_limit",
  "key_limit",
  "group_budget",
  "budget_window",
] as const;
export type Rule = (typeof rules)[number];

export interface Check {
  rule: Rule;
  passed: boolean;
  detail: string;
}

export interface DecisionRequest {
  model: string;
  features: string[];
  estimatedCostMicros: number;
  /** Input and output tokens the request is expected to use (0: not given). */
  estimatedTokens: number;
}

export interface Outcome {
  decision: Decision;
  checks: Check[];
}

/** A hard budget window that applies to a decision: where it is now, and what is in force. */
export interface AccessWindow extends WindowSpan {
  window: SubjectBudgetWindow;
  /** The key's, member's or group's name. */
  on: string;
  limitMicros: number;
}

/** What a subject that passed the access rules is limited by, and the checks so far. */
export interface Access {
  key: NonNullable<Subject["key"]>;
  member: NonNullable<Subject["member"]>;
  granting: SubjectGroup[];
  hardGroups: SubjectGroup[];
  /** The hard budget windows on the key, the member and their groups, in the order checked. */
  windows: AccessWindow[];
  /** The groups a reservation holds against: with a hard budget or a hard window. */
  heldGroups: SubjectGroup[];
  /** The subject's rate limits whose model pattern (if any) matches the request's model. */
  rateLimits: SubjectRateLimit[];
  /** Whether any limit or hard budget applies, i.e. whether spend must be counted at all. */
  limited: boolean;
  checks: Check[];
}

/**
 * Spend this calendar month plus open reservations, by member, key and hard-budget group; and
 * spend in each window's span plus open reservations, by span.
 */
export interface Used {
  member: number;
  key: number;
  groups: ReadonlyMap<string, number>;
  windows: ReadonlyMap<string, number>;
}

export const NOTHING_USED: Used = { member: 0, key: 0, groups: new Map(), windows: new Map() };

const money = (micros: number) => formatMicros(micros, { precise: true });

export const failed = (
  checks: Check[],
  rule: Rule,
  reason: DenyReason,
  message: string,
  extra: Pick<
    Extract<Decision, { allow: false }>,
    "rateLimit" | "retryAfterSeconds" | "budgetWindow"
  > = {},
): Outcome => {
  checks.push({ rule, passed: false, detail: message });
  return { decision: { allow: false, reason, message, ...extra }, checks };
};

/** Whether a model list lets the model through: an allow list names it, a deny list does not. */
export function listPermits(list: Pick<SubjectModelList, "sense" | "patterns">, model: string) {
  const named = list.patterns.some((p) => modelMatches(p, model));
  return list.sense === "allow" ? named : !named;
}

const listRefusal = (list: SubjectModelList, where: string, model: string) =>
  list.sense === "allow"
    ? `The model list ${list.name} on ${where} does not include ${model}.`
    : `The model list ${list.name} on ${where} excludes ${model}.`;

/** The rules that need no spend: key, member, group access, model, features. */
export function checkAccess(
  subject: Subject,
  request: DecisionRequest,
  now: Date,
): Outcome | Access {
  const checks: Check[] = [];
  const pass = (rule: Rule, detail: string) => checks.push({ rule, passed: true, detail });
  const fail = (rule: Rule, reason: DenyReason, message: string) =>
    failed(checks, rule, reason, message);

  const { key, member } = subject;
  if (!key) return fail("key", "key_unknown", "The API key is not known in this organisation.");
  if (key.revokedAt) return fail("key", "key_revoked", `The API key ${key.name} was revoked.`);
  if (key.expiresAt && key.expiresAt <= now)
    return fail(
      "key",
      "key_expired",
      `The API key ${key.name} expired on ${key.expiresAt.toISOString()}.`,
    );
  pass("key", `${key.name} is live.`);

  if (!member || member.status === "removed")
    return fail("member", "user_unknown", "No member of this organisation matches that user.");
  if (member.status === "suspended")
    return fail("member", "user_suspended", `${member.name} is suspended.`);
  pass("member", `${member.name} is an active member.`);

  const reaching = subject.groups.filter((g) => g.grantsKey);
  if (!reaching.length)
    return fail(
      "group_access",
      "no_group_access",
      `${member.name} is in no group that the API key ${key.name} is assigned to.`,
    );
  pass("group_access", `${key.name} is assigned to ${reaching.map((g) => g.name).join(", ")}.`);

  const { policy } = key;
  const { model } = request;
  if (policy.allowedModels.length && !policy.allowedModels.includes(model))
    return fail(
      "model",
      "model_not_allowed",
      `The API key ${key.name} does not allow the model ${model}.`,
    );
  // Model lists: every list on the key must permit the model, and it must reach the member
  // through at least one granting group all of whose lists permit it.
  const excludedBy = (lists: SubjectModelList[]) => lists.find((l) => !listPermits(l, model));
  const onKey = excludedBy(subject.modelLists.filter((l) => l.keyId === key.id));
  if (onKey)
    return fail("model", "model_not_allowed", listRefusal(onKey, `the API key ${key.name}`, model));
  const listsOf = (g: SubjectGroup) => subject.modelLists.filter((l) => l.groupId === g.id);
  const granting = reaching.filter((g) => !excludedBy(listsOf(g)));
  if (!granting.length) {
    const group = reaching[0]!;
    return fail(
      "model",
      "model_not_allowed",
      listRefusal(excludedBy(listsOf(group))!, group.name, model),
    );
  }
  const applied = subject.modelLists.filter(
    (l) => l.keyId === key.id || granting.some((g) => g.id === l.groupId),
  );
  pass(
    "model",
    (policy.allowedModels.length
      ? `${model} is one of the key's allowed models.`
      : "The key allows every model.") +
      (applied.length
        ? ` Model lists that allow it: ${applied.map((l) => `${l.name} (${l.keyId ? "the key" : granting.find((g) => g.id === l.groupId)!.name})`).join(", ")}.`
        : ""),
  );

  const missing = request.features.find((f) => !key.features.includes(f));
  if (missing)
    return fail(
      "features",
      "feature_not_enabled",
      `The API key ${key.name} does not enable the feature ${missing}.`,
    );
  pass(
    "features",
    request.features.length
      ? `The key enables ${request.features.join(", ")}.`
      : "No features asked for.",
  );

  const hardGroups = subject.groups.filter(
    (g) => g.budgetMode === "hard" && g.budgetMicros !== null,
  );
  const windows = subject.budgetWindows
    .filter((w) => w.mode === "hard")
    .map((window): AccessWindow => ({
      window,
      ...windowSpan(window, window.targetId, subject.timeZone, now),
      on: targetName(subject, window),
      limitMicros: amountInForce(window, now),
    }));
  const windowGroups = new Set(
    windows.filter((w) => w.window.scope === "group").map((w) => w.window.targetId),
  );
  const heldGroups = subject.groups.filter((g) => hardGroups.includes(g) || windowGroups.has(g.id));
  const limited =
    member.limitMicros !== null ||
    key.monthlyLimitMicros !== null ||
    hardGroups.length > 0 ||
    windows.length > 0;
  const rateLimits = subject.rateLimits.filter(
    (l) => l.modelPattern === null || modelMatches(l.modelPattern, request.model),
  );
  return { key, member, granting, hardGroups, windows, heldGroups, rateLimits, limited, checks };
}

/** "The API key Prod", "Ada Lovelace", "Backend": what a limit or window is set on. */
export function targetName(
  subject: Subject,
  on: { scope: "key" | "member" | "group" | "group_member"; targetId: string },
): string {
  switch (on.scope) {
    case "key":
      return `The API key ${subject.key?.name ?? ""}`.trim();
    case "member":
      return subject.member?.name ?? "The member";
    case "group":
      return subject.groups.find((g) => g.id === on.targetId)?.name ?? "A group";
    case "group_member":
      return `Each member of ${subject.groups.find((g) => g.id === on.targetId)?.name ?? "a group"}`;
  }
}

/**
 * The limits, given what is used: with an estimate, a request passes when its estimate still
 * fits; without one, while anything is left.
 */
export function checkLimits(
  access: Access,
  request: DecisionRequest,
  used: Used,
  reservationId: string | null,
): Outcome {
  const { key, member, granting, hardGroups } = access;
  const checks = [...access.checks];
  const pass = (rule: Rule, detail: string) => checks.push({ rule, passed: true, detail });
  const fail = (rule: Rule, reason: DenyReason, message: string) =>
    failed(checks, rule, reason, message);
  const estimate = request.estimatedCostMicros;
  const over = (limit: number, usedMicros: number) =>
    estimate ? usedMicros + estimate > limit : usedMicros >= limit;

  if (member.limitMicros === null) pass("member_limit", `${member.name} has no personal limit.`);
  else if (over(member.limitMicros, used.member))
    return fail(
      "member_limit",
      "user_limit_exceeded",
      `${member.name} has used ${money(used.member)} of a ${money(member.limitMicros)} monthly limit.`,
    );
  else
    pass(
      "member_limit",
      `${member.name} has used ${money(used.member)} of ${money(member.limitMicros)}.`,
    );

  if (key.monthlyLimitMicros === null) pass("key_limit", `${key.name} has no monthly limit.`);
  else if (over(key.monthlyLimitMicros, used.key))
    return fail(
      "key_limit",
      "key_limit_exceeded",
      `The API key ${key.name} has used ${money(used.key)} of its ${money(key.monthlyLimitMicros)} monthly limit.`,
    );
  else
    pass(
      "key_limit",
      `${key.name} has used ${money(used.key)} of ${money(key.monthlyLimitMicros)}.`,
    );

  for (const group of hardGroups) {
    const spent = used.groups.get(group.id) ?? 0;
    if (over(group.budgetMicros!, spent))
      return fail(
        "group_budget",
        "group_budget_exceeded",
        `${group.name} has used ${money(spent)} of its ${money(group.budgetMicros!)} hard monthly budget.`,
      );
  }
  pass(
    "group_budget",
    hardGroups.length
      ? hardGroups
          .map(
            (g) =>
              `${g.name} has used ${money(used.groups.get(g.id) ?? 0)} of ${money(g.budgetMicros!)}`,
          )
          .join("; ") + "."
      : "None of the member's groups has a hard budget.",
  );

  const windowText = (w: AccessWindow) =>
    `${w.on}: ${money(w.limitMicros)} ${windowLabel(w.window)}`;
  for (const w of access.windows) {
    const spent = used.windows.get(w.span) ?? 0;
    if (!over(w.limitMicros, spent)) continue;
    const moves = w.window.period === "days" ? "its oldest day leaves it" : "it resets";
    return failed(
      checks,
      "budget_window",
      "budget_window_exceeded",
      `${windowText(w)}, ${money(spent)} used; ${moves} at ${w.end.toISOString()}.`,
      {
        budgetWindow: {
          id: w.window.id,
          scope: w.window.scope,
          on: w.on,
          period: w.window.period,
          days: w.window.days,
          limitMicros: w.limitMicros,
          usedMicros: spent,
          resetsAt: w.end.toISOString(),
        },
      },
    );
  }
  pass(
    "budget_window",
    access.windows.length
      ? access.windows
          .map((w) => `${windowText(w)}, ${money(used.windows.get(w.span) ?? 0)} used`)
          .join("; ") + "."
      : "No hard budget window applies.",
  );

  const { policy } = key;
  const decision: Decision = {
    allow: true,
    keyId: key.id,
    memberId: member.id,
    groups: granting.map(({ id, name }) => ({ id, name })),
    policy: {
      model: request.model,
      fallbackModels: policy.fallbackModels,
      loadBalancing: policy.loadBalancing,
      weights: policy.weights,
    },
    remaining: {
      memberMicros:
        member.limitMicros === null ? null : member.limitMicros - used.member - estimate,
      keyMicros:
        key.monthlyLimitMicros === null ? null : key.monthlyLimitMicros - used.key - estimate,
      groups: hardGroups.map((g) => ({
        id: g.id,
        name: g.name,
        remainingMicros: g.budgetMicros! - (used.groups.get(g.id) ?? 0) - estimate,
      })),
    },
    reservationId,
  };
  return { decision, checks };
}
