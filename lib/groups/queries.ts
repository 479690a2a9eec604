import { and, asc, count, eq, ne, sql } from "drizzle-orm";
import type { Db } from "@/db/connect";
import { queryRows } from "@/db/rows";
import { groupMembers, groups, orgMembers, users } from "@/db/schema";
import { type Actor, assertCan } from "@/lib/auth/actor";
import { NotFound } from "@/lib/errors";

export interface GroupSummary {
  id: string;
  name: string;
  parentId: string | null;
  kind: string;
  description: string;
  endsAt: Date | null;
  archivedAt: Date | null;
  monthlyBudgetMicros: number | null;
  budgetMode: "soft" | "hard";
  isDefault: boolean;
  directMembers: number;
  /** Distinct people in the group or any of its subgroups. */
  totalMembers: number;
}

/** Every group of the actor's organisation with its direct and total member counts. */
export async function listGroupsWithCounts(db: Db, actor: Actor): Promise<GroupSummary[]> {
  assertCan(actor, "org:read");
  const [rows, direct, totals] = await Promise.all([
    db
      .select({
        id: groups.id,
        name: groups.name,
        parentId: groups.parentId,
        kind: groups.kind,
        description: groups.description,
        endsAt: groups.endsAt,
        archivedAt: groups.archivedAt,
        monthlyBudgetMicros: groups.monthlyBudgetMicros,
        budgetMode: groups.budgetMode,
        isDefault: groups.isDefault,
      })
      .from(groups)
      .where(eq(groups.orgId, actor.orgId))
      .orderBy(asc(groups.name)),
    db
      .select({ groupId: groupMembers.groupId, n: count() })
      .from(groupMembers)
      .innerJoin(
        orgMembers,
        and(eq(orgMembers.id, groupMembers.memberId), ne(orgMembers.status, "removed")),
      )
      .where(eq(groupMembers.orgId, actor.orgId))
      .groupBy(groupMembers.groupId),
    queryRows<{ group_id: string; total: number }>(
      db,
      sql`with recursive subtree (root, id) as (
            select id, id from groups where org_id = ${actor.orgId}
            union all
            select s.root, g.id from subtree s join groups g on g.parent_id = s.id
          )
          select s.root as group_id, count(distinct gm.member_id)::int as total
          from subtree s
          join group_members gm on gm.group_id = s.id
          join org_members m on m.id = gm.member_id and m.status <> 'removed'
          group by s.root`,
    ),
  ]);
  const totalById = new Map(totals.map((t) => [t.group_id, Number(t.total)]));
  const directById = new Map(direct.map((d) => [d.groupId, d.n]));
  return rows.map((row) => ({
    ...row,
    directMembers: directById.get(row.id) ?? 0,
    totalMembers: totalById.get(row.id) ?? 0,
  }));
}

export interface GroupDetail {
  group: GroupSummary;
  path: { id: string; name: string }[];
  members: {
    memberId: string;
    name: string;
    email: string;
    role: string;
    status: string;
    since: Date;
  }[];
}

/** One group of the actor's organisation; an id of another organisation is not found. */
export async function getGroupDetail(db: Db, actor: Actor, groupId: string): Promise<GroupDetail> {
  assertCan(actor, "org:read");
  const all = await listGroupsWithCounts(db, actor);
  const group = all.find((g) => g.id === groupId);
  if (!group) throw new NotFound("The group");
  const byId = new Map(all.map((g) => [g.id, g]));
  const path: { id: string; name: string }[] = [];
  for (
    let at = group.parentId ? byId.get(group.parentId) : undefined;
    at;
    at = at.parentId ? byId.get(at.parentId) : undefined
  ) {
    path.unshift({ id: at.id, name: at.name });
  }
  const members = await db
    .select({
      memberId: orgMembers.id,
      name: users.name,
      email: users.email,
      role: orgMembers.role,
      status: orgMembers.status,
      since: groupMembers.createdAt,
    })
    .from(groupMembers)
    .innerJoin(orgMembers, eq(orgMembers.id, groupMembers.memberId))
    .innerJoin(users, eq(users.id, orgMembers.userId))
    .where(
      and(
        eq(groupMembers.orgId, actor.orgId),
        eq(groupMembers.groupId, groupId),
        ne(orgMembers.status, "removed"),
      ),
    )
    .orderBy(asc(users.name));
  return { group, path, members };
}
