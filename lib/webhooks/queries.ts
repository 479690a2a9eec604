import { and, desc, eq } from "drizzle-orm";
import type { Db } from "@/db/connect";
import { type WebhookDeliveryStatus, webhookDeliveries, webhookEndpoints } from "@/db/schema";
import { type Actor, assertCan } from "@/lib/auth/actor";

// Reads for Settings. Admins only (endpoint URLs may embed tokens of the receiving system), and
// never the secret: only its last four characters.

export interface WebhookEndpointSummary {
  id: string;
  url: string;
  description: string;
  events: string[];
  secretLastFour: string;
  disabledAt: Date | null;
  createdAt: Date;
}

export interface WebhookDeliverySummary {
  id: string;
  endpointId: string;
  endpointUrl: string;
  eventType: string;
  eventId: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  nextAttemptAt: Date;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: Date | null;
  createdAt: Date;
}

export async function listWebhookEndpoints(
  db: Db,
  actor: Actor,
): Promise<WebhookEndpointSummary[]> {
  assertCan(actor, "org:manage");
  return db
    .select({
      id: webhookEndpoints.id,
      url: webhookEndpoints.url,
      description: webhookEndpoints.description,
      events: webhookEndpoints.events,
      secretLastFour: webhookEndpoints.secretLastFour,
      disabledAt: webhookEndpoints.disabledAt,
      createdAt: webhookEndpoints.createdAt,
    })
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.orgId, actor.orgId))
    .orderBy(desc(webhookEndpoints.createdAt), webhookEndpoints.id);
}

/** The organisation's last 100 deliveries, newest first. */
export async function listDeliveries(db: Db, actor: Actor): Promise<WebhookDeliverySummary[]> {
  assertCan(actor, "org:manage");
  return db
    .select({
      id: webhookDeliveries.id,
      endpointId: webhookDeliveries.endpointId,
      endpointUrl: webhookEndpoints.url,
      eventType: webhookDeliveries.eventType,
      eventId: webhookDeliveries.eventId,
      status: webhookDeliveries.status,
      attempts: webhookDeliveries.attempts,
      nextAttemptAt: webhookDeliveries.nextAttemptAt,
      lastStatusCode: webhookDeliveries.lastStatusCode,
      lastError: webhookDeliveries.lastError,
      deliveredAt: webhookDeliveries.deliveredAt,
      createdAt: webhookDeliveries.createdAt,
    })
    .from(webhookDeliveries)
    .innerJoin(
      webhookEndpoints,
      and(
        eq(webhookEndpoints.orgId, webhookDeliveries.orgId),
        eq(webhookEndpoints.id, webhookDeliveries.endpointId),
      ),
    )
    .where(eq(webhookDeliveries.orgId, actor.orgId))
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
    .limit(100);
}
