import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/connect";
import { queryRows, uuidArray } from "@/db/rows";
import { accessReviewItems } from "@/db/schema";
import type { Actor } from "@/lib/auth/actor";
import { unassignKeyFromGroups } from "@/lib/keys/commands";
import { removeMembers } from "@/lib/memberships/commands";

export interface RemovalItem {
  id: string;
  groupId: string;
  kind: "membership" | "key_assignment";
  memberId: string | null;
  keyId: string | null;
}

/**
 * Carries out "remove" decisions with the console's own commands (each audited as usual, by the
 * actor), inside the caller's transaction, and records on each item when it took effect, or that
 * there was nothing left to remove (someone removed it since).
 */
export async function applyRemovals(tx: Db, actor: Actor, items: RemovalItem[], now: Date) {
  if (!items.length) return;
  const org = sql`${actor.orgId}::uuid`;
  const [memberships, assignments] = await Promise.all([
    queryRows<{ group_id: string; member_id: string }>(
      tx,
      sql`select group_id, member_id from group_members
          where org_id = ${org} and (group_id, member_id) in (
            select * from unnest(${uuidArray(items.filter((i) => i.memberId).map((i) => i.groupId))},
                                 ${uuidArray(items.filter((i) => i.memberId).map((i) => i.memberId!))}))`,
    ),
    queryRows<{ group_id: string; key_id: string }>(
      tx,
      sql`select group_id, key_id from api_key_groups
          where org_id = ${org} and (group_id, key_id) in (
            select * from unnest(${uuidArray(items.filter((i) => i.keyId).map((i) => i.groupId))},
                                 ${uuidArray(items.filter((i) => i.keyId).map((i) => i.keyId!))}))`,
    ),
  ]);
  const present = new Set([
    ...memberships.map((m) => `${m.group_id}/${m.member_id}`),
    ...assignments.map((a) => `${a.group_id}/${a.key_id}`),
  ]);
  const gone = items.filter((i) => !present.has(`${i.groupId}/${i.memberId ?? i.keyId}`));
  const removing = items.filter((i) => !gone.includes(i));
  // One command per group (members) and per key (groups): each its own audit row, as by hand.
  for (const [groupId, memberIds] of grouped(
    removing.filter((i) => i.memberId),
    (i) => i.groupId,
    (i) => i.memberId!,
  ))
    await removeMembers(tx, actor, { memberIds, groupIds: [groupId] });
  for (const [keyId, groupIds] of grouped(
    removing.filter((i) => i.keyId),
    (i) => i.keyId!,
    (i) => i.groupId,
  ))
    await unassignKeyFromGroups(tx, actor, { keyId, groupIds });
  for (const [outcome, done] of [
    ["removed", removing],
    ["already gone", gone],
  ] as const)
    if (done.length)
      await tx
        .update(accessReviewItems)
        .set({ appliedAt: now, outcome })
        .where(
          and(
            eq(accessReviewItems.orgId, actor.orgId),
            sql`${accessReviewItems.id} = any(${uuidArray(done.map((i) => i.id))})`,
          ),
        );
}

function grouped<T>(items: T[], keyOf: (item: T) => string, valueOf: (item: T) => string) {
  const map = new Map<string, string[]>();
  for (const item of items) map.set(keyOf(item), [...(map.get(keyOf(item)) ?? []), valueOf(item)]);
  return map;
}
