"use client";

import { KeyRound, Loader2 } from "lucide-react";
import { useActionState, useState } from "react";
import type { SsoEmailState } from "@/app/login/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { FIELD_LIMITS } from "@/lib/field-limits";

interface SsoEmailFormProps {
  action: (state: SsoEmailState, form: FormData) => Promise<SsoEmailState>;
  callbackUrl?: string;
}

/**
 * Email-first single sign-on: "Sign in with SSO" opens a work-email field; the server sends the
 * browser to the identity provider of the organisation that claims the domain.
 */
export function SsoEmailForm({ action, callbackUrl }: SsoEmailFormProps) {
  const [state, formAction, pending] = useActionState(action, {});
  const [open, setOpen] = useState(false);
  if (!open && !state.error && !state.choices)
    return (
      <Button type="button" variant="outline" className="w-full" onClick={() => setOpen(true)}>
        <KeyRound aria-hidden />
        Sign in with SSO
      </Button>
    );
  return (
    <form
      action={formAction}
      noValidate
      aria-label="Sign in with SSO"
      className="flex flex-col gap-3 rounded-md border p-3"
    >
      {state.error && <Alert variant="destructive">{state.error}</Alert>}
      {callbackUrl && <input type="hidden" name="callbackUrl" value={callbackUrl} />}
      <div className="flex flex-col gap-2">
        <Label htmlFor="sso-email">Work email</Label>
        <Input
          id="sso-email"
          name="email"
          type="email"
          autoComplete="username"
          maxLength={FIELD_LIMITS.memberEmail}
          autoFocus
          defaultValue={state.email}
          placeholder="you@company.com"
          aria-describedby="sso-email-hint"
        />
        <p id="sso-email-hint" className="text-xs text-muted-foreground">
          You continue at your organisation&apos;s identity provider.
        </p>
      </div>
      {state.choices ? (
        <div className="flex flex-col gap-2" role="group" aria-label="Identity providers">
          <p className="text-sm text-muted-foreground">
            {state.choices[0]?.orgName} signs in with more than one provider: choose yours.
          </p>
          {state.choices.map((c) => (
            <Button
              key={c.providerId}
              type="submit"
              name="providerId"
              value={c.providerId}
              variant="outline"
              disabled={pending}
            >
              Continue with {c.name}
            </Button>
          ))}
        </div>
      ) : (
        <Button type="submit" disabled={pending}>
          {pending && <Loader2 className="animate-spin" aria-hidden />}
          Continue with SSO
        </Button>
      )}
    </form>
  );
}
