import { eq } from "drizzle-orm";
import { z } from "zod";
import { FIELD_LIMITS } from "@/lib/field-limits";
import type { Db } from "@/db/connect";
import { users } from "@/db/schema";
import { passwordHashForTiming, verifyPassword } from "./password";
import { orgsRequiringSso } from "./sso-policy";
import { type ThrottleLimits, checkLoginThrottle, recordLoginAttempt } from "./throttle";

export const passwordSignInInput = z.object({
  email: z
    .string({ error: "Enter your email address." })
    .trim()
    .toLowerCase()
    .min(1, "Enter your email address.")
    .max(FIELD_LIMITS.memberEmail, "That email address is too long.")
    .pipe(z.email("Enter a valid email address, like name@company.com.")),
  password: z
    .string({ error: "Enter your password." })
    .min(1, "Enter your password.")
    .max(FIELD_LIMITS.password, "That password is too long."),
});

export type PasswordSignInInput = z.infer<typeof passwordSignInInput>;

export type SignInResult =
  | { ok: true; userId: string }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "sso_required"; orgs: string[] }
  | { ok: false; reason: "throttled"; retryAfterSeconds: number };

/**
 * Checks an email and password. Unknown accounts and wrong passwords give the same answer and
 * take the same time; repeated failures per account and per address are throttled. A right
 * password is still refused for a member of an organisation that requires single sign-on.
 */
export async function signInWithPassword(
  db: Db,
  input: PasswordSignInInput & { ip: string },
  limits: ThrottleLimits,
): Promise<SignInResult> {
  const { email, password, ip } = input;
  const verdict = await checkLoginThrottle(db, { email, ip }, limits);
  if (!verdict.allowed)
    return { ok: false, reason: "throttled", retryAfterSeconds: verdict.retryAfterSeconds };

  const [user] = await db
    .select({ id: users.id, passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.email, email));
  const valid = await verifyPassword(
    password,
    user?.passwordHash ?? (await passwordHashForTiming()),
  );
  const succeeded = Boolean(user?.passwordHash) && valid;
  await recordLoginAttempt(db, { email, ip, succeeded });
  if (!succeeded || !user) return { ok: false, reason: "invalid" };
  // Said only to whoever knows the password: it tells nothing to someone guessing.
  const ssoOnly = await orgsRequiringSso(db, user.id);
  if (ssoOnly.length > 0) return { ok: false, reason: "sso_required", orgs: ssoOnly };
  return { ok: true, userId: user.id };
}
