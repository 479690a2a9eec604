"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState, useTransition } from "react";
import { toast } from "sonner";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Table, THead, Td, Th, Tr } from "@/components/ui/table";
import type { ActionResult } from "@/lib/action-result";
import { webhookEventLabel } from "@/lib/webhooks/events";
import type { WebhookDeliverySummary } from "@/lib/webhooks/queries";

interface WebhookDeliveriesProps {
  deliveries: WebhookDeliverySummary[];
  retry: (input: {
    deliveryId: string;
  }) => Promise<ActionResult<{ status: string; statusCode: number | null; error: string | null }>>;
}

const time = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "short",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
  timeZone: "UTC",
});
const fullTime = (at: Date) => new Date(at).toISOString().replace("T", " ").slice(0, 19) + " UTC";

// While something is pending, the log refreshes itself so that retries show up without a reload.
const REFRESH_MS = 5_000;

/** The delivery log: the organisation's last 100 deliveries, newest first, with a Retry for failures. */
export function WebhookDeliveries({ deliveries, retry }: WebhookDeliveriesProps) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [busy, setBusy] = useState<string | null>(null);
  const anyPending = deliveries.some((d) => d.status === "pending");

  useEffect(() => {
    if (!anyPending) return;
    const timer = setInterval(() => router.refresh(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [anyPending, router]);

  const again = (delivery: WebhookDeliverySummary) => {
    setBusy(delivery.id);
    startTransition(async () => {
      const result = await retry({ deliveryId: delivery.id });
      setBusy(null);
      if (!result.ok) toast.error(result.error);
      else if (result.data.status === "delivered")
        toast.success(`Delivered: the endpoint answered HTTP ${result.data.statusCode}.`);
      else toast.error(`Not delivered (${result.data.error ?? "pending"}). It will be retried.`);
      router.refresh();
    });
  };

  return (
    <div className="overflow-x-auto">
      <Table aria-label="Webhook deliveries">
        <THead className="bg-transparent">
          <tr>
            <Th>Time (UTC)</Th>
            <Th>Event</Th>
            <Th>Endpoint</Th>
            <Th>Status</Th>
            <Th className="text-right">Attempts</Th>
            <Th>Last response</Th>
            <Th>Next attempt (UTC)</Th>
            <Th>
              <span className="sr-only">Actions</span>
            </Th>
          </tr>
        </THead>
        <tbody>
          {deliveries.map((d) => (
            <Tr key={d.id}>
              <Td className="whitespace-nowrap tabular-nums">
                <time dateTime={new Date(d.createdAt).toISOString()} title={fullTime(d.createdAt)}>
                  {time.format(new Date(d.createdAt))}
                </time>
              </Td>
              <Td>
                <div>{webhookEventLabel(d.eventType)}</div>
                <div className="font-mono text-xs text-muted-foreground" title="Event id">
                  {d.eventId.slice(0, 8)}
                </div>
              </Td>
              <Td className="max-w-[16rem]">
                <div className="truncate font-mono text-xs" title={d.endpointUrl}>
                  {d.endpointUrl}
                </div>
              </Td>
              <Td>
                <DeliveryStatus delivery={d} />
              </Td>
              <Td className="text-right tabular-nums">{d.attempts}</Td>
              <Td className="max-w-[16rem] text-xs">
                {d.lastStatusCode !== null && (
                  <span className="font-mono">HTTP {d.lastStatusCode}</span>
                )}
                {d.lastError && d.lastError !== `HTTP ${d.lastStatusCode}` && (
                  <div className="text-muted-foreground">{d.lastError}</div>
                )}
                {d.lastStatusCode === null && !d.lastError && (
                  <span className="text-muted-foreground">—</span>
                )}
              </Td>
              <Td className="whitespace-nowrap tabular-nums text-muted-foreground">
                {d.status === "pending" ? (
                  <time
                    dateTime={new Date(d.nextAttemptAt).toISOString()}
                    title={fullTime(d.nextAttemptAt)}
                  >
                    {time.format(new Date(d.nextAttemptAt))}
                  </time>
                ) : (
                  "—"
                )}
              </Td>
              <Td className="text-right">
                {d.status === "failed" && (
                  <Button
                    variant="outline"
                    size="sm"
                    disabled={pending}
                    aria-label={`Retry the ${webhookEventLabel(d.eventType)} delivery of ${time.format(new Date(d.createdAt))} UTC`}
                    onClick={() => again(d)}
                  >
                    {busy === d.id ? "Retrying…" : "Retry"}
                  </Button>
                )}
              </Td>
            </Tr>
          ))}
          {!deliveries.length && (
            <tr>
              <Td colSpan={8} className="py-4 text-muted-foreground">
                No deliveries yet. Alerts appear here as they are sent; &ldquo;Send test
                event&rdquo; on an endpoint shows one at once.
              </Td>
            </tr>
          )}
        </tbody>
      </Table>
    </div>
  );
}

function DeliveryStatus({ delivery }: { delivery: WebhookDeliverySummary }) {
  switch (delivery.status) {
    case "delivered":
      return (
        <Badge
          variant="success"
          title={delivery.deliveredAt ? `Delivered ${fullTime(delivery.deliveredAt)}` : undefined}
        >
          Delivered
        </Badge>
      );
    case "failed":
      return <Badge variant="destructive">Failed</Badge>;
    case "pending":
      return delivery.attempts > 0 ? (
        <Badge variant="warning">Retrying</Badge>
      ) : (
        <Badge variant="secondary">Pending</Badge>
      );
  }
}
