import { and, asc, eq, inArray, isNull, ne } from "drizzle-orm";
import type { Db } from "@/db/connect";
import { groupMembers, groups, membershipRules, orgMembers, users } from "@/db/schema";
import { type Actor, assertCan } from "@/lib/auth/actor";

export interface BoardGroup {
  id: string;
  name: string;
  parentId: string | null;
  kind: string;
  /** The directory (SCIM) owns its direct membership: the board shows it read-only. */
  directory: boolean;
  memberIds: string[];
  /** The auto-assign rule that put each of its members there, by member (lib/rules). */
  ruleNames: Record<string, string>;
}

export interface BoardMember {
  id: string;
  name: string;
  email: string;
  status: "active" | "suspended" | "removed";
}

export interface BoardData {
  groups: BoardGroup[];
  members: BoardMember[];
}

/** Everything the drag-and-drop board shows: live groups with their direct members, and all members. */
export async function boardData(db: Db, actor: Actor): Promise<BoardData> {
  assertCan(actor, "org:read");
  const [groupRows, memberRows] = await Promise.all([
    db
      .select({
        id: groups.id,
        name: groups.name,
        parentId: groups.parentId,
        kind: groups.kind,
        directoryLinkedAt: groups.directoryLinkedAt,
      })
      .from(groups)
      .where(and(eq(groups.orgId, actor.orgId), isNull(groups.archivedAt)))
      .orderBy(asc(groups.name)),
    db
      .select({
        id: orgMembers.id,
        name: users.name,
        email: users.email,
        status: orgMembers.status,
      })
      .from(orgMembers)
      .innerJoin(users, eq(users.id, orgMembers.userId))
      .where(and(eq(orgMembers.orgId, actor.orgId), ne(orgMembers.status, "removed")))
      .orderBy(asc(users.name)),
  ]);
  const links = groupRows.length
    ? await db
        .select({
          groupId: groupMembers.groupId,
          memberId: groupMembers.memberId,
          ruleName: membershipRules.name,
        })
        .from(groupMembers)
        .leftJoin(
          membershipRules,
          and(
            eq(membershipRules.orgId, groupMembers.orgId),
            eq(membershipRules.id, groupMembers.ruleId),
          ),
        )
        .where(
          and(
            eq(groupMembers.orgId, actor.orgId),
            inArray(
              groupMembers.groupId,
              groupRows.map((g) => g.id),
            ),
          ),
        )
    : [];
  const known = new Set(memberRows.map((m) => m.id));
  const byGroup = new Map<string, string[]>();
  const ruled = new Map<string, Record<string, string>>();
  for (const link of links) {
    if (!known.has(link.memberId)) continue;
    byGroup.set(link.groupId, [...(byGroup.get(link.groupId) ?? []), link.memberId]);
    if (!link.ruleName) continue;
    const names = ruled.get(link.groupId) ?? {};
    names[link.memberId] = link.ruleName;
    ruled.set(link.groupId, names);
  }
  const order = new Map(memberRows.map((m, i) => [m.id, i]));
  return {
    groups: groupRows.map(({ directoryLinkedAt, ...g }) => ({
      ...g,
      directory: directoryLinkedAt !== null,
      memberIds: (byGroup.get(g.id) ?? []).sort((a, b) => order.get(a)! - order.get(b)!),
      ruleNames: ruled.get(g.id) ?? {},
    })),
    members: memberRows,
  };
}
