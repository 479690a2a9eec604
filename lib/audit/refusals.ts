import { sql } from "drizzle-orm";
import type { Db } from "@/db/connect";
import type { Actor } from "@/lib/auth/actor";
import type { AuditTarget } from "./record";

export const REFUSAL_ACTION = "access.refused";

/** Identical refusals within this window are recorded once. */
const REFUSAL_WINDOW_SECONDS = 60;

export interface Refusal {
  /** What the caller tried to reach: a console action by name, a gateway token, an API key. */
  target: AuditTarget;
  /** Why it was refused, as the caller was told or as the gateway's deny reason. */
  reason: string;
  /** More of what was asked (a member, a model), kept beside the reason. */
  detail?: Record<string, string>;
}

/**
 * Records a refused attempt in the audit log ("access.refused"). Not part of any change's
 * transaction: the attempt changed nothing, and the record must stay when the change is rolled
 * back. The same refusal (actor, target, reason and detail) is written at most once a minute, so
 * that a caller repeating a refused call cannot flood the log.
 */
export async function recordRefusal(db: Db, actor: Actor, refusal: Refusal): Promise<void> {
  const after = JSON.stringify({ reason: refusal.reason, ...refusal.detail });
  const targetId = refusal.target.id ?? null;
  await db.execute(sql`
    insert into audit_log
      (org_id, actor_kind, actor_user_id, actor_label, action, target_type, target_id, after)
    select ${actor.orgId}, ${actor.kind}::actor_kind, ${actor.kind === "user" ? actor.userId : null},
      ${actor.label}, ${REFUSAL_ACTION}, ${refusal.target.type}, ${targetId}, ${after}::jsonb
    where not exists (
      select 1 from audit_log
      where org_id = ${actor.orgId}
        and created_at > now() - make_interval(secs => ${REFUSAL_WINDOW_SECONDS})
        and action = ${REFUSAL_ACTION}
        and actor_label = ${actor.label}
        and target_type = ${refusal.target.type}
        and target_id is not distinct from ${targetId}
        and after = ${after}::jsonb
    )`);
}
