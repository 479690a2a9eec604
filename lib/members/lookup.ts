import { type SQL, and, eq, ne, sql } from "drizzle-orm";
import type { Db } from "@/db/connect";
import { uuidArray } from "@/db/rows";
import { orgMembers, users } from "@/db/schema";
import { NotFound } from "@/lib/errors";

export interface MemberRef {
  id: string;
  userId: string;
  name: string;
  email: string;
  role: "owner" | "admin" | "member";
  status: "active" | "suspended" | "removed";
}

/** The organisation's members (not removed) that `where` picks, with their user's name and email. */
export function liveMembersWhere(tx: Db, orgId: string, where: SQL): Promise<MemberRef[]> {
  return tx
    .select({
      id: orgMembers.id,
      userId: orgMembers.userId,
      name: users.name,
      email: users.email,
      role: orgMembers.role,
      status: orgMembers.status,
    })
    .from(orgMembers)
    .innerJoin(users, eq(users.id, orgMembers.userId))
    .where(and(eq(orgMembers.orgId, orgId), where, ne(orgMembers.status, "removed")));
}

/** The (not removed) members with these ids in the organisation, or NotFound. */
export async function requireMembers(
  tx: Db,
  orgId: string,
  ids: string[],
): Promise<Map<string, MemberRef>> {
  const rows = await liveMembersWhere(tx, orgId, sql`${orgMembers.id} = any(${uuidArray(ids)})`);
  if (rows.length !== new Set(ids).size) throw new NotFound("The member");
  return new Map(rows.map((m) => [m.id, m]));
}

export async function requireMember(tx: Db, orgId: string, id: string): Promise<MemberRef> {
  return (await requireMembers(tx, orgId, [id])).get(id)!;
}
