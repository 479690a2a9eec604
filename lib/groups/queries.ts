import { and, asc, count, desc, eq, inArray, ne, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Db } from "@/db/connect";
import { queryRows } from "@/db/rows";
import {
  groupMembers,
  groupMembershipHistory as groupMembershipHistoryTable,
  groups,
  membershipRules,
  orgMembers,
  users,
} from "@/db/schema";
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
  alertThresholds: number[];
  isDefault: boolean;
  /** The directory (SCIM) owns its name and direct membership. */
  directory: boolean;
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
        alertThresholds: groups.alertThresholds,
        isDefault: groups.isDefault,
        directory: sql<boolean>`${groups.directoryLinkedAt} is not null`,
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
    source: "manual" | "rule" | "sync";
    /** The auto-assign rule that added them (lib/rules), while it exists. */
    ruleName: string | null;
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
      source: groupMembers.source,
      ruleName: membershipRules.name,
    })
    .from(groupMembers)
    .innerJoin(orgMembers, eq(orgMembers.id, groupMembers.memberId))
    .innerJoin(users, eq(users.id, orgMembers.userId))
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
        eq(groupMembers.groupId, groupId),
        ne(orgMembers.status, "removed"),
      ),
    )
    .orderBy(asc(users.name));
  return { group, path, members };
}

export interface EffectiveMember {
  memberId: string;
  name: string;
  email: string;
  /** Each way the member belongs: the chain of groups from this one down to a direct membership. */
  paths: string[][];
}

/** Everyone who counts as a member of the group: directly or through any live subgroup. */
export async function effectiveMembers(
  db: Db,
  actor: Actor,
  groupId: string,
): Promise<EffectiveMember[]> {
  assertCan(actor, "org:read");
  const all = await listGroupsWithCounts(db, actor);
  const root = all.find((g) => g.id === groupId);
  if (!root) throw new NotFound("The group");
  const pathTo = new Map<string, string[]>([[root.id, [root.name]]]);
  const queue = [root.id];
  while (queue.length) {
    const at = queue.shift()!;
    for (const child of all.filter(
      (g) => g.parentId === at && !g.archivedAt && !pathTo.has(g.id),
    )) {
      pathTo.set(child.id, [...pathTo.get(at)!, child.name]);
      queue.push(child.id);
    }
  }
  const rows = await db
    .select({
      groupId: groupMembers.groupId,
      memberId: orgMembers.id,
      name: users.name,
      email: users.email,
    })
    .from(groupMembers)
    .innerJoin(
      orgMembers,
      and(eq(orgMembers.id, groupMembers.memberId), ne(orgMembers.status, "removed")),
    )
    .innerJoin(users, eq(users.id, orgMembers.userId))
    .where(
      and(eq(groupMembers.orgId, actor.orgId), inArray(groupMembers.groupId, [...pathTo.keys()])),
    )
    .orderBy(asc(users.name));
  const byMember = new Map<string, EffectiveMember>();
  for (const row of rows) {
    const entry = byMember.get(row.memberId) ?? {
      memberId: row.memberId,
      name: row.name,
      email: row.email,
      paths: [],
    };
    entry.paths.push(pathTo.get(row.groupId)!);
    byMember.set(row.memberId, entry);
  }
  return [...byMember.values()];
}

export interface MembershipHistoryRow {
  id: string;
  memberName: string;
  memberEmail: string;
  validFrom: Date;
  validTo: Date | null;
  source: string;
  addedBy: string | null;
  removedBy: string | null;
}

/** Who joined and left the group and when, newest first. */
export async function groupMembershipHistory(
  db: Db,
  actor: Actor,
  groupId: string,
  limit = 200,
): Promise<MembershipHistoryRow[]> {
  assertCan(actor, "org:read");
  await getGroupDetail(db, actor, groupId);
  const adder = alias(users, "adder");
  const remover = alias(users, "remover");
  return db
    .select({
      id: groupMembershipHistoryTable.id,
      memberName: users.name,
      memberEmail: users.email,
      validFrom: groupMembershipHistoryTable.validFrom,
      validTo: groupMembershipHistoryTable.validTo,
      source: groupMembershipHistoryTable.source,
      addedBy: adder.name,
      removedBy: remover.name,
    })
    .from(groupMembershipHistoryTable)
    .innerJoin(orgMembers, eq(orgMembers.id, groupMembershipHistoryTable.memberId))
    .innerJoin(users, eq(users.id, orgMembers.userId))
    .leftJoin(adder, eq(adder.id, groupMembershipHistoryTable.addedBy))
    .leftJoin(remover, eq(remover.id, groupMembershipHistoryTable.removedBy))
    .where(
      and(
        eq(groupMembershipHistoryTable.orgId, actor.orgId),
        eq(groupMembershipHistoryTable.groupId, groupId),
      ),
    )
    .orderBy(
      desc(
        sql`greatest(${groupMembershipHistoryTable.validFrom}, coalesce(${groupMembershipHistoryTable.validTo}, ${groupMembershipHistoryTable.validFrom}))`,
      ),
    )
    .limit(limit);
}
