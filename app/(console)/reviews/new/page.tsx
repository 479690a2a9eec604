import type { Metadata } from "next";
import { requireConsole } from "@/app/_server/session";
import { AdminOnly } from "@/components/layout/admin-only";
import { PageHeader } from "@/components/layout/page-header";
import { StartReviewForm } from "@/components/reviews/start-review-form";
import { getDb } from "@/db/client";
import { listGroupsWithCounts } from "@/lib/groups/queries";
import { reviewerChoices } from "@/lib/reviews/reviewers";
import { EVIDENCE_DAYS } from "@/lib/reviews/start";
import { startAccessReviewAction } from "../actions";

export const metadata: Metadata = { title: "Start an access review · Gatehouse" };

const quarter = (at: Date) => `Q${Math.floor(at.getUTCMonth() / 3) + 1} ${at.getUTCFullYear()}`;

export default async function NewReviewPage() {
  const { actor } = await requireConsole();
  if (actor.role === "member") return <AdminOnly what="Access reviews" />;
  const db = await getDb();
  const [groups, reviewers] = await Promise.all([
    listGroupsWithCounts(db, actor),
    reviewerChoices(db, actor),
  ]);
  const now = new Date();
  return (
    <>
      <PageHeader
        title="Start an access review"
        description={`Each direct membership of the groups (and each key they are given) becomes an item its reviewer keeps or removes, shown with the person's last use of the group's keys and their spend in it over the last ${EVIDENCE_DAYS} days. Nobody decides on their own access.`}
      />
      <StartReviewForm
        groups={groups
          .filter((g) => !g.archivedAt)
          .map((g) => ({ id: g.id, name: g.name, directMembers: g.directMembers }))}
        reviewers={reviewers.map((r) => ({ id: r.id, name: r.name, email: r.email }))}
        defaults={{
          name: `Access review ${quarter(now)}`,
          dueOn: new Date(now.getTime() + 14 * 86_400_000).toISOString().slice(0, 10),
          reviewerMemberId: actor.memberId,
        }}
        start={startAccessReviewAction}
      />
    </>
  );
}
