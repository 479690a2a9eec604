import { z } from "zod";

const uuid = (what: string) => z.uuid(`Unknown ${what}.`);

export const APPLY_MODES = ["as_decided", "at_end"] as const;
export type ApplyMode = (typeof APPLY_MODES)[number];

export const startReviewInput = z.object({
  name: z
    .string()
    .trim()
    .min(1, "Name the review (say “Q4 access review”).")
    .max(100, "Keep the name to 100 characters."),
  dueOn: z.iso.date("Enter a due date like 2026-12-31."),
  /** Empty: every live group. */
  groupIds: z
    .array(uuid("group"))
    .max(1_000, "Pick at most 1,000 groups, or all of them.")
    .default([]),
  includeKeys: z.boolean().default(false),
  reviewerMemberId: uuid("reviewer"),
  applyMode: z.enum(APPLY_MODES, { error: "Choose when removals take effect." }),
});
export type StartReviewInput = z.input<typeof startReviewInput>;

export const decideInput = z.object({
  reviewId: uuid("review"),
  itemIds: z
    .array(uuid("review item"))
    .min(1, "Pick what to decide.")
    .max(1_000, "Decide at most 1,000 at once."),
  decision: z.enum(["keep", "remove"], { error: "Decide keep or remove." }),
  note: z.string().trim().max(500, "Keep the note to 500 characters.").default(""),
});
export type DecideInput = z.input<typeof decideInput>;

export const reviewerInput = z.object({
  reviewId: uuid("review"),
  groupId: uuid("group"),
  reviewerMemberId: uuid("reviewer"),
});

export const reviewRef = z.object({ reviewId: uuid("review") });
