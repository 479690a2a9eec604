import { Download } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { requireConsole } from "@/app/_server/session";
import { AdminOnly } from "@/components/layout/admin-only";
import { IgnoredParams } from "@/components/layout/ignored-params";
import { PageHeader } from "@/components/layout/page-header";
import { GroupReviewer } from "@/components/reviews/group-reviewer";
import { ReviewActions } from "@/components/reviews/review-actions";
import { STATUS_LABEL, dayIn, dueDay } from "@/components/reviews/review-format";
import { ReviewItems } from "@/components/reviews/review-items";
import { ReviewProgress } from "@/components/reviews/review-progress";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { getDb } from "@/db/client";
import { NotFound } from "@/lib/errors";
import { orgTimeZone } from "@/lib/orgs/time-zone";
import { getAccessReview, reviewItems } from "@/lib/reviews/queries";
import { reviewerChoices } from "@/lib/reviews/reviewers";
import { EVIDENCE_DAYS } from "@/lib/reviews/start";
import { type SearchParams, parseSearchParams } from "@/lib/search-params";
import { cn } from "@/lib/utils";
import {
  cancelAccessReviewAction,
  completeAccessReviewAction,
  decideReviewItemsAction,
  setGroupReviewerAction,
} from "../actions";

export const metadata: Metadata = { title: "Access review · Gatehouse" };

const query = z.object({ group: z.uuid().optional() });

interface ReviewPageProps {
  params: Promise<{ id: string }>;
  searchParams: Promise<SearchParams>;
}

export default async function ReviewPage({ params, searchParams }: ReviewPageProps) {
  const { actor } = await requireConsole();
  if (actor.role === "member") return <AdminOnly what="Access reviews" />;
  const db = await getDb();
  const { id } = await params;
  const { query: q, ignored } = parseSearchParams(query, await searchParams);
  const [{ review, groups }, timeZone, reviewers] = await Promise.all([
    getAccessReview(db, actor, id).catch((error: unknown) => {
      if (error instanceof NotFound) notFound();
      throw error;
    }),
    orgTimeZone(db, actor.orgId),
    reviewerChoices(db, actor).then((all) => all.map((r) => ({ id: r.id, name: r.name }))),
  ]);
  const asked = groups.find((g) => g.groupId === q.group);
  const selected = asked ?? groups.find((g) => g.mine > 0) ?? groups[0];
  const { items, more } = selected
    ? await reviewItems(db, actor, review.id, { groupId: selected.groupId })
    : { items: [], more: false };
  const open = review.status === "open";
  const overdue = open && review.dueAt <= new Date();
  const mine = groups.reduce((n, g) => n + g.mine, 0);
  const mode =
    review.applyMode === "at_end"
      ? "Removals take effect when the review is completed."
      : "Removals take effect as they are decided.";

  return (
    <>
      <PageHeader
        title={review.name}
        description={
          <>
            <Badge
              variant={
                review.status === "completed" ? "success" : overdue ? "destructive" : "default"
              }
              className="mr-2"
            >
              {overdue ? "Overdue" : STATUS_LABEL[review.status]}
            </Badge>
            Due {dueDay(review.dueAt, timeZone)} · started by {review.startedByName} on{" "}
            {dayIn(review.createdAt, timeZone)}
            {review.endedAt &&
              ` · ${review.status} by ${review.endedByName} on ${dayIn(review.endedAt, timeZone)}`}
            {open && ` · ${mode}`}
          </>
        }
        actions={
          <div className="flex flex-wrap gap-2">
            <Button variant="outline" asChild>
              <a href={`/reviews/${review.id}/report`} download>
                <Download aria-hidden />
                Download report (CSV)
              </a>
            </Button>
            {open && (
              <ReviewActions
                reviewId={review.id}
                name={review.name}
                undecided={review.items - review.decided}
                pendingRemovals={review.applyMode === "at_end" ? review.removals : 0}
                applyMode={review.applyMode}
                complete={completeAccessReviewAction}
                cancel={cancelAccessReviewAction}
              />
            )}
          </div>
        }
      />
      <IgnoredParams names={q.group && !asked ? [...ignored, "group"] : ignored} />
      <div className="mb-4 grid gap-3 sm:grid-cols-3">
        <Card className="p-4">
          <ReviewProgress items={review.items} decided={review.decided} />
        </Card>
        <Card className="p-4 text-sm">
          <span className="block text-xs text-muted-foreground">Removals decided</span>
          <span className="text-lg font-semibold tabular-nums">{review.removals}</span>
        </Card>
        <Card className="p-4 text-sm">
          <span className="block text-xs text-muted-foreground">Waiting for you</span>
          <span className="text-lg font-semibold tabular-nums">{mine}</span>
        </Card>
      </div>
      {!open && (
        <Alert className="mb-4">
          This review is {review.status}: it is now its report. Download it as CSV for your
          auditors; the audit log holds each decision and removal too.
        </Alert>
      )}
      <div className="grid gap-4 lg:grid-cols-[16rem_1fr]">
        <nav aria-label="Groups in this review">
          <ul className="flex flex-col gap-1">
            {groups.map((g) => (
              <li key={g.groupId}>
                <Link
                  href={`/reviews/${review.id}?group=${g.groupId}`}
                  aria-current={g.groupId === selected?.groupId ? "page" : undefined}
                  className={cn(
                    "flex flex-col gap-1 rounded-md px-3 py-2 text-sm hover:bg-accent",
                    g.groupId === selected?.groupId && "bg-accent",
                  )}
                >
                  <span className="flex items-center justify-between gap-2">
                    <span className="truncate font-medium">{g.groupName}</span>
                    {g.mine > 0 && <Badge>{g.mine} for you</Badge>}
                  </span>
                  <span className="text-xs text-muted-foreground">
                    {g.reviewerName} · {g.decided}/{g.items}
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        {selected && (
          <Card className="min-w-0 overflow-x-auto">
            <div className="flex flex-wrap items-center justify-between gap-2 border-b px-4 py-3">
              <h2 className="text-base font-semibold">
                <Link href={`/groups/${selected.groupId}`} className="hover:underline">
                  {selected.groupName}
                </Link>
              </h2>
              {open ? (
                <GroupReviewer
                  reviewId={review.id}
                  groupId={selected.groupId}
                  groupName={selected.groupName}
                  reviewerMemberId={selected.reviewerMemberId}
                  reviewers={
                    reviewers.some((r) => r.id === selected.reviewerMemberId)
                      ? reviewers
                      : [
                          { id: selected.reviewerMemberId, name: selected.reviewerName },
                          ...reviewers,
                        ]
                  }
                  setReviewer={setGroupReviewerAction}
                />
              ) : (
                <span className="text-sm text-muted-foreground">
                  Reviewed by {selected.reviewerName}
                </span>
              )}
            </div>
            {items.length ? (
              <ReviewItems
                reviewId={review.id}
                groupName={selected.groupName}
                items={items}
                applyMode={review.applyMode}
                evidenceDays={EVIDENCE_DAYS}
                viewerMemberId={actor.memberId}
                decide={decideReviewItemsAction}
              />
            ) : (
              <p className="p-6 text-sm text-muted-foreground">
                {selected.groupName} had no direct members or keys when the review started.
              </p>
            )}
            {more && (
              <p className="border-t px-4 py-3 text-sm text-muted-foreground">
                The first 500 are shown, undecided first: decide them to see the rest.
              </p>
            )}
          </Card>
        )}
      </div>
    </>
  );
}
