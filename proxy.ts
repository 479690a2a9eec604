import { type NextRequest, NextResponse } from "next/server";
import { nestingDepth } from "@/lib/nesting";

// A Content Security Policy with a fresh nonce per page view: only scripts Next.js (and the theme
// script) render with this nonce run, so injected markup cannot run script. Styles stay
// 'unsafe-inline' (charts and toasts set inline styles; a style cannot run code). No
// authorization decision lives here: every page, action and route checks its caller itself.
export async function proxy(request: NextRequest) {
  const refused = await refuseMalformedAction(request);
  if (refused) return refused;
  const nonce = Buffer.from(crypto.randomUUID()).toString("base64");
  const dev = process.env.NODE_ENV === "development";
  const policy = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  // Next.js reads the policy from the request to put the nonce on its own scripts.
  requestHeaders.set("Content-Security-Policy", policy);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", policy);
  return response;
}

// Server actions: Next.js decodes the body before any action runs and answers 500 when it cannot
// (not JSON, nested beyond its parser, over the body limit). Such bodies are never sent by the
// console's own pages, so they are answered here, plainly, with nothing run.
const ACTION_BODY_LIMIT = 1024 * 1024; // as serverActions.bodySizeLimit in next.config.ts
const MAX_JSON_DEPTH = 512;

async function refuseMalformedAction(request: NextRequest): Promise<Response | null> {
  if (request.method !== "POST" || !request.headers.has("next-action")) return null;
  const length = Number(request.headers.get("content-length") ?? 0);
  if (length > ACTION_BODY_LIMIT) return plain(413, "The request is larger than 1 MB.");
  if (!(request.headers.get("content-type") ?? "").startsWith("text/plain")) return null;
  const body = await request.clone().text();
  if (body.length > ACTION_BODY_LIMIT) return plain(413, "The request is larger than 1 MB.");
  if (nestingDepth(body) > MAX_JSON_DEPTH) return plain(400, "The request is nested too deeply.");
  try {
    JSON.parse(body);
  } catch {
    return plain(400, "The request is not valid: its body is not JSON.");
  }
  return null;
}

const plain = (status: number, message: string) =>
  new Response(message, { status, headers: { "content-type": "text/plain; charset=utf-8" } });

export const config = {
  matcher: [
    {
      source: "/((?!api/|scim/|_next/static|_next/image|favicon.ico).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
