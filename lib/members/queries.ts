import { type SQL, and, asc, count, desc, eq, ilike, inArray, ne, or, sql } from "drizzle-orm";
import type { Db } from "@/db/connect";
import { groupMembers, groups, orgMembers, users } from "@/db/schema";
import { type Actor, assertCan } from "@/lib/auth/actor";
import { type ListMembersInput, listMembersInput } from "./schemas";

export interface MemberRow {
  memberId: string;
  name: string;
  email: string;
  role: "owner" | "admin" | "member";
  status: "active" | "suspended" | "removed";
  monthlyLimitMicros: number | null;
  joinedAt: Date;
  groups: { id: string; name: string }[];
}

function filters(actor: Actor, input: ReturnType<typeof listMembersInput.parse>): SQL {
  const conditions: (SQL | undefined)[] = [
    eq(orgMembers.orgId, actor.orgId),
    ne(orgMembers.status, "removed"),
  ];
  if (input.q) {
    const like = `%${input.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conditions.push(or(ilike(users.name, like), ilike(users.email, like)));
  }
  // Qualified by hand: inside the subquery an unqualified "id" would mean another table's.
  const inGroup = (groupId: string) =>
    sql`exists (select 1 from group_members gm where gm.member_id = "org_members"."id" and gm.group_id = ${groupId})`;
  if (input.groupId) conditions.push(inGroup(input.groupId));
  if (input.notInGroupId) conditions.push(sql`not ${inGroup(input.notInGroupId)}`);
  if (input.role) conditions.push(eq(orgMembers.role, input.role));
  if (input.status) conditions.push(eq(orgMembers.status, input.status));
  return and(...conditions)!;
}

const sortColumns = {
  name: users.name,
  email: users.email,
  role: orgMembers.role,
  status: orgMembers.status,
  joined: orgMembers.createdAt,
} as const;

/** A page of the organisation's members, filtered and sorted, with their groups and the total. */
export async function listMembers(db: Db, actor: Actor, raw: ListMembersInput) {
  assertCan(actor, "org:read");
  const input = listMembersInput.parse(raw);
  const where = filters(actor, input);
  const order = input.dir === "asc" ? asc : desc;
  const [rows, [total]] = await Promise.all([
    db
      .select({
        memberId: orgMembers.id,
        name: users.name,
        email: users.email,
        role: orgMembers.role,
        status: orgMembers.status,
        monthlyLimitMicros: orgMembers.monthlyLimitMicros,
        joinedAt: orgMembers.createdAt,
      })
      .from(orgMembers)
      .innerJoin(users, eq(users.id, orgMembers.userId))
      .where(where)
      .orderBy(order(sortColumns[input.sort]), asc(users.email))
      .limit(input.pageSize)
      .offset((input.page - 1) * input.pageSize),
    db
      .select({ n: count() })
      .from(orgMembers)
      .innerJoin(users, eq(users.id, orgMembers.userId))
      .where(where),
  ]);
  const memberships = rows.length
    ? await db
        .select({ memberId: groupMembers.memberId, id: groups.id, name: groups.name })
        .from(groupMembers)
        .innerJoin(
          groups,
          and(eq(groups.id, groupMembers.groupId), sql`${groups.archivedAt} is null`),
        )
        .where(
          and(
            eq(groupMembers.orgId, actor.orgId),
            inArray(
              groupMembers.memberId,
              rows.map((r) => r.memberId),
            ),
          ),
        )
        .orderBy(asc(groups.name))
    : [];
  const result: MemberRow[] = rows.map((r) => ({
    ...r,
    groups: memberships
      .filter((m) => m.memberId === r.memberId)
      .map(({ id, name }) => ({ id, name })),
  }));
  return { rows: result, total: total?.n ?? 0, page: input.page, pageSize: input.pageSize };
}

/** The ids of every member matching the filters, for "select all N matching". */
export async function matchingMemberIds(
  db: Db,
  actor: Actor,
  raw: ListMembersInput,
): Promise<string[]> {
  assertCan(actor, "org:read");
  const input = listMembersInput.parse(raw);
  const rows = await db
    .select({ id: orgMembers.id })
    .from(orgMembers)
    .innerJoin(users, eq(users.id, orgMembers.userId))
    .where(filters(actor, input))
    .limit(10_000);
  return rows.map((r) => r.id);
}

/** Everyone in the organisation (not removed), by name: for pickers. */
export async function memberDirectory(db: Db, actor: Actor) {
  assertCan(actor, "org:read");
  return db
    .select({ id: orgMembers.id, name: users.name, email: users.email, status: orgMembers.status })
    .from(orgMembers)
    .innerJoin(users, eq(users.id, orgMembers.userId))
    .where(and(eq(orgMembers.orgId, actor.orgId), ne(orgMembers.status, "removed")))
    .orderBy(asc(sql`lower(${users.name})`), asc(users.email));
}
