import { createHmac, timingSafeEqual } from "node:crypto";
import { describe, expect, it } from "vitest";
import { signatureHeader, verifySignature } from "./signing";

const secret = "ghw_0123456789abcdefghijklmnopqrstuvwxyzABCDEFGxyz123";
const body = JSON.stringify({ id: "evt", type: "budget.threshold_crossed", data: { a: 1 } });
const at = new Date("2026-11-28T12:00:00.750Z");

// The README's receiver example ("Verifying a delivery"), verbatim but for the types.
function verifyGatehouse(
  secret: string,
  header: string,
  rawBody: string | Buffer,
  toleranceSeconds = 300,
) {
  const fields = Object.fromEntries(header.split(",").map((part) => part.split("=", 2)));
  const t = Number(fields.t);
  if (!Number.isInteger(t) || Math.abs(Date.now() / 1000 - t) > toleranceSeconds) return false;
  const expected = createHmac("sha256", secret).update(`${t}.`).update(rawBody).digest();
  const given = Buffer.from(fields.v1 ?? "", "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

describe("webhook signatures", () => {
  it("verify with the README's receiver example", () => {
    const header = signatureHeader(secret, new Date(), body);
    expect(verifyGatehouse(secret, header, body)).toBe(true);
    expect(verifyGatehouse(secret, header, Buffer.from(body))).toBe(true);
    expect(verifyGatehouse(secret, header, `${body} `)).toBe(false);
    expect(verifyGatehouse("ghw_other", header, body)).toBe(false);
    expect(verifyGatehouse(secret, signatureHeader(secret, at, body), body)).toBe(false);
  });

  it("follow the documented algorithm: t=<unix seconds>,v1=hex HMAC-SHA256(secret, t.body)", () => {
    // Reproduced independently, as a receiver would from the README.
    const t = 1795867200;
    const expected = createHmac("sha256", secret).update(`${t}.${body}`).digest("hex");
    expect(signatureHeader(secret, at, body)).toBe(`t=${t},v1=${expected}`);
  });

  it("verify on a round trip, within the tolerance either side", () => {
    const header = signatureHeader(secret, at, body);
    expect(verifySignature(secret, header, body, 300, at)).toBe(true);
    expect(verifySignature(secret, header, body, 300, new Date(at.getTime() + 299_000))).toBe(true);
    expect(verifySignature(secret, header, body, 300, new Date(at.getTime() - 299_000))).toBe(true);
  });

  it("fail for a tampered body, another secret, or a changed timestamp", () => {
    const header = signatureHeader(secret, at, body);
    expect(verifySignature(secret, header, body.replace('"a":1', '"a":2'), 300, at)).toBe(false);
    expect(verifySignature(`${secret}x`, header, body, 300, at)).toBe(false);
    const v1 = header.split(",v1=")[1];
    expect(verifySignature(secret, `t=1795867201,v1=${v1}`, body, 300, at)).toBe(false);
    const flipped = v1!.replace(/^./, (c) => (c === "0" ? "1" : "0"));
    expect(verifySignature(secret, `t=1795867200,v1=${flipped}`, body, 300, at)).toBe(false);
  });

  it("fail outside the tolerance: an old request cannot be replayed", () => {
    const header = signatureHeader(secret, at, body);
    expect(verifySignature(secret, header, body, 300, new Date(at.getTime() + 301_000))).toBe(
      false,
    );
    expect(verifySignature(secret, header, body, 300, new Date(at.getTime() - 301_000))).toBe(
      false,
    );
    expect(verifySignature(secret, header, body, 600, new Date(at.getTime() + 301_000))).toBe(true);
  });

  it("fail for malformed headers without throwing", () => {
    for (const header of ["", "t=,v1=", "v1=abc", "t=1795867200", "t=abc,v1=00", "garbage"])
      expect(verifySignature(secret, header, body, 300, at)).toBe(false);
    expect(verifySignature(secret, "t=1795867200,v1=abcd", body, 300, at)).toBe(false);
  });

  it("accept a header with several v1 signatures when one matches", () => {
    const header = signatureHeader(secret, at, body);
    const withOther = `${header},v1=${"0".repeat(64)}`;
    expect(verifySignature(secret, withOther, body, 300, at)).toBe(true);
  });
});
