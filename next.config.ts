import type { NextConfig } from "next";
import { allowedServerActionOrigins } from "./lib/env";

const nextConfig: NextConfig = {
  // PGlite resolves its wasm and data files relative to its own module: bundling it breaks that.
  serverExternalPackages: ["@electric-sql/pglite"],
  poweredByHeader: false,
  experimental: {
    serverActions: {
      // Next refuses actions posted from another origin (CSRF); read when the server starts.
      allowedOrigins: allowedServerActionOrigins(process.env.GATEHOUSE_ALLOWED_ORIGINS),
      bodySizeLimit: "1mb",
    },
  },
  // On every response, pages and API alike; the page CSP (with its nonce) comes from proxy.ts.
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
          // Browsers honour it only over HTTPS, so it is harmless on http://localhost.
          { key: "Strict-Transport-Security", value: "max-age=63072000; includeSubDomains" },
        ],
      },
    ];
  },
};

export default nextConfig;
