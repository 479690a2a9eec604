import { randomUUID } from "node:crypto";
import { and, arrayContains, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "@/db/connect";
import { queryRows } from "@/db/rows";
import { type WebhookEventType, webhookDeliveries, webhookEndpoints } from "@/db/schema";

export interface WebhookEvent {
  type: WebhookEventType;
  data: Record<string, unknown>;
}

/** What every delivery's body holds: the event, with the id shared by all its deliveries. */
export interface WebhookPayload {
  id: string;
  type: string;
  createdAt: string;
  data: Record<string, unknown>;
}

/** The envelope, with data made JSON-safe (bigints as numbers, or strings past 2^53). */
export function webhookPayload(
  type: string,
  data: Record<string, unknown>,
  at = new Date(),
): WebhookPayload {
  const json = JSON.stringify(data, (_key, value: unknown) =>
    typeof value === "bigint"
      ? Number.isSafeInteger(Number(value))
        ? Number(value)
        : value.toString()
      : value,
  );
  return { id: randomUUID(), type, createdAt: at.toISOString(), data: JSON.parse(json) };
}

/** Queues one delivery per active endpoint of the org subscribed to the event, in the caller's transaction. */
export async function enqueueWebhookEvent(
  tx: Db,
  orgId: string,
  event: WebhookEvent,
): Promise<number> {
  // One statement: no round trip per endpoint inside the caller's (ingest) transaction. Nothing
  // here needs the signing secret, so it cannot fail for want of AUTH_SECRET.
  const payload = webhookPayload(event.type, event.data);
  const queued = await queryRows<{ id: string }>(
    tx,
    sql`insert into ${webhookDeliveries} (org_id, endpoint_id, event_type, event_id, payload)
        select ${webhookEndpoints.orgId}, ${webhookEndpoints.id}, ${event.type}::text,
               ${payload.id}::uuid, ${JSON.stringify(payload)}::jsonb
        from ${webhookEndpoints}
        where ${and(
          eq(webhookEndpoints.orgId, orgId),
          isNull(webhookEndpoints.disabledAt),
          arrayContains(webhookEndpoints.events, [event.type]),
        )}
        returning id`,
  );
  return queued.length;
}
