import { createHmac, timingSafeEqual } from "node:crypto";

// Deliveries are signed the way Stripe signs its webhooks:
//   Gatehouse-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, `${t}.${body}`)>
// The timestamp is inside the signed text, so a captured request cannot be replayed later than
// the receiver's tolerance. The README documents this for receivers.

export const SIGNATURE_HEADER = "Gatehouse-Signature";

function hmacHex(secret: string, timestamp: number, body: string): string {
  return createHmac("sha256", secret).update(`${timestamp}.${body}`, "utf8").digest("hex");
}

const unixSeconds = (at: Date) => Math.floor(at.getTime() / 1000);

/** The Gatehouse-Signature value for `body` (the exact bytes sent) at `timestamp`. */
export function signatureHeader(secret: string, timestamp: Date, body: string): string {
  const t = unixSeconds(timestamp);
  return `t=${t},v1=${hmacHex(secret, t, body)}`;
}

/**
 * True when `header` carries a v1 signature of `body` by `secret`, made within
 * `toleranceSeconds` of `now` (either side). Compares in constant time.
 */
export function verifySignature(
  secret: string,
  header: string,
  body: string,
  toleranceSeconds = 300,
  now: Date = new Date(),
): boolean {
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(",")) {
    const [name, value] = part.trim().split("=", 2);
    if (name === "t" && value && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (name === "v1" && value) signatures.push(value);
  }
  if (timestamp === undefined || !signatures.length) return false;
  if (Math.abs(unixSeconds(now) - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(hmacHex(secret, timestamp, body), "hex");
  return signatures.some((signature) => {
    if (!/^[0-9a-f]{64}$/i.test(signature)) return false;
    return timingSafeEqual(expected, Buffer.from(signature, "hex"));
  });
}
