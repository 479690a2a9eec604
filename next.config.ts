import type { NextConfig } from "next";
import { SECURITY_HEADERS } from "./app/_server/security-headers";
import { allowedServerActionOrigins } from "./lib/env";

const nextConfig: NextConfig = {
  // PGlite resolves its wasm and data files relative to its own module: bundling it breaks that.
  serverExternalPackages: ["@electric-sql/pglite"],
  poweredByHeader: false,
  experimental: {
    serverActions: {
      // Next refuses actions posted from another origin (CSRF); read when the server starts.
      allowedOrigins: allowedServerActionOrigins(process.env.GATEHOUSE_ALLOWED_ORIGINS),
      // A CSV import sends its file (up to 8 MB of text, lib/members/import/file.ts).
      bodySizeLimit: "10mb",
    },
  },
  async headers() {
    return [{ source: "/:path*", headers: [...SECURITY_HEADERS] }];
  },
};

export default nextConfig;
