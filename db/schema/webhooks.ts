import { sql } from "drizzle-orm";
import {
  check,
  foreignKey,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uuid,
} from "drizzle-orm/pg-core";
import { orgs, users } from "./orgs";

// The events an endpoint may subscribe to. `webhook.test` (Send test event) is not subscribable:
// it goes to the one endpoint it was sent to.
export const WEBHOOK_EVENT_TYPES = [
  "budget.threshold_crossed",
  "budget.forecast_over_budget",
  "budget_window.threshold_crossed",
  "spend.anomaly",
  "access_review.due",
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];
export const WEBHOOK_TEST_EVENT = "webhook.test";

export const webhookDeliveryStatus = pgEnum("webhook_delivery_status", [
  "pending",
  "delivered",
  "failed",
]);

export const webhookEndpoints = pgTable(
  "webhook_endpoints",
  {
    id: uuid().notNull().defaultRandom(),
    orgId: uuid()
      .notNull()
      .references(() => orgs.id, { onDelete: "cascade" }),
    url: text().notNull(),
    description: text().notNull().default(""),
    events: text()
      .array()
      .notNull()
      .default(
        sql`'{budget.threshold_crossed,budget.forecast_over_budget,budget_window.threshold_crossed,spend.anomaly,access_review.due}'::text[]`,
      ),
    // The signing secret must be readable by the server (it signs every delivery), so it is
    // encrypted (AES-256-GCM, key derived from AUTH_SECRET) rather than hashed. See
    // lib/webhooks/secret-box.ts. Lists show only the last four characters.
    secretCiphertext: text().notNull(),
    secretLastFour: text().notNull(),
    disabledAt: timestamp({ withTimezone: true }),
    createdBy: uuid().references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.id, t.orgId] }),
    unique("webhook_endpoints_org_id_key").on(t.orgId, t.id),
    check("webhook_endpoints_url_length", sql`char_length(${t.url}) between 1 and 2000`),
    check("webhook_endpoints_description_length", sql`char_length(${t.description}) <= 200`),
    check(
      "webhook_endpoints_events_known",
      sql`${t.events} <@ array['budget.threshold_crossed','budget.forecast_over_budget','budget_window.threshold_crossed','spend.anomaly','access_review.due']::text[]`,
    ),
  ],
);

export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: uuid().notNull().defaultRandom(),
    orgId: uuid().notNull(),
    endpointId: uuid().notNull(),
    eventType: text().notNull(),
    // The same for every delivery of one event (to each subscribed endpoint): the payload's id
    // and the Idempotency-Key header, so receivers can drop repeats.
    eventId: uuid().notNull(),
    payload: jsonb().notNull(),
    status: webhookDeliveryStatus().notNull().default("pending"),
    // Attempts started. Claiming a delivery increments it and leases the row by moving
    // next_attempt_at forward, so a crashed sender's delivery is retried after the lease.
    attempts: integer().notNull().default(0),
    nextAttemptAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastStatusCode: integer(),
    lastError: text(),
    deliveredAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.id, t.orgId] }),
    foreignKey({
      name: "webhook_deliveries_endpoint_fk",
      columns: [t.orgId, t.endpointId],
      foreignColumns: [webhookEndpoints.orgId, webhookEndpoints.id],
    }).onDelete("cascade"),
    index("webhook_deliveries_due_idx")
      .on(t.nextAttemptAt)
      .where(sql`${t.status} = 'pending'`),
    index("webhook_deliveries_org_time_idx").on(t.orgId, t.createdAt.desc()),
    index("webhook_deliveries_endpoint_idx").on(t.endpointId),
    check("webhook_deliveries_attempts_nonnegative", sql`${t.attempts} >= 0`),
    check("webhook_deliveries_error_length", sql`char_length(${t.lastError}) <= 500`),
  ],
);

export type WebhookEndpoint = typeof webhookEndpoints.$inferSelect;
export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;
export type WebhookDeliveryStatus = (typeof webhookDeliveryStatus.enumValues)[number];
