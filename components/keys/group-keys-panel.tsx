"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import type { ActionResult } from "@/lib/action-result";

interface GroupKey {
  id: string;
  name: string;
  prefix: string;
  lastFour: string;
  inheritedFrom: { id: string; name: string } | null;
}

interface GroupKeysPanelProps {
  groupId: string;
  groupName: string;
  keys: GroupKey[];
  // Live keys that could be assigned here.
  assignable: { id: string; name: string }[];
  canEdit: boolean;
  assign: (input: { keyId: string; groupIds: string[] }) => Promise<ActionResult<unknown>>;
  unassign: (input: { keyId: string; groupIds: string[] }) => Promise<ActionResult<unknown>>;
}

/** The keys a group's members may use: assigned here, or inherited from a parent group. */
export function GroupKeysPanel(props: GroupKeysPanelProps) {
  const { groupId, groupName, keys, canEdit } = props;
  const router = useRouter();
  const [choice, setChoice] = useState("");
  const [pending, startTransition] = useTransition();
  const direct = new Set(keys.filter((k) => !k.inheritedFrom).map((k) => k.id));
  const assignable = props.assignable.filter((k) => !direct.has(k.id));

  const run = (
    call: (input: { keyId: string; groupIds: string[] }) => Promise<ActionResult<unknown>>,
    keyId: string,
    done: string,
  ) =>
    startTransition(async () => {
      const result = await call({ keyId, groupIds: [groupId] });
      if (!result.ok) return void toast.error(result.error);
      toast.success(done);
      setChoice("");
      router.refresh();
    });

  return (
    <Card>
      {canEdit && (
        <form
          className="flex flex-wrap items-center gap-2 border-b px-4 py-3"
          onSubmit={(e) => {
            e.preventDefault();
            const key = assignable.find((k) => k.id === choice);
            if (key) run(props.assign, key.id, `${groupName} now has ${key.name}.`);
          }}
        >
          <label htmlFor="group-key-choice" className="text-sm text-muted-foreground">
            Give {groupName} a key
          </label>
          <select
            id="group-key-choice"
            className="h-9 min-w-56 rounded-md border border-input bg-card px-2 text-sm"
            value={choice}
            onChange={(e) => setChoice(e.target.value)}
          >
            <option value="">Choose a key…</option>
            {assignable.map((k) => (
              <option key={k.id} value={k.id}>
                {k.name}
              </option>
            ))}
          </select>
          <Button type="submit" size="sm" disabled={!choice || pending}>
            Assign key
          </Button>
        </form>
      )}
      <ul className="divide-y" aria-label={`Keys of ${groupName}`}>
        {keys.map((k) => (
          <li key={k.id} className="flex flex-wrap items-center gap-3 px-4 py-2.5 text-sm">
            <Link href={`/keys/${k.id}`} className="font-medium hover:underline">
              {k.name}
            </Link>
            <span className="font-mono text-xs text-muted-foreground">
              {k.prefix}…{k.lastFour}
            </span>
            {k.inheritedFrom ? (
              <span className="text-muted-foreground">
                inherited from{" "}
                <Link href={`/groups/${k.inheritedFrom.id}`} className="hover:underline">
                  {k.inheritedFrom.name}
                </Link>
              </span>
            ) : (
              canEdit && (
                <Button
                  variant="ghost"
                  size="sm"
                  className="ml-auto"
                  disabled={pending}
                  onClick={() => run(props.unassign, k.id, `${groupName} no longer has ${k.name}.`)}
                >
                  Unassign {k.name}
                </Button>
              )
            )}
          </li>
        ))}
        {!keys.length && (
          <li className="px-4 py-6 text-center text-sm text-muted-foreground">
            No key reaches {groupName}: its members cannot call the gateway through it.
          </li>
        )}
      </ul>
    </Card>
  );
}
