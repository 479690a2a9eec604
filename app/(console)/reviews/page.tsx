import type { Metadata } from "next";
import Link from "next/link";
import { requireConsole } from "@/app/_server/session";
import { AdminOnly } from "@/components/layout/admin-only";
import { PageHeader } from "@/components/layout/page-header";
import { ReviewProgress } from "@/components/reviews/review-progress";
import { STATUS_LABEL, dayIn, dueDay } from "@/components/reviews/review-format";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Table, THead, Td, Th, Tr } from "@/components/ui/table";
import { getDb } from "@/db/client";
import { orgTimeZone } from "@/lib/orgs/time-zone";
import { listAccessReviews } from "@/lib/reviews/queries";

export const metadata: Metadata = { title: "Access reviews · Gatehouse" };

export default async function ReviewsPage() {
  const { actor } = await requireConsole();
  if (actor.role === "member") return <AdminOnly what="Access reviews" />;
  const db = await getDb();
  const [reviews, timeZone] = await Promise.all([
    listAccessReviews(db, actor),
    orgTimeZone(db, actor.orgId),
  ]);
  const now = new Date();
  return (
    <>
      <PageHeader
        title="Access reviews"
        description="Ask reviewers to confirm or remove each person's membership of your groups (and the keys groups are given) by a due date. A finished review is the report auditors ask for (SOC 2 user access reviews)."
        actions={
          <Button asChild>
            <Link href="/reviews/new">Start a review</Link>
          </Button>
        }
      />
      <Card className="overflow-x-auto">
        <Table aria-label="Access reviews">
          <THead>
            <tr>
              <Th>Review</Th>
              <Th>Status</Th>
              <Th>Due</Th>
              <Th>Progress</Th>
              <Th className="text-right">Removals</Th>
              <Th>Started</Th>
            </tr>
          </THead>
          <tbody>
            {reviews.map((r) => (
              <Tr key={r.id}>
                <Td>
                  <Link href={`/reviews/${r.id}`} className="font-medium hover:underline">
                    {r.name}
                  </Link>
                  <span className="block text-xs text-muted-foreground">
                    {r.groups} {r.groups === 1 ? "group" : "groups"}
                  </span>
                </Td>
                <Td>
                  <Badge
                    variant={
                      r.status === "completed"
                        ? "success"
                        : r.status === "cancelled"
                          ? "outline"
                          : r.dueAt <= now
                            ? "destructive"
                            : "default"
                    }
                  >
                    {r.status === "open" && r.dueAt <= now ? "Overdue" : STATUS_LABEL[r.status]}
                  </Badge>
                </Td>
                <Td className="whitespace-nowrap">{dueDay(r.dueAt, timeZone)}</Td>
                <Td className="min-w-40">
                  <ReviewProgress items={r.items} decided={r.decided} />
                </Td>
                <Td className="text-right tabular-nums">{r.removals}</Td>
                <Td className="text-muted-foreground">
                  {r.startedByName}, {dayIn(r.createdAt, timeZone)}
                </Td>
              </Tr>
            ))}
            {!reviews.length && (
              <tr>
                <Td colSpan={6} className="py-10 text-center text-muted-foreground">
                  No access reviews yet. Start one to have each group&apos;s memberships confirmed
                  or removed by a reviewer, with each person&apos;s last use and spend beside them.
                </Td>
              </tr>
            )}
          </tbody>
        </Table>
      </Card>
    </>
  );
}
