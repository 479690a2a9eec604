"use client";

import { useRouter } from "next/navigation";
import { useTransition } from "react";
import { toast } from "sonner";
import type { ActionResult } from "@/lib/action-result";

interface GroupReviewerProps {
  reviewId: string;
  groupId: string;
  groupName: string;
  reviewerMemberId: string;
  reviewers: { id: string; name: string }[];
  setReviewer: (input: {
    reviewId: string;
    groupId: string;
    reviewerMemberId: string;
  }) => Promise<ActionResult<{ reviewer: string }>>;
}

/** Hands one group of an open review to another reviewer. */
export function GroupReviewer({
  reviewId,
  groupId,
  groupName,
  reviewerMemberId,
  reviewers,
  setReviewer,
}: GroupReviewerProps) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  return (
    <label className="flex items-center gap-2 text-sm">
      <span className="text-muted-foreground">Reviewer</span>
      <select
        className="h-8 rounded-md border border-input bg-card px-2 text-sm"
        value={reviewerMemberId}
        disabled={pending}
        aria-label={`Reviewer of ${groupName}`}
        onChange={(e) => {
          const next = e.target.value;
          startTransition(async () => {
            const result = await setReviewer({ reviewId, groupId, reviewerMemberId: next });
            if (!result.ok) return void toast.error(result.error);
            toast.success(`${result.data.reviewer} now reviews ${groupName}.`);
            router.refresh();
          });
        }}
      >
        {reviewers.map((r) => (
          <option key={r.id} value={r.id}>
            {r.name}
          </option>
        ))}
      </select>
    </label>
  );
}
