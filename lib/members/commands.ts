import { createHash, randomBytes } from "node:crypto";
import { and, eq, gt, isNull, ne, sql } from "drizzle-orm";
import type { Db } from "@/db/connect";
import {
  type MemberRole,
  groupMembers,
  groups,
  memberInvitations,
  orgMembers,
  orgs,
  users,
} from "@/db/schema";
import { audit } from "@/lib/audit/record";
import { endUserSessions } from "@/lib/auth/sessions";
import { type Actor, assertCan } from "@/lib/auth/actor";
import { hashPassword } from "@/lib/auth/password";
import { Conflict, Forbidden, Invalid } from "@/lib/errors";
import { deleteMemberships, insertMemberships } from "@/lib/memberships/write";
import { syncMemberRules } from "@/lib/rules/sync";
import { type MemberRef, requireMember } from "./lookup";
import {
  type AddMemberInput,
  acceptInvitationInput,
  addMemberInput,
  changeRoleInput,
  memberIdInput,
  setSpendingLimitInput,
} from "./schemas";

const INVITATION_DAYS = 7;

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

// Owners are the last line of control over an organisation: only owners change owners, and the
// last active owner can be neither demoted, suspended nor removed. The organisation's row is
// locked while counting so that two admins cannot each remove "the other" last owner.
async function guardOwners(
  tx: Db,
  actor: Actor,
  target: MemberRef,
  change: "demote" | "suspend" | "remove",
) {
  if (target.role !== "owner") return;
  if (actor.kind === "user" && actor.role !== "owner")
    throw new Forbidden("Only an owner can change another owner.");
  await tx.select({ id: orgs.id }).from(orgs).where(eq(orgs.id, actor.orgId)).for("update");
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(orgMembers)
    .where(
      and(
        eq(orgMembers.orgId, actor.orgId),
        eq(orgMembers.role, "owner"),
        eq(orgMembers.status, "active"),
        ne(orgMembers.id, target.id),
      ),
    );
  if ((row?.n ?? 0) === 0) {
    const verb = { demote: "demoted", suspend: "suspended", remove: "removed" }[change];
    throw new Invalid(
      `${target.name} is the last owner and cannot be ${verb}. Make someone else an owner first.`,
    );
  }
}

export interface AddedMember {
  memberId: string;
  /** Shown once to the admin when the member is invited: the link to set a password. */
  invitationPath: string | null;
  defaultGroups: string[];
}

/**
 * Adds a person to the organisation: a new user, or an existing one (from another organisation)
 * who keeps their password. They join every default group of the organisation.
 */
export async function addMember(
  db: Db,
  actor: Actor,
  raw: AddMemberInput,
  options: { ssoConfigured?: boolean } = {},
): Promise<AddedMember> {
  assertCan(actor, "org:manage");
  const input = addMemberInput.parse(raw);
  // Without a provider, a member with neither password nor invitation could never sign in.
  if (input.access === "sso" && !options.ssoConfigured)
    throw new Invalid("Single sign-on is not configured on this server.", {
      access: "Choose an invitation or a password.",
    });
  if (input.role === "owner" && actor.kind === "user" && actor.role !== "owner") {
    throw new Forbidden("Only an owner can add another owner.");
  }
  const passwordHash = input.access === "password" ? await hashPassword(input.password) : null;
  return db.transaction(async (tx) => {
    const [user] = await tx.select().from(users).where(eq(users.email, input.email));
    if (user) {
      const [existing] = await tx
        .select({ id: orgMembers.id, status: orgMembers.status })
        .from(orgMembers)
        .where(and(eq(orgMembers.orgId, actor.orgId), eq(orgMembers.userId, user.id)));
      if (existing && existing.status !== "removed") {
        throw new Invalid(`${input.email} is already a member.`, {
          email: `${input.email} is already a member.`,
        });
      }
    }
    const joined = await joinOrganisation(tx, actor, { ...input, passwordHash });
    const defaults = joined.defaultGroups;
    const member = { id: joined.memberId };
    // An invitation sets the account's password: only for an account no other organisation
    // has (or had), or an admin here could take over a person's account elsewhere. Someone who
    // already has an account signs in with it (or finishes their other invitation).
    const [elsewhere] = await tx
      .select({ id: orgMembers.id })
      .from(orgMembers)
      .where(and(eq(orgMembers.userId, joined.user.id), ne(orgMembers.orgId, actor.orgId)))
      .limit(1);
    let invitationPath: string | null = null;
    if (input.access === "invite" && !joined.user.passwordHash && !elsewhere) {
      const token = randomBytes(32).toString("base64url");
      await tx.insert(memberInvitations).values({
        orgId: actor.orgId,
        userId: joined.user.id,
        tokenHash: hashToken(token),
        expiresAt: new Date(Date.now() + INVITATION_DAYS * 86_400_000),
        createdBy: actor.kind === "user" ? actor.userId : null,
      });
      invitationPath = `/invite/${token}`;
    }
    await audit(
      tx,
      actor,
      "member.added",
      { type: "member", id: member.id },
      {
        after: {
          email: input.email,
          role: input.role,
          access: input.access,
          defaultGroups: defaults.map((g) => g.name),
        },
      },
    );
    return { memberId: member.id, invitationPath, defaultGroups: defaults.map((g) => g.name) };
  });
}

/**
 * Makes a person a member (again) in the caller's transaction: a new user unless one has this
 * email, a membership (a removed one comes back, active, with this role), every default group
 * of the organisation, and the groups of the auto-assign rules they match (lib/rules). The caller checks first that they are not a member already.
 */
export async function joinOrganisation(
  tx: Db,
  actor: Actor,
  input: { email: string; name: string; role: MemberRole; passwordHash: string | null },
) {
  let [user] = await tx.select().from(users).where(eq(users.email, input.email));
  if (!user) {
    [user] = await tx
      .insert(users)
      .values({ email: input.email, name: input.name, passwordHash: input.passwordHash })
      .returning();
  }
  const [member] = await tx
    .insert(orgMembers)
    .values({ orgId: actor.orgId, userId: user!.id, role: input.role })
    .onConflictDoUpdate({
      target: [orgMembers.orgId, orgMembers.userId],
      set: { role: input.role, status: "active", updatedAt: new Date() },
    })
    .returning({ id: orgMembers.id });
  const defaultGroups = await tx
    .select({ id: groups.id, name: groups.name })
    .from(groups)
    .where(
      and(eq(groups.orgId, actor.orgId), eq(groups.isDefault, true), isNull(groups.archivedAt)),
    );
  await insertMemberships(
    tx,
    actor,
    { memberIds: [member!.id], groupIds: defaultGroups.map((g) => g.id) },
    "rule",
  );
  await syncMemberRules(tx, actor, [member!.id]);
  return { memberId: member!.id, user: user!, defaultGroups };
}

export async function changeMemberRole(
  db: Db,
  actor: Actor,
  raw: { memberId: string; role: string },
) {
  assertCan(actor, "org:manage");
  const input = changeRoleInput.parse(raw);
  return db.transaction(async (tx) => {
    const member = await requireMember(tx, actor.orgId, input.memberId);
    if (member.role === input.role) return member;
    if (input.role === "owner" && actor.kind === "user" && actor.role !== "owner") {
      throw new Forbidden("Only an owner can make someone an owner.");
    }
    await guardOwners(tx, actor, member, "demote");
    await tx
      .update(orgMembers)
      .set({ role: input.role, updatedAt: new Date() })
      .where(and(eq(orgMembers.orgId, actor.orgId), eq(orgMembers.id, member.id)));
    await audit(
      tx,
      actor,
      "member.role_changed",
      { type: "member", id: member.id },
      { before: { role: member.role }, after: { role: input.role } },
    );
    return { ...member, role: input.role };
  });
}

export async function setSpendingLimit(
  db: Db,
  actor: Actor,
  raw: { memberId: string; limitDollars: unknown },
) {
  assertCan(actor, "org:manage");
  const input = setSpendingLimitInput.parse(raw);
  return db.transaction(async (tx) => {
    const member = await requireMember(tx, actor.orgId, input.memberId);
    const [before] = await tx
      .select({ limit: orgMembers.monthlyLimitMicros })
      .from(orgMembers)
      .where(eq(orgMembers.id, member.id));
    await tx
      .update(orgMembers)
      .set({ monthlyLimitMicros: input.limitDollars, updatedAt: new Date() })
      .where(and(eq(orgMembers.orgId, actor.orgId), eq(orgMembers.id, member.id)));
    await audit(
      tx,
      actor,
      "member.limit_changed",
      { type: "member", id: member.id },
      {
        before: { monthlyLimitMicros: before?.limit ?? null },
        after: { monthlyLimitMicros: input.limitDollars },
      },
    );
  });
}

async function setStatus(
  db: Db,
  actor: Actor,
  raw: { memberId: string },
  status: "active" | "suspended",
) {
  assertCan(actor, "org:manage");
  const { memberId } = memberIdInput.parse(raw);
  return db.transaction(async (tx) => {
    const member = await requireMember(tx, actor.orgId, memberId);
    await applyMemberStatus(tx, actor, member, status);
  });
}

/**
 * Suspends or reactivates a member in the caller's transaction, once the caller has checked that
 * the actor may: the owners' rules hold, a suspended member's sessions end, the change is audited.
 */
export async function applyMemberStatus(
  tx: Db,
  actor: Actor,
  member: MemberRef,
  status: "active" | "suspended",
) {
  if (member.status === status) return;
  if (status === "suspended") await guardOwners(tx, actor, member, "suspend");
  // Only owners decide about owners, in both directions.
  else if (member.role === "owner" && actor.kind === "user" && actor.role !== "owner")
    throw new Forbidden("Only an owner can change another owner.");
  await tx
    .update(orgMembers)
    .set({ status, updatedAt: new Date() })
    .where(and(eq(orgMembers.orgId, actor.orgId), eq(orgMembers.id, member.id)));
  // Signed in elsewhere, they would keep a console open: every session of theirs ends.
  if (status === "suspended") await endUserSessions(tx, member.userId, "suspended");
  await audit(
    tx,
    actor,
    status === "suspended" ? "member.suspended" : "member.reactivated",
    { type: "member", id: member.id },
    { before: { status: member.status }, after: { status } },
  );
}

/** A suspended member keeps their groups but can neither sign in to the org nor use its keys. */
export const suspendMember = (db: Db, actor: Actor, raw: { memberId: string }) =>
  setStatus(db, actor, raw, "suspended");
export const reactivateMember = (db: Db, actor: Actor, raw: { memberId: string }) =>
  setStatus(db, actor, raw, "active");

/** Removes a member from the organisation: their memberships end; their usage history stays. */
export async function removeMember(db: Db, actor: Actor, raw: { memberId: string }) {
  assertCan(actor, "org:manage");
  const { memberId } = memberIdInput.parse(raw);
  return db.transaction(async (tx) => {
    const member = await requireMember(tx, actor.orgId, memberId);
    await guardOwners(tx, actor, member, "remove");
    const current = await tx
      .select({ groupId: groupMembers.groupId, memberId: groupMembers.memberId })
      .from(groupMembers)
      .where(and(eq(groupMembers.orgId, actor.orgId), eq(groupMembers.memberId, member.id)));
    await deleteMemberships(tx, actor, current);
    await tx
      .update(orgMembers)
      .set({ status: "removed", updatedAt: new Date() })
      .where(and(eq(orgMembers.orgId, actor.orgId), eq(orgMembers.id, member.id)));
    await endUserSessions(tx, member.userId, "removed");
    await audit(
      tx,
      actor,
      "member.removed",
      { type: "member", id: member.id },
      {
        before: {
          email: member.email,
          role: member.role,
          status: member.status,
          groupIds: current.map((c) => c.groupId),
        },
      },
    );
  });
}

/** Sets the password of an invited user; the link works once, for seven days. Public: the token is the credential. */
export async function acceptInvitation(
  db: Db,
  raw: { token: string; password: string },
): Promise<{ email: string }> {
  const input = acceptInvitationInput.parse(raw);
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    const [invitation] = await tx
      .select()
      .from(memberInvitations)
      .where(
        and(
          eq(memberInvitations.tokenHash, hashToken(input.token)),
          isNull(memberInvitations.usedAt),
          gt(memberInvitations.expiresAt, new Date()),
        ),
      )
      .for("update");
    if (!invitation)
      throw new Conflict(
        "This invitation link is invalid, used or expired. Ask an admin for a new one.",
      );
    const [user] = await tx
      .update(users)
      .set({ passwordHash })
      .where(eq(users.id, invitation.userId))
      .returning();
    await tx
      .update(memberInvitations)
      .set({ usedAt: new Date() })
      .where(eq(memberInvitations.id, invitation.id));
    await audit(
      tx,
      { kind: "system", orgId: invitation.orgId, label: user!.email },
      "member.invitation_accepted",
      { type: "user", id: user!.id },
    );
    return { email: user!.email };
  });
}
