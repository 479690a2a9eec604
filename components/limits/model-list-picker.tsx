"use client";

import { useRouter } from "next/navigation";
import { useTransition } from "react";
import { toast } from "sonner";
import type { ActionResult } from "@/lib/action-result";
import type { ModelListAttachmentInput } from "@/lib/limits/schemas";

interface ModelListPickerProps {
  target: { kind: "key" | "group"; id: string; name: string };
  lists: {
    id: string;
    name: string;
    sense: "allow" | "deny";
    patterns: string[];
    attached: boolean;
  }[];
  canEdit: boolean;
  setAttached: (
    input: ModelListAttachmentInput & { attached: boolean },
  ) => Promise<ActionResult<unknown>>;
}

/** The organisation's model lists as checkboxes: checked ones limit this key or group. */
export function ModelListPicker({ target, lists, canEdit, setAttached }: ModelListPickerProps) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  if (!lists.length)
    return (
      <p className="text-sm text-muted-foreground">
        No model lists yet: make one on the Models page, then attach it here.
      </p>
    );
  return (
    <fieldset disabled={!canEdit || pending} className="flex flex-col gap-2">
      <legend className="sr-only">Model lists of {target.name}</legend>
      {lists.map((l) => (
        <label key={l.id} className="flex items-start gap-2 text-sm">
          <input
            type="checkbox"
            className="mt-1"
            checked={l.attached}
            onChange={(e) =>
              startTransition(async () => {
                const attached = e.target.checked;
                const result = await setAttached({
                  listId: l.id,
                  target: { kind: target.kind, id: target.id },
                  attached,
                });
                if (result.ok)
                  toast.success(
                    attached
                      ? `${l.name} now limits ${target.name}.`
                      : `${l.name} no longer limits ${target.name}.`,
                  );
                else toast.error(result.error);
                router.refresh();
              })
            }
          />
          <span>
            <span className="font-medium">{l.name}</span>
            <span className="block text-xs text-muted-foreground">
              {l.sense === "allow" ? "Only " : "All but "}
              {l.patterns.join(", ")}
            </span>
          </span>
        </label>
      ))}
    </fieldset>
  );
}
