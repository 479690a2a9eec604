import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/db/connect";
import { insertUser } from "@/db/seed/builders";
import { testDatabase } from "@/test/db";
import { hashPassword, verifyPassword } from "./password";
import { passwordSignInInput, signInWithPassword } from "./sign-in";
import { checkLoginThrottle, recordLoginAttempt } from "./throttle";

let db: Db;
let userId: string;
const limits = { maxFailuresPerAccount: 3, maxFailuresPerIp: 5, windowMinutes: 15 };

beforeAll(async () => {
  ({ db } = await testDatabase());
  userId = (
    await insertUser(db, { email: "Ada@Example.test", name: "Ada", password: "correct horse" })
  ).id;
});

describe("passwords", () => {
  it("verifies the password it hashed and nothing else", async () => {
    const hash = await hashPassword("s3cret ünïcode");
    expect(hash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(await verifyPassword("s3cret ünïcode", hash)).toBe(true);
    expect(await verifyPassword("s3cret unicode", hash)).toBe(false);
    expect(await verifyPassword("anything", "not-a-hash")).toBe(false);
  });
});

describe("signInWithPassword", () => {
  it("signs in with the right password, whatever the case of the email", async () => {
    const input = passwordSignInInput.parse({
      email: "  ADA@example.TEST ",
      password: "correct horse",
    });
    expect(await signInWithPassword(db, { ...input, ip: "10.0.0.1" }, limits)).toEqual({
      ok: true,
      userId,
    });
  });

  it("gives the same answer for an unknown account and a wrong password", async () => {
    const wrong = await signInWithPassword(
      db,
      { email: "ada@example.test", password: "nope", ip: "10.0.0.2" },
      limits,
    );
    const unknown = await signInWithPassword(
      db,
      { email: "nobody@example.test", password: "nope", ip: "10.0.0.2" },
      limits,
    );
    expect(wrong).toEqual({ ok: false, reason: "invalid" });
    expect(unknown).toEqual(wrong);
  });

  it("throttles an account after repeated failures, even with the right password", async () => {
    const email = "ada@example.test";
    for (let i = 0; i < 3; i++)
      await signInWithPassword(db, { email, password: "bad", ip: `10.1.0.${i}` }, limits);
    const result = await signInWithPassword(
      db,
      { email, password: "correct horse", ip: "10.1.0.9" },
      limits,
    );
    expect(result).toMatchObject({ ok: false, reason: "throttled" });
    if (result.ok || result.reason !== "throttled") throw new Error("expected throttled");
    expect(result.retryAfterSeconds).toBeGreaterThan(0);
    expect(result.retryAfterSeconds).toBeLessThanOrEqual(15 * 60);
  });

  it("throttles an address that tries many accounts", async () => {
    for (let i = 0; i < 5; i++) {
      await signInWithPassword(
        db,
        { email: `guess${i}@example.test`, password: "x", ip: "10.9.9.9" },
        limits,
      );
    }
    const result = await signInWithPassword(
      db,
      { email: "fresh@example.test", password: "x", ip: "10.9.9.9" },
      limits,
    );
    expect(result).toMatchObject({ ok: false, reason: "throttled" });
  });

  it("rejects malformed input with messages a person can act on", () => {
    const result = passwordSignInInput.safeParse({ email: "not-an-email", password: "" });
    expect(result.success).toBe(false);
    const messages = result.error!.issues.map((i) => `${String(i.path[0])}: ${i.message}`);
    expect(messages).toContain("email: Enter a valid email address, like name@company.com.");
    expect(messages).toContain("password: Enter your password.");
    expect(passwordSignInInput.safeParse({ email: 42, password: ["x"] }).success).toBe(false);
  });
});

describe("checkLoginThrottle", () => {
  it("lets an account in again once its failures age out of the window", async () => {
    const start = new Date("2026-01-01T10:00:00Z");
    const attempt = { email: "window@example.test", ip: "10.2.0.1" };
    for (let i = 0; i < 3; i++) {
      await recordLoginAttempt(
        db,
        { ...attempt, succeeded: false },
        new Date(start.getTime() + i * 60_000),
      );
    }
    const blocked = await checkLoginThrottle(
      db,
      attempt,
      limits,
      new Date(start.getTime() + 3 * 60_000),
    );
    expect(blocked).toEqual({ allowed: false, retryAfterSeconds: 12 * 60 });
    const later = await checkLoginThrottle(
      db,
      attempt,
      limits,
      new Date(start.getTime() + 15 * 60_000 + 1),
    );
    expect(later).toEqual({ allowed: true });
  });
});
