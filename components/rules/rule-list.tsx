"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogTitle,
} from "@/components/ui/dialog";
import type { ActionResult } from "@/lib/action-result";
import { RULE_ATTRIBUTE_NOUNS } from "@/lib/rules/attributes";
import type { RuleSummary } from "@/lib/rules/queries";

interface RuleListProps {
  rules: RuleSummary[];
  remove: (input: { ruleId: string }) => Promise<ActionResult<{ membershipsKept: number }>>;
}

/** The rules, in the order they claim a membership, each with what it does and Delete. */
export function RuleList({ rules, remove }: RuleListProps) {
  const router = useRouter();
  const [deleting, setDeleting] = useState<RuleSummary | null>(null);
  const [pending, startTransition] = useTransition();
  if (!rules.length)
    return (
      <Card className="p-8 text-center text-sm text-muted-foreground">
        No rules yet. Default groups (a group&apos;s settings) take everyone; a rule takes the
        people whose email domain, directory attributes or sign-in groups match.
      </Card>
    );
  return (
    <>
      <ul className="flex flex-col gap-3" aria-label="Rules">
        {rules.map((r) => (
          <li key={r.id}>
            <Card className="flex flex-wrap items-center gap-4 p-4">
              <div className="min-w-0 flex-1">
                <h3 className="text-sm font-semibold">{r.name}</h3>
                <p className="mt-1 text-sm text-muted-foreground">
                  When {RULE_ATTRIBUTE_NOUNS[r.attribute]} is{" "}
                  {r.values.map((v) => `“${v}”`).join(" or ")}, add to{" "}
                  {r.groups.map((g) => g.name).join(", ") || "groups since deleted"}.
                </p>
                <p className="mt-1 text-xs text-muted-foreground">
                  {r.memberships} {r.memberships === 1 ? "membership" : "memberships"} made by it
                  now
                </p>
              </div>
              <Button
                size="sm"
                variant="outline"
                aria-label={`Delete the rule ${r.name}`}
                onClick={() => setDeleting(r)}
              >
                Delete
              </Button>
            </Card>
          </li>
        ))}
      </ul>
      <Dialog open={deleting !== null} onOpenChange={(open) => !open && setDeleting(null)}>
        <DialogContent>
          <DialogTitle>Delete the rule {deleting?.name}?</DialogTitle>
          <DialogDescription>
            It adds no one from now on. The {deleting?.memberships} memberships it made stay, as if
            made by hand: remove them from the groups if they should go.
          </DialogDescription>
          <DialogFooter>
            <Button variant="outline" onClick={() => setDeleting(null)}>
              Keep it
            </Button>
            <Button
              variant="destructive"
              disabled={pending}
              onClick={() =>
                startTransition(async () => {
                  const result = await remove({ ruleId: deleting!.id });
                  if (!result.ok) return void toast.error(result.error);
                  toast.success(`Deleted ${deleting!.name}.`);
                  setDeleting(null);
                  router.refresh();
                })
              }
            >
              Delete rule
            </Button>
          </DialogFooter>
        </DialogContent>
      </Dialog>
    </>
  );
}
