"use client";

import { useActionState } from "react";
import type { AcceptState } from "@/app/invite/[token]/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { FIELD_LIMITS } from "@/lib/field-limits";
import { Label } from "@/components/ui/label";

interface AcceptInvitationFormProps {
  token: string;
  action: (state: AcceptState, form: FormData) => Promise<AcceptState>;
}

export function AcceptInvitationForm({ token, action }: AcceptInvitationFormProps) {
  const [state, formAction, pending] = useActionState(action, {});
  return (
    <form action={formAction} noValidate className="flex flex-col gap-4">
      {state.error && <Alert variant="destructive">{state.error}</Alert>}
      <input type="hidden" name="token" value={token} />
      {(["password", "confirm"] as const).map((name) => (
        <div key={name} className="flex flex-col gap-2">
          <Label htmlFor={name}>
            {name === "password"
              ? "New password (12 characters or more)"
              : "The same password again"}
          </Label>
          <Input
            id={name}
            name={name}
            type="password"
            autoComplete="new-password"
            maxLength={FIELD_LIMITS.password}
            aria-invalid={Boolean(state.fieldErrors?.[name])}
          />
          {state.fieldErrors?.[name] && (
            <p className="text-sm text-destructive">{state.fieldErrors[name]}</p>
          )}
        </div>
      ))}
      <Button type="submit" disabled={pending}>
        Set password
      </Button>
    </form>
  );
}
