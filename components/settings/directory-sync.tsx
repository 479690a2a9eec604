"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import type { ActionResult } from "@/lib/action-result";

interface DirectoryGroupsSettingProps {
  linkGroupsByName: boolean;
  save: (input: { linkGroupsByName: boolean }) => Promise<ActionResult<unknown>>;
}

/** Whether a group the directory pushes may take over an existing group of the same name. */
export function DirectoryGroupsSetting({ linkGroupsByName, save }: DirectoryGroupsSettingProps) {
  const router = useRouter();
  const [checked, setChecked] = useState(linkGroupsByName);
  const [pending, startTransition] = useTransition();
  return (
    <form
      className="flex flex-wrap items-center gap-3"
      onSubmit={(e) => {
        e.preventDefault();
        startTransition(async () => {
          const result = await save({ linkGroupsByName: checked });
          if (result.ok) toast.success("Directory sync settings saved.");
          else toast.error(result.error);
          router.refresh();
        });
      }}
    >
      <label className="flex items-start gap-2 text-sm">
        <input
          type="checkbox"
          className="mt-1"
          checked={checked}
          onChange={(e) => setChecked(e.target.checked)}
        />
        <span>
          A pushed group takes over an existing group of the same name
          <span className="block text-muted-foreground">
            Its members then come from the directory. Off: such a push is refused, and the group
            stays yours.
          </span>
        </span>
      </label>
      <Button
        type="submit"
        variant="outline"
        size="sm"
        disabled={pending || checked === linkGroupsByName}
      >
        Save
      </Button>
    </form>
  );
}
