import { type SQL, and, asc, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/connect";
import { type RateLimit, rateLimits } from "@/db/schema";
import { audit } from "@/lib/audit/record";
import { type Actor, assertCan } from "@/lib/auth/actor";
import { NotFound } from "@/lib/errors";
import { type RateLimitInput, rateLimitIdInput, rateLimitInput } from "./schemas";
import { type ControlTarget, onTarget, requireTarget, targetColumns } from "./targets";

// Rate limits on keys, groups and members: set (one per target, group mode and model pattern:
// setting it again changes it), listed, removed; every change audited before → after. The
// gateway's instances pick a change up from the notification its commit sends (rate_limits has
// the snapshot triggers).

const shown = (r: RateLimit | undefined) =>
  r && {
    keyId: r.keyId,
    groupId: r.groupId,
    memberId: r.memberId,
    perMember: r.perMember,
    modelPattern: r.modelPattern,
    requestsPerMinute: r.requestsPerMinute,
    requestsPerDay: r.requestsPerDay,
    tokensPerMinute: r.tokensPerMinute,
  };

type Target = ReturnType<typeof rateLimitInput.parse>["target"];

const perMemberOf = (target: Target) => target.kind === "group" && target.perMember;

function sameTarget(target: Target, modelPattern: string | null): SQL {
  return and(
    onTarget(rateLimits, target),
    eq(rateLimits.perMember, perMemberOf(target)),
    sql`coalesce(${rateLimits.modelPattern}, '') = ${modelPattern ?? ""}`,
  )!;
}

/** Sets the rate limit of a target for a model pattern (or all models): a new one, or a change. */
export async function setRateLimit(db: Db, actor: Actor, raw: RateLimitInput) {
  assertCan(actor, "org:manage");
  const input = rateLimitInput.parse(raw);
  return db.transaction(async (tx) => {
    await requireTarget(tx, actor.orgId, input.target);
    const [before] = await tx
      .select()
      .from(rateLimits)
      .where(and(eq(rateLimits.orgId, actor.orgId), sameTarget(input.target, input.modelPattern)))
      .for("update");
    const values = {
      requestsPerMinute: input.requestsPerMinute,
      requestsPerDay: input.requestsPerDay,
      tokensPerMinute: input.tokensPerMinute,
      updatedAt: new Date(),
    };
    const [after] = before
      ? await tx
          .update(rateLimits)
          .set(values)
          .where(and(eq(rateLimits.orgId, actor.orgId), eq(rateLimits.id, before.id)))
          .returning()
      : await tx
          .insert(rateLimits)
          .values({
            orgId: actor.orgId,
            ...targetColumns(input.target),
            perMember: perMemberOf(input.target),
            modelPattern: input.modelPattern,
            ...values,
          })
          .returning();
    await audit(
      tx,
      actor,
      before ? "rate_limit.changed" : "rate_limit.set",
      { type: "rate_limit", id: after!.id },
      { before: shown(before), after: shown(after) },
    );
    return after!;
  });
}

export async function removeRateLimit(db: Db, actor: Actor, raw: { rateLimitId: string }) {
  assertCan(actor, "org:manage");
  const { rateLimitId } = rateLimitIdInput.parse(raw);
  return db.transaction(async (tx) => {
    const [removed] = await tx
      .delete(rateLimits)
      .where(and(eq(rateLimits.orgId, actor.orgId), eq(rateLimits.id, rateLimitId)))
      .returning();
    if (!removed) throw new NotFound("The rate limit");
    await audit(
      tx,
      actor,
      "rate_limit.removed",
      { type: "rate_limit", id: removed.id },
      { before: shown(removed) },
    );
    return removed;
  });
}

/** The rate limits set on a key, a group (both modes) or a member. */
export async function listRateLimits(db: Db, actor: Actor, target: ControlTarget) {
  assertCan(actor, "org:read");
  return db
    .select()
    .from(rateLimits)
    .where(and(eq(rateLimits.orgId, actor.orgId), onTarget(rateLimits, target)))
    .orderBy(asc(rateLimits.perMember), sql`coalesce(${rateLimits.modelPattern}, '')`);
}
