import { hash, randomBytes } from "node:crypto";
import { crc32 } from "node:zlib";

// Secrets (API keys ghk_, gateway tokens ghg_) look like GitHub's tokens: a recognisable prefix, 256 random bits, and a
// CRC32 checksum, so that a secret pasted in the wrong place is recognised (by secret scanners
// too) and a mistyped one is refused without a database lookup.
export const API_KEY_PREFIX = "ghk_";
const BODY_LENGTH = 43; // 32 random bytes in base62

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

function base62(n: bigint): string {
  let out = "";
  while (n > 0n) {
    out = BASE62[Number(n % 62n)] + out;
    n /= 62n;
  }
  return out;
}

// Checked on every gateway call (the token and the key): zlib's CRC-32 (the standard one, as
// GitHub's tokens use) and Number arithmetic for its 32 bits, not BigInt.
function checksum(body: string): string {
  let n = crc32(body);
  let out = "";
  while (n > 0) {
    out = BASE62[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out.padStart(6, "0");
}

export function hashSecret(secret: string): string {
  return hash("sha256", secret, "hex");
}

export function newSecret(prefix = API_KEY_PREFIX) {
  const body = base62(BigInt(`0x${randomBytes(32).toString("hex")}`)).padStart(BODY_LENGTH, "0");
  const secret = `${prefix}${body}${checksum(body)}`;
  return {
    secret,
    hash: hashSecret(secret),
    prefix: secret.slice(0, prefix.length + 6),
    lastFour: secret.slice(-4),
  };
}

/** True when the secret has the shape and checksum of one we issued. */
export function isWellFormedSecret(secret: string, prefix = API_KEY_PREFIX): boolean {
  if (!secret.startsWith(prefix) || secret.length !== prefix.length + BODY_LENGTH + 6) return false;
  const body = secret.slice(prefix.length, prefix.length + BODY_LENGTH);
  return /^[0-9A-Za-z]+$/.test(body) && checksum(body) === secret.slice(-6);
}
