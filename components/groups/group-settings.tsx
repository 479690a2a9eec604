"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import type { ActionResult } from "@/lib/action-result";
import type { GroupSummary } from "@/lib/groups/queries";
import { GroupFormDialog, type GroupFormValues } from "./group-form-dialog";

type Saved = Promise<ActionResult<{ id: string; name: string }>>;

interface GroupSettingsProps {
  group: GroupSummary;
  actions: {
    update: (input: GroupFormValues & { groupId: string }) => Saved;
    archive: (input: { groupId: string }) => Saved;
    restore: (input: { groupId: string }) => Saved;
  };
}

export function GroupSettingsActions({ group, actions }: GroupSettingsProps) {
  const router = useRouter();
  const [editing, setEditing] = useState(false);
  const [pending, startTransition] = useTransition();
  const run = (done: string, call: () => Saved) =>
    startTransition(async () => {
      const result = await call();
      if (result.ok) {
        toast.success(done);
        router.refresh();
      } else toast.error(result.error);
    });
  return (
    <div className="flex gap-2">
      <Button onClick={() => setEditing(true)} disabled={Boolean(group.archivedAt)}>
        Edit group
      </Button>
      {group.archivedAt ? (
        <Button
          variant="outline"
          disabled={pending}
          onClick={() =>
            run(`Restored ${group.name}.`, () => actions.restore({ groupId: group.id }))
          }
        >
          Restore
        </Button>
      ) : (
        <Button
          variant="outline"
          disabled={pending}
          onClick={() =>
            run(`Archived ${group.name}.`, () => actions.archive({ groupId: group.id }))
          }
        >
          Archive
        </Button>
      )}
      {editing && (
        <GroupFormDialog
          open
          onOpenChange={setEditing}
          title={`Edit ${group.name}`}
          submitLabel="Save"
          initial={{
            name: group.name,
            kind: group.kind,
            description: group.description,
            endsOn: group.endsAt ? new Date(group.endsAt).toISOString().slice(0, 10) : "",
            isDefault: group.isDefault,
          }}
          submit={(values) => actions.update({ ...values, groupId: group.id })}
          onSaved={() => router.refresh()}
        />
      )}
    </div>
  );
}
