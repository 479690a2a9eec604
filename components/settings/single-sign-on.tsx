"use client";

import { useRouter } from "next/navigation";
import { type ReactNode, useState, useTransition } from "react";
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
import type { LinkedIdentity, SsoPolicy, SsoPolicyInput } from "@/lib/auth/sso-policy";

interface SingleSignOnProps {
  /** The provider this server is configured with (AUTH_OIDC_*); null when there is none. */
  provider: { name: string; issuer: string; redirectUri: string } | null;
  /** The organisation has an enabled provider of its own. */
  orgProviderEnabled: boolean;
  /** The organisation's own providers, shown between the server's provider and the policy. */
  children?: ReactNode;
  policy: SsoPolicy;
  owners: { memberId: string; name: string; email: string }[];
  identities: LinkedIdentity[];
  /** Owners change the policy and unlink identities; admins see them. */
  canEdit: boolean;
  update: (input: SsoPolicyInput) => Promise<ActionResult<SsoPolicy>>;
  unlink: (input: { memberId: string }) => Promise<ActionResult<{ unlinked: number }>>;
}

const date = new Intl.DateTimeFormat("en-GB", {
  dateStyle: "medium",
  timeStyle: "short",
  timeZone: "UTC",
});

/** How people of the organisation sign in: the policy, and the identities linked to members. */
export function SingleSignOn({
  provider,
  orgProviderEnabled,
  children,
  policy,
  owners,
  identities,
  canEdit,
  update,
  unlink,
}: SingleSignOnProps) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [required, setRequired] = useState(policy.ssoRequired);
  const [breakGlass, setBreakGlass] = useState(policy.breakGlassMemberId ?? "");
  const [jit, setJit] = useState(policy.jitProvisioning);
  const [domains, setDomains] = useState(policy.emailDomains.join(", "));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [unlinking, setUnlinking] = useState<LinkedIdentity | null>(null);
  const editable = canEdit && (Boolean(provider) || orgProviderEnabled);

  const save = () =>
    startTransition(async () => {
      const emailDomains = domains
        .split(/[\s,]+/)
        .map((d) => d.trim())
        .filter(Boolean);
      const result = await update({
        ssoRequired: required,
        breakGlassMemberId: breakGlass || null,
        jitProvisioning: jit,
        emailDomains,
      });
      if (!result.ok) {
        setErrors({ form: result.error, ...result.fieldErrors });
        return;
      }
      setErrors({});
      toast.success("Sign-in policy saved.");
      router.refresh();
    });

  const domainsError =
    errors.emailDomains ?? Object.entries(errors).find(([k]) => k.startsWith("emailDomains."))?.[1];

  return (
    <div className="flex flex-col gap-6">
      {provider ? (
        <dl className="grid grid-cols-[9rem_1fr] gap-y-2 text-sm">
          <dt className="text-muted-foreground">Server&apos;s provider</dt>
          <dd className="font-medium">{provider.name}</dd>
          <dt className="text-muted-foreground">Issuer</dt>
          <dd className="font-mono text-xs break-all">{provider.issuer}</dd>
          <dt className="text-muted-foreground">Redirect URI</dt>
          <dd className="font-mono text-xs break-all">{provider.redirectUri}</dd>
        </dl>
      ) : (
        <p className="text-sm text-muted-foreground">
          No server-wide provider is configured (AUTH_OIDC_*, set by an operator). Add your
          organisation&apos;s own below; the sign-in policy applies once one is enabled.
        </p>
      )}
      {children}

      <form
        aria-labelledby="sso-policy-title"
        className="flex flex-col gap-4 border-t pt-6"
        onSubmit={(e) => {
          e.preventDefault();
          save();
        }}
      >
        <h3 id="sso-policy-title" className="text-sm font-medium">
          Sign-in policy
        </h3>
        <fieldset disabled={!editable || pending} className="flex max-w-xl flex-col gap-4">
          <legend className="sr-only">Sign-in policy</legend>
          <label className="flex items-start gap-2 text-sm">
            <input
              type="checkbox"
              className="mt-0.5"
              checked={required}
              onChange={(e) => setRequired(e.target.checked)}
            />
            <span>
              <span className="font-medium">Require single sign-on</span>
              <span className="block text-muted-foreground">
                Members can no longer sign in with a password; the break-glass owner still can.
              </span>
            </span>
          </label>
          <Field
            id="sso-break-glass"
            label="Break-glass owner"
            hint="Keeps password sign-in for the day the identity provider is down."
            error={errors.breakGlassMemberId}
          >
            <select
              id="sso-break-glass"
              className="h-9 rounded-md border bg-background px-2 text-sm"
              value={breakGlass}
              onChange={(e) => setBreakGlass(e.target.value)}
              aria-describedby={describedBy("sso-break-glass", errors.breakGlassMemberId)}
            >
              <option value="">No one</option>
              {owners.map((o) => (
                <option key={o.memberId} value={o.memberId}>
                  {o.name} ({o.email})
                </option>
              ))}
            </select>
          </Field>
          <Field
            id="sso-domains"
            label="Email domains"
            hint="The organisation's domains, separated by commas (acme.com, acme.co.uk). A domain belongs to one organisation of this server."
            error={domainsError}
          >
            <Input
              id="sso-domains"
              value={domains}
              maxLength={2000}
              onChange={(e) => setDomains(e.target.value)}
              placeholder="acme.com"
              aria-invalid={Boolean(domainsError)}
              aria-describedby={describedBy("sso-domains", domainsError)}
            />
          </Field>
          <label className="flex items-start gap-2 text-sm">
            <input
              type="checkbox"
              className="mt-0.5"
              checked={jit}
              onChange={(e) => setJit(e.target.checked)}
            />
            <span>
              <span className="font-medium">Provision people just in time</span>
              <span className="block text-muted-foreground">
                Someone of these domains whom the provider verifies becomes a member at their first
                sign-in, in the default groups. Off: only people added here can sign in.
              </span>
            </span>
          </label>
          {errors.form && <p className="text-sm text-destructive">{errors.form}</p>}
          {canEdit ? (
            <div>
              <Button type="submit">Save sign-in policy</Button>
            </div>
          ) : (
            <p className="text-sm text-muted-foreground">Only owners change the sign-in policy.</p>
          )}
        </fieldset>
      </form>

      <div className="flex flex-col gap-2 border-t pt-6">
        <h3 className="text-sm font-medium">Linked identities</h3>
        <Table>
          <THead className="bg-transparent">
            <tr>
              <Th>Member</Th>
              <Th>Provider identity</Th>
              <Th>Linked</Th>
              <Th>Last sign-in</Th>
              <Th>
                <span className="sr-only">Actions</span>
              </Th>
            </tr>
          </THead>
          <tbody>
            {identities.map((i) => (
              <Tr key={`${i.memberId}-${i.providerName ?? ""}-${i.issuer}`}>
                <Td>
                  <span className="font-medium">{i.name}</span>
                  <span className="block text-xs text-muted-foreground">{i.memberEmail}</span>
                </Td>
                <Td>
                  <span>{i.email ?? "no email"}</span>
                  <span className="block text-xs text-muted-foreground">
                    {i.providerName ?? provider?.name ?? "Server's provider"} ·{" "}
                    <span className="font-mono break-all">{i.issuer}</span>
                  </span>
                </Td>
                <Td className="text-muted-foreground">{date.format(new Date(i.linkedAt))}</Td>
                <Td className="text-muted-foreground">{date.format(new Date(i.lastSignInAt))}</Td>
                <Td className="text-right">
                  {canEdit && (
                    <Button variant="outline" size="sm" onClick={() => setUnlinking(i)}>
                      Unlink {i.name}
                    </Button>
                  )}
                </Td>
              </Tr>
            ))}
            {!identities.length && (
              <tr>
                <Td colSpan={5} className="py-4 text-muted-foreground">
                  No identity is linked yet: a member&apos;s first single sign-on links theirs.
                </Td>
              </tr>
            )}
          </tbody>
        </Table>
      </div>

      <Dialog open={Boolean(unlinking)} onOpenChange={(open) => !open && setUnlinking(null)}>
        <DialogContent>
          <DialogTitle>Unlink {unlinking?.name}&apos;s identity?</DialogTitle>
          <DialogDescription>
            Their next single sign-on is matched by a verified email again, and links whichever
            identity brings it. Do this when their identity at the provider was replaced or linked
            by mistake. It applies in every organisation they belong to.
          </DialogDescription>
          <DialogFooter>
            <Button variant="outline" onClick={() => setUnlinking(null)}>
              Cancel
            </Button>
            <Button
              variant="destructive"
              disabled={pending}
              onClick={() =>
                startTransition(async () => {
                  const result = await unlink({ memberId: unlinking!.memberId });
                  if (result.ok) toast.success(`${unlinking!.name}'s identity is unlinked.`);
                  else toast.error(result.error);
                  setUnlinking(null);
                  router.refresh();
                })
              }
            >
              Unlink
            </Button>
          </DialogFooter>
        </DialogContent>
      </Dialog>
    </div>
  );
}
