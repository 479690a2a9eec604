import { Auth, setEnvDefaults } from "@auth/core";
import type { NextRequest } from "next/server";
import { authConfig, publicOrigin } from "@/app/_server/auth";

// Auth.js's own routes (sign-in, the provider's callback, sign-out, session, csrf). Not through
// next-auth's `handlers`: they rebuild the request as a NextRequest, whose URL Next normalises
// (127.0.0.1 and [::1] become localhost), so the callback's redirect_uri differed from the one
// the sign-in action sent the browser with, and the provider refused the code (invalid_grant).
// Here the request keeps the URL the browser used: AUTH_URL's origin when set, else the host it
// sent, computed as the server actions' side computes it (createActionURL).
async function handle(request: NextRequest): Promise<Response> {
  const config = authConfig();
  setEnvDefaults(process.env, config, true);
  const origin = request.headers.has("host")
    ? publicOrigin(request.headers)
    : request.nextUrl.origin;
  const url = new URL(request.nextUrl.pathname + request.nextUrl.search, origin);
  const body =
    request.method === "GET" || request.method === "HEAD" ? undefined : await request.arrayBuffer();
  return Auth(new Request(url, { method: request.method, headers: request.headers, body }), config);
}

export { handle as GET, handle as POST };
