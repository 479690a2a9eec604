import { ZodError } from "zod";
import type { Db } from "@/db/connect";
import { type WhyQuery, explainAccess } from "@/lib/access/explain";
import type { Actor } from "@/lib/auth/actor";
import { PublicError } from "@/lib/errors";

type SearchParams = Record<string, string | string[] | undefined>;

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** The "Why?" question as it arrives in a page's URL. */
export function whyQueryOf(params: SearchParams): WhyQuery {
  const features = params.features;
  return {
    member: first(params.member),
    key: first(params.key),
    model: first(params.model),
    features: Array.isArray(features) ? features : features ? [features] : [],
    estimate: first(params.estimate),
  };
}

/** The answer for a complete question, a message for a malformed one, nothing for none. */
export async function answerWhy(db: Db, actor: Actor, query: WhyQuery) {
  if (actor.kind !== "user" || actor.role === "member") return null;
  if (!query.member || !query.key || !query.model) return null;
  try {
    return await explainAccess(db, actor, {
      memberId: query.member,
      keyId: query.key,
      model: query.model,
      features: query.features,
      estimatedCostDollars: query.estimate ?? "",
    });
  } catch (error) {
    if (error instanceof ZodError)
      return { error: error.issues[0]?.message ?? "Check the question." };
    if (error instanceof PublicError) return { error: error.message };
    throw error;
  }
}
