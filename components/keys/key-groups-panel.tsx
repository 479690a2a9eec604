"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { CheckList } from "@/components/ui/check-list";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogTitle,
} from "@/components/ui/dialog";
import type { ActionResult } from "@/lib/action-result";

interface NamedGroup {
  id: string;
  name: string;
}

interface KeyGroupsPanelProps {
  keyId: string;
  keyName: string;
  assigned: NamedGroup[];
  // Live groups of the organisation, with their paths for telling namesakes apart.
  groups: (NamedGroup & { path: string })[];
  canEdit: boolean;
  assign: (input: {
    keyId: string;
    groupIds: string[];
  }) => Promise<ActionResult<{ added: number; alreadyAssigned: number }>>;
  unassign: (input: {
    keyId: string;
    groupIds: string[];
  }) => Promise<ActionResult<{ removed: number }>>;
}

/** The groups a key is assigned to: their members (and their subgroups') may use it. */
export function KeyGroupsPanel(props: KeyGroupsPanelProps) {
  const { keyId, keyName, assigned, groups, canEdit } = props;
  const router = useRouter();
  const [picking, setPicking] = useState(false);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [pending, startTransition] = useTransition();
  const assignedIds = new Set(assigned.map((g) => g.id));

  const assign = () =>
    startTransition(async () => {
      const result = await props.assign({ keyId, groupIds: [...chosen] });
      if (!result.ok) return void toast.error(result.error);
      toast.success(
        `${keyName} is assigned to ${result.data.added} more ${result.data.added === 1 ? "group" : "groups"}.`,
      );
      setPicking(false);
      setChosen(new Set());
      router.refresh();
    });

  const unassign = (group: NamedGroup) =>
    startTransition(async () => {
      const result = await props.unassign({ keyId, groupIds: [group.id] });
      if (!result.ok) return void toast.error(result.error);
      toast.success(`${group.name} no longer has ${keyName}.`);
      router.refresh();
    });

  return (
    <Card>
      <div className="flex items-center justify-between border-b px-4 py-3">
        <p className="text-sm text-muted-foreground">
          Members of these groups, and of their subgroups, may use {keyName}.
        </p>
        {canEdit && (
          <Button size="sm" onClick={() => setPicking(true)}>
            Assign to groups
          </Button>
        )}
      </div>
      <ul className="divide-y" aria-label={`Groups with ${keyName}`}>
        {assigned.map((g) => (
          <li key={g.id} className="flex items-center gap-3 px-4 py-2.5 text-sm">
            <Link href={`/groups/${g.id}`} className="font-medium hover:underline">
              {g.name}
            </Link>
            <span className="text-muted-foreground">{groups.find((x) => x.id === g.id)?.path}</span>
            {canEdit && (
              <Button
                variant="ghost"
                size="sm"
                className="ml-auto"
                disabled={pending}
                onClick={() => unassign(g)}
              >
                Unassign {g.name}
              </Button>
            )}
          </li>
        ))}
        {!assigned.length && (
          <li className="px-4 py-6 text-center text-sm text-muted-foreground">
            Not assigned to any group: nobody can use it yet.
          </li>
        )}
      </ul>
      <Dialog open={picking} onOpenChange={setPicking}>
        <DialogContent>
          <DialogTitle>Assign {keyName} to groups</DialogTitle>
          <DialogDescription>
            Everyone in the groups you tick, and in their subgroups, may use the key.
          </DialogDescription>
          <CheckList
            legend="Groups"
            items={groups.filter((g) => !assignedIds.has(g.id))}
            chosen={chosen}
            onChange={setChosen}
            render={(g) => (
              <span>
                {g.name}
                {g.path && <span className="ml-2 text-xs text-muted-foreground">{g.path}</span>}
              </span>
            )}
            empty="It is assigned to every group already."
          />
          <DialogFooter>
            <Button variant="outline" onClick={() => setPicking(false)}>
              Cancel
            </Button>
            <Button onClick={assign} disabled={!chosen.size || pending}>
              Assign to {chosen.size} {chosen.size === 1 ? "group" : "groups"}
            </Button>
          </DialogFooter>
        </DialogContent>
      </Dialog>
    </Card>
  );
}
