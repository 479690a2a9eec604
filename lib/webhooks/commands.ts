import { randomUUID } from "node:crypto";
import { and, eq, isNotNull, isNull } from "drizzle-orm";
import type { Db } from "@/db/connect";
import { WEBHOOK_TEST_EVENT, webhookDeliveries, webhookEndpoints } from "@/db/schema";
import { audit } from "@/lib/audit/record";
import { type Actor, assertCan } from "@/lib/auth/actor";
import { Conflict, Invalid, NotFound } from "@/lib/errors";
import { newSecret } from "@/lib/keys/secret";
import { type DeliverOptions, type DeliveryOutcome, deliverWebhooksNow } from "./deliver";
import { type DestinationOptions, checkDestination, destinationFieldError } from "./destination";
import { webhookPayload } from "./enqueue";
import {
  type CreateWebhookEndpointInput,
  createWebhookEndpointInput,
  deliveryIdInput,
  endpointIdInput,
} from "./schemas";
import { sealSecret } from "./secret-box";

// Webhook endpoints of an organisation: where budget alerts are POSTed, signed with a secret
// (ghw_…) that is shown once at creation and kept encrypted so that the server can sign.
// Audit rows record the URL, description and events, never the secret.
export const WEBHOOK_SECRET_PREFIX = "ghw_";

const ENDPOINT = "The webhook endpoint";

export async function createWebhookEndpoint(
  db: Db,
  actor: Actor,
  raw: CreateWebhookEndpointInput,
  options: DestinationOptions = {},
) {
  assertCan(actor, "org:manage");
  const { url, description, events } = createWebhookEndpointInput.parse(raw);
  // Public addresses only (destination.ts). Checked before the transaction: DNS can take
  // seconds, and a refusal writes nothing. Deliveries check again before every attempt.
  const destination = await checkDestination(url, options);
  if (!destination.ok) {
    const message = destinationFieldError(destination.problem);
    throw new Invalid(message, { url: message });
  }
  const secret = newSecret(WEBHOOK_SECRET_PREFIX);
  // The id is chosen here because the ciphertext is bound to it.
  const id = randomUUID();
  return db.transaction(async (tx) => {
    const [endpoint] = await tx
      .insert(webhookEndpoints)
      .values({
        id,
        orgId: actor.orgId,
        url,
        description,
        events,
        secretCiphertext: sealSecret(secret.secret, actor.orgId, id),
        secretLastFour: secret.lastFour,
        createdBy: actor.kind === "user" ? actor.userId : null,
      })
      .returning({
        id: webhookEndpoints.id,
        url: webhookEndpoints.url,
        description: webhookEndpoints.description,
        events: webhookEndpoints.events,
        secretLastFour: webhookEndpoints.secretLastFour,
        createdAt: webhookEndpoints.createdAt,
      });
    await audit(
      tx,
      actor,
      "webhook_endpoint.created",
      { type: "webhook_endpoint", id },
      { after: { url, description, events } },
    );
    return { ...endpoint!, secret: secret.secret };
  });
}

/** Stops deliveries to the endpoint; those still pending are marked failed. */
export async function disableWebhookEndpoint(db: Db, actor: Actor, raw: { endpointId: string }) {
  assertCan(actor, "org:manage");
  const { endpointId } = endpointIdInput.parse(raw);
  return db.transaction(async (tx) => {
    const [endpoint] = await tx
      .update(webhookEndpoints)
      .set({ disabledAt: new Date() })
      .where(
        and(
          eq(webhookEndpoints.orgId, actor.orgId),
          eq(webhookEndpoints.id, endpointId),
          isNull(webhookEndpoints.disabledAt),
        ),
      )
      .returning({ id: webhookEndpoints.id, url: webhookEndpoints.url });
    if (!endpoint) {
      await findEndpoint(tx, actor, endpointId); // NotFound, or already disabled: nothing to do
      return { id: endpointId };
    }
    await tx
      .update(webhookDeliveries)
      .set({ status: "failed", lastError: "The endpoint was disabled before delivery." })
      .where(
        and(
          eq(webhookDeliveries.orgId, actor.orgId),
          eq(webhookDeliveries.endpointId, endpointId),
          eq(webhookDeliveries.status, "pending"),
        ),
      );
    await audit(
      tx,
      actor,
      "webhook_endpoint.disabled",
      { type: "webhook_endpoint", id: endpointId },
      { after: { url: endpoint.url } },
    );
    return { id: endpointId };
  });
}

export async function enableWebhookEndpoint(db: Db, actor: Actor, raw: { endpointId: string }) {
  assertCan(actor, "org:manage");
  const { endpointId } = endpointIdInput.parse(raw);
  return db.transaction(async (tx) => {
    const [endpoint] = await tx
      .update(webhookEndpoints)
      .set({ disabledAt: null })
      .where(
        and(
          eq(webhookEndpoints.orgId, actor.orgId),
          eq(webhookEndpoints.id, endpointId),
          isNotNull(webhookEndpoints.disabledAt),
        ),
      )
      .returning({ id: webhookEndpoints.id, url: webhookEndpoints.url });
    if (!endpoint) {
      await findEndpoint(tx, actor, endpointId);
      return { id: endpointId };
    }
    await audit(
      tx,
      actor,
      "webhook_endpoint.enabled",
      { type: "webhook_endpoint", id: endpointId },
      { after: { url: endpoint.url } },
    );
    return { id: endpointId };
  });
}

/** Deletes the endpoint and its delivery log. */
export async function deleteWebhookEndpoint(db: Db, actor: Actor, raw: { endpointId: string }) {
  assertCan(actor, "org:manage");
  const { endpointId } = endpointIdInput.parse(raw);
  return db.transaction(async (tx) => {
    const [endpoint] = await tx
      .delete(webhookEndpoints)
      .where(and(eq(webhookEndpoints.orgId, actor.orgId), eq(webhookEndpoints.id, endpointId)))
      .returning({
        id: webhookEndpoints.id,
        url: webhookEndpoints.url,
        description: webhookEndpoints.description,
        events: webhookEndpoints.events,
      });
    if (!endpoint) throw new NotFound(ENDPOINT);
    await audit(
      tx,
      actor,
      "webhook_endpoint.deleted",
      { type: "webhook_endpoint", id: endpointId },
      { before: { url: endpoint.url, description: endpoint.description, events: endpoint.events } },
    );
    return { id: endpointId };
  });
}

/**
 * Queues a `webhook.test` event for one endpoint (whatever it subscribes to) and attempts it at
 * once, so the admin sees the outcome; a failed attempt is retried like any other delivery.
 */
export async function sendTestEvent(
  db: Db,
  actor: Actor,
  raw: { endpointId: string },
  options: DeliverOptions = {},
): Promise<DeliveryOutcome & { deliveryId: string }> {
  assertCan(actor, "org:manage");
  const { endpointId } = endpointIdInput.parse(raw);
  const deliveryId = await db.transaction(async (tx) => {
    const endpoint = await findEndpoint(tx, actor, endpointId);
    if (endpoint.disabledAt) throw new Conflict("Enable the endpoint to send it a test event.");
    const payload = webhookPayload(
      WEBHOOK_TEST_EVENT,
      {
        endpointId,
        message: "A test event sent from Gatehouse Settings. Nothing happened to any budget.",
      },
      options.now,
    );
    const [delivery] = await tx
      .insert(webhookDeliveries)
      .values({
        orgId: actor.orgId,
        endpointId,
        eventType: WEBHOOK_TEST_EVENT,
        eventId: payload.id,
        payload,
        nextAttemptAt: options.now ?? new Date(),
      })
      .returning({ id: webhookDeliveries.id });
    await audit(
      tx,
      actor,
      "webhook_endpoint.test_sent",
      { type: "webhook_endpoint", id: endpointId },
      { after: { url: endpoint.url, deliveryId: delivery!.id } },
    );
    return delivery!.id;
  });
  return { deliveryId, ...(await attemptNow(db, deliveryId, options)) };
}

/** Sends a failed delivery again from its first attempt, at once. */
export async function retryDelivery(
  db: Db,
  actor: Actor,
  raw: { deliveryId: string },
  options: DeliverOptions = {},
): Promise<DeliveryOutcome & { deliveryId: string }> {
  assertCan(actor, "org:manage");
  const { deliveryId } = deliveryIdInput.parse(raw);
  await db.transaction(async (tx) => {
    const [delivery] = await tx
      .select({
        id: webhookDeliveries.id,
        status: webhookDeliveries.status,
        endpointId: webhookDeliveries.endpointId,
        eventType: webhookDeliveries.eventType,
        disabledAt: webhookEndpoints.disabledAt,
      })
      .from(webhookDeliveries)
      .innerJoin(
        webhookEndpoints,
        and(
          eq(webhookEndpoints.orgId, webhookDeliveries.orgId),
          eq(webhookEndpoints.id, webhookDeliveries.endpointId),
        ),
      )
      .where(and(eq(webhookDeliveries.orgId, actor.orgId), eq(webhookDeliveries.id, deliveryId)))
      .for("update", { of: webhookDeliveries });
    if (!delivery) throw new NotFound("The delivery");
    if (delivery.status !== "failed") throw new Conflict("Only failed deliveries can be retried.");
    if (delivery.disabledAt) throw new Conflict("Enable the endpoint to retry its deliveries.");
    await tx
      .update(webhookDeliveries)
      .set({ status: "pending", attempts: 0, nextAttemptAt: options.now ?? new Date() })
      .where(eq(webhookDeliveries.id, deliveryId));
    await audit(
      tx,
      actor,
      "webhook_delivery.retried",
      { type: "webhook_delivery", id: deliveryId },
      { after: { endpointId: delivery.endpointId, eventType: delivery.eventType } },
    );
  });
  return { deliveryId, ...(await attemptNow(db, deliveryId, options)) };
}

async function attemptNow(db: Db, deliveryId: string, options: DeliverOptions) {
  const [outcome] = await deliverWebhooksNow(db, [deliveryId], options);
  // Nothing claimed: another server is sending it right now; the log will show the result.
  return (
    outcome ?? {
      id: deliveryId,
      status: "pending" as const,
      attempts: 0,
      statusCode: null,
      error: null,
      nextAttemptAt: null,
    }
  );
}

async function findEndpoint(tx: Db, actor: Actor, endpointId: string) {
  const [endpoint] = await tx
    .select({
      id: webhookEndpoints.id,
      url: webhookEndpoints.url,
      disabledAt: webhookEndpoints.disabledAt,
    })
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.orgId, actor.orgId), eq(webhookEndpoints.id, endpointId)));
  if (!endpoint) throw new NotFound(ENDPOINT);
  return endpoint;
}
