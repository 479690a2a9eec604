import type { Db } from "@/db/connect";
import type { Actor } from "@/lib/auth/actor";
import { toCsv } from "@/lib/csv";
import { MICROS_PER_DOLLAR } from "@/lib/money";
import { getAccessReview, reviewItems } from "./queries";

const HEADER = [
  "Review",
  "Status",
  "Group",
  "Reviewer",
  "Kind",
  "Subject",
  "Email or key prefix",
  "Last use (UTC day)",
  "Spend in last 90 days (USD)",
  "Decision",
  "Note",
  "Decided by",
  "Decided at (UTC)",
  "Removal took effect (UTC)",
  "Outcome",
];

/**
 * A review as auditors ask for it (SOC 2 user access review): every item with who decided what
 * and when, and when a removal took effect. Any state: an open review exports its progress.
 */
export async function accessReviewReport(db: Db, actor: Actor, reviewId: string) {
  const { review } = await getAccessReview(db, actor, reviewId);
  const { items } = await reviewItems(db, actor, review.id, { all: true });
  const csv = toCsv(
    HEADER,
    items.map((i) => [
      review.name,
      review.status,
      i.groupName,
      i.reviewerName,
      i.kind === "membership" ? "Membership" : "Key assignment",
      i.subjectName,
      i.subjectDetail,
      i.lastUsedDay,
      i.spendMicros / MICROS_PER_DOLLAR,
      i.decision,
      i.note,
      i.decidedByName,
      i.decidedAt?.toISOString() ?? null,
      i.appliedAt?.toISOString() ?? null,
      i.outcome,
    ]),
  );
  return { review, csv };
}
