import { and, count, eq, inArray, ne } from "drizzle-orm";
import type { Db } from "@/db/connect";
import { orgMembers } from "@/db/schema";
import { type Actor, assertCan } from "@/lib/auth/actor";
import { Invalid } from "@/lib/errors";
import { type MemberRef, liveMembersWhere, requireMember } from "@/lib/members/lookup";

/** An active owner or admin of the organisation: who may review access. */
export async function requireReviewer(tx: Db, orgId: string, memberId: string): Promise<MemberRef> {
  const member = await requireMember(tx, orgId, memberId);
  if (member.role === "member" || member.status !== "active")
    throw new Invalid(
      `${member.name} cannot review access: reviewers are active owners or admins.`,
      {
        reviewerMemberId: "Choose an active owner or admin.",
      },
    );
  return member;
}

/** Who may be chosen as a reviewer, by name. */
export async function reviewerChoices(db: Db, actor: Actor): Promise<MemberRef[]> {
  assertCan(actor, "org:manage");
  const choices = await liveMembersWhere(
    db,
    actor.orgId,
    and(inArray(orgMembers.role, ["owner", "admin"]), eq(orgMembers.status, "active"))!,
  );
  return choices.sort((a, b) => a.name.localeCompare(b.name));
}

/** Whether the actor is the organisation's only active owner or admin. */
export async function isSoleAdmin(db: Db, actor: Actor): Promise<boolean> {
  if (actor.kind !== "user") return false;
  const [others] = await db
    .select({ n: count() })
    .from(orgMembers)
    .where(
      and(
        eq(orgMembers.orgId, actor.orgId),
        inArray(orgMembers.role, ["owner", "admin"]),
        eq(orgMembers.status, "active"),
        ne(orgMembers.id, actor.memberId),
      ),
    );
  return (others?.n ?? 0) === 0;
}

export interface DecisionRights {
  startedByMemberId: string | null;
  reviewerMemberId: string;
  /** The member whose access it is (none for a key assignment). */
  subjectMemberId: string | null;
  /** The actor is the only owner or admin: nobody else could decide their own access. */
  soleAdmin: boolean;
}

/**
 * Who decides an item: its group's reviewer, or the admin who started the review (stepping in
 * for an absent reviewer); never the person whose access it is. When those two are that person,
 * any other owner or admin decides, so that nobody signs off their own access. The one exception is
 * an organisation's only admin, who would otherwise leave the review unfinishable: their own
 * decisions are marked as such in the report.
 */
export function mayDecide(actor: Actor, item: DecisionRights): boolean {
  if (actor.kind !== "user" || actor.role === "member") return false;
  if (item.subjectMemberId === actor.memberId) return item.soleAdmin;
  if (actor.memberId === item.reviewerMemberId || actor.memberId === item.startedByMemberId)
    return true;
  const nobodyElse =
    item.subjectMemberId !== null &&
    item.subjectMemberId === item.reviewerMemberId &&
    (item.startedByMemberId === null || item.startedByMemberId === item.subjectMemberId);
  return nobodyElse;
}
