import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/connect";
import { accessReviews } from "@/db/schema";
import { Conflict, NotFound } from "@/lib/errors";

export type AccessReview = typeof accessReviews.$inferSelect;

/** The organisation's review, locked for the rest of the transaction; with `open`, only while open. */
export async function requireReview(
  tx: Db,
  orgId: string,
  reviewId: string,
  options: { open?: boolean } = {},
): Promise<AccessReview> {
  const [review] = await tx
    .select()
    .from(accessReviews)
    .where(and(eq(accessReviews.orgId, orgId), eq(accessReviews.id, reviewId)))
    .for("update");
  if (!review) throw new NotFound("The access review");
  if (options.open && review.status !== "open")
    throw new Conflict(`${review.name} is ${review.status}: its decisions can no longer change.`);
  return review;
}
