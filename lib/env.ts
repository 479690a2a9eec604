import { z } from "zod";

// Environment variables are parsed once, here; .env.example documents each of them.
const schema = z.object({
  DATABASE_URL: z.string().url().optional(),
  // Rate-limit counters in Redis (redis://host:6379/0) instead of PostgreSQL: shared by every
  // instance either way; Redis takes the counting off the database.
  REDIS_URL: z.string().url().optional(),
  GATEHOUSE_DATA_DIR: z.string().min(1).default("./.data"),
  AUTH_SECRET: z.string().min(32).optional(),
  // The console's public address; single sign-on's redirect URI is <AUTH_URL>/api/auth/callback/oidc.
  AUTH_URL: z.string().url().optional(),
  AUTH_OIDC_ISSUER: z.string().url().optional(),
  AUTH_OIDC_CLIENT_ID: z.string().min(1).optional(),
  AUTH_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  AUTH_OIDC_NAME: z.string().min(1).default("Single sign-on"),
  // Domains whose emails the provider verifies without sending `email_verified` (Entra ID).
  AUTH_OIDC_VERIFIED_EMAIL_DOMAINS: z.string().optional(),
  LOGIN_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().positive().default(5),
  LOGIN_MAX_FAILURES_PER_IP: z.coerce.number().int().positive().default(30),
  LOGIN_THROTTLE_WINDOW_MINUTES: z.coerce.number().int().positive().default(15),
  SESSION_IDLE_MINUTES: z.coerce.number().int().positive().max(1440).default(30),
  SESSION_MAX_HOURS: z.coerce.number().int().positive().max(720).default(12),
  GATEHOUSE_ALLOWED_ORIGINS: z.string().optional(),
  GATEHOUSE_WEBHOOKS_ALLOW_PRIVATE: z.stringbool().default(false),
  // Organisations' own identity providers at internal addresses (and over plain http): for
  // single-company installs with an internal provider, development and the e2e suite.
  GATEHOUSE_SSO_ALLOW_PRIVATE: z.stringbool().default(false),
});

export type Env = z.infer<typeof schema>;

let parsed: Env | undefined;

export function env(): Env {
  if (!parsed) {
    const empty = (v: string | undefined) => (v === "" ? undefined : v);
    const raw = Object.fromEntries(Object.entries(process.env).map(([k, v]) => [k, empty(v)]));
    const result = schema.safeParse(raw);
    if (!result.success) {
      const problems = result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
      throw new Error(`Invalid environment:\n  ${problems.join("\n  ")}`);
    }
    parsed = result.data;
  }
  return parsed;
}

export function oidcEnabled(): boolean {
  const e = env();
  return Boolean(e.AUTH_OIDC_ISSUER && e.AUTH_OIDC_CLIENT_ID && e.AUTH_OIDC_CLIENT_SECRET);
}

/** The operator's word on the provider's emails: "verified for these domains". */
export function oidcVerifiedEmailDomains(): string[] {
  return (env().AUTH_OIDC_VERIFIED_EMAIL_DOMAINS ?? "")
    .split(",")
    .map((d) => d.trim().toLowerCase().replace(/^@/, ""))
    .filter(Boolean);
}

export function sessionPolicy() {
  const e = env();
  return { idleMinutes: e.SESSION_IDLE_MINUTES, maxHours: e.SESSION_MAX_HOURS };
}

/**
 * Hosts besides the console's own from which server actions may be posted (Next's origin check
 * compares the Origin header's host with the Host/X-Forwarded-Host of the request): for proxies
 * that do not forward the public host. Entries may be written as hosts or as URLs; `*` matches
 * one label, `**` several, as in Next's `serverActions.allowedOrigins`.
 */
export function allowedServerActionOrigins(raw: string | undefined): string[] {
  return (raw ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => (/^[a-z]+:\/\//i.test(entry) ? entry.replace(/^[a-z]+:\/\//i, "") : entry))
    .map((entry) => entry.replace(/\/.*$/, "").toLowerCase());
}
