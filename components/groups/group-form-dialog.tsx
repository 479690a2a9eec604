"use client";

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
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { FIELD_LIMITS } from "@/lib/field-limits";
import type { ActionResult } from "@/lib/action-result";
import type { GroupSummary } from "@/lib/groups/queries";

export type GroupFormValues = {
  name: string;
  kind: string;
  description: string;
  parentId?: string;
  endsOn: string;
  isDefault: boolean;
};

interface GroupFormDialogProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: string;
  submitLabel: string;
  initial?: Partial<GroupFormValues>;
  /** Offered as parents when creating; editing moves through "Move to…" instead. */
  parents?: GroupSummary[];
  submit: (values: GroupFormValues) => Promise<ActionResult<{ id: string; name: string }>>;
  onSaved?: (group: { id: string; name: string }) => void;
}

const kinds = [
  { value: "department", label: "Department" },
  { value: "project", label: "Project" },
  { value: "function", label: "Function" },
  { value: "custom", label: "Custom" },
];

/** Create or edit a group, with each field's message beside it. */
export function GroupFormDialog(props: GroupFormDialogProps) {
  const { open, onOpenChange, initial = {} } = props;
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  const submit = (form: FormData) =>
    startTransition(async () => {
      const values: GroupFormValues = {
        name: String(form.get("name") ?? ""),
        kind: String(form.get("kind") ?? ""),
        description: String(form.get("description") ?? ""),
        endsOn: String(form.get("endsOn") ?? ""),
        isDefault: form.get("isDefault") === "on",
        ...(props.parents ? { parentId: String(form.get("parentId") ?? "") } : {}),
      };
      const result = await props.submit(values);
      if (!result.ok) {
        const fields = result.fieldErrors ?? {};
        setErrors(fields);
        setError(Object.keys(fields).length ? null : result.error);
        return;
      }
      toast.success(
        `${props.submitLabel === "Create group" ? "Created" : "Saved"} ${result.data.name}.`,
      );
      onOpenChange(false);
      props.onSaved?.(result.data);
    });

  const message = (name: string) =>
    errors[name] && (
      <p id={`group-${name}-error`} className="text-sm text-destructive">
        {errors[name]}
      </p>
    );
  const described = (name: string) => ({
    "aria-invalid": Boolean(errors[name]),
    "aria-describedby": errors[name] ? `group-${name}-error` : undefined,
  });

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        onOpenChange(next);
        if (!next) {
          setErrors({});
          setError(null);
        }
      }}
    >
      <DialogContent>
        <DialogTitle>{props.title}</DialogTitle>
        <DialogDescription>Names are unique in the organisation.</DialogDescription>
        <form
          // onSubmit, not a form action: React resets a form after its action, and a person
          // correcting one field must not lose the others.
          onSubmit={(event) => {
            event.preventDefault();
            submit(new FormData(event.currentTarget));
          }}
          noValidate
          className="flex flex-col gap-3"
        >
          {error && (
            <p role="alert" className="text-sm text-destructive">
              {error}
            </p>
          )}
          <div className="flex flex-col gap-1.5">
            <Label htmlFor="group-name">Name</Label>
            <Input
              id="group-name"
              name="name"
              defaultValue={initial.name}
              maxLength={FIELD_LIMITS.groupName}
              {...described("name")}
            />
            {message("name")}
          </div>
          <div className="flex flex-col gap-1.5">
            <Label htmlFor="group-kind">Kind</Label>
            <select
              id="group-kind"
              name="kind"
              defaultValue={initial.kind ?? "department"}
              className="h-9 rounded-md border border-input bg-card px-2 text-sm"
              {...described("kind")}
            >
              {kinds.map((k) => (
                <option key={k.value} value={k.value}>
                  {k.label}
                </option>
              ))}
            </select>
            {message("kind")}
          </div>
          {props.parents && (
            <div className="flex flex-col gap-1.5">
              <Label htmlFor="group-parent">Parent group</Label>
              <select
                id="group-parent"
                name="parentId"
                defaultValue={initial.parentId ?? ""}
                className="h-9 rounded-md border border-input bg-card px-2 text-sm"
                {...described("parentId")}
              >
                <option value="">None (top level)</option>
                {props.parents.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name}
                  </option>
                ))}
              </select>
              {message("parentId")}
            </div>
          )}
          <div className="flex flex-col gap-1.5">
            <Label htmlFor="group-description">Description</Label>
            <textarea
              id="group-description"
              name="description"
              defaultValue={initial.description}
              maxLength={FIELD_LIMITS.groupDescription}
              rows={3}
              className="rounded-md border border-input bg-card px-3 py-2 text-sm shadow-sm"
              {...described("description")}
            />
            {message("description")}
          </div>
          <div className="flex flex-col gap-1.5">
            <Label htmlFor="group-ends">End date (temporary groups are archived after it)</Label>
            <Input
              id="group-ends"
              name="endsOn"
              type="date"
              defaultValue={initial.endsOn}
              {...described("endsOn")}
            />
            {message("endsOn")}
          </div>
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" name="isDefault" defaultChecked={initial.isDefault} /> Default
            group: every new member joins it
          </label>
          <DialogFooter>
            <Button type="button" variant="outline" onClick={() => onOpenChange(false)}>
              Cancel
            </Button>
            <Button type="submit" disabled={pending}>
              {props.submitLabel}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
