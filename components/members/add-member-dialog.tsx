"use client";

import { UserPlus } from "lucide-react";
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
  DialogTrigger,
} from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import type { ActionResult } from "@/lib/action-result";
import { FIELD_LIMITS } from "@/lib/field-limits";
import type { AddedMember } from "@/lib/members/commands";
import type { AddMemberInput } from "@/lib/members/schemas";

interface AddMemberDialogProps {
  canAddOwners: boolean;
  /** The single sign-on provider's name, when the server has one: people may sign in only there. */
  ssoName?: string;
  addMember: (input: AddMemberInput) => Promise<ActionResult<AddedMember>>;
}

type Access = AddMemberInput["access"];

/** The ways a new member may sign in; single sign-on only where the server has a provider. */
const accessChoices = (ssoName: string | undefined): [Access, string][] => [
  ["invite", "Send an invitation link"],
  ["password", "Set a password now"],
  ...(ssoName ? [["sso", `With ${ssoName} only (no password, no link)`] as [Access, string]] : []),
];

export function AddMemberDialog({ canAddOwners, ssoName, addMember }: AddMemberDialogProps) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [access, setAccess] = useState<Access>("invite");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [link, setLink] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  const submit = (form: FormData) =>
    startTransition(async () => {
      const base = {
        email: String(form.get("email") ?? ""),
        name: String(form.get("name") ?? ""),
        role: String(form.get("role")) as "member",
      };
      const input: AddMemberInput =
        access === "password"
          ? { ...base, access, password: String(form.get("password") ?? "") }
          : { ...base, access };
      const result = await addMember(input);
      if (!result.ok) {
        setErrors(result.fieldErrors ?? {});
        setError(
          result.fieldErrors && Object.keys(result.fieldErrors).length ? null : result.error,
        );
        return;
      }
      router.refresh();
      const groups = result.data.defaultGroups.length
        ? ` They joined ${result.data.defaultGroups.join(", ")}.`
        : "";
      toast.success(`${base.name} was added.${groups}`);
      if (result.data.invitationPath)
        setLink(`${window.location.origin}${result.data.invitationPath}`);
      else setOpen(false);
    });

  const field = (name: string, label: string, props: React.ComponentProps<"input"> = {}) => (
    <div className="flex flex-col gap-1.5">
      <Label htmlFor={`add-${name}`}>{label}</Label>
      <Input
        id={`add-${name}`}
        name={name}
        aria-invalid={Boolean(errors[name])}
        aria-describedby={errors[name] ? `add-${name}-error` : undefined}
        {...props}
      />
      {errors[name] && (
        <p id={`add-${name}-error`} className="text-sm text-destructive">
          {errors[name]}
        </p>
      )}
    </div>
  );

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (!next) {
          setLink(null);
          setErrors({});
          setError(null);
        }
      }}
    >
      <DialogTrigger asChild>
        <Button>
          <UserPlus aria-hidden /> Add member
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogTitle>Add a member</DialogTitle>
        {link ? (
          <>
            <DialogDescription>
              Send this link to them: it lets them set a password, works once, and expires in seven
              days. It is shown only now.
            </DialogDescription>
            <div className="flex gap-2">
              <Input
                readOnly
                value={link}
                aria-label="Invitation link"
                className="font-mono text-xs"
                onFocus={(e) => e.target.select()}
              />
              <Button
                variant="outline"
                onClick={() =>
                  void navigator.clipboard.writeText(link).then(() => toast.success("Link copied."))
                }
              >
                Copy
              </Button>
            </div>
            <DialogFooter>
              <Button onClick={() => setOpen(false)}>Done</Button>
            </DialogFooter>
          </>
        ) : (
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
            <DialogDescription>
              They join the organisation&apos;s default groups automatically.
            </DialogDescription>
            {error && (
              <p className="text-sm text-destructive" role="alert">
                {error}
              </p>
            )}
            {field("name", "Name", {
              autoComplete: "off",
              required: true,
              maxLength: FIELD_LIMITS.memberName,
            })}
            {field("email", "Email", {
              type: "email",
              autoComplete: "off",
              required: true,
              maxLength: FIELD_LIMITS.memberEmail,
            })}
            <div className="flex flex-col gap-1.5">
              <Label htmlFor="add-role">Role</Label>
              <select
                id="add-role"
                name="role"
                defaultValue="member"
                className="h-9 rounded-md border border-input bg-card px-2 text-sm"
              >
                <option value="member">Member: read-only</option>
                <option value="admin">Admin: manages groups, members and keys</option>
                {canAddOwners && <option value="owner">Owner: also manages owners</option>}
              </select>
            </div>
            <fieldset className="flex flex-col gap-1.5">
              <legend className="mb-1 text-sm font-medium">How they sign in</legend>
              {accessChoices(ssoName).map(([value, label]) => (
                <label key={value} className="flex items-center gap-2 text-sm">
                  <input
                    type="radio"
                    name="access"
                    checked={access === value}
                    onChange={() => setAccess(value)}
                  />{" "}
                  {label}
                </label>
              ))}
            </fieldset>
            {access === "password" &&
              field("password", "Password (12 characters or more)", {
                type: "password",
                autoComplete: "new-password",
                maxLength: FIELD_LIMITS.password,
              })}
            <DialogFooter>
              <Button type="button" variant="outline" onClick={() => setOpen(false)}>
                Cancel
              </Button>
              <Button type="submit" disabled={pending}>
                Add member
              </Button>
            </DialogFooter>
          </form>
        )}
      </DialogContent>
    </Dialog>
  );
}
