import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/connect";
import { queryRows } from "@/db/rows";
import { accessReviews } from "@/db/schema";
import { audit } from "@/lib/audit/record";
import { type Actor, assertCan } from "@/lib/auth/actor";
import { Invalid } from "@/lib/errors";
import { type RemovalItem, applyRemovals } from "./apply";
import { requireReview } from "./lookup";
import { reviewRef } from "./schemas";

/**
 * Ends a review once every item is decided: in a review that applies at the end, every removal
 * takes effect now, by the actor's hand, in this one transaction. The review is then its report.
 */
export async function completeAccessReview(
  db: Db,
  actor: Actor,
  raw: { reviewId: string },
  now = new Date(),
) {
  assertCan(actor, "org:manage");
  const { reviewId } = reviewRef.parse(raw);
  return db.transaction(async (tx) => {
    const review = await requireReview(tx, actor.orgId, reviewId, { open: true });
    const items = await queryRows<
      RemovalItem & { decision: "keep" | "remove" | null; applied: boolean }
    >(
      tx,
      sql`select id, group_id as "groupId", kind, member_id as "memberId", key_id as "keyId", decision,
            applied_at is not null as applied
          from access_review_items where org_id = ${actor.orgId}::uuid and review_id = ${review.id}::uuid`,
    );
    const undecided = items.filter((i) => i.decision === null).length;
    if (undecided)
      throw new Invalid(
        `${undecided} ${undecided === 1 ? "item is" : "items are"} still undecided: decide ${undecided === 1 ? "it" : "them"} first, or cancel the review.`,
      );
    const removals = items.filter((i) => i.decision === "remove" && !i.applied);
    await applyRemovals(tx, actor, removals, now);
    await endReview(tx, actor, review.id, "completed", now);
    const removed = items.filter((i) => i.decision === "remove").length;
    await audit(
      tx,
      actor,
      "access_review.completed",
      { type: "access_review", id: review.id },
      { after: { name: review.name, kept: items.length - removed, removed } },
    );
    return { kept: items.length - removed, removed };
  });
}

/** Abandons an open review: removals already made stay; those waiting for the end are not made. */
export async function cancelAccessReview(
  db: Db,
  actor: Actor,
  raw: { reviewId: string },
  now = new Date(),
) {
  assertCan(actor, "org:manage");
  const { reviewId } = reviewRef.parse(raw);
  return db.transaction(async (tx) => {
    const review = await requireReview(tx, actor.orgId, reviewId, { open: true });
    await endReview(tx, actor, review.id, "cancelled", now);
    await audit(
      tx,
      actor,
      "access_review.cancelled",
      { type: "access_review", id: review.id },
      { after: { name: review.name } },
    );
    return { cancelled: true };
  });
}

async function endReview(
  tx: Db,
  actor: Actor,
  reviewId: string,
  status: "completed" | "cancelled",
  now: Date,
) {
  await tx
    .update(accessReviews)
    .set({ status, endedAt: now, endedByName: actor.label })
    .where(and(eq(accessReviews.orgId, actor.orgId), eq(accessReviews.id, reviewId)));
}
