"use client";

import { useState } from "react";
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
  // The last question stays on screen while the dialog fades out.
  const [last, setLast] = useState(asking);
  if (asking && asking !== last) setLast(asking);
  const shown = asking ?? last;
  return (
    <Dialog open={asking !== null} onOpenChange={(open) => !open && onCancel()}>
      <DialogContent>
        <DialogTitle>Keep the rules from adding them back?</DialogTitle>
        <DialogDescription>
          {shown?.people.map((m) => (m.ruleName ? `${m.name} (${m.ruleName})` : m.name)).join(", ")}{" "}
          {shown?.people.length === 1 ? "was" : "were"} added to {shown?.groupName} by a rule, which
          would add them again the next time their attributes change. Keeping them out lasts until
          someone adds them to {shown?.groupName} by hand.
        </DialogDescription>
        <DialogFooter>
          <Button variant="ghost" onClick={onCancel}>
            Cancel
          </Button>
          <Button variant="outline" onClick={() => onChoose(false)}>
            Just {shown?.verb.toLowerCase()}
          </Button>
          <Button variant="destructive" onClick={() => onChoose(true)}>
            {shown?.verb} and keep out
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
