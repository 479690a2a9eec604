"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogTitle,
} from "@/components/ui/dialog";
import { Field, describedBy } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Table, THead, Td, Th, Tr } from "@/components/ui/table";
import type { ActionResult } from "@/lib/action-result";
import type { ModelListInput } from "@/lib/limits/schemas";

interface ModelListRow {
  id: string;
  name: string;
  sense: "allow" | "deny";
  patterns: string[];
  keys: { id: string; name: string }[];
  groups: { id: string; name: string }[];
}

interface ModelListsProps {
  lists: ModelListRow[];
  canEdit: boolean;
  create: (input: ModelListInput) => Promise<ActionResult<unknown>>;
  update: (input: ModelListInput & { listId: string }) => Promise<ActionResult<unknown>>;
  remove: (input: { listId: string }) => Promise<ActionResult<unknown>>;
}

type Editing = { list: ModelListRow | null } | null;

/** The organisation's model lists: what each allows or denies, where it is attached; edit them. */
export function ModelLists({ lists, canEdit, create, update, remove }: ModelListsProps) {
  const router = useRouter();
  const [editing, setEditing] = useState<Editing>(null);
  const [pending, startTransition] = useTransition();
  return (
    <div className="flex flex-col gap-3">
      <Table>
        <caption className="sr-only">Model lists</caption>
        <THead className="bg-transparent">
          <tr>
            <Th>Name</Th>
            <Th>Models</Th>
            <Th>Attached to</Th>
            {canEdit && (
              <Th>
                <span className="sr-only">Actions</span>
              </Th>
            )}
          </tr>
        </THead>
        <tbody>
          {lists.map((l) => (
            <Tr key={l.id} className="align-top">
              <Td className="font-medium">{l.name}</Td>
              <Td>
                <span className="mr-1 text-xs font-medium text-muted-foreground">
                  {l.sense === "allow" ? "Only" : "All but"}
                </span>
                {l.patterns.map((p) => (
                  <code
                    key={p}
                    className="mr-1 inline-block rounded bg-muted px-1.5 py-0.5 text-xs"
                  >
                    {p}
                  </code>
                ))}
              </Td>
              <Td className="text-sm text-muted-foreground">
                {[...l.keys.map((k) => `key ${k.name}`), ...l.groups.map((g) => g.name)].join(
                  ", ",
                ) || "Nothing yet"}
              </Td>
              {canEdit && (
                <Td className="whitespace-nowrap text-right">
                  <Button variant="outline" size="sm" onClick={() => setEditing({ list: l })}>
                    Edit {l.name}
                  </Button>{" "}
                  <Button
                    variant="outline"
                    size="sm"
                    disabled={pending}
                    onClick={() =>
                      startTransition(async () => {
                        const result = await remove({ listId: l.id });
                        if (result.ok)
                          toast.success(`${l.name} is deleted; it no longer limits anything.`);
                        else toast.error(result.error);
                        router.refresh();
                      })
                    }
                  >
                    Delete {l.name}
                  </Button>
                </Td>
              )}
            </Tr>
          ))}
          {!lists.length && (
            <tr>
              <Td colSpan={canEdit ? 4 : 3} className="py-4 text-muted-foreground">
                No model lists yet. A list such as &ldquo;Frontier models&rdquo; is kept once and
                attached to keys and groups.
              </Td>
            </tr>
          )}
        </tbody>
      </Table>
      {canEdit && (
        <div>
          <Button onClick={() => setEditing({ list: null })}>New model list</Button>
        </div>
      )}
      {editing && (
        <ModelListDialog
          list={editing.list}
          onClose={() => setEditing(null)}
          save={(input) =>
            editing.list ? update({ ...input, listId: editing.list.id }) : create(input)
          }
        />
      )}
    </div>
  );
}

function ModelListDialog({
  list,
  onClose,
  save,
}: {
  list: ModelListRow | null;
  onClose: () => void;
  save: (input: ModelListInput) => Promise<ActionResult<unknown>>;
}) {
  const router = useRouter();
  const [name, setName] = useState(list?.name ?? "");
  const [sense, setSense] = useState<"allow" | "deny">(list?.sense ?? "allow");
  const [patterns, setPatterns] = useState(list?.patterns.join("\n") ?? "");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [pending, startTransition] = useTransition();
  return (
    <Dialog open onOpenChange={(open) => !open && onClose()}>
      <DialogContent>
        <DialogTitle>{list ? `Edit ${list.name}` : "New model list"}</DialogTitle>
        <DialogDescription>
          Attached to a key, it limits the key; attached to a group, it limits what the group&apos;s
          members get through it.
        </DialogDescription>
        <form
          className="flex flex-col gap-4"
          onSubmit={(e) => {
            e.preventDefault();
            startTransition(async () => {
              const result = await save({ name, sense, patterns });
              if (!result.ok) return setErrors(result.fieldErrors ?? { name: result.error });
              toast.success(`${name.trim()} is saved.`);
              router.refresh();
              onClose();
            });
          }}
        >
          <Field id="list-name" label="Name" error={errors.name}>
            <Input
              id="list-name"
              value={name}
              onChange={(e) => setName(e.target.value)}
              maxLength={100}
              placeholder="Frontier models"
              aria-invalid={Boolean(errors.name)}
              aria-describedby={describedBy("list-name", errors.name, false)}
            />
          </Field>
          <fieldset className="flex flex-col gap-1.5 text-sm">
            <legend className="mb-1.5 font-medium">The list</legend>
            <label className="flex items-center gap-2">
              <input
                type="radio"
                name="list-sense"
                checked={sense === "allow"}
                onChange={() => setSense("allow")}
              />
              Allows only these models
            </label>
            <label className="flex items-center gap-2">
              <input
                type="radio"
                name="list-sense"
                checked={sense === "deny"}
                onChange={() => setSense("deny")}
              />
              Allows every model but these
            </label>
          </fieldset>
          <Field
            id="list-patterns"
            label="Models"
            hint="One per line: a model id, or a pattern with * (claude-opus-*, openai/*, claude-*-4-5)."
            error={errors.patterns}
          >
            <textarea
              id="list-patterns"
              value={patterns}
              onChange={(e) => setPatterns(e.target.value)}
              rows={6}
              className="rounded-md border border-input bg-card px-3 py-2 font-mono text-sm"
              aria-invalid={Boolean(errors.patterns)}
              aria-describedby={describedBy("list-patterns", errors.patterns)}
            />
          </Field>
          <DialogFooter>
            <Button type="submit" disabled={pending}>
              Save list
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
