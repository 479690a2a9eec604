import { and, eq, isNull, lt, or } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/connect";
import { userSessions } from "@/db/schema";
import { audit } from "@/lib/audit/record";
import { type Actor, assertCan } from "@/lib/auth/actor";
import { Forbidden } from "@/lib/errors";
import { requireMember } from "@/lib/members/lookup";

// Console sessions: a row per sign-in, checked on every request. A session ends when it has been
// idle too long, when it reaches its absolute lifetime, at sign-out, and for every session of a
// person when they are suspended or removed or an owner signs them out everywhere.

export interface SessionPolicy {
  idleMinutes: number;
  maxHours: number;
}

// A session's last activity is written at most once a minute: reads stay reads.
const TOUCH_RESOLUTION_MS = 60_000;

export interface SsoSession {
  issuer: string;
  idToken: string | null;
  /** Through an organisation's own provider: the provider, and the organisation it opens alone. */
  org?: { providerId: string; orgId: string };
}

export async function startSession(
  db: Db,
  userId: string,
  now = new Date(),
  sso?: SsoSession,
): Promise<string> {
  const [session] = await db
    .insert(userSessions)
    .values({
      userId,
      createdAt: now,
      lastSeenAt: now,
      ssoIssuer: sso?.issuer ?? null,
      ssoIdToken: sso?.idToken ?? null,
      ssoProviderId: sso?.org?.providerId ?? null,
      scopeOrgId: sso?.org?.orgId ?? null,
    })
    .returning({ id: userSessions.id });
  return session!.id;
}

export interface LiveSession {
  userId: string;
  /** Signed in through single sign-on (an organisation that requires it accepts only these). */
  viaSso: boolean;
  /** Signed in through an organisation's own provider: the one organisation it opens. */
  scopeOrgId: string | null;
}

/** A live session's user, after noting its activity; null for a session that has ended. */
export async function checkSession(
  db: Db,
  sessionId: string | undefined,
  policy: SessionPolicy,
  now = new Date(),
): Promise<LiveSession | null> {
  if (!sessionId || !z.uuid().safeParse(sessionId).success) return null;
  const [session] = await db.select().from(userSessions).where(eq(userSessions.id, sessionId));
  if (!session || session.endedAt) return null;
  const idle = now.getTime() - session.lastSeenAt.getTime() > policy.idleMinutes * 60_000;
  const expired = now.getTime() - session.createdAt.getTime() > policy.maxHours * 3_600_000;
  if (idle || expired) {
    await endSession(db, session.id, idle ? "idle" : "expired", now);
    return null;
  }
  if (now.getTime() - session.lastSeenAt.getTime() >= TOUCH_RESOLUTION_MS)
    await db
      .update(userSessions)
      .set({ lastSeenAt: now })
      .where(and(eq(userSessions.id, session.id), lt(userSessions.lastSeenAt, now)));
  return {
    userId: session.userId,
    viaSso: session.ssoIssuer !== null,
    scopeOrgId: session.scopeOrgId,
  };
}

/** Ends a session; for one that came through single sign-on, what ending it there too needs. */
export async function endSession(
  db: Db,
  sessionId: string,
  reason: string,
  now = new Date(),
): Promise<SsoSession | null> {
  if (!z.uuid().safeParse(sessionId).success) return null;
  return db.transaction(async (tx) => {
    const [live] = await tx
      .select({
        issuer: userSessions.ssoIssuer,
        idToken: userSessions.ssoIdToken,
        providerId: userSessions.ssoProviderId,
        orgId: userSessions.scopeOrgId,
      })
      .from(userSessions)
      .where(and(eq(userSessions.id, sessionId), isNull(userSessions.endedAt)))
      .for("update");
    if (!live) return null;
    // The ID token is kept no longer than the session it signed in.
    await tx
      .update(userSessions)
      .set({ endedAt: now, endedReason: reason, ssoIdToken: null })
      .where(eq(userSessions.id, sessionId));
    if (!live.issuer) return null;
    return {
      issuer: live.issuer,
      idToken: live.idToken,
      ...(live.providerId && live.orgId
        ? { org: { providerId: live.providerId, orgId: live.orgId } }
        : {}),
    };
  });
}

/** Ends every live session of a user; call it in the transaction that suspends or removes them. */
export async function endUserSessions(tx: Db, userId: string, reason: string, now = new Date()) {
  const ended = await tx
    .update(userSessions)
    .set({ endedAt: now, endedReason: reason, ssoIdToken: null })
    .where(and(eq(userSessions.userId, userId), isNull(userSessions.endedAt)))
    .returning({ id: userSessions.id });
  return ended.length;
}

/** An owner signs a member out of every browser; they can sign in again if they still may. */
export async function signOutEverywhere(db: Db, actor: Actor, raw: { memberId: string }) {
  assertCan(actor, "org:manage");
  if (actor.kind !== "user" || actor.role !== "owner")
    throw new Forbidden("Only owners can sign people out everywhere.");
  const { memberId } = z.object({ memberId: z.uuid("Unknown member.") }).parse(raw);
  return db.transaction(async (tx) => {
    const member = await requireMember(tx, actor.orgId, memberId);
    const ended = await endUserSessions(tx, member.userId, "signed_out_everywhere");
    await audit(
      tx,
      actor,
      "member.signed_out_everywhere",
      { type: "member", id: member.id },
      { after: { sessionsEnded: ended } },
    );
    return { ended };
  });
}

/** Sessions that ended or went idle long ago are of no use to anyone: keep the table small. */
export async function pruneSessions(db: Db, policy: SessionPolicy, now = new Date()) {
  const cutoff = new Date(now.getTime() - Math.max(policy.maxHours * 3_600_000, 86_400_000));
  await db
    .delete(userSessions)
    .where(or(lt(userSessions.endedAt, cutoff), lt(userSessions.lastSeenAt, cutoff)));
}
