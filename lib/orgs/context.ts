import { and, asc, eq } from "drizzle-orm";
import type { Db } from "@/db/connect";
import { type MemberRole, orgMembers, orgSsoPolicies, orgs, users } from "@/db/schema";
import type { Actor } from "@/lib/auth/actor";

export interface OrgChoice {
  id: string;
  name: string;
  role: MemberRole;
}

export interface ConsoleContext {
  user: { id: string; name: string; email: string };
  /** The session came through single sign-on. */
  viaSso: boolean;
  /** The session came through an organisation's own provider and opens that organisation only. */
  scopeOrgId: string | null;
  orgs: OrgChoice[];
  /** null when the user has no active membership of any organisation. */
  actor: Extract<Actor, { kind: "user" }> | null;
}

/**
 * Resolves, for one request, who the signed-in user is and in which organisation they act:
 * the preferred one (from their cookie) if they are an active member of it, else the first.
 * The cookie is only a preference: it never grants anything by itself. An organisation that
 * requires single sign-on is not open to a session signed in otherwise (but its break-glass
 * owner's): decided here, per organisation and per request, so that one organisation's policy
 * never locks a person out of another, and sessions begun before the policy end with it. A
 * session begun through an organisation's own provider opens that organisation alone: its
 * provider vouches for nothing else (lib/auth/sso.ts).
 */
export async function resolveConsoleContext(
  db: Db,
  userId: string,
  preferredOrgId: string | undefined,
  session: { viaSso: boolean; scopeOrgId?: string | null },
): Promise<ConsoleContext | null> {
  const [user] = await db
    .select({ id: users.id, name: users.name, email: users.email })
    .from(users)
    .where(eq(users.id, userId));
  if (!user) return null;
  const rows = await db
    .select({
      orgId: orgs.id,
      orgName: orgs.name,
      memberId: orgMembers.id,
      role: orgMembers.role,
      ssoRequired: orgSsoPolicies.ssoRequired,
      breakGlassUserId: orgSsoPolicies.breakGlassUserId,
    })
    .from(orgMembers)
    .innerJoin(orgs, eq(orgs.id, orgMembers.orgId))
    .leftJoin(orgSsoPolicies, eq(orgSsoPolicies.orgId, orgMembers.orgId))
    .where(and(eq(orgMembers.userId, userId), eq(orgMembers.status, "active")))
    .orderBy(asc(orgs.name));
  const memberships = rows.filter(
    (m) =>
      (!session.scopeOrgId || m.orgId === session.scopeOrgId) &&
      (session.viaSso || opensToPassword(m, userId)),
  );
  const active = memberships.find((m) => m.orgId === preferredOrgId) ?? memberships[0];
  return {
    user,
    viaSso: session.viaSso,
    scopeOrgId: session.scopeOrgId ?? null,
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

/** Whether a membership may be used by a session signed in with a password. */
export function opensToPassword(
  m: { ssoRequired: boolean | null; breakGlassUserId: string | null; role: MemberRole },
  userId: string,
): boolean {
  return !m.ssoRequired || (m.breakGlassUserId === userId && m.role === "owner");
}
