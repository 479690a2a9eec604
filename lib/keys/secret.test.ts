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
});
