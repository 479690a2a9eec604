import { describe, expect, it } from "vitest";
import { hashSecret, isWellFormedSecret, newSecret } from "./secret";

describe("API key secrets", () => {
  it("carry a prefix and a checksum that catches a mistyped character", () => {
    const { secret, hash, prefix, lastFour } = newSecret();
    expect(secret).toMatch(/^ghk_[0-9A-Za-z]{49}$/);
    expect(isWellFormedSecret(secret)).toBe(true);
    const typo = secret.slice(0, 10) + (secret[10] === "a" ? "b" : "a") + secret.slice(11);
    expect(isWellFormedSecret(typo)).toBe(false);
    expect(hash).toBe(hashSecret(secret));
    expect(secret.startsWith(prefix)).toBe(true);
    expect(secret.endsWith(lastFour)).toBe(true);
  });

  it("are never the same twice", () => {
    const secrets = new Set(Array.from({ length: 200 }, () => newSecret().secret));
    expect(secrets.size).toBe(200);
  });

  it("stay valid and hash the same however they are checked: keys already issued keep working", () => {
    // Issued by the first implementation (bit-by-bit CRC-32, BigInt base62, createHash).
    const issued = "ghk_3fveCHrt8GBnfmtipiDyu3VUvJl6HCJId3nRmhS3Lwv23cJJG";
    expect(isWellFormedSecret(issued)).toBe(true);
    expect(isWellFormedSecret(issued.slice(0, -1) + "H")).toBe(false);
    expect(hashSecret(issued)).toBe(
      "393f9ef2ed563ebc4eeb7e3cfe2badfb03498b31d95547c32384ea20f01655ef",
    );
  });
});
