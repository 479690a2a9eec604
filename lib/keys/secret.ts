import { createHash, randomBytes } from "node:crypto";

// Secrets (API keys ghk_, gateway tokens ghg_) look like GitHub's tokens: a recognisable prefix, 256 random bits, and a
// CRC32 checksum, so that a secret pasted in the wrong place is recognised (by secret scanners
// too) and a mistyped one is refused without a database lookup.
export const API_KEY_PREFIX = "ghk_";
const BODY_LENGTH = 43; // 32 random bytes in base62

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

function base62(bytes: Buffer): string {
  let n = BigInt(`0x${bytes.toString("hex")}`);
  let out = "";
  while (n > 0n) {
    out = BASE62[Number(n % 62n)] + out;
    n /= 62n;
  }
  return out;
}

function crc32(text: string): number {
  let crc = ~0;
  for (const byte of Buffer.from(text)) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

function checksum(body: string): string {
  return base62(Buffer.from(crc32(body).toString(16).padStart(8, "0"), "hex")).padStart(6, "0");
}

export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

export function newSecret(prefix = API_KEY_PREFIX) {
  const body = base62(randomBytes(32)).padStart(BODY_LENGTH, "0");
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
