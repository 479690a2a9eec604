import type { LookupAddress } from "node:dns";
import { and, eq, inArray, isNull, lt, lte, ne, sql } from "drizzle-orm";
import type { Db } from "@/db/connect";
import { webhookDeliveries, webhookEndpoints } from "@/db/schema";
import { type DestinationOptions, checkDestination, destinationDeliveryError } from "./destination";
import type { WebhookPayload } from "./enqueue";
import { pinnedFetch } from "./pinned-fetch";
import { UnreadableSecret, openSecret } from "./secret-box";
import { signatureHeader } from "./signing";

// Sends due deliveries. Every server runs this every ~10 s (instrumentation.ts); they share the
// work through the database. A delivery is claimed in one statement (FOR UPDATE SKIP LOCKED):
// claiming increments its attempts and leases it by moving next_attempt_at past the send, so no
// other server picks it up meanwhile, and a server that dies mid-send leaves it to be retried
// when the lease ends (at-least-once delivery: receivers dedupe on Idempotency-Key). The outcome
// is written only if the row is still on the attempt this server claimed. Before each attempt the
// destination is checked again (destination.ts: public addresses only, unless the operator
// allows internal ones), and the request connects to the addresses checked (pinned-fetch.ts).

export const MAX_ATTEMPTS = 8;
export const TIMEOUT_MS = 10_000;
const LEASE_MS = 120_000;
const RETRY_BASE_SECONDS = 30;
const RETRY_CAP_SECONDS = 6 * 3600;
const RETENTION_DAYS = 30;

/**
 * Sends one request. `addresses`, when given, are the checked addresses of the URL's host: the
 * only ones it may connect to.
 */
export type FetchLike = (
  url: string,
  init: RequestInit,
  addresses?: readonly LookupAddress[] | null,
) => Promise<Response>;

export interface DeliverOptions extends DestinationOptions {
  now?: Date;
  /** Default: pinnedFetch (node:http(s), connecting to the checked addresses only). */
  fetch?: FetchLike;
  /** At most this many deliveries per call (default 20), sent in parallel. */
  limit?: number;
  /** Jitter source, for tests (default Math.random). */
  random?: () => number;
  timeoutMs?: number;
}

export interface DeliveryOutcome {
  id: string;
  status: "delivered" | "pending" | "failed";
  attempts: number;
  statusCode: number | null;
  error: string | null;
  nextAttemptAt: Date | null;
}

/**
 * Seconds to wait after failed attempt number `attempts` (1-based): 30 s doubling each time
 * (30 s, 1 min, 2 min … 32 min), capped at 6 h, with ±20 % jitter so that many deliveries failing
 * together do not retry in lockstep.
 */
export function retryDelaySeconds(attempts: number, random: () => number = Math.random): number {
  const base = Math.min(RETRY_BASE_SECONDS * 2 ** Math.max(0, attempts - 1), RETRY_CAP_SECONDS);
  return Math.round(base * (0.8 + 0.4 * random()));
}

export async function deliverDueWebhooks(
  db: Db,
  options: DeliverOptions = {},
): Promise<DeliveryOutcome[]> {
  return deliver(db, options);
}

/** Attempts these deliveries now if they are pending and not being sent by another server. */
export async function deliverWebhooksNow(
  db: Db,
  deliveryIds: string[],
  options: DeliverOptions = {},
): Promise<DeliveryOutcome[]> {
  if (!deliveryIds.length) return [];
  return deliver(db, options, deliveryIds);
}

async function deliver(
  db: Db,
  options: DeliverOptions,
  only?: string[],
): Promise<DeliveryOutcome[]> {
  const now = options.now ?? new Date();
  const claimed = await claim(db, now, options.limit ?? 20, only);
  return Promise.all(claimed.map((delivery) => send(db, delivery, now, options)));
}

type Claimed = Awaited<ReturnType<typeof claim>>[number];

async function claim(db: Db, now: Date, limit: number, only?: string[]) {
  const due = db
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .innerJoin(
      webhookEndpoints,
      and(
        eq(webhookEndpoints.orgId, webhookDeliveries.orgId),
        eq(webhookEndpoints.id, webhookDeliveries.endpointId),
      ),
    )
    .where(
      and(
        eq(webhookDeliveries.status, "pending"),
        lte(webhookDeliveries.nextAttemptAt, now),
        isNull(webhookEndpoints.disabledAt),
        only ? inArray(webhookDeliveries.id, only) : undefined,
      ),
    )
    .orderBy(webhookDeliveries.nextAttemptAt)
    .limit(limit)
    .for("update", { of: webhookDeliveries, skipLocked: true });
  // The rule does not see a .where() that follows .from(); this update has one.
  // eslint-disable-next-line drizzle/enforce-update-with-where
  return db
    .update(webhookDeliveries)
    .set({
      attempts: sql`${webhookDeliveries.attempts} + 1`,
      nextAttemptAt: new Date(now.getTime() + LEASE_MS),
    })
    .from(webhookEndpoints)
    .where(
      and(
        inArray(webhookDeliveries.id, due),
        eq(webhookEndpoints.orgId, webhookDeliveries.orgId),
        eq(webhookEndpoints.id, webhookDeliveries.endpointId),
      ),
    )
    .returning({
      id: webhookDeliveries.id,
      orgId: webhookDeliveries.orgId,
      endpointId: webhookDeliveries.endpointId,
      eventType: webhookDeliveries.eventType,
      eventId: webhookDeliveries.eventId,
      payload: webhookDeliveries.payload,
      attempts: webhookDeliveries.attempts,
      url: webhookEndpoints.url,
      secretCiphertext: webhookEndpoints.secretCiphertext,
    });
}

/** The exact body sent: the envelope's fields in a stable order (jsonb does not keep it). */
export function deliveryBody(payload: WebhookPayload): string {
  const { id, type, createdAt, data } = payload;
  return JSON.stringify({ id, type, createdAt, data });
}

async function send(
  db: Db,
  delivery: Claimed,
  now: Date,
  options: DeliverOptions,
): Promise<DeliveryOutcome> {
  const { statusCode, error } = await attempt(delivery, options);
  return record(db, delivery, now, statusCode, error, options.random);
}

async function attempt(
  delivery: Claimed,
  options: DeliverOptions,
): Promise<{ statusCode: number | null; error: string | null }> {
  const fetchFn = options.fetch ?? pinnedFetch;
  const timeoutMs = options.timeoutMs ?? TIMEOUT_MS;
  try {
    const secret = openSecret(delivery.secretCiphertext, delivery.orgId, delivery.endpointId);
    // Checked at creation, and again now: the name may point elsewhere since. A refusal is a
    // failed attempt like any other, retried with backoff (the DNS may be fixed meanwhile).
    const destination = await checkDestination(delivery.url, options);
    if (!destination.ok)
      return { statusCode: null, error: destinationDeliveryError(destination.problem) };
    const body = deliveryBody(delivery.payload as WebhookPayload);
    const init: RequestInit = {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "User-Agent": "Gatehouse-Webhooks/1",
        "Gatehouse-Signature": signatureHeader(secret, options.now ?? new Date(), body),
        "Gatehouse-Event": delivery.eventType,
        "Gatehouse-Delivery": delivery.id,
        "Idempotency-Key": delivery.eventId,
      },
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    };
    const response = await fetchFn(delivery.url, init, destination.addresses);
    // The answer's body is not needed: release the connection without reading it.
    await response.body?.cancel().catch(() => {});
    const status = response.status;
    if (status >= 300 && status < 400)
      return { statusCode: status, error: "Redirects are not followed." };
    if (status < 200 || status >= 300) return { statusCode: status, error: `HTTP ${status}` };
    return { statusCode: status, error: null };
  } catch (cause) {
    return { statusCode: null, error: describeFailure(cause, timeoutMs) };
  }
}

async function record(
  db: Db,
  delivery: Claimed,
  now: Date,
  statusCode: number | null,
  error: string | null,
  random?: () => number,
): Promise<DeliveryOutcome> {
  const fence = and(
    eq(webhookDeliveries.id, delivery.id),
    eq(webhookDeliveries.attempts, delivery.attempts),
  );
  const base = { id: delivery.id, attempts: delivery.attempts, statusCode, error };
  if (error === null) {
    await db
      .update(webhookDeliveries)
      .set({ status: "delivered", deliveredAt: now, lastStatusCode: statusCode, lastError: null })
      .where(fence);
    return { ...base, status: "delivered", nextAttemptAt: null };
  }
  const givingUp = delivery.attempts >= MAX_ATTEMPTS;
  const nextAttemptAt = givingUp
    ? null
    : new Date(now.getTime() + retryDelaySeconds(delivery.attempts, random) * 1000);
  await db
    .update(webhookDeliveries)
    .set({
      status: givingUp ? "failed" : "pending",
      ...(nextAttemptAt ? { nextAttemptAt } : {}),
      lastStatusCode: statusCode,
      lastError: error,
    })
    .where(fence);
  return { ...base, status: givingUp ? "failed" : "pending", nextAttemptAt };
}

/** A short, secret-free reason for the delivery log. */
function describeFailure(cause: unknown, timeoutMs: number): string {
  if (cause instanceof Error) {
    if (cause.name === "TimeoutError" || cause.name === "AbortError")
      return `No answer within ${timeoutMs / 1000} s.`;
    if (cause instanceof UnreadableSecret) return cause.message;
    // fetch wraps the socket's error (TypeError: fetch failed, cause: …); node:http does not.
    const inner = (cause as { cause?: { code?: unknown } }).cause;
    const code = inner?.code ?? (cause as { code?: unknown }).code;
    if (typeof code === "string") return `Could not connect (${code}).`;
    return truncate(`Could not send: ${cause.message}`);
  }
  return "Could not send.";
}

const truncate = (text: string) => (text.length > 200 ? `${text.slice(0, 199)}…` : text);

/** Deletes finished deliveries older than the retention (30 days); pending ones are kept. */
export async function pruneWebhookDeliveries(db: Db, now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - RETENTION_DAYS * 86_400_000);
  const removed = await db
    .delete(webhookDeliveries)
    .where(and(ne(webhookDeliveries.status, "pending"), lt(webhookDeliveries.createdAt, cutoff)))
    .returning({ id: webhookDeliveries.id });
  return removed.length;
}
