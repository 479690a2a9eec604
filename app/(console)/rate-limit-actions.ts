"use server";

import { action } from "@/app/_server/action";
import { removeRateLimit, setRateLimit } from "@/lib/limits/rate-limits";
import type { RateLimitInput } from "@/lib/limits/schemas";

// Rate limits are set from the key, group and member pages alike.
const revalidate = ["/keys", "/groups", "/members", "/access"];

export const setRateLimitAction = action(
  "setRateLimit",
  async (input: RateLimitInput, actor, db) => {
    await setRateLimit(db, actor, input);
    return null;
  },
  { revalidate },
);

export const removeRateLimitAction = action(
  "removeRateLimit",
  async (input: { rateLimitId: string }, actor, db) => {
    await removeRateLimit(db, actor, input);
    return null;
  },
  { revalidate },
);
