"use client";

import { CheckCircle2, XCircle } from "lucide-react";
import { useRouter } from "next/navigation";
import { type ComponentProps, useState, useTransition } from "react";
import { toast } from "sonner";
import { Badge } from "@/components/ui/badge";
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
import type { ActionResult } from "@/lib/action-result";
import type {
  CreateSsoProviderInput,
  SsoProviderRow,
  UpdateSsoProviderInput,
} from "@/lib/auth/sso-providers";
import type { SsoTestResult } from "@/lib/auth/sso-test";
import { FIELD_LIMITS } from "@/lib/field-limits";

interface IdentityProvidersProps {
  providers: SsoProviderRow[];
  /** `${console}/api/auth/callback/sso-`: a provider's redirect URI is this and its id. */
  redirectUriBase: string;
  /** Where the provider sends the browser after signing out there. */
  postLogoutUri: string;
  /** The id a new provider gets, so that its redirect URI can be registered before saving. */
  newProviderId: string;
  /** The organisation's claimed email domains (Single sign-on policy below). */
  orgDomains: string[];
  /** Owners change providers; admins see them. */
  canEdit: boolean;
  /** The latest Test sign-in's result, shown once it comes back. */
  testResult: SsoTestResult | null;
  create: (input: CreateSsoProviderInput) => Promise<ActionResult<{ id: string }>>;
  update: (input: UpdateSsoProviderInput) => Promise<ActionResult<{ id: string }>>;
  setEnabled: (input: {
    providerId: string;
    enabled: boolean;
  }) => Promise<ActionResult<{ id: string }>>;
  remove: (input: { providerId: string }) => Promise<ActionResult<{ id: string }>>;
  startTest: (input: { providerId: string }) => Promise<ActionResult<{ url: string }>>;
}

type Editing = { kind: "new" } | { kind: "edit"; provider: SsoProviderRow };

const domainList = (domains: string[]) =>
  domains.length <= 2
    ? domains.join(" and ")
    : `${domains.slice(0, -1).join(", ")} and ${domains.at(-1)}`;

/** The organisation's own OpenID providers: add, edit, test, disable, delete (owners). */
export function IdentityProviders(props: IdentityProvidersProps) {
  const { providers, redirectUriBase, postLogoutUri, orgDomains, canEdit, testResult } = props;
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [editing, setEditing] = useState<Editing | null>(null);
  const [deleting, setDeleting] = useState<SsoProviderRow | null>(null);

  const run = <T,>(call: () => Promise<ActionResult<T>>, done: string, after?: (data: T) => void) =>
    startTransition(async () => {
      const result = await call();
      if (!result.ok) {
        toast.error(result.error);
        return;
      }
      if (done) toast.success(done);
      after?.(result.data);
      router.refresh();
    });

  const test = (provider: SsoProviderRow) =>
    startTransition(async () => {
      const result = await props.startTest({ providerId: provider.id });
      if (!result.ok) toast.error(result.error);
      else window.location.assign(result.data.url);
    });

  return (
    <section aria-labelledby="sso-providers-title" className="flex flex-col gap-3 border-t pt-6">
      <div className="flex flex-wrap items-start justify-between gap-x-6 gap-y-2">
        <div className="min-w-0 flex-1">
          <h3 id="sso-providers-title" className="text-sm font-medium">
            Your identity providers
          </h3>
          <p className="text-sm text-muted-foreground">
            Your organisation&apos;s own OpenID Connect providers. People of your email domains
            choose <span className="font-medium">Sign in with SSO</span> and type their work email.
            A provider signs people in to this organisation only.
          </p>
        </div>
        {canEdit && (
          <Button size="sm" className="shrink-0" onClick={() => setEditing({ kind: "new" })}>
            Add provider
          </Button>
        )}
      </div>

      {testResult && <TestResultPanel result={testResult} />}

      {providers.length === 0 ? (
        <p className="rounded-md border border-dashed p-4 text-sm text-muted-foreground">
          No identity provider of your own yet.{" "}
          {canEdit
            ? "Add one: you will need its issuer URL, and a client id and secret registered with the redirect URI shown in the form."
            : "Owners add them."}
        </p>
      ) : (
        <ul className="flex flex-col gap-3">
          {providers.map((p) => (
            <li
              key={p.id}
              aria-label={p.name}
              className="flex flex-col gap-3 rounded-md border p-4"
            >
              <div className="flex flex-wrap items-center justify-between gap-2">
                <div className="flex items-center gap-2">
                  <span className="font-medium">{p.name}</span>
                  {p.enabled ? (
                    <Badge variant="success">Enabled</Badge>
                  ) : (
                    <Badge variant="outline">Disabled</Badge>
                  )}
                </div>
                {canEdit && (
                  <div className="flex flex-wrap gap-2">
                    <Button size="sm" variant="outline" disabled={pending} onClick={() => test(p)}>
                      Test sign-in
                    </Button>
                    <Button
                      size="sm"
                      variant="outline"
                      disabled={pending}
                      onClick={() => setEditing({ kind: "edit", provider: p })}
                    >
                      Edit
                    </Button>
                    <Button
                      size="sm"
                      variant="outline"
                      disabled={pending}
                      onClick={() =>
                        run(
                          () => props.setEnabled({ providerId: p.id, enabled: !p.enabled }),
                          p.enabled ? `${p.name} is disabled.` : `${p.name} is enabled.`,
                        )
                      }
                    >
                      {p.enabled ? "Disable" : "Enable"}
                    </Button>
                    <Button
                      size="sm"
                      variant="outline"
                      className="text-destructive"
                      disabled={pending}
                      onClick={() => setDeleting(p)}
                    >
                      Delete
                    </Button>
                  </div>
                )}
              </div>
              <dl className="grid gap-x-4 gap-y-1.5 text-sm sm:grid-cols-[10rem_1fr]">
                <dt className="text-muted-foreground">Issuer</dt>
                <dd className="font-mono text-xs break-all">{p.issuer}</dd>
                <dt className="text-muted-foreground">Client id</dt>
                <dd className="font-mono text-xs break-all">{p.clientId}</dd>
                <dt className="text-muted-foreground">Client secret</dt>
                <dd>Set (stored encrypted, never shown)</dd>
                <dt className="text-muted-foreground">Emails</dt>
                <dd>
                  {p.trustEmailsForOrgDomains && orgDomains.length
                    ? `Verified for ${domainList(orgDomains)} (your choice), unless the provider says otherwise`
                    : "Trusted only when the provider says email_verified: true"}
                </dd>
                <dt className="text-muted-foreground">Redirect URI</dt>
                <dd className="font-mono text-xs break-all select-all">
                  {redirectUriBase}
                  {p.id}
                </dd>
                <dt className="text-muted-foreground">Linked members</dt>
                <dd>{p.linkedIdentities}</dd>
              </dl>
            </li>
          ))}
        </ul>
      )}

      {editing && (
        <ProviderDialog
          key={editing.kind === "edit" ? editing.provider.id : "new"}
          editing={editing}
          redirectUri={`${redirectUriBase}${editing.kind === "edit" ? editing.provider.id : props.newProviderId}`}
          postLogoutUri={postLogoutUri}
          orgDomains={orgDomains}
          onClose={() => setEditing(null)}
          save={async (values) => {
            const result =
              editing.kind === "new"
                ? await props.create({ ...values, id: props.newProviderId })
                : await props.update({ ...values, providerId: editing.provider.id });
            if (result.ok) {
              toast.success(
                editing.kind === "new"
                  ? `${values.name} is added. Try it with Test sign-in.`
                  : `${values.name} is saved.`,
              );
              setEditing(null);
              router.refresh();
            }
            return result;
          }}
        />
      )}

      <Dialog open={Boolean(deleting)} onOpenChange={(open) => !open && setDeleting(null)}>
        <DialogContent>
          <DialogTitle>Delete {deleting?.name}?</DialogTitle>
          <DialogDescription>
            People can no longer sign in with it, the sessions begun through it end now, and the{" "}
            {deleting?.linkedIdentities ?? 0} identities linked through it are unlinked. This cannot
            be undone.
          </DialogDescription>
          <DialogFooter>
            <Button variant="outline" onClick={() => setDeleting(null)}>
              Cancel
            </Button>
            <Button
              variant="destructive"
              disabled={pending}
              onClick={() =>
                run(
                  () => props.remove({ providerId: deleting!.id }),
                  `${deleting!.name} is deleted.`,
                  () => setDeleting(null),
                )
              }
            >
              Delete provider
            </Button>
          </DialogFooter>
        </DialogContent>
      </Dialog>
    </section>
  );
}

interface ProviderValues {
  name: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  trustEmailsForOrgDomains: boolean;
  enabled: boolean;
}

interface ProviderDialogProps {
  editing: Editing;
  redirectUri: string;
  postLogoutUri: string;
  orgDomains: string[];
  onClose: () => void;
  save: (values: ProviderValues) => Promise<ActionResult<unknown>>;
}

function ProviderDialog({
  editing,
  redirectUri,
  postLogoutUri,
  orgDomains,
  onClose,
  save,
}: ProviderDialogProps) {
  const existing = editing.kind === "edit" ? editing.provider : null;
  const [values, setValues] = useState<ProviderValues>({
    name: existing?.name ?? "",
    issuer: existing?.issuer ?? "",
    clientId: existing?.clientId ?? "",
    clientSecret: "",
    trustEmailsForOrgDomains: existing?.trustEmailsForOrgDomains ?? false,
    enabled: existing?.enabled ?? true,
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [pending, startTransition] = useTransition();
  const set = <K extends keyof ProviderValues>(key: K, value: ProviderValues[K]) =>
    setValues((v) => ({ ...v, [key]: value }));

  const text = (
    key: "name" | "issuer" | "clientId" | "clientSecret",
    label: string,
    hint: string,
    props: ComponentProps<typeof Input>,
  ) => (
    <Field id={`sso-provider-${key}`} label={label} hint={hint} error={errors[key]}>
      <Input
        id={`sso-provider-${key}`}
        value={values[key]}
        onChange={(e) => set(key, e.target.value)}
        aria-invalid={Boolean(errors[key])}
        aria-describedby={describedBy(`sso-provider-${key}`, errors[key])}
        {...props}
      />
    </Field>
  );

  return (
    <Dialog open onOpenChange={(open) => !open && onClose()}>
      <DialogContent className="max-w-xl">
        <DialogTitle>{existing ? `Edit ${existing.name}` : "Add an identity provider"}</DialogTitle>
        <DialogDescription>
          Register Gatehouse with the provider as a web application (authorization code flow), with
          these addresses:
        </DialogDescription>
        <dl className="grid gap-1 rounded-md bg-muted/50 p-3 text-sm">
          <dt className="text-muted-foreground">Redirect URI</dt>
          <dd className="font-mono text-xs break-all select-all" data-testid="sso-redirect-uri">
            {redirectUri}
          </dd>
          <dt className="mt-1 text-muted-foreground">Post-logout redirect URI</dt>
          <dd className="font-mono text-xs break-all select-all">{postLogoutUri}</dd>
        </dl>
        <form
          className="flex flex-col gap-4"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            startTransition(async () => {
              const result = await save(values);
              if (!result.ok) setErrors({ form: result.error, ...result.fieldErrors });
            });
          }}
        >
          {text("name", "Name", "What people see, like Acme Okta: “Continue with Acme Okta”.", {
            maxLength: FIELD_LIMITS.ssoProviderName,
            autoFocus: true,
          })}
          {text(
            "issuer",
            "Issuer URL",
            "Exactly as the provider's discovery document says it; for Entra ID https://login.microsoftonline.com/<tenant id>/v2.0.",
            {
              maxLength: FIELD_LIMITS.ssoIssuer,
              placeholder: "https://",
              inputMode: "url",
              spellCheck: false,
            },
          )}
          {text("clientId", "Client id", "The application (client) id the provider gave you.", {
            maxLength: FIELD_LIMITS.ssoClientId,
            spellCheck: false,
            autoComplete: "off",
          })}
          {text(
            "clientSecret",
            "Client secret",
            existing
              ? "Set. Stored encrypted and never shown again: type a new one only to replace it."
              : "Stored encrypted and never shown again.",
            {
              type: "password",
              maxLength: FIELD_LIMITS.ssoClientSecret,
              autoComplete: "new-password",
              placeholder: existing ? "•••••••• (unchanged)" : undefined,
            },
          )}
          <label className="flex items-start gap-2 text-sm">
            <input
              type="checkbox"
              className="mt-0.5"
              checked={values.trustEmailsForOrgDomains}
              disabled={!orgDomains.length && !values.trustEmailsForOrgDomains}
              onChange={(e) => set("trustEmailsForOrgDomains", e.target.checked)}
            />
            <span>
              <span className="font-medium">
                {orgDomains.length
                  ? `Emails from this provider are verified for ${domainList(orgDomains)}`
                  : "Emails from this provider are verified for your domains"}
              </span>
              <span className="block text-muted-foreground">
                {orgDomains.length
                  ? "Only for a provider that sends no email_verified claim (Microsoft Entra ID) and whose users cannot change their own email. An explicit email_verified: false is always refused."
                  : "Claim your email domains in the sign-in policy below first."}
              </span>
            </span>
          </label>
          <label className="flex items-start gap-2 text-sm">
            <input
              type="checkbox"
              className="mt-0.5"
              checked={values.enabled}
              onChange={(e) => set("enabled", e.target.checked)}
            />
            <span>
              <span className="font-medium">Enabled</span>
              <span className="block text-muted-foreground">
                People can sign in with it. Test sign-in works either way.
              </span>
            </span>
          </label>
          {errors.form && (
            <p role="alert" className="text-sm text-destructive">
              {errors.form}
            </p>
          )}
          <DialogFooter>
            <Button type="button" variant="outline" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" disabled={pending}>
              {existing ? "Save provider" : "Add provider"}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

function TestResultPanel({ result }: { result: SsoTestResult }) {
  const ok = !result.error && result.wouldSignIn;
  return (
    <div
      role="status"
      aria-label="Test sign-in result"
      className="flex flex-col gap-2 rounded-md border bg-muted/30 p-4 text-sm"
    >
      <div className="flex items-start justify-between gap-2">
        <p className="flex items-center gap-2 font-medium">
          {ok ? (
            <CheckCircle2 className="size-4 text-success" aria-hidden />
          ) : (
            <XCircle className="size-4 text-destructive" aria-hidden />
          )}
          Test sign-in{result.providerName ? ` with ${result.providerName}` : ""}:{" "}
          {result.error ? "failed" : ok ? "would sign in" : "would be refused"}
        </p>
        <a href="/settings#single-sign-on" className="text-xs text-muted-foreground underline">
          Dismiss
        </a>
      </div>
      {result.error ? (
        <p className="text-destructive">{result.error}</p>
      ) : (
        <>
          <dl className="grid gap-x-4 gap-y-1 sm:grid-cols-[10rem_1fr]">
            <dt className="text-muted-foreground">Issuer</dt>
            <dd className="font-mono text-xs break-all">{result.issuer}</dd>
            <dt className="text-muted-foreground">Subject</dt>
            <dd className="font-mono text-xs break-all">{result.subject}</dd>
            <dt className="text-muted-foreground">Email</dt>
            <dd>{result.email ?? "none sent"}</dd>
            <dt className="text-muted-foreground">email_verified</dt>
            <dd className="font-mono text-xs">
              {result.emailVerified === null ? "not sent" : String(result.emailVerified)}
            </dd>
            <dt className="text-muted-foreground">Name</dt>
            <dd>{result.name ?? "none sent"}</dd>
          </dl>
          <p>{result.outcome}</p>
          <p className="text-xs text-muted-foreground">
            Nothing was changed: no one was signed in, linked or added.
          </p>
        </>
      )}
    </div>
  );
}
