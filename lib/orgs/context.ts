import { and, asc, eq } from "drizzle-orm";
import type { Db } from "@/db/connect";
import { type MemberRole, orgMembers, orgs, users } from "@/db/schema";
import type { Actor } from "@/lib/auth/actor";

export interface OrgChoice {
  id: string;
  name: string;
  role: MemberRole;
}

export interface ConsoleContext {
  user: { id: string; name: string; email: string };
  orgs: OrgChoice[];
  /** null when the user has no active membership of any organisation. */
  actor: Extract<Actor, { kind: "user" }> | null;
}

/**
 * Resolves, for one request, who the signed-in user is and in which organisation they act:
 * the preferred one (from their cookie) if they are an active member of it, else the first.
 * The cookie is only a preference: it never grants anything by itself.
 */
export async function resolveConsoleContext(
  db: Db,
  userId: string,
  preferredOrgId: string | undefined,
): Promise<ConsoleContext | null> {
  const [user] = await db
    .select({ id: users.id, name: users.name, email: users.email })
    .from(users)
    .where(eq(users.id, userId));
  if (!user) return null;
  const memberships = await db
    .select({ orgId: orgs.id, orgName: orgs.name, memberId: orgMembers.id, role: orgMembers.role })
    .from(orgMembers)
    .innerJoin(orgs, eq(orgs.id, orgMembers.orgId))
    .where(and(eq(orgMembers.userId, userId), eq(orgMembers.status, "active")))
    .orderBy(asc(orgs.name));
  const active = memberships.find((m) => m.orgId === preferredOrgId) ?? memberships[0];
  return {
    user,
    orgs: memberships.map((m) => ({ id: m.orgId, name: m.orgName, role: m.role })),
    actor: active
      ? {
          kind: "user",
          userId: user.id,
          memberId: active.memberId,
          orgId: active.orgId,
          role: active.role,
          label: user.email,
        }
      : null,
  };
}
