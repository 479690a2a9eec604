"use client";

import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogTitle,
} from "@/components/ui/dialog";

interface KeepOutDialogProps {
  /** The rule-made memberships about to end; null while nothing is asked. */
  people: { name: string; ruleName: string | null }[] | null;
  groupName: string;
  /** "Remove" or "Move", as the buttons say it. */
  verb: "Remove" | "Move";
  onChoose: (keepOutOfRules: boolean) => void;
  onCancel: () => void;
}

/** Asked when a change by hand ends memberships an auto-assign rule made (lib/rules). */
export function KeepOutDialog({ people, groupName, verb, onChoose, onCancel }: KeepOutDialogProps) {
  return (
    <Dialog open={people !== null} onOpenChange={(open) => !open && onCancel()}>
      <DialogContent>
        <DialogTitle>Keep the rules from adding them back?</DialogTitle>
        <DialogDescription>
          {people?.map((m) => (m.ruleName ? `${m.name} (${m.ruleName})` : m.name)).join(", ")}{" "}
          {people?.length === 1 ? "was" : "were"} added to {groupName} by a rule, which would add
          them again the next time their attributes change. Keeping them out lasts until someone
          adds them to {groupName} by hand.
        </DialogDescription>
        <DialogFooter>
          <Button variant="ghost" onClick={onCancel}>
            Cancel
          </Button>
          <Button variant="outline" onClick={() => onChoose(false)}>
            Just {verb.toLowerCase()}
          </Button>
          <Button variant="destructive" onClick={() => onChoose(true)}>
            {verb} and keep out
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
