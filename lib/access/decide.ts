import { eq, inArray, sql } from "drizzle-orm";
import type { Db } from "@/db/connect";
import { queryRows } from "@/db/rows";
import { apiKeys, budgetReservations, groups, orgMembers } from "@/db/schema";
import type { KeyPolicy } from "@/db/schema";
import { formatMicros } from "@/lib/money";
import { addMonthsUtc, startOfMonthUtc, toIsoDay } from "@/lib/time";
import type { DenyReason } from "./schemas";
import type { Subject, SubjectGroup } from "./subject";

export type Decision =
  | { allow: false; reason: DenyReason; message: string }
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
  "member_limit",
  "key_limit",
  "group_budget",
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
}

export interface DecideOptions {
  now: Date;
  // Hold the estimate against the limits until the usage report settles it (the gateway's
  // calls); the console's "Why?" only asks.
  reserve: boolean;
  reservationTtlSeconds?: number;
}

const money = (micros: number) => formatMicros(micros, { precise: true });

/**
 * The decision for a loaded subject, and the checks that led to it. Limits count spend this
 * calendar month (UTC) plus open reservations. A reserving decision runs under row locks on what
 * it counts against, so concurrent requests cannot overshoot a hard budget by more than one
 * request's estimate.
 */
export async function decide(
  db: Db,
  orgId: string,
  subject: Subject,
  request: DecisionRequest,
  options: DecideOptions,
): Promise<{ decision: Decision; checks: Check[] }> {
  const checks: Check[] = [];
  const pass = (rule: Rule, detail: string) => checks.push({ rule, passed: true, detail });
  const fail = (rule: Rule, reason: DenyReason, message: string) => {
    checks.push({ rule, passed: false, detail: message });
    return { decision: { allow: false as const, reason, message }, checks };
  };

  const { key, member } = subject;
  if (!key) return fail("key", "key_unknown", "The API key is not known in this organisation.");
  if (key.revokedAt) return fail("key", "key_revoked", `The API key ${key.name} was revoked.`);
  if (key.expiresAt && key.expiresAt <= options.now)
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

  const granting = subject.groups.filter((g) => g.grantsKey);
  if (!granting.length)
    return fail(
      "group_access",
      "no_group_access",
      `${member.name} is in no group that the API key ${key.name} is assigned to.`,
    );
  pass("group_access", `${key.name} is assigned to ${granting.map((g) => g.name).join(", ")}.`);

  const { policy } = key;
  if (policy.allowedModels.length && !policy.allowedModels.includes(request.model))
    return fail(
      "model",
      "model_not_allowed",
      `The API key ${key.name} does not allow the model ${request.model}.`,
    );
  pass(
    "model",
    policy.allowedModels.length
      ? `${request.model} is one of the key's allowed models.`
      : "The key allows every model.",
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
  const limited =
    member.limitMicros !== null || key.monthlyLimitMicros !== null || hardGroups.length > 0;
  const estimate = request.estimatedCostMicros;
  const reserving = options.reserve && estimate > 0 && limited;

  const check = async (tx: Db) => {
    if (reserving) await lockLimits(tx, hardGroups, member, key);
    const used = limited
      ? await usedThisMonth(
          tx,
          orgId,
          { memberId: member.id, keyId: key.id, groups: hardGroups },
          options.now,
        )
      : { member: 0, key: 0, groups: new Map<string, number>() };
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

    const reservationId = reserving
      ? await reserve(
          tx,
          orgId,
          { memberId: member.id, keyId: key.id, groups: hardGroups, estimate },
          options,
        )
      : null;
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
  };
  return reserving ? db.transaction(check) : check(db);
}

// Lock what a reservation counts against, in a fixed order, so that concurrent requests against
// the same budgets run one after another. "No key update": usage inserts and alert inserts hold
// key-share locks on these rows through their foreign keys, and a plain FOR UPDATE would wait for
// (and could deadlock with) an ingest in flight.
async function lockLimits(
  tx: Db,
  hardGroups: SubjectGroup[],
  member: NonNullable<Subject["member"]>,
  key: NonNullable<Subject["key"]>,
) {
  if (hardGroups.length)
    await tx
      .select({ id: groups.id })
      .from(groups)
      .where(
        inArray(
          groups.id,
          hardGroups.map((g) => g.id),
        ),
      )
      .orderBy(groups.id)
      .for("no key update");
  if (member.limitMicros !== null)
    await tx
      .select({ id: orgMembers.id })
      .from(orgMembers)
      .where(eq(orgMembers.id, member.id))
      .for("no key update");
  if (key.monthlyLimitMicros !== null)
    await tx
      .select({ id: apiKeys.id })
      .from(apiKeys)
      .where(eq(apiKeys.id, key.id))
      .for("no key update");
}

async function reserve(
  tx: Db,
  orgId: string,
  scope: { memberId: string; keyId: string; groups: SubjectGroup[]; estimate: number },
  options: DecideOptions,
) {
  const [reservation] = await tx
    .insert(budgetReservations)
    .values({
      orgId,
      memberId: scope.memberId,
      keyId: scope.keyId,
      groupIds: scope.groups.map((g) => g.id),
      amountMicros: scope.estimate,
      createdAt: options.now,
      expiresAt: new Date(options.now.getTime() + (options.reservationTtlSeconds ?? 300) * 1000),
    })
    .returning({ id: budgetReservations.id });
  return reservation!.id;
}

/** Spend this calendar month plus open reservations, per member, key and hard-budget group. */
async function usedThisMonth(
  db: Db,
  orgId: string,
  scope: { memberId: string; keyId: string; groups: SubjectGroup[] },
  now: Date,
) {
  const month = toIsoDay(startOfMonthUtc(now));
  const nextMonth = toIsoDay(addMonthsUtc(now, 1));
  const at = now.toISOString();
  const groupIds = scope.groups.length
    ? sql`array[${sql.join(
        scope.groups.map((g) => sql`${g.id}::uuid`),
        sql`, `,
      )}]`
    : sql`array[]::uuid[]`;
  const [row] = await queryRows<{ member: string; key: string; groups: Record<string, number> }>(
    db,
    sql`select
      (select coalesce(sum(cost_micros), 0) from usage_daily_member where org_id = ${orgId}::uuid and member_id = ${scope.memberId}::uuid and day >= ${month}::date and day < ${nextMonth}::date)
      + (select coalesce(sum(amount_micros), 0) from budget_reservations where org_id = ${orgId}::uuid and member_id = ${scope.memberId}::uuid and settled_at is null and expires_at > ${at}::timestamptz) as member,
      (select coalesce(sum(cost_micros), 0) from usage_daily_member where org_id = ${orgId}::uuid and key_id = ${scope.keyId}::uuid and day >= ${month}::date and day < ${nextMonth}::date)
      + (select coalesce(sum(amount_micros), 0) from budget_reservations where org_id = ${orgId}::uuid and key_id = ${scope.keyId}::uuid and settled_at is null and expires_at > ${at}::timestamptz) as key,
      (select coalesce(json_object_agg(g.id,
          (select coalesce(sum(cost_micros), 0) from usage_daily_group u where u.group_id = g.id and u.day >= ${month}::date and u.day < ${nextMonth}::date)
          + (select coalesce(sum(amount_micros), 0) from budget_reservations r
             where r.group_ids @> array[g.id] and r.org_id = ${orgId}::uuid and r.settled_at is null and r.expires_at > ${at}::timestamptz)
        ), '{}'::json) from unnest(${groupIds}) as g(id)) as groups`,
  );
  return {
    member: Number(row?.member ?? 0),
    key: Number(row?.key ?? 0),
    groups: new Map(Object.entries(row?.groups ?? {}).map(([id, v]) => [id, Number(v)])),
  };
}
