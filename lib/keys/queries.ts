import { and, asc, eq, gte, inArray, sql } from "drizzle-orm";
import type { Db } from "@/db/connect";
import { apiKeyGroups, apiKeys, groups, usageDailyMember } from "@/db/schema";
import { type Actor, assertCan } from "@/lib/auth/actor";
import { startOfMonthUtc, toIsoDay } from "@/lib/time";

export interface KeySummary {
  id: string;
  name: string;
  prefix: string;
  lastFour: string;
  features: string[];
  allowedModels: string[];
  expiresAt: Date | null;
  revokedAt: Date | null;
  groups: { id: string; name: string }[];
  spendThisMonthMicros: number;
}

export async function listKeys(db: Db, actor: Actor, now = new Date()): Promise<KeySummary[]> {
  assertCan(actor, "org:read");
  const keys = await db
    .select()
    .from(apiKeys)
    .where(eq(apiKeys.orgId, actor.orgId))
    .orderBy(asc(apiKeys.name));
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
        keyId: usageDailyMember.keyId,
        cost: sql<string>`sum(${usageDailyMember.costMicros})`,
      })
      .from(usageDailyMember)
      .where(
        and(
          eq(usageDailyMember.orgId, actor.orgId),
          gte(usageDailyMember.day, toIsoDay(startOfMonthUtc(now))),
        ),
      )
      .groupBy(usageDailyMember.keyId),
  ]);
  return keys.map((k) => ({
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    lastFour: k.lastFour,
    features: k.features,
    allowedModels: k.policy.allowedModels,
    expiresAt: k.expiresAt,
    revokedAt: k.revokedAt,
    groups: assignments.filter((a) => a.keyId === k.id).map(({ id, name }) => ({ id, name })),
    spendThisMonthMicros: Number(spend.find((s) => s.keyId === k.id)?.cost ?? 0),
  }));
}
