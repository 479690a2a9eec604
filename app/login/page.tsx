import type { Metadata } from "next";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { getConsoleContext } from "@/app/_server/session";
import { LoginForm } from "@/components/auth/login-form";
import { SsoEmailForm } from "@/components/auth/sso-email-form";
import { Logo } from "@/components/brand/logo";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { getDb } from "@/db/client";
import { DEMO_ADMIN } from "@/db/seed/demo-credentials";
import { anyOrgProviderEnabled } from "@/lib/auth/sso-providers";
import { env, oidcEnabled } from "@/lib/env";
import { signInWithOrgSsoAction, signInWithPasswordAction, signInWithSsoAction } from "./actions";

export const metadata: Metadata = { title: "Sign in · Gatehouse" };
export const dynamic = "force-dynamic";

const ssoErrors: Record<string, string> = {
  sso_unknown:
    "There is no Gatehouse account for that single-sign-on identity. Ask an admin to add you.",
  sso_no_email: "Your identity provider did not share an email address with Gatehouse.",
  sso_unverified_email:
    "Your identity provider did not confirm that your email address is verified, so Gatehouse cannot tell whose account it is. Ask your administrator.",
  sso_identity_conflict:
    "Your Gatehouse account is linked to a different identity at this provider. Ask an owner of your organisation to unlink it.",
  sso_outside_domains:
    "Your email address is not of a domain your organisation has claimed for single sign-on, so its provider cannot sign you in. Ask an owner of your organisation.",
  sso_provider_unavailable:
    "That identity provider is no longer available here. Sign in with SSO again, or ask your administrator.",
  AccessDenied: "Single sign-on was refused.",
  CredentialsSignin: "Email or password is incorrect.",
  Configuration: "Sign-in is misconfigured on this server. Contact your administrator.",
};

interface LoginPageProps {
  searchParams: Promise<{
    callbackUrl?: string | string[];
    error?: string | string[];
    invited?: string;
    signedOut?: string;
  }>;
}

export default async function LoginPage({ searchParams }: LoginPageProps) {
  if ((await getConsoleContext())?.actor) redirect("/groups");
  const params = await searchParams;
  const callbackUrl = typeof params.callbackUrl === "string" ? params.callbackUrl : undefined;
  const error = typeof params.error === "string" ? ssoErrors[params.error] : undefined;
  const demo = !env().DATABASE_URL;
  // Single sign-on returns to AUTH_URL: begun at another address, its cookies are not there.
  const authUrl = env().AUTH_URL ? new URL(env().AUTH_URL!) : null;
  const requestHeaders = await headers();
  const host = requestHeaders.get("x-forwarded-host") ?? requestHeaders.get("host");
  const orgSso = await anyOrgProviderEnabled(await getDb());
  const elsewhere =
    (oidcEnabled() || orgSso) && authUrl && host && host !== authUrl.host ? authUrl : null;
  return (
    <main className="flex min-h-dvh items-center justify-center bg-background p-6">
      <div className="flex w-full max-w-sm flex-col gap-6">
        <Logo className="justify-center text-xl" />
        <Card>
          <CardHeader>
            <CardTitle>
              <span className="text-lg">Sign in to the console</span>
            </CardTitle>
            <CardDescription>
              Manage groups, API keys and spend for your organisation.
            </CardDescription>
          </CardHeader>
          <CardContent className="flex flex-col gap-4">
            {error && <Alert variant="destructive">{error}</Alert>}
            {elsewhere && (
              <Alert>
                This console&apos;s address is{" "}
                <a className="underline" href={new URL("/login", elsewhere).toString()}>
                  {elsewhere.origin}
                </a>
                : single sign-on works only there.
              </Alert>
            )}
            {params.invited && <Alert>Your password is set. Sign in with it now.</Alert>}
            {params.signedOut === "provider" && (
              <Alert>
                You are signed out of Gatehouse, but still signed in at your identity provider: on a
                shared computer, sign out there too.
              </Alert>
            )}
            <LoginForm action={signInWithPasswordAction} callbackUrl={callbackUrl} />
            {(oidcEnabled() || orgSso) && (
              <div className="flex items-center gap-3 text-xs text-muted-foreground" aria-hidden>
                <span className="h-px flex-1 bg-border" />
                or
                <span className="h-px flex-1 bg-border" />
              </div>
            )}
            {oidcEnabled() && (
              <form action={signInWithSsoAction}>
                <Button type="submit" variant="outline" className="w-full">
                  Continue with {env().AUTH_OIDC_NAME}
                </Button>
              </form>
            )}
            {orgSso && <SsoEmailForm action={signInWithOrgSsoAction} callbackUrl={callbackUrl} />}
          </CardContent>
        </Card>
        {demo && (
          <p className="text-center text-sm text-muted-foreground">
            Demo: <span className="font-mono">{DEMO_ADMIN.email}</span> /{" "}
            <span className="font-mono">{DEMO_ADMIN.password}</span>
          </p>
        )}
      </div>
    </main>
  );
}
