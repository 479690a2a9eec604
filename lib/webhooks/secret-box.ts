import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { env } from "@/lib/env";

// Webhook signing secrets are encrypted at rest with AES-256-GCM. The key is derived with HKDF
// (SHA-256) from AUTH_SECRET, which every instance already shares, so no new variable is needed.
// The ciphertext is bound to its endpoint (org id and endpoint id as associated data): a
// ciphertext copied onto another row does not decrypt. The client secrets of organisations'
// identity providers are kept the same way, bound to `sso_provider/<id>` (lib/auth/sso-providers.ts). Changing AUTH_SECRET makes existing
// secrets unreadable: deliveries then fail with a message, and the endpoints must be recreated.
//
// Format: v1.<iv base64url>.<ciphertext base64url>.<tag base64url>

const VERSION = "v1";
// Only under Vitest, where no AUTH_SECRET is configured; never used by a server.
const TEST_AUTH_SECRET = "gatehouse-test-auth-secret-not-for-production-use";

let cached: { authSecret: string; key: Buffer } | undefined;

function key(): Buffer {
  const authSecret = env().AUTH_SECRET ?? (process.env.VITEST ? TEST_AUTH_SECRET : undefined);
  if (!authSecret) {
    throw new Error("AUTH_SECRET is not set: webhook signing secrets cannot be encrypted.");
  }
  if (cached?.authSecret !== authSecret) {
    const derived = hkdfSync(
      "sha256",
      authSecret,
      "gatehouse",
      "gatehouse webhook signing secrets v1",
      32,
    );
    cached = { authSecret, key: Buffer.from(derived) };
  }
  return cached.key;
}

const boundTo = (orgId: string, endpointId: string) => Buffer.from(`${orgId}/${endpointId}`);

export function sealSecret(secret: string, orgId: string, endpointId: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key(), iv);
  cipher.setAAD(boundTo(orgId, endpointId));
  const ciphertext = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
  return [VERSION, iv, ciphertext, cipher.getAuthTag()]
    .map((part) => (typeof part === "string" ? part : part.toString("base64url")))
    .join(".");
}

export class UnreadableSecret extends Error {
  constructor() {
    super("The signing secret cannot be decrypted (was AUTH_SECRET changed?).");
  }
}

export function openSecret(sealed: string, orgId: string, endpointId: string): string {
  const [version, iv, ciphertext, tag] = sealed.split(".");
  if (version !== VERSION || !iv || !ciphertext || !tag) throw new UnreadableSecret();
  try {
    const decipher = createDecipheriv("aes-256-gcm", key(), Buffer.from(iv, "base64url"));
    decipher.setAAD(boundTo(orgId, endpointId));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([
      decipher.update(Buffer.from(ciphertext, "base64url")),
      decipher.final(),
    ]).toString("utf8");
  } catch {
    throw new UnreadableSecret();
  }
}
