import type { Metadata } from "next";
import { randomUUID } from "node:crypto";
import { headers } from "next/headers";
import { oidcClient, orgProviderAuthId, publicOrigin } from "@/app/_server/auth";
import { ssoTestResult } from "@/app/_server/sso-test";
import { requireConsole } from "@/app/_server/session";
import { AdminOnly } from "@/components/layout/admin-only";
import { PageHeader } from "@/components/layout/page-header";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { getDb } from "@/db/client";
import { GatewayTokens } from "@/components/settings/gateway-tokens";
import { IdentityProviders } from "@/components/settings/identity-providers";
import { SingleSignOn } from "@/components/settings/single-sign-on";
import { WebhookEndpoints } from "@/components/settings/webhooks";
import { WebhookDeliveries } from "@/components/settings/webhooks-deliveries";
import { getSsoPolicy, listLinkedIdentities } from "@/lib/auth/sso-policy";
import { listSsoProviders } from "@/lib/auth/sso-providers";
import { env } from "@/lib/env";
import { listGatewayTokens } from "@/lib/gateway/tokens";
import { listMembers } from "@/lib/members/queries";
import { getOrgOverview } from "@/lib/orgs/queries";
import { listDeliveries, listWebhookEndpoints } from "@/lib/webhooks/queries";
import {
  createGatewayTokenAction,
  createSsoProviderAction,
  createWebhookEndpointAction,
  deleteSsoProviderAction,
  deleteWebhookEndpointAction,
  disableWebhookEndpointAction,
  enableWebhookEndpointAction,
  retryDeliveryAction,
  revokeGatewayTokenAction,
  sendTestEventAction,
  setSsoProviderEnabledAction,
  startSsoTestAction,
  unlinkSsoIdentitiesAction,
  updateSsoPolicyAction,
  updateSsoProviderAction,
} from "./actions";

export const metadata: Metadata = { title: "Settings · Gatehouse" };

interface SettingsPageProps {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

export default async function SettingsPage({ searchParams }: SettingsPageProps) {
  const { actor } = await requireConsole();
  if (actor.role === "member") {
    return (
      <>
        <PageHeader title="Settings" />
        <AdminOnly what="Organisation settings" />
      </>
    );
  }
  const db = await getDb();
  const [{ org }, tokens, endpoints, deliveries, ssoPolicy, identities, owners, orgProviders] =
    await Promise.all([
      getOrgOverview(db, actor),
      listGatewayTokens(db, actor),
      listWebhookEndpoints(db, actor),
      listDeliveries(db, actor),
      getSsoPolicy(db, actor),
      listLinkedIdentities(db, actor),
      listMembers(db, actor, { role: "owner", status: "active", pageSize: 100 }),
      listSsoProviders(db, actor),
    ]);
  const origin = publicOrigin(await headers());
  const client = oidcClient();
  const provider = client
    ? {
        name: env().AUTH_OIDC_NAME,
        issuer: client.issuer,
        redirectUri: `${origin}/api/auth/callback/oidc`,
      }
    : null;
  // Test sign-in's result, for the owner who ran it, once the provider has sent them back.
  const testedId = (await searchParams).ssoTest;
  const testResult =
    actor.role === "owner" && typeof testedId === "string"
      ? await ssoTestResult(actor.userId)
      : null;
  return (
    <>
      <PageHeader
        title="Settings"
        description="Your organisation and how the gateway connects to it."
      />
      <div className="grid gap-4 lg:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>Organisation</CardTitle>
            <CardDescription>
              Everything in Gatehouse belongs to exactly one organisation.
            </CardDescription>
          </CardHeader>
          <CardContent>
            <dl className="grid grid-cols-[8rem_1fr] gap-y-2 text-sm">
              <dt className="text-muted-foreground">Name</dt>
              <dd className="font-medium">{org.name}</dd>
              <dt className="text-muted-foreground">Identifier</dt>
              <dd className="font-mono text-xs">{org.slug}</dd>
              <dt className="text-muted-foreground">Your role</dt>
              <dd className="capitalize">{actor.role}</dd>
            </dl>
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Gateway tokens</CardTitle>
            <CardDescription>
              The gateway authenticates to Gatehouse&apos;s HTTP API (POST /api/v1/authorize) with a
              token of this organisation.
            </CardDescription>
          </CardHeader>
          <CardContent>
            <GatewayTokens
              tokens={tokens}
              create={createGatewayTokenAction}
              revoke={revokeGatewayTokenAction}
            />
          </CardContent>
        </Card>
        <Card className="lg:col-span-2" id="single-sign-on">
          <CardHeader>
            <CardTitle>Single sign-on</CardTitle>
            <CardDescription>
              People sign in through your identity provider (OpenID Connect). An identity is matched
              to a member by an email the provider verifies, once; from then on by the
              provider&apos;s own id for the person, so a changed email at the provider moves
              nothing.
            </CardDescription>
          </CardHeader>
          <CardContent>
            <SingleSignOn
              provider={provider}
              orgProviderEnabled={orgProviders.some((p) => p.enabled)}
              policy={ssoPolicy}
              owners={owners.rows.map((o) => ({
                memberId: o.memberId,
                name: o.name,
                email: o.email,
              }))}
              identities={identities}
              canEdit={actor.role === "owner"}
              update={updateSsoPolicyAction}
              unlink={unlinkSsoIdentitiesAction}
            >
              <IdentityProviders
                providers={orgProviders}
                redirectUriBase={`${origin}/api/auth/callback/${orgProviderAuthId("")}`}
                postLogoutUri={`${origin}/login`}
                newProviderId={randomUUID()}
                orgDomains={ssoPolicy.emailDomains}
                canEdit={actor.role === "owner"}
                testResult={testResult?.providerId === testedId ? testResult : null}
                create={createSsoProviderAction}
                update={updateSsoProviderAction}
                setEnabled={setSsoProviderEnabledAction}
                remove={deleteSsoProviderAction}
                startTest={startSsoTestAction}
              />
            </SingleSignOn>
          </CardContent>
        </Card>
        <Card className="lg:col-span-2">
          <CardHeader>
            <CardTitle>Webhooks</CardTitle>
            <CardDescription>
              Budget alerts (a threshold crossed, a month forecast over budget) are POSTed to these
              URLs as JSON, signed with HMAC-SHA256, and retried with backoff for about an hour
              until the endpoint answers 2xx.
            </CardDescription>
          </CardHeader>
          <CardContent>
            <WebhookEndpoints
              endpoints={endpoints}
              create={createWebhookEndpointAction}
              sendTest={sendTestEventAction}
              disable={disableWebhookEndpointAction}
              enable={enableWebhookEndpointAction}
              remove={deleteWebhookEndpointAction}
            />
          </CardContent>
        </Card>
        <Card className="lg:col-span-2">
          <CardHeader>
            <CardTitle>Webhook deliveries</CardTitle>
            <CardDescription>
              The last 100 deliveries, newest first. Finished ones are kept for 30 days.
            </CardDescription>
          </CardHeader>
          <CardContent>
            <WebhookDeliveries deliveries={deliveries} retry={retryDeliveryAction} />
          </CardContent>
        </Card>
      </div>
    </>
  );
}
