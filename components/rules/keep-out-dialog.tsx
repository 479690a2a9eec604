"use client";

import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogTitle,
} from "@/components/ui/dialog";

export interface KeepOutQuestion {
  /** The rule-made memberships about to end. */
  people: { name: string; ruleName: string | null }[];
  groupName: string;
  /** "Remove" or "Move", as the buttons say it. */
  verb: "Remove" | "Move";
}

interface KeepOutDialogProps {
  /** What is asked; null while nothing is. */
  asking: KeepOutQuestion | null;
  onChoose: (keepOutOfRules: boolean) => void;
  onCancel: () => void;
}

/** Asked when a change by hand ends memberships an auto-assign rule made (lib/rules). */
export function KeepOutDialog({ asking, onChoose, onCancel }: KeepOutDialogProps) {
  return (
    <Dialog open={asking !== null} onOpenChange={(open) => !open && onCancel()}>
      <DialogContent>
        <DialogTitle>Keep the rules from adding them back?</DialogTitle>
        <DialogDescription>
          {asking?.people
            .map((m) => (m.ruleName ? `${m.name} (${m.ruleName})` : m.name))
            .join(", ")}{" "}
          {asking?.people.length === 1 ? "was" : "were"} added to {asking?.groupName} by a rule,
          which would add them again the next time their attributes change. Keeping them out lasts
          until someone adds them to {asking?.groupName} by hand.
        </DialogDescription>
        <DialogFooter>
          <Button variant="ghost" onClick={onCancel}>
            Cancel
          </Button>
          <Button variant="outline" onClick={() => onChoose(false)}>
            Just {asking?.verb.toLowerCase()}
          </Button>
          <Button variant="destructive" onClick={() => onChoose(true)}>
            {asking?.verb} and keep out
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
