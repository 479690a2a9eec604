import { and, eq, inArray, ne } from "drizzle-orm";
import type { Db } from "@/db/connect";
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

/** The (not removed) members with these ids in the organisation, or NotFound. */
export async function requireMembers(
  tx: Db,
  orgId: string,
  ids: string[],
): Promise<Map<string, MemberRef>> {
  const rows = await tx
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
    .where(
      and(
        eq(orgMembers.orgId, orgId),
        inArray(orgMembers.id, ids),
        ne(orgMembers.status, "removed"),
      ),
    );
  if (rows.length !== new Set(ids).size) throw new NotFound("The member");
  return new Map(rows.map((m) => [m.id, m]));
}

export async function requireMember(tx: Db, orgId: string, id: string): Promise<MemberRef> {
  return (await requireMembers(tx, orgId, [id])).get(id)!;
}
