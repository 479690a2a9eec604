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
import { BearerTokens } from "@/components/settings/bearer-tokens";
import { DirectoryGroupsSetting } from "@/components/settings/directory-sync";
import { IdentityProviders } from "@/components/settings/identity-providers";
import { SingleSignOn } from "@/components/settings/single-sign-on";
import { AnomalySettingsForm } from "@/components/settings/anomaly-settings-form";
import { TimeZoneForm } from "@/components/settings/time-zone-form";
import { WebhookEndpoints } from "@/components/settings/webhooks";
import { WebhookDeliveries } from "@/components/settings/webhooks-deliveries";
import { getSsoPolicy, listLinkedIdentities } from "@/lib/auth/sso-policy";
import { listSsoProviders } from "@/lib/auth/sso-providers";
import { env } from "@/lib/env";
import { listGatewayTokens } from "@/lib/gateway/tokens";
import { listMembers } from "@/lib/members/queries";
import { getOrgOverview } from "@/lib/orgs/queries";
import { listScimErrors } from "@/lib/scim/error-log";
import { getDirectorySync } from "@/lib/scim/settings";
import { listScimTokens } from "@/lib/scim/tokens";
import { timeZoneChoices } from "@/lib/limits/windows";
import { anomalySettings } from "@/lib/spend/anomaly-settings";
import { listDeliveries, listWebhookEndpoints } from "@/lib/webhooks/queries";
import {
  createGatewayTokenAction,
  createScimTokenAction,
  createSsoProviderAction,
  createWebhookEndpointAction,
  deleteSsoProviderAction,
  deleteWebhookEndpointAction,
  disableWebhookEndpointAction,
  enableWebhookEndpointAction,
  retryDeliveryAction,
  revokeGatewayTokenAction,
  revokeScimTokenAction,
  sendTestEventAction,
  setAnomalySettingsAction,
  setOrgTimeZoneAction,
  setSsoProviderEnabledAction,
  startSsoTestAction,
  unlinkSsoIdentitiesAction,
  updateDirectorySettingsAction,
  updateSsoPolicyAction,
  updateSsoProviderAction,
} from "./actions";

export const metadata: Metadata = { title: "Settings · Gatehouse" };

const dateTime = new Intl.DateTimeFormat("en-GB", {
  dateStyle: "medium",
  timeStyle: "short",
  timeZone: "UTC",
});

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
  const [
    { org },
    tokens,
    endpoints,
    deliveries,
    ssoPolicy,
    identities,
    owners,
    orgProviders,
    scimTokens,
    directory,
    scimErrors,
    anomalies,
  ] = await Promise.all([
    getOrgOverview(db, actor),
    listGatewayTokens(db, actor),
    listWebhookEndpoints(db, actor),
    listDeliveries(db, actor),
    getSsoPolicy(db, actor),
    listLinkedIdentities(db, actor),
    listMembers(db, actor, { role: "owner", status: "active", pageSize: 100 }),
    listSsoProviders(db, actor),
    listScimTokens(db, actor),
    getDirectorySync(db, actor),
    listScimErrors(db, actor, 10),
    anomalySettings(db, actor),
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
            <div className="mt-4 border-t pt-4">
              <TimeZoneForm
                timeZone={org.timeZone}
                zones={timeZoneChoices(org.timeZone)}
                save={setOrgTimeZoneAction}
              />
            </div>
            <div className="mt-4 border-t pt-4">
              <AnomalySettingsForm
                sensitivity={anomalies.sensitivity}
                minSpend={(anomalies.minSpendMicros / 1_000_000).toFixed(2)}
                save={setAnomalySettingsAction}
              />
            </div>
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
            <BearerTokens
              wording={{
                noun: "gateway token",
                user: "the gateway",
                empty: "No tokens yet. Create one for each gateway deployment.",
                nameHint: "Name it after the gateway deployment that will use it.",
                placeholder: "edge-eu-west",
              }}
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
        <Card className="lg:col-span-2" id="directory-sync">
          <CardHeader>
            <CardTitle>Directory sync (SCIM)</CardTitle>
            <CardDescription>
              Your identity provider (Okta, Microsoft Entra ID, …) creates and updates members and
              pushes groups over SCIM 2.0. People it provisions sign in by single sign-on; when it
              deactivates someone, they are suspended here at once and the gateway denies their next
              request. The README&apos;s &ldquo;Directory sync&rdquo; section has the steps for Okta
              and Entra.
            </CardDescription>
          </CardHeader>
          <CardContent className="flex flex-col gap-5">
            <dl className="grid grid-cols-[10rem_1fr] gap-y-2 text-sm">
              <dt className="text-muted-foreground">SCIM base URL</dt>
              <dd>
                <code className="rounded bg-muted px-1.5 py-0.5 text-xs">{origin}/scim/v2</code>
              </dd>
              <dt className="text-muted-foreground">Last sync</dt>
              <dd>
                {directory.lastSyncAt ? `${dateTime.format(directory.lastSyncAt)} UTC` : "Never"}
              </dd>
              <dt className="text-muted-foreground">Provisioned</dt>
              <dd>
                {directory.members} {directory.members === 1 ? "member" : "members"},{" "}
                {directory.groups} {directory.groups === 1 ? "group" : "groups"}
              </dd>
            </dl>
            <BearerTokens
              wording={{
                noun: "SCIM token",
                user: "the identity provider",
                empty: "No SCIM tokens yet. Create one and paste it into your identity provider.",
                nameHint: "Name it after the identity provider that will use it.",
                placeholder: "okta",
              }}
              tokens={scimTokens}
              create={createScimTokenAction}
              revoke={revokeScimTokenAction}
            />
            <DirectoryGroupsSetting
              linkGroupsByName={directory.linkGroupsByName}
              save={updateDirectorySettingsAction}
            />
            <section aria-labelledby="scim-errors-title" className="flex flex-col gap-2">
              <h3 id="scim-errors-title" className="text-sm font-semibold">
                Recent refused requests
              </h3>
              {scimErrors.length ? (
                <ul className="flex flex-col divide-y rounded-md border text-sm">
                  {scimErrors.map((e) => (
                    <li key={e.id} className="flex flex-col gap-1 px-3 py-2">
                      <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
                        <span className="font-mono text-xs">
                          {e.method} {e.path}
                        </span>
                        <span className="text-xs font-medium text-destructive">
                          {e.status}
                          {e.scimType ? ` ${e.scimType}` : ""}
                        </span>
                        <span className="text-xs text-muted-foreground">
                          {dateTime.format(e.createdAt)} UTC
                        </span>
                      </div>
                      <p>{e.detail}</p>
                      {e.requestExcerpt && (
                        <details>
                          <summary className="cursor-pointer text-xs text-muted-foreground">
                            Request body
                          </summary>
                          <pre className="mt-1 overflow-x-auto rounded bg-muted p-2 text-xs">
                            {e.requestExcerpt}
                          </pre>
                        </details>
                      )}
                    </li>
                  ))}
                </ul>
              ) : (
                <p className="text-sm text-muted-foreground">
                  {directory.lastSyncAt
                    ? "None: every request from your identity provider succeeded."
                    : "None yet."}
                </p>
              )}
            </section>
          </CardContent>
        </Card>
        <Card className="lg:col-span-2">
          <CardHeader>
            <CardTitle>Webhooks</CardTitle>
            <CardDescription>
              Alerts (a budget&apos;s or a budget window&apos;s threshold crossed, a month forecast
              over budget, unusual spend) are POSTed to these URLs as JSON, signed with HMAC-SHA256,
              and retried with backoff for about an hour until the endpoint answers 2xx.
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
