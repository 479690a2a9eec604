import { and, asc, eq, gte, inArray, lt, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/connect";
import { queryRows } from "@/db/rows";
import type { KeyPolicy } from "@/db/schema";
import { NotFound } from "@/lib/errors";
import { apiKeyGroups, apiKeys, groups, usageDailyOrgKey } from "@/db/schema";
import { type Actor, assertCan, can } from "@/lib/auth/actor";
import { addMonthsUtc, startOfMonthUtc, toIsoDay } from "@/lib/time";

export interface KeySummary {
  id: string;
  name: string;
  prefix: string;
  lastFour: string;
  features: string[];
  allowedModels: string[];
  fallbackModels: string[];
  loadBalancing: KeyPolicy["loadBalancing"];
  weights: Record<string, number>;
  monthlyLimitMicros: number | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  createdAt: Date;
  groups: { id: string; name: string }[];
  // Null for readers without org:manage: members (the role) do not see spend.
  spendThisMonthMicros: number | null;
}

export async function listKeys(db: Db, actor: Actor, now = new Date()): Promise<KeySummary[]> {
  return keySummaries(db, actor, undefined, now);
}

/** One key of the organisation, or NotFound (a key of another organisation is not found). */
export async function getKey(db: Db, actor: Actor, rawKeyId: string, now = new Date()) {
  const keyId = z.uuid().safeParse(rawKeyId);
  const [key] = keyId.success ? await keySummaries(db, actor, keyId.data, now) : [];
  if (!key) throw new NotFound("The API key");
  return key;
}

/**
 * The live keys a group's members reach through it: assigned to the group itself, or inherited
 * from an ancestor.
 */
export async function groupKeys(db: Db, actor: Actor, groupId: string) {
  assertCan(actor, "org:read");
  const rows = await queryRows<{ key_id: string; assigned_to: string; assigned_to_name: string }>(
    db,
    sql`with recursive up (id, depth) as (
          select id, 0 from groups where org_id = ${actor.orgId}::uuid and id = ${groupId}::uuid
          union
          select g.parent_id, up.depth + 1 from up join groups g on g.id = up.id
          where g.parent_id is not null and up.depth < 64
        )
        select akg.key_id, g.id as assigned_to, g.name as assigned_to_name
        from up join api_key_groups akg on akg.group_id = up.id
        join groups g on g.id = up.id
        order by up.depth`,
  );
  const keys = await listKeys(db, actor);
  return keys
    .filter((k) => !k.revokedAt && rows.some((r) => r.key_id === k.id))
    .map((k) => {
      const via = rows.find((r) => r.key_id === k.id)!;
      return {
        ...k,
        inheritedFrom:
          via.assigned_to === groupId ? null : { id: via.assigned_to, name: via.assigned_to_name },
      };
    });
}

async function keySummaries(
  db: Db,
  actor: Actor,
  onlyKeyId: string | undefined,
  now: Date,
): Promise<KeySummary[]> {
  assertCan(actor, "org:read");
  const keys = await db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.orgId, actor.orgId), onlyKeyId ? eq(apiKeys.id, onlyKeyId) : undefined))
    .orderBy(sql`${apiKeys.revokedAt} is not null`, asc(sql`lower(${apiKeys.name})`));
  if (!keys.length) return [];
  const ids = keys.map((k) => k.id);
  const [assignments, spend] = await Promise.all([
    db
      .select({ keyId: apiKeyGroups.keyId, id: groups.id, name: groups.name })
      .from(apiKeyGroups)
      .innerJoin(groups, eq(groups.id, apiKeyGroups.groupId))
      .where(and(eq(apiKeyGroups.orgId, actor.orgId), inArray(apiKeyGroups.keyId, ids)))
      .orderBy(asc(groups.name)),
    db
      .select({
        keyId: usageDailyOrgKey.keyId,
        cost: sql<string>`sum(${usageDailyOrgKey.costMicros})`,
      })
      .from(usageDailyOrgKey)
      .where(
        and(
          eq(usageDailyOrgKey.orgId, actor.orgId),
          gte(usageDailyOrgKey.day, toIsoDay(startOfMonthUtc(now))),
          lt(usageDailyOrgKey.day, toIsoDay(addMonthsUtc(now, 1))),
        ),
      )
      .groupBy(usageDailyOrgKey.keyId),
  ]);
  return keys.map((k) => ({
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    lastFour: k.lastFour,
    features: k.features,
    allowedModels: k.policy.allowedModels,
    fallbackModels: k.policy.fallbackModels,
    loadBalancing: k.policy.loadBalancing,
    weights: k.policy.weights,
    monthlyLimitMicros: k.monthlyLimitMicros,
    expiresAt: k.expiresAt,
    revokedAt: k.revokedAt,
    lastUsedAt: k.lastUsedAt,
    createdAt: k.createdAt,
    groups: assignments.filter((a) => a.keyId === k.id).map(({ id, name }) => ({ id, name })),
    spendThisMonthMicros: can(actor, "org:manage")
      ? Number(spend.find((s) => s.keyId === k.id)?.cost ?? 0)
      : null,
  }));
}
