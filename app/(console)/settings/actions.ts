"use server";

import { headers } from "next/headers";
import { action } from "@/app/_server/action";
import { orgProviderAuthId, publicOrigin } from "@/app/_server/auth";
import { keepPendingSsoTest } from "@/app/_server/sso-test";
import { type SsoPolicyInput, unlinkSsoIdentities, updateSsoPolicy } from "@/lib/auth/sso-policy";
import {
  type CreateSsoProviderInput,
  type UpdateSsoProviderInput,
  createSsoProvider,
  deleteSsoProvider,
  setSsoProviderEnabled,
  updateSsoProvider,
} from "@/lib/auth/sso-providers";
import { startSsoTest } from "@/lib/auth/sso-test";
import { setOrgTimeZone } from "@/lib/orgs/time-zone";
import { setAnomalySettings } from "@/lib/spend/anomaly-settings";
import { oidcEnabled } from "@/lib/env";
import { createGatewayToken, revokeGatewayToken } from "@/lib/gateway/tokens";
import { updateDirectorySettings } from "@/lib/scim/settings";
import { createScimToken, revokeScimToken } from "@/lib/scim/tokens";
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

export const createScimTokenAction = action(
  "createScimToken",
  (input: { name: string }, actor, db) => createScimToken(db, actor, input),
  { revalidate: ["/settings"] },
);
export const revokeScimTokenAction = action(
  "revokeScimToken",
  async (input: { tokenId: string }, actor, db) => {
    await revokeScimToken(db, actor, input);
    return null;
  },
  { revalidate: ["/settings"] },
);
export const updateDirectorySettingsAction = action(
  "updateDirectorySettings",
  (input: { linkGroupsByName: boolean }, actor, db) => updateDirectorySettings(db, actor, input),
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

// SSO can be required where the environment's provider or an enabled one of the organisation's is.
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

// An organisation's own identity providers (owners; lib/auth/sso-providers.ts).
const providerOptions = () => ({ envProviderConfigured: oidcEnabled() });

export const createSsoProviderAction = action(
  "createSsoProvider",
  (input: CreateSsoProviderInput, actor, db) =>
    createSsoProvider(db, actor, input, providerOptions()),
  { revalidate: ["/settings"] },
);
export const updateSsoProviderAction = action(
  "updateSsoProvider",
  (input: UpdateSsoProviderInput, actor, db) =>
    updateSsoProvider(db, actor, input, providerOptions()),
  { revalidate: ["/settings"] },
);
export const setSsoProviderEnabledAction = action(
  "setSsoProviderEnabled",
  (input: { providerId: string; enabled: boolean }, actor, db) =>
    setSsoProviderEnabled(db, actor, input, providerOptions()),
  { revalidate: ["/settings"] },
);
export const deleteSsoProviderAction = action(
  "deleteSsoProvider",
  (input: { providerId: string }, actor, db) =>
    deleteSsoProvider(db, actor, input, providerOptions()),
  { revalidate: ["/settings"] },
);
// Test sign-in: the browser goes to the answered URL; the provider sends it back to the
// provider's redirect URI, where app/_server/sso-test.ts finishes the test.
export const startSsoTestAction = action(
  "startSsoTest",
  async (input: { providerId: string }, actor, db) => {
    const origin = publicOrigin(await headers());
    const { url, pending } = await startSsoTest(db, actor, input, {
      redirectUri: (id) => `${origin}/api/auth/callback/${orgProviderAuthId(id)}`,
    });
    await keepPendingSsoTest(pending);
    return { url };
  },
);

// Where budget windows' days start: shown on the key, group, member and spend pages too.
export const setOrgTimeZoneAction = action(
  "setOrgTimeZone",
  (input: { timeZone: string }, actor, db) => setOrgTimeZone(db, actor, input),
  { revalidate: ["/settings", "/spend", "/groups", "/keys", "/access"] },
);

export const setAnomalySettingsAction = action(
  "setAnomalySettings",
  (input: { sensitivity: string; minSpend: string }, actor, db) =>
    setAnomalySettings(db, actor, input),
  { revalidate: ["/settings"] },
);
