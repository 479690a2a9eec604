"use server";

import { action } from "@/app/_server/action";
import { dismissRecommendation } from "@/lib/recommendations/recommendations";

export const dismissRecommendationAction = action(
  "dismissRecommendation",
  (input: { kind: string; subject: string }, actor, db) => dismissRecommendation(db, actor, input),
  { revalidate: ["/recommendations"] },
);
