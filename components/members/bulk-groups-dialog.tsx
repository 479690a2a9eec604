"use client";

import { Loader2 } from "lucide-react";
import { useEffect, useMemo, useState, useTransition } from "react";
import { toast } from "sonner";
import { toastWithUndo } from "@/components/ui/undo-toast";
import { Button } from "@/components/ui/button";
import { CheckList } from "@/components/ui/check-list";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogTitle,
} from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import type { ActionResult } from "@/lib/action-result";
import type { ChangeResult } from "@/lib/memberships/commands";
import type { MembershipChange } from "@/lib/memberships/schemas";

export interface BulkMembershipActions {
  add: (input: { memberIds: string[]; groupIds: string[] }) => Promise<ActionResult<ChangeResult>>;
  remove: (input: {
    memberIds: string[];
    groupIds: string[];
    keepOutOfRules?: boolean;
  }) => Promise<ActionResult<ChangeResult>>;
  preview: (input: {
    memberIds: string[];
    groupIds: string[];
  }) => Promise<ActionResult<{ toAdd: number; alreadyMembers: number }>>;
  revert: (change: MembershipChange) => Promise<ActionResult<ChangeResult>>;
}

interface BulkGroupsDialogProps {
  mode: "add" | "remove";
  open: boolean;
  onOpenChange: (open: boolean) => void;
  memberIds: string[];
  groups: { id: string; name: string }[];
  actions: BulkMembershipActions;
  onDone: () => void;
}

const plural = (n: number, word: string) =>
  `${n.toLocaleString("en-US")} ${word}${n === 1 ? "" : "s"}`;

/** Adds (or removes) the selected members to (from) the chosen groups, after a preview. */
export function BulkGroupsDialog(props: BulkGroupsDialogProps) {
  return (
    <Dialog open={props.open} onOpenChange={props.onOpenChange}>
      {/* Mounted only while open, so that every opening starts afresh. */}
      {props.open && <BulkGroupsBody {...props} />}
    </Dialog>
  );
}

function BulkGroupsBody({
  mode,
  onOpenChange,
  memberIds,
  groups,
  actions,
  onDone,
}: BulkGroupsDialogProps) {
  const [query, setQuery] = useState("");
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [preview, setPreview] = useState<{ toAdd: number; alreadyMembers: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [keepOutOfRules, setKeepOutOfRules] = useState(false);
  const [pending, startTransition] = useTransition();

  useEffect(() => {
    if (mode !== "add" || chosen.size === 0) return;
    let current = true;
    void actions.preview({ memberIds, groupIds: [...chosen] }).then((result) => {
      if (!current) return;
      if (result.ok) setPreview(result.data);
      else setError(result.error);
    });
    return () => {
      current = false;
    };
  }, [mode, chosen, memberIds, actions]);

  const visible = useMemo(
    () => groups.filter((g) => g.name.toLowerCase().includes(query.trim().toLowerCase())),
    [groups, query],
  );

  const confirm = () =>
    startTransition(async () => {
      const input = { memberIds, groupIds: [...chosen] };
      const result =
        mode === "add"
          ? await actions.add(input)
          : await actions.remove({ ...input, keepOutOfRules });
      if (!result.ok) {
        setError(result.error);
        return;
      }
      const change = result.data;
      const message =
        mode === "add"
          ? `Added ${plural(change.added.length, "membership")}${change.unchanged ? `; ${change.unchanged.toLocaleString("en-US")} already there` : ""}.`
          : `Removed ${plural(change.removed.length, "membership")}${change.unchanged ? `; ${change.unchanged.toLocaleString("en-US")} not in those groups` : ""}.`;
      toastWithUndo(
        message,
        () =>
          void actions.revert(change).then((r) => {
            if (r.ok) toast.success("Undone: the memberships are as they were.");
            else toast.error(r.error);
            onDone();
          }),
      );
      onOpenChange(false);
      onDone();
    });

  const verb = mode === "add" ? "Add" : "Remove";
  const shownPreview = mode === "add" && chosen.size ? preview : null;
  return (
    <DialogContent>
      <DialogTitle>
        {verb} {plural(memberIds.length, "member")} {mode === "add" ? "to" : "from"} groups
      </DialogTitle>
      <DialogDescription>
        {mode === "add"
          ? "Existing memberships are kept; people already in a group are skipped."
          : "They keep their other groups."}
      </DialogDescription>
      <Input
        type="search"
        aria-label="Find a group"
        placeholder="Find a group"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      <CheckList
        legend="Groups"
        items={visible}
        chosen={chosen}
        onChange={(next) => {
          setChosen(next);
          setError(null);
        }}
        render={(g) => g.name}
        empty={`No group matches “${query}”.`}
      />
      {mode === "remove" && (
        <label className="flex items-start gap-2 text-sm">
          <input
            type="checkbox"
            className="mt-0.5"
            checked={keepOutOfRules}
            onChange={(e) => setKeepOutOfRules(e.target.checked)}
          />
          <span>
            Keep the auto-assign rules from adding them back
            <span className="block text-muted-foreground">
              Where a rule put someone in one of these groups, it leaves them out from now on, until
              someone adds them by hand.
            </span>
          </span>
        </label>
      )}
      <p className="min-h-5 text-sm" role="status">
        {shownPreview
          ? `Will add ${plural(shownPreview.toAdd, "membership")}; ${shownPreview.alreadyMembers.toLocaleString("en-US")} already ${shownPreview.alreadyMembers === 1 ? "a member" : "members"}.`
          : chosen.size
            ? `${plural(chosen.size, "group")} chosen.`
            : "Choose one or more groups."}
      </p>
      {error && (
        <p className="text-sm text-destructive" role="alert">
          {error}
        </p>
      )}
      <DialogFooter>
        <Button variant="outline" onClick={() => onOpenChange(false)}>
          Cancel
        </Button>
        <Button
          variant={mode === "remove" ? "destructive" : "default"}
          disabled={!chosen.size || pending || shownPreview?.toAdd === 0}
          onClick={confirm}
        >
          {pending && <Loader2 className="animate-spin" aria-hidden />}
          {verb} {mode === "add" ? "to" : "from"} {plural(chosen.size, "group")}
        </Button>
      </DialogFooter>
    </DialogContent>
  );
}
