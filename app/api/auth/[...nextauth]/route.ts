import { Auth, setEnvDefaults } from "@auth/core";
import { type NextRequest, NextResponse } from "next/server";
import { authConfig, orgProviderIdOfPath, publicOrigin } from "@/app/_server/auth";
import { handleSsoTestCallback } from "@/app/_server/sso-test";
import { getDb } from "@/db/client";
import { orgProviderClient } from "@/lib/auth/sso-providers";

// Auth.js's own routes (sign-in, the provider's callback, sign-out, session, csrf). Not through
// next-auth's `handlers`: they rebuild the request as a NextRequest, whose URL Next normalises
// (127.0.0.1 and [::1] become localhost), so the callback's redirect_uri differed from the one
// the sign-in action sent the browser with, and the provider refused the code (invalid_grant).
// Here the request keeps the URL the browser used: AUTH_URL's origin when set, else the host it
// sent, computed as the server actions' side computes it (createActionURL).
//
// A path naming an organisation's provider (…/signin/sso-<id>, …/callback/sso-<id>) gets that
// provider in the configuration, when it is enabled; an owner's Test sign-in comes back to the
// same callback and is told apart by its state (app/_server/sso-test.ts).
async function handle(request: NextRequest): Promise<Response> {
  const origin = request.headers.has("host")
    ? publicOrigin(request.headers)
    : request.nextUrl.origin;
  const url = new URL(request.nextUrl.pathname + request.nextUrl.search, origin);
  const body =
    request.method === "GET" || request.method === "HEAD" ? undefined : await request.arrayBuffer();
  const rebuilt = new Request(url, { method: request.method, headers: request.headers, body });

  const providerId = orgProviderIdOfPath(url.pathname);
  if (providerId && url.pathname.includes("/callback/")) {
    const test = await handleSsoTestCallback(rebuilt);
    if (test) return test;
  }
  const orgProvider = providerId ? await orgProviderClient(await getDb(), providerId) : null;
  if (providerId && !orgProvider)
    return NextResponse.redirect(new URL("/login?error=sso_provider_unavailable", origin), 303);
  const config = authConfig(orgProvider ?? undefined);
  setEnvDefaults(process.env, config, true);
  return Auth(rebuilt, config);
}

export { handle as GET, handle as POST };
