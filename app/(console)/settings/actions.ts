"use server";

import { action } from "@/app/_server/action";
import { type SsoPolicyInput, unlinkSsoIdentities, updateSsoPolicy } from "@/lib/auth/sso-policy";
import { oidcEnabled } from "@/lib/env";
import { createGatewayToken, revokeGatewayToken } from "@/lib/gateway/tokens";
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  disableWebhookEndpoint,
  enableWebhookEndpoint,
  retryDelivery,
  sendTestEvent,
} from "@/lib/webhooks/commands";
import type { CreateWebhookEndpointInput } from "@/lib/webhooks/schemas";

export const createGatewayTokenAction = action(
  "createGatewayToken",
  (input: { name: string }, actor, db) => createGatewayToken(db, actor, input),
  { revalidate: ["/settings"] },
);
export const revokeGatewayTokenAction = action(
  "revokeGatewayToken",
  async (input: { tokenId: string }, actor, db) => {
    await revokeGatewayToken(db, actor, input);
    return null;
  },
  { revalidate: ["/settings"] },
);

export const createWebhookEndpointAction = action(
  "createWebhookEndpoint",
  (input: CreateWebhookEndpointInput, actor, db) => createWebhookEndpoint(db, actor, input),
  { revalidate: ["/settings"] },
);
// Sending a test event (and retrying a delivery) attempts it at once, so the admin sees the
// answer of their endpoint in the toast; a failure is retried by the delivery loop as usual.
export const sendTestEventAction = action(
  "sendTestEvent",
  (input: { endpointId: string }, actor, db) => sendTestEvent(db, actor, input),
  { revalidate: ["/settings"] },
);
export const retryDeliveryAction = action(
  "retryDelivery",
  (input: { deliveryId: string }, actor, db) => retryDelivery(db, actor, input),
  { revalidate: ["/settings"] },
);
export const disableWebhookEndpointAction = action(
  "disableWebhookEndpoint",
  (input: { endpointId: string }, actor, db) => disableWebhookEndpoint(db, actor, input),
  { revalidate: ["/settings"] },
);
export const enableWebhookEndpointAction = action(
  "enableWebhookEndpoint",
  (input: { endpointId: string }, actor, db) => enableWebhookEndpoint(db, actor, input),
  { revalidate: ["/settings"] },
);
export const deleteWebhookEndpointAction = action(
  "deleteWebhookEndpoint",
  (input: { endpointId: string }, actor, db) => deleteWebhookEndpoint(db, actor, input),
  { revalidate: ["/settings"] },
);

export const updateSsoPolicyAction = action(
  "updateSsoPolicy",
  (input: SsoPolicyInput, actor, db) =>
    updateSsoPolicy(db, actor, input, { ssoConfigured: oidcEnabled() }),
  { revalidate: ["/settings"] },
);
export const unlinkSsoIdentitiesAction = action(
  "unlinkSsoIdentities",
  (input: { memberId: string }, actor, db) => unlinkSsoIdentities(db, actor, input),
  { revalidate: ["/settings"] },
);
