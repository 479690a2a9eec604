"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogTitle,
} from "@/components/ui/dialog";
import type { ActionResult } from "@/lib/action-result";
import type { ApplyMode } from "@/lib/reviews/schemas";

interface ReviewActionsProps {
  reviewId: string;
  name: string;
  undecided: number;
  pendingRemovals: number;
  applyMode: ApplyMode;
  complete: (input: {
    reviewId: string;
  }) => Promise<ActionResult<{ kept: number; removed: number }>>;
  cancel: (input: { reviewId: string }) => Promise<ActionResult<unknown>>;
}

/** Complete (applying what waits for the end) or cancel an open review, each confirmed. */
export function ReviewActions({
  reviewId,
  name,
  undecided,
  pendingRemovals,
  applyMode,
  complete,
  cancel,
}: ReviewActionsProps) {
  const router = useRouter();
  const [asking, setAsking] = useState<"complete" | "cancel" | null>(null);
  const [pending, startTransition] = useTransition();
  const run = (call: () => Promise<ActionResult<unknown>>, done: string) =>
    startTransition(async () => {
      const result = await call();
      if (!result.ok) return void toast.error(result.error);
      toast.success(done);
      setAsking(null);
      router.refresh();
    });
  return (
    <>
      <Button
        onClick={() => setAsking("complete")}
        disabled={undecided > 0}
        title={undecided ? `${undecided} still undecided` : undefined}
      >
        Complete review
      </Button>
      <Button variant="outline" onClick={() => setAsking("cancel")}>
        Cancel review
      </Button>
      <Dialog open={asking !== null} onOpenChange={(open) => !open && setAsking(null)}>
        <DialogContent>
          <DialogTitle>
            {asking === "complete" ? `Complete ${name}?` : `Cancel ${name}?`}
          </DialogTitle>
          <DialogDescription>
            {asking === "complete"
              ? applyMode === "at_end" && pendingRemovals
                ? `${pendingRemovals} ${pendingRemovals === 1 ? "removal takes" : "removals take"} effect now, in one step, and the review becomes its report.`
                : "No decision can change after this; the review becomes its report."
              : applyMode === "at_end" && pendingRemovals
                ? `The ${pendingRemovals} ${pendingRemovals === 1 ? "removal" : "removals"} decided will not be made. Decisions so far stay in the report.`
                : "Decisions so far stay in the report; removals already made stay made."}
          </DialogDescription>
          <DialogFooter>
            <Button variant="outline" onClick={() => setAsking(null)}>
              Back
            </Button>
            {asking === "complete" ? (
              <Button
                disabled={pending}
                onClick={() => run(() => complete({ reviewId }), `${name} is complete.`)}
              >
                Complete review
              </Button>
            ) : (
              <Button
                variant="destructive"
                disabled={pending}
                onClick={() => run(() => cancel({ reviewId }), `${name} is cancelled.`)}
              >
                Cancel review
              </Button>
            )}
          </DialogFooter>
        </DialogContent>
      </Dialog>
    </>
  );
}
