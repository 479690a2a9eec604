import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getConsoleContext } from "@/app/_server/session";
import { LoginForm } from "@/components/auth/login-form";
import { Logo } from "@/components/brand/logo";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { DEMO_ADMIN } from "@/db/seed/demo-credentials";
import { env, oidcEnabled } from "@/lib/env";
import { signInWithPasswordAction, signInWithSsoAction } from "./actions";

export const metadata: Metadata = { title: "Sign in · Gatehouse" };
export const dynamic = "force-dynamic";

const ssoErrors: Record<string, string> = {
  sso_unknown:
    "There is no Gatehouse account for that single-sign-on identity. Ask an admin to add you.",
  sso_no_email: "Your identity provider did not share a verified email address.",
  AccessDenied: "Single sign-on was refused.",
  CredentialsSignin: "Email or password is incorrect.",
  Configuration: "Sign-in is misconfigured on this server. Contact your administrator.",
};

interface LoginPageProps {
  searchParams: Promise<{
    callbackUrl?: string | string[];
    error?: string | string[];
    invited?: string;
  }>;
}

export default async function LoginPage({ searchParams }: LoginPageProps) {
  if ((await getConsoleContext())?.actor) redirect("/groups");
  const params = await searchParams;
  const callbackUrl = typeof params.callbackUrl === "string" ? params.callbackUrl : undefined;
  const error = typeof params.error === "string" ? ssoErrors[params.error] : undefined;
  const demo = !env().DATABASE_URL;
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
            {params.invited && <Alert>Your password is set. Sign in with it now.</Alert>}
            <LoginForm action={signInWithPasswordAction} callbackUrl={callbackUrl} />
            {oidcEnabled() && (
              <form action={signInWithSsoAction}>
                <Button type="submit" variant="outline" className="w-full">
                  Continue with {env().AUTH_OIDC_NAME}
                </Button>
              </form>
            )}
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
