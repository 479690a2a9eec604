import { and, desc, eq, gt, lt } from "drizzle-orm";
import type { Db } from "@/db/connect";
import { loginAttempts } from "@/db/schema";

export interface ThrottleLimits {
  maxFailuresPerAccount: number;
  maxFailuresPerIp: number;
  windowMinutes: number;
}

export type ThrottleVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

// Failures are counted in a sliding window, in the database, so that every app instance
// behind a load balancer sees the same counts.
export async function checkLoginThrottle(
  db: Db,
  attempt: { email: string; ip: string },
  limits: ThrottleLimits,
  now = new Date(),
): Promise<ThrottleVerdict> {
  const windowMs = limits.windowMinutes * 60_000;
  const since = new Date(now.getTime() - windowMs);
  const checks = [
    { column: loginAttempts.email, value: attempt.email, max: limits.maxFailuresPerAccount },
    { column: loginAttempts.ip, value: attempt.ip, max: limits.maxFailuresPerIp },
  ];
  for (const { column, value, max } of checks) {
    // The max-th most recent failure: while it is inside the window, the limit is reached,
    // and it frees up when that failure ages out.
    const [blocking] = await db
      .select({ at: loginAttempts.createdAt })
      .from(loginAttempts)
      .where(
        and(
          eq(column, value),
          eq(loginAttempts.succeeded, false),
          gt(loginAttempts.createdAt, since),
        ),
      )
      .orderBy(desc(loginAttempts.createdAt))
      .offset(max - 1)
      .limit(1);
    if (blocking) {
      const retryAfterMs = blocking.at.getTime() + windowMs - now.getTime();
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) };
    }
  }
  return { allowed: true };
}

export async function recordLoginAttempt(
  db: Db,
  attempt: { email: string; ip: string; succeeded: boolean },
  now = new Date(),
): Promise<void> {
  await db.insert(loginAttempts).values({ ...attempt, createdAt: now });
  // Attempts older than a day matter to no window: prune now and then instead of by a job.
  if (Math.random() < 0.02) {
    await db
      .delete(loginAttempts)
      .where(lt(loginAttempts.createdAt, new Date(now.getTime() - 86_400_000)));
  }
}
