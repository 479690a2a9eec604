"use client";

import { FIELD_LIMITS } from "@/lib/field-limits";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { toast } from "sonner";
import { SecretReveal } from "@/components/keys/secret-reveal";
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
import { Table, THead, Td, Th, Tr } from "@/components/ui/table";
import type { ActionResult } from "@/lib/action-result";
import {
  WEBHOOK_EVENT_CHOICES,
  WEBHOOK_EVENT_LABELS,
  type WebhookEventType,
  webhookEventLabel,
} from "@/lib/webhooks/events";
import type { WebhookEndpointSummary } from "@/lib/webhooks/queries";

interface TestOutcome {
  status: "delivered" | "pending" | "failed";
  statusCode: number | null;
  error: string | null;
}

interface WebhookEndpointsProps {
  endpoints: WebhookEndpointSummary[];
  create: (input: {
    url: string;
    description: string;
    events: WebhookEventType[];
  }) => Promise<ActionResult<{ id: string; url: string; secret: string }>>;
  sendTest: (input: { endpointId: string }) => Promise<ActionResult<TestOutcome>>;
  disable: (input: { endpointId: string }) => Promise<ActionResult<unknown>>;
  enable: (input: { endpointId: string }) => Promise<ActionResult<unknown>>;
  remove: (input: { endpointId: string }) => Promise<ActionResult<unknown>>;
}

const date = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeZone: "UTC" });

/** The organisation's webhook endpoints: add (the signing secret is shown once), test, disable, delete. */
export function WebhookEndpoints({
  endpoints,
  create,
  sendTest,
  disable,
  enable,
  remove,
}: WebhookEndpointsProps) {
  const router = useRouter();
  const [adding, setAdding] = useState(false);
  const [deleting, setDeleting] = useState<WebhookEndpointSummary | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  const run = (endpointId: string, work: () => Promise<void>) => {
    setBusy(endpointId);
    startTransition(async () => {
      await work();
      setBusy(null);
      router.refresh();
    });
  };

  const test = (endpoint: WebhookEndpointSummary) =>
    run(endpoint.id, async () => {
      const result = await sendTest({ endpointId: endpoint.id });
      if (!result.ok) return void toast.error(result.error);
      const { status, statusCode, error } = result.data;
      if (status === "delivered")
        toast.success(`Test event delivered: the endpoint answered HTTP ${statusCode}.`);
      else if (error)
        toast.error(`Test event not delivered (${error}). It will be retried; see Deliveries.`);
      else toast.success("Test event queued: see Deliveries.");
    });

  const toggle = (endpoint: WebhookEndpointSummary) =>
    run(endpoint.id, async () => {
      const result = await (endpoint.disabledAt ? enable : disable)({ endpointId: endpoint.id });
      if (!result.ok) return void toast.error(result.error);
      toast.success(
        endpoint.disabledAt
          ? "Endpoint enabled: it receives new events from now on."
          : "Endpoint disabled: it receives no events, and deliveries still pending were dropped.",
      );
    });

  const confirmDelete = () => {
    const endpoint = deleting;
    if (!endpoint) return;
    run(endpoint.id, async () => {
      const result = await remove({ endpointId: endpoint.id });
      if (!result.ok) return void toast.error(result.error);
      toast.success("Endpoint deleted, with its delivery log.");
      setDeleting(null);
    });
  };

  return (
    <div className="flex flex-col gap-3">
      <div className="overflow-x-auto">
        <Table aria-label="Webhook endpoints">
          <THead className="bg-transparent">
            <tr>
              <Th>Endpoint</Th>
              <Th>Events</Th>
              <Th>Secret</Th>
              <Th>Created</Th>
              <Th>Status</Th>
              <Th>
                <span className="sr-only">Actions</span>
              </Th>
            </tr>
          </THead>
          <tbody>
            {endpoints.map((e) => (
              <Tr key={e.id}>
                <Td className="max-w-[22rem]">
                  <div className="break-all font-mono text-xs">{e.url}</div>
                  {e.description && (
                    <div className="mt-0.5 text-xs text-muted-foreground">{e.description}</div>
                  )}
                </Td>
                <Td>
                  <ul className="flex flex-wrap gap-1">
                    {e.events.map((type) => (
                      <li key={type}>
                        <Badge variant="secondary" title={type}>
                          {webhookEventLabel(type)}
                        </Badge>
                      </li>
                    ))}
                  </ul>
                </Td>
                <Td className="whitespace-nowrap font-mono text-xs text-muted-foreground">
                  ghw_…{e.secretLastFour}
                </Td>
                <Td className="whitespace-nowrap text-muted-foreground">
                  {date.format(new Date(e.createdAt))}
                </Td>
                <Td>
                  {e.disabledAt ? (
                    <Badge variant="outline" title={`Since ${date.format(new Date(e.disabledAt))}`}>
                      Disabled
                    </Badge>
                  ) : (
                    <Badge variant="success">Active</Badge>
                  )}
                </Td>
                <Td>
                  <div className="flex justify-end gap-2">
                    {!e.disabledAt && (
                      <Button
                        variant="outline"
                        size="sm"
                        disabled={pending}
                        aria-label={`Send test event to ${e.url}`}
                        onClick={() => test(e)}
                      >
                        {busy === e.id ? "Sending…" : "Send test event"}
                      </Button>
                    )}
                    <Button
                      variant="outline"
                      size="sm"
                      disabled={pending}
                      aria-label={`${e.disabledAt ? "Enable" : "Disable"} ${e.url}`}
                      onClick={() => toggle(e)}
                    >
                      {e.disabledAt ? "Enable" : "Disable"}
                    </Button>
                    <Button
                      variant="ghost"
                      size="sm"
                      className="text-destructive hover:text-destructive"
                      disabled={pending}
                      aria-label={`Delete ${e.url}`}
                      onClick={() => setDeleting(e)}
                    >
                      Delete
                    </Button>
                  </div>
                </Td>
              </Tr>
            ))}
            {!endpoints.length && (
              <tr>
                <Td colSpan={6} className="py-4 text-muted-foreground">
                  No endpoints yet. Add one to receive alerts in your own systems (Slack, PagerDuty,
                  a finance tool).
                </Td>
              </tr>
            )}
          </tbody>
        </Table>
      </div>
      <div>
        <Button onClick={() => setAdding(true)}>Add endpoint</Button>
      </div>
      <AddEndpointDialog
        open={adding}
        onOpenChange={setAdding}
        create={create}
        onCreated={() => router.refresh()}
      />
      <Dialog open={deleting !== null} onOpenChange={(open) => !open && setDeleting(null)}>
        <DialogContent>
          <DialogTitle>Delete this endpoint?</DialogTitle>
          <DialogDescription className="break-all">
            {deleting?.url} receives no more events, deliveries still pending are dropped, and its
            delivery log is deleted. To pause it instead, disable it.
          </DialogDescription>
          <DialogFooter>
            <Button variant="outline" onClick={() => setDeleting(null)}>
              Cancel
            </Button>
            <Button variant="destructive" disabled={pending} onClick={confirmDelete}>
              Delete endpoint
            </Button>
          </DialogFooter>
        </DialogContent>
      </Dialog>
    </div>
  );
}

interface AddEndpointDialogProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  create: WebhookEndpointsProps["create"];
  onCreated: () => void;
}

function AddEndpointDialog({ open, onOpenChange, create, onCreated }: AddEndpointDialogProps) {
  const [url, setUrl] = useState("");
  const [description, setDescription] = useState("");
  const [events, setEvents] = useState<WebhookEventType[]>(WEBHOOK_EVENT_CHOICES);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [secret, setSecret] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  const reset = () => {
    setUrl("");
    setDescription("");
    setEvents(WEBHOOK_EVENT_CHOICES);
    setError(null);
    setFieldErrors({});
    setSecret(null);
  };

  const submit = () =>
    startTransition(async () => {
      const result = await create({ url, description, events });
      if (!result.ok) {
        setError(result.error);
        setFieldErrors(result.fieldErrors ?? {});
        return;
      }
      setSecret(result.data.secret);
      onCreated();
    });

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        onOpenChange(next);
        if (!next) reset();
      }}
    >
      <DialogContent className="max-w-xl">
        <DialogTitle>{secret ? "Copy the signing secret now" : "Add webhook endpoint"}</DialogTitle>
        {secret ? (
          <>
            <DialogDescription>
              It is shown only once. Your receiver needs it to check that a request comes from
              Gatehouse and was not altered or replayed.
            </DialogDescription>
            <SecretReveal secret={secret} label="Signing secret" />
            <div className="rounded-md border bg-muted/40 px-4 py-3 text-sm">
              <p className="font-medium">How to verify a delivery</p>
              <p className="mt-1 text-muted-foreground">
                Each request carries{" "}
                <code className="font-mono text-xs">Gatehouse-Signature: t=…,v1=…</code>. Compute
                the hex HMAC-SHA256 of <code className="font-mono text-xs">{"<t>.<raw body>"}</code>{" "}
                with this secret, compare it with <code className="font-mono text-xs">v1</code> in
                constant time, and refuse a <code className="font-mono text-xs">t</code> more than
                five minutes away from your clock. The README&apos;s &ldquo;Webhooks&rdquo; section
                has the payloads and a Node.js example.
              </p>
            </div>
            <DialogFooter>
              <Button onClick={() => onOpenChange(false)}>Done</Button>
            </DialogFooter>
          </>
        ) : (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              submit();
            }}
            className="flex flex-col gap-4"
            noValidate
          >
            <DialogDescription>
              Gatehouse POSTs the events you choose to this URL as JSON, signed with a secret you
              will see next.
            </DialogDescription>
            <Field
              id="webhook-url"
              label="URL"
              error={fieldErrors.url}
              hint="https:// (plain http:// only for localhost or 127.0.0.1)."
            >
              <Input
                id="webhook-url"
                type="url"
                inputMode="url"
                value={url}
                onChange={(e) => setUrl(e.target.value)}
                placeholder="https://hooks.example.com/gatehouse"
                maxLength={FIELD_LIMITS.webhookUrl}
                aria-invalid={Boolean(fieldErrors.url)}
                aria-describedby={describedBy("webhook-url", fieldErrors.url)}
                autoFocus
              />
            </Field>
            <Field
              id="webhook-description"
              label="Description"
              error={fieldErrors.description}
              hint="Optional: what receives it, for whoever reads this list next."
            >
              <Input
                id="webhook-description"
                value={description}
                onChange={(e) => setDescription(e.target.value)}
                placeholder="Finance alerts in Slack"
                maxLength={FIELD_LIMITS.webhookDescription}
                aria-invalid={Boolean(fieldErrors.description)}
                aria-describedby={describedBy("webhook-description", fieldErrors.description)}
              />
            </Field>
            <fieldset className="flex flex-col gap-2">
              <legend className="mb-1.5 text-sm font-medium">Events</legend>
              {WEBHOOK_EVENT_CHOICES.map((type) => (
                <label
                  key={type}
                  className="flex cursor-pointer items-start gap-2 rounded-md border px-3 py-2 text-sm has-[:checked]:border-primary has-[:checked]:bg-primary/5"
                >
                  <input
                    type="checkbox"
                    className="mt-0.5"
                    checked={events.includes(type)}
                    aria-describedby={`webhook-event-${type}`}
                    onChange={(e) =>
                      setEvents((current) =>
                        e.target.checked
                          ? WEBHOOK_EVENT_CHOICES.filter((t) => t === type || current.includes(t))
                          : current.filter((t) => t !== type),
                      )
                    }
                  />
                  <span>
                    {WEBHOOK_EVENT_LABELS[type].label}{" "}
                    <code className="font-mono text-xs text-muted-foreground">{type}</code>
                    <span
                      id={`webhook-event-${type}`}
                      className="block text-xs text-muted-foreground"
                    >
                      {WEBHOOK_EVENT_LABELS[type].hint}
                    </span>
                  </span>
                </label>
              ))}
              {fieldErrors.events && (
                <p className="text-sm text-destructive">{fieldErrors.events}</p>
              )}
            </fieldset>
            {error && !Object.keys(fieldErrors).length && (
              <p role="alert" className="text-sm text-destructive">
                {error}
              </p>
            )}
            <DialogFooter>
              <Button type="submit" disabled={pending}>
                {pending ? "Adding…" : "Add endpoint"}
              </Button>
            </DialogFooter>
          </form>
        )}
      </DialogContent>
    </Dialog>
  );
}
