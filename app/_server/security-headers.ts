// On every response, pages and API alike: next.config.ts sets them on what Next.js serves, and
// the production server's lean path (server.ts) on the gateway API's answers. The page CSP (with
// its nonce) comes from proxy.ts.
export const SECURITY_HEADERS: readonly { key: string; value: string }[] = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
  // Browsers honour it only over HTTPS, so it is harmless on http://localhost.
  { key: "Strict-Transport-Security", value: "max-age=63072000; includeSubDomains" },
];
