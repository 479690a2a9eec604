import { sql } from "drizzle-orm";
import type { Db } from "@/db/connect";
import { queryRows } from "@/db/rows";
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
export async function recordRefusal(db: Db, actor: Actor, refusal: Refusal): Promise<boolean> {
  const after = JSON.stringify({ reason: refusal.reason, ...refusal.detail });
  const targetId = refusal.target.id ?? null;
  const inserted = await queryRows(
    db,
    sql`
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
    )
    returning 1`,
  );
  return inserted.length > 0;
}

// Per database (tests open many), the refusals this process recorded and until when they stand.
const recordedUntil = new WeakMap<Db, Map<string, number>>();
// Another instance recorded it (within the window, of unknown age): look again this much later.
const RECHECK_MS = 1_000;
const MAX_REMEMBERED = 10_000;

/**
 * recordRefusal for a caller that repeats a refused call at machine speed (the gateway): while
 * this process knows the same refusal is on record within the window, it does not ask the
 * database again, so a denied request costs no write. The record is the same as recordRefusal's.
 */
export async function recordRepeatedRefusal(db: Db, actor: Actor, refusal: Refusal) {
  let remembered = recordedUntil.get(db);
  if (!remembered) recordedUntil.set(db, (remembered = new Map()));
  const name = JSON.stringify([actor.orgId, actor.label, refusal]);
  const now = Date.now();
  if ((remembered.get(name) ?? 0) > now) return;
  const inserted = await recordRefusal(db, actor, refusal);
  if (remembered.size >= MAX_REMEMBERED) remembered.clear();
  remembered.set(name, now + (inserted ? REFUSAL_WINDOW_SECONDS * 1000 : RECHECK_MS));
}
