import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "@/db/connect";
import { queryRows } from "@/db/rows";
import { apiKeyGroups, apiKeys, budgetReservations, groups, orgMembers, users } from "@/db/schema";
import type { KeyPolicy } from "@/db/schema";
import { type Actor, assertCan } from "@/lib/auth/actor";
import { hashSecret, isWellFormedSecret } from "@/lib/keys/secret";
import { formatMicros } from "@/lib/money";
import { startOfMonthUtc, toIsoDay } from "@/lib/time";
import { type AuthorizeInput, type DenyReason, authorizeInput } from "./schemas";

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

const deny = (reason: DenyReason, message: string): Decision => ({ allow: false, reason, message });

export interface AuthorizeOptions {
  now?: Date;
  reservationTtlSeconds?: number;
}

/**
 * The gateway's question: may this member use this key for this model and these features,
 * within their limit, the key's limit and their groups' hard budgets? With an estimated cost,
 * an allowed request reserves it; budgets count spend this calendar month (UTC) plus open
 * reservations, under row locks, so concurrent requests cannot overshoot a hard budget by more
 * than one request's estimate.
 */
export async function authorize(
  db: Db,
  actor: Actor,
  raw: AuthorizeInput,
  options: AuthorizeOptions = {},
): Promise<Decision> {
  assertCan(actor, "access:decide");
  const input = authorizeInput.parse(raw);
  const now = options.now ?? new Date();
  if (!isWellFormedSecret(input.apiKey))
    return deny("key_unknown", "The API key is not one Gatehouse issued.");

  const [key] = await db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.orgId, actor.orgId), eq(apiKeys.secretHash, hashSecret(input.apiKey))));
  if (!key) return deny("key_unknown", "The API key is not known in this organisation.");
  if (key.revokedAt) return deny("key_revoked", `The API key ${key.name} was revoked.`);
  if (key.expiresAt && key.expiresAt <= now)
    return deny(
      "key_expired",
      `The API key ${key.name} expired on ${key.expiresAt.toISOString()}.`,
    );

  const [member] = await db
    .select({
      id: orgMembers.id,
      status: orgMembers.status,
      limit: orgMembers.monthlyLimitMicros,
      name: users.name,
    })
    .from(orgMembers)
    .innerJoin(users, eq(users.id, orgMembers.userId))
    .where(
      and(
        eq(orgMembers.orgId, actor.orgId),
        input.user.externalId
          ? eq(orgMembers.externalId, input.user.externalId)
          : eq(users.email, input.user.email!),
      ),
    );
  if (!member || member.status === "removed")
    return deny("user_unknown", "No member of this organisation matches that user.");
  if (member.status === "suspended") return deny("user_suspended", `${member.name} is suspended.`);

  const memberGroups = await effectiveGroupsOf(db, actor.orgId, member.id);
  const keyGroupIds = new Set(
    (
      await db
        .select({ groupId: apiKeyGroups.groupId })
        .from(apiKeyGroups)
        .where(and(eq(apiKeyGroups.orgId, actor.orgId), eq(apiKeyGroups.keyId, key.id)))
    ).map((r) => r.groupId),
  );
  const granting = memberGroups.filter((g) => keyGroupIds.has(g.id));
  if (!granting.length)
    return deny(
      "no_group_access",
      `${member.name} is in no group that the API key ${key.name} is assigned to.`,
    );

  const policy = key.policy;
  if (policy.allowedModels.length && !policy.allowedModels.includes(input.model)) {
    return deny(
      "model_not_allowed",
      `The API key ${key.name} does not allow the model ${input.model}.`,
    );
  }
  const missing = input.features.find((f) => !key.features.includes(f));
  if (missing)
    return deny(
      "feature_not_enabled",
      `The API key ${key.name} does not enable the feature ${missing}.`,
    );

  const hardGroups = memberGroups.filter((g) => g.budgetMode === "hard" && g.budgetMicros !== null);
  const budgetDecision = await db.transaction(async (tx) => {
    // Lock what the reservation counts against, in a fixed order, so that concurrent
    // requests against the same budgets run one after another.
    if (hardGroups.length) {
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
        .for("update");
    }
    if (member.limit !== null)
      await tx
        .select({ id: orgMembers.id })
        .from(orgMembers)
        .where(eq(orgMembers.id, member.id))
        .for("update");
    if (key.monthlyLimitMicros !== null)
      await tx.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.id, key.id)).for("update");

    const used = await usedThisMonth(
      tx,
      actor.orgId,
      { memberId: member.id, keyId: key.id, groupIds: hardGroups.map((g) => g.id) },
      now,
    );
    const estimate = input.estimatedCostMicros ?? 0;
    const over = (limit: number, usedMicros: number) =>
      estimate ? usedMicros + estimate > limit : usedMicros >= limit;

    if (member.limit !== null && over(member.limit, used.member)) {
      return deny(
        "user_limit_exceeded",
        `${member.name} has used ${formatMicros(used.member, { precise: true })} of a ${formatMicros(member.limit, { precise: true })} monthly limit.`,
      );
    }
    if (key.monthlyLimitMicros !== null && over(key.monthlyLimitMicros, used.key)) {
      return deny(
        "key_limit_exceeded",
        `The API key ${key.name} has used ${formatMicros(used.key, { precise: true })} of its ${formatMicros(key.monthlyLimitMicros, { precise: true })} monthly limit.`,
      );
    }
    for (const group of hardGroups) {
      const spent = used.groups.get(group.id) ?? 0;
      if (over(group.budgetMicros!, spent)) {
        return deny(
          "group_budget_exceeded",
          `${group.name} has used ${formatMicros(spent, { precise: true })} of its ${formatMicros(group.budgetMicros!, { precise: true })} hard monthly budget.`,
        );
      }
    }
    let reservationId: string | null = null;
    if (estimate) {
      const [reservation] = await tx
        .insert(budgetReservations)
        .values({
          orgId: actor.orgId,
          memberId: member.id,
          keyId: key.id,
          groupIds: hardGroups.map((g) => g.id),
          amountMicros: estimate,
          createdAt: now,
          expiresAt: new Date(now.getTime() + (options.reservationTtlSeconds ?? 300) * 1000),
        })
        .returning({ id: budgetReservations.id });
      reservationId = reservation!.id;
    }
    return { used, estimate, reservationId };
  });
  if ("allow" in budgetDecision) return budgetDecision;

  const { used, estimate, reservationId } = budgetDecision;
  return {
    allow: true,
    keyId: key.id,
    memberId: member.id,
    groups: granting.map(({ id, name }) => ({ id, name })),
    policy: {
      model: input.model,
      fallbackModels: policy.fallbackModels,
      loadBalancing: policy.loadBalancing,
      weights: policy.weights,
    },
    remaining: {
      memberMicros: member.limit === null ? null : member.limit - used.member - estimate,
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
}

interface EffectiveGroup {
  id: string;
  name: string;
  budgetMode: "soft" | "hard";
  budgetMicros: number | null;
}

/** The live groups a member belongs to directly, and every live ancestor of those. */
async function effectiveGroupsOf(
  db: Db,
  orgId: string,
  memberId: string,
): Promise<EffectiveGroup[]> {
  const rows = await queryRows<{
    id: string;
    name: string;
    budget_mode: "soft" | "hard";
    monthly_budget_micros: string | null;
  }>(
    db,
    sql`
    with recursive up (id, depth) as (
      select g.id, 0 from group_members gm
      join groups g on g.id = gm.group_id and g.archived_at is null
      where gm.org_id = ${orgId}::uuid and gm.member_id = ${memberId}::uuid
      union
      select p.id, up.depth + 1 from up
      join groups g on g.id = up.id
      join groups p on p.id = g.parent_id and p.archived_at is null
      where up.depth < 64
    )
    select distinct g.id, g.name, g.budget_mode, g.monthly_budget_micros
    from up join groups g on g.id = up.id`,
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    budgetMode: r.budget_mode,
    budgetMicros: r.monthly_budget_micros === null ? null : Number(r.monthly_budget_micros),
  }));
}

/** Spend this calendar month plus open reservations, per member, key and group. */
async function usedThisMonth(
  db: Db,
  orgId: string,
  scope: { memberId: string; keyId: string; groupIds: string[] },
  now: Date,
) {
  const month = toIsoDay(startOfMonthUtc(now));
  const [totals] = await queryRows<{ member: string; key: string }>(
    db,
    sql`select
      (select coalesce(sum(cost_micros), 0) from usage_daily_member where org_id = ${orgId}::uuid and member_id = ${scope.memberId}::uuid and day >= ${month}::date)
      + (select coalesce(sum(amount_micros), 0) from budget_reservations where org_id = ${orgId}::uuid and member_id = ${scope.memberId}::uuid and settled_at is null and expires_at > ${now.toISOString()}::timestamptz) as member,
      (select coalesce(sum(cost_micros), 0) from usage_daily_member where org_id = ${orgId}::uuid and key_id = ${scope.keyId}::uuid and day >= ${month}::date)
      + (select coalesce(sum(amount_micros), 0) from budget_reservations where org_id = ${orgId}::uuid and key_id = ${scope.keyId}::uuid and settled_at is null and expires_at > ${now.toISOString()}::timestamptz) as key`,
  );
  const groupsUsed = new Map<string, number>();
  if (scope.groupIds.length) {
    const ids = sql.join(
      scope.groupIds.map((id) => sql`${id}::uuid`),
      sql`, `,
    );
    const rows = await queryRows<{ group_id: string; used: string }>(
      db,
      sql`select g.id as group_id,
        (select coalesce(sum(cost_micros), 0) from usage_daily_group u where u.group_id = g.id and u.day >= ${month}::date)
        + (select coalesce(sum(amount_micros), 0) from budget_reservations r
           where r.org_id = ${orgId}::uuid and g.id = any(r.group_ids) and r.settled_at is null and r.expires_at > ${now.toISOString()}::timestamptz) as used
        from groups g where g.id in (${ids})`,
    );
    for (const row of rows) groupsUsed.set(row.group_id, Number(row.used));
  }
  return { member: Number(totals?.member ?? 0), key: Number(totals?.key ?? 0), groups: groupsUsed };
}
