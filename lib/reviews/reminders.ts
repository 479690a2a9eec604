import { sql } from "drizzle-orm";
import type { Db } from "@/db/connect";
import { queryRows } from "@/db/rows";
import { enqueueWebhookEvent } from "@/lib/webhooks/enqueue";

/**
 * Reminds of every open review that has reached its due date, once: the bell shows it (Alerts)
 * and subscribed webhooks receive `access_review.due` with what is still undecided and by whom.
 * One statement marks them, so instances sweeping at once remind each review only once.
 */
export async function remindDueAccessReviews(db: Db, now = new Date()) {
  return db.transaction(async (tx) => {
    const due = await queryRows<{ id: string; org_id: string; name: string; due_at: string }>(
      tx,
      sql`update access_reviews set reminded_at = ${now.toISOString()}::timestamptz
          where status = 'open' and reminded_at is null and due_at <= ${now.toISOString()}::timestamptz
          returning id, org_id, name, due_at`,
    );
    for (const review of due) {
      const reviewers = await queryRows<{ reviewer: string; undecided: string; items: string }>(
        tx,
        sql`select rg.reviewer_name as reviewer, count(i.id) filter (where i.decision is null) as undecided,
              count(i.id) as items
            from access_review_groups rg
            left join access_review_items i on i.org_id = rg.org_id and i.review_id = rg.review_id and i.group_id = rg.group_id
            where rg.org_id = ${review.org_id}::uuid and rg.review_id = ${review.id}::uuid
            group by rg.reviewer_name order by rg.reviewer_name`,
      );
      await enqueueWebhookEvent(tx, review.org_id, {
        type: "access_review.due",
        data: {
          reviewId: review.id,
          name: review.name,
          dueAt: new Date(review.due_at).toISOString(),
          items: reviewers.reduce((n, r) => n + Number(r.items), 0),
          undecided: reviewers.reduce((n, r) => n + Number(r.undecided), 0),
          reviewers: reviewers
            .filter((r) => Number(r.undecided) > 0)
            .map((r) => ({ name: r.reviewer, undecided: Number(r.undecided) })),
        },
      });
    }
    return due.map((r) => r.id);
  });
}
