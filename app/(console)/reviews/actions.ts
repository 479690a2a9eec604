"use server";

import { action } from "@/app/_server/action";
import { decideReviewItems, setGroupReviewer } from "@/lib/reviews/decide";
import { cancelAccessReview, completeAccessReview } from "@/lib/reviews/finish";
import type { DecideInput, StartReviewInput } from "@/lib/reviews/schemas";
import { startAccessReview } from "@/lib/reviews/start";

// Access reviews change memberships and key assignments: every page that shows them is revalidated.
const revalidate = ["/reviews", "/groups", "/members", "/keys", "/alerts"];

export const startAccessReviewAction = action(
  "startAccessReview",
  (input: StartReviewInput, actor, db) => startAccessReview(db, actor, input),
  { revalidate: ["/reviews"] },
);

export const decideReviewItemsAction = action(
  "decideReviewItems",
  (input: DecideInput, actor, db) => decideReviewItems(db, actor, input),
  { revalidate },
);

export const setGroupReviewerAction = action(
  "setGroupReviewer",
  (input: { reviewId: string; groupId: string; reviewerMemberId: string }, actor, db) =>
    setGroupReviewer(db, actor, input),
  { revalidate: ["/reviews"] },
);

export const completeAccessReviewAction = action(
  "completeAccessReview",
  (input: { reviewId: string }, actor, db) => completeAccessReview(db, actor, input),
  { revalidate },
);

export const cancelAccessReviewAction = action(
  "cancelAccessReview",
  (input: { reviewId: string }, actor, db) => cancelAccessReview(db, actor, input),
  { revalidate: ["/reviews", "/alerts"] },
);
