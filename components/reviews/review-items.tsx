"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { toast } from "sonner";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogTitle,
} from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Table, THead, Td, Th, Tr } from "@/components/ui/table";
import type { ActionResult } from "@/lib/action-result";
import { formatMicros } from "@/lib/money";
import type { ReviewItem } from "@/lib/reviews/queries";
import type { ApplyMode, DecideInput } from "@/lib/reviews/schemas";

interface ReviewItemsProps {
  reviewId: string;
  groupName: string;
  items: ReviewItem[];
  applyMode: ApplyMode;
  evidenceDays: number;
  viewerMemberId: string;
  decide: (input: DecideInput) => Promise<ActionResult<unknown>>;
}

const utcDay = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeZone: "UTC" });
const dayOf = (day: string) => utcDay.format(new Date(`${day}T00:00:00Z`));
const when = new Intl.DateTimeFormat("en-GB", {
  dateStyle: "medium",
  timeStyle: "short",
  timeZone: "UTC",
});

/** One group's items: evidence beside each, Keep and Remove (with an optional reason). */
export function ReviewItems({
  reviewId,
  groupName,
  items,
  applyMode,
  evidenceDays,
  viewerMemberId,
  decide,
}: ReviewItemsProps) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [removing, setRemoving] = useState<ReviewItem | null>(null);
  const [note, setNote] = useState("");
  const [changing, setChanging] = useState<Set<string>>(new Set());
  const run = (input: Omit<DecideInput, "reviewId">, done: string) =>
    startTransition(async () => {
      const result = await decide({ reviewId, ...input });
      if (!result.ok) return void toast.error(result.error);
      toast.success(done);
      setRemoving(null);
      setNote("");
      setChanging(new Set());
      router.refresh();
    });
  const undecided = items.filter((i) => i.decidable && !i.decision);

  return (
    <>
      <div className="flex flex-wrap items-center justify-between gap-2 border-b px-4 py-3">
        <p className="text-sm text-muted-foreground">
          Last use: the latest request with a key {groupName} grants. Spend: in {groupName}, over
          the last {evidenceDays} days, as of the review&apos;s start.
        </p>
        {undecided.length > 1 && (
          <Button
            size="sm"
            variant="outline"
            disabled={pending}
            onClick={() =>
              run(
                { itemIds: undecided.map((i) => i.id), decision: "keep" },
                `Kept the ${undecided.length} remaining in ${groupName}.`,
              )
            }
          >
            Keep the {undecided.length} remaining
          </Button>
        )}
      </div>
      <Table aria-label={`${groupName}: access to review`}>
        <THead>
          <tr>
            <Th>Who or what</Th>
            <Th>Last use</Th>
            <Th className="text-right">Spend</Th>
            <Th>Decision</Th>
          </tr>
        </THead>
        <tbody>
          {items.map((i) => {
            const label =
              i.kind === "membership"
                ? `${i.subjectName} in ${groupName}`
                : `${i.subjectName} given to ${groupName}`;
            const open = i.decidable && (!i.decision || changing.has(i.id));
            return (
              <Tr key={i.id}>
                <Td>
                  <span className="font-medium">{i.subjectName}</span>
                  {i.kind === "key_assignment" && (
                    <Badge variant="outline" className="ml-2">
                      API key
                    </Badge>
                  )}
                  <span className="block text-xs text-muted-foreground">{i.subjectDetail}</span>
                </Td>
                <Td className="whitespace-nowrap">
                  {i.lastUsedDay ? (
                    dayOf(i.lastUsedDay)
                  ) : (
                    <span className="text-muted-foreground">None in {evidenceDays} days</span>
                  )}
                </Td>
                <Td className="text-right tabular-nums">
                  {formatMicros(i.spendMicros, { precise: true })}
                </Td>
                <Td>
                  {i.decision && !open && (
                    <div className="flex flex-col gap-0.5">
                      <span className="flex items-center gap-2">
                        <Badge variant={i.decision === "keep" ? "success" : "destructive"}>
                          {i.decision === "keep" ? "Keep" : "Remove"}
                        </Badge>
                        {i.decision === "remove" && (
                          <span className="text-xs text-muted-foreground">
                            {i.outcome === "removed"
                              ? "Removed"
                              : i.outcome === "already gone"
                                ? "Was already gone"
                                : "At the end of the review"}
                          </span>
                        )}
                        {i.decidable && (
                          <button
                            type="button"
                            className="text-xs text-primary underline-offset-2 hover:underline"
                            onClick={() => setChanging(new Set(changing).add(i.id))}
                            aria-label={`Change the decision on ${label}`}
                          >
                            Change
                          </button>
                        )}
                      </span>
                      <span className="text-xs text-muted-foreground">
                        {i.decidedByName}, {when.format(i.decidedAt!)} UTC
                        {i.note && ` · “${i.note}”`}
                      </span>
                    </div>
                  )}
                  {open && (
                    <div className="flex gap-2">
                      <Button
                        size="sm"
                        variant="outline"
                        disabled={pending}
                        aria-label={`Keep ${label}`}
                        onClick={() => run({ itemIds: [i.id], decision: "keep" }, `Kept ${label}.`)}
                      >
                        Keep
                      </Button>
                      <Button
                        size="sm"
                        variant="destructive"
                        disabled={pending}
                        aria-label={`Remove ${label}`}
                        onClick={() => setRemoving(i)}
                      >
                        Remove
                      </Button>
                    </div>
                  )}
                  {!i.decision && !i.decidable && (
                    <span className="text-xs text-muted-foreground">
                      {i.memberId === viewerMemberId
                        ? "Your own access: another reviewer decides it"
                        : i.memberId === i.reviewerMemberId
                          ? "The reviewer's own: the review's starter decides it"
                          : `Waiting for ${i.reviewerName}`}
                    </span>
                  )}
                </Td>
              </Tr>
            );
          })}
        </tbody>
      </Table>
      <Dialog open={removing !== null} onOpenChange={(open) => !open && setRemoving(null)}>
        <DialogContent>
          <DialogTitle>
            {removing?.kind === "membership"
              ? `Remove ${removing.subjectName} from ${groupName}?`
              : `Take ${removing?.subjectName} away from ${groupName}?`}
          </DialogTitle>
          <DialogDescription>
            {applyMode === "as_decided"
              ? "This takes effect now, and is recorded in the audit log."
              : "This takes effect when the review is completed; until then you can change it."}
          </DialogDescription>
          <form
            className="flex flex-col gap-4"
            onSubmit={(e) => {
              e.preventDefault();
              if (removing)
                run(
                  { itemIds: [removing.id], decision: "remove", note },
                  applyMode === "as_decided"
                    ? `Removed ${removing.subjectName} from ${groupName}.`
                    : `${removing.subjectName} will be removed from ${groupName} at the end.`,
                );
            }}
          >
            <Field id="review-note" label="Reason (optional, in the report)">
              <Input
                id="review-note"
                value={note}
                maxLength={500}
                onChange={(e) => setNote(e.target.value)}
                placeholder="Changed teams in October"
              />
            </Field>
            <DialogFooter>
              <Button type="button" variant="outline" onClick={() => setRemoving(null)}>
                Cancel
              </Button>
              <Button type="submit" variant="destructive" disabled={pending}>
                Remove
              </Button>
            </DialogFooter>
          </form>
        </DialogContent>
      </Dialog>
    </>
  );
}
