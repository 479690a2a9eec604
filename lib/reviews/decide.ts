import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/connect";
import { queryRows, uuidArray } from "@/db/rows";
import { accessReviewGroups, accessReviewItems } from "@/db/schema";
import { audit } from "@/lib/audit/record";
import { type Actor, assertCan } from "@/lib/auth/actor";
import { Conflict, Forbidden, Invalid, NotFound } from "@/lib/errors";
import { type RemovalItem, applyRemovals } from "./apply";
import { requireReview } from "./lookup";
import { isSoleAdmin, mayDecide, requireReviewer } from "./reviewers";
import { type DecideInput, decideInput, reviewerInput } from "./schemas";

interface ItemRecord extends RemovalItem {
  groupName: string;
  subjectName: string;
  reviewerMemberId: string;
  applied: boolean;
  directoryLinked: boolean;
}

/**
 * Records the actor's decision on items of an open review (one, or "keep the rest"). Each item is
 * decided by its group's reviewer or the review's starter, never by the person it is about. In a
 * review that applies as decided, a removal takes effect in the same transaction; a decision may
 * change until its removal has taken effect.
 */
export async function decideReviewItems(db: Db, actor: Actor, raw: DecideInput, now = new Date()) {
  assertCan(actor, "org:manage");
  const input = decideInput.parse(raw);
  return db.transaction(async (tx) => {
    const review = await requireReview(tx, actor.orgId, input.reviewId, { open: true });
    const org = sql`${actor.orgId}::uuid`;
    const items = await queryRows<ItemRecord>(
      tx,
      sql`select i.id, i.group_id as "groupId", i.kind, i.member_id as "memberId", i.key_id as "keyId",
            rg.group_name as "groupName", i.subject_name as "subjectName",
            rg.reviewer_member_id as "reviewerMemberId", i.applied_at is not null as applied,
            coalesce(g.directory_linked_at is not null, false) as "directoryLinked"
          from access_review_items i
          join access_review_groups rg on rg.org_id = i.org_id and rg.review_id = i.review_id and rg.group_id = i.group_id
          left join groups g on g.org_id = i.org_id and g.id = i.group_id
          where i.org_id = ${org} and i.review_id = ${review.id}::uuid and i.id = any(${uuidArray(input.itemIds)})
          for update of i`,
    );
    if (items.length !== new Set(input.itemIds).size) throw new NotFound("The review item");
    const soleAdmin = await isSoleAdmin(tx, actor);
    const own = (i: { memberId: string | null }) =>
      actor.kind === "user" && i.memberId === actor.memberId;
    for (const item of items) {
      const rights = {
        startedByMemberId: review.startedByMemberId,
        reviewerMemberId: item.reviewerMemberId,
        subjectMemberId: item.memberId,
        soleAdmin,
      };
      if (!mayDecide(actor, rights))
        throw new Forbidden(
          own(item)
            ? "Nobody decides on their own access: another reviewer decides yours."
            : `Only ${item.groupName}'s reviewer or the admin who started the review decides on it.`,
        );
      if (item.applied)
        throw new Conflict(
          `${item.subjectName} was already removed from ${item.groupName} by this review: add them back by hand if that was wrong.`,
        );
      if (input.decision === "remove" && item.kind === "membership" && item.directoryLinked)
        throw new Invalid(
          `${item.groupName}'s members come from your identity provider (directory sync): remove ${item.subjectName} there, and keep them here.`,
        );
    }
    // Someone deciding on their own access (only ever the sole admin) is named as such.
    for (const [ids, name] of [
      [items.filter((i) => !own(i)).map((i) => i.id), actor.label],
      [items.filter(own).map((i) => i.id), `${actor.label} (own access, the only admin)`],
    ] as const)
      if (ids.length)
        await tx
          .update(accessReviewItems)
          .set({
            decision: input.decision,
            note: input.note,
            decidedBy: actor.kind === "user" ? actor.userId : null,
            decidedByName: name,
            decidedAt: now,
          })
          .where(
            and(
              eq(accessReviewItems.orgId, actor.orgId),
              sql`${accessReviewItems.id} = any(${uuidArray(ids)})`,
            ),
          );
    if (review.applyMode === "as_decided" && input.decision === "remove")
      await applyRemovals(tx, actor, items, now);
    await audit(
      tx,
      actor,
      "access_review.decided",
      { type: "access_review", id: review.id },
      {
        after: {
          review: review.name,
          decision: input.decision,
          note: input.note || undefined,
          items: items.map((i) => `${i.groupName}: ${i.subjectName}`),
        },
      },
    );
    return { decided: items.length };
  });
}

/** Hands a group of an open review to another reviewer (an active owner or admin). */
export async function setGroupReviewer(
  db: Db,
  actor: Actor,
  raw: { reviewId: string; groupId: string; reviewerMemberId: string },
) {
  assertCan(actor, "org:manage");
  const input = reviewerInput.parse(raw);
  return db.transaction(async (tx) => {
    const review = await requireReview(tx, actor.orgId, input.reviewId, { open: true });
    const reviewer = await requireReviewer(tx, actor.orgId, input.reviewerMemberId);
    const [before] = await tx
      .select()
      .from(accessReviewGroups)
      .where(
        and(
          eq(accessReviewGroups.orgId, actor.orgId),
          eq(accessReviewGroups.reviewId, review.id),
          eq(accessReviewGroups.groupId, input.groupId),
        ),
      );
    if (!before) throw new NotFound("The group in this review");
    await tx
      .update(accessReviewGroups)
      .set({ reviewerMemberId: reviewer.id, reviewerName: reviewer.name })
      .where(
        and(
          eq(accessReviewGroups.orgId, actor.orgId),
          eq(accessReviewGroups.reviewId, review.id),
          eq(accessReviewGroups.groupId, input.groupId),
        ),
      );
    await audit(
      tx,
      actor,
      "access_review.reviewer_changed",
      { type: "access_review", id: review.id },
      {
        before: { group: before.groupName, reviewer: before.reviewerName },
        after: { group: before.groupName, reviewer: reviewer.name },
      },
    );
    return { reviewer: reviewer.name };
  });
}
