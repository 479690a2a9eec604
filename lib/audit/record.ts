import type { Db } from "@/db/connect";
import { auditLog } from "@/db/schema";
import type { Actor } from "@/lib/auth/actor";

export interface AuditTarget {
  type: string;
  id?: string | null;
}

/** Writes one audit row; call it with the transaction that makes the change. */
export async function audit(
  tx: Db,
  actor: Actor,
  action: string,
  target: AuditTarget,
  change: { before?: unknown; after?: unknown } = {},
): Promise<void> {
  await tx.insert(auditLog).values({
    orgId: actor.orgId,
    actorKind: actor.kind,
    actorUserId: actor.kind === "user" ? actor.userId : null,
    actorLabel: actor.label,
    action,
    targetType: target.type,
    targetId: target.id ?? null,
    before: change.before ?? null,
    after: change.after ?? null,
  });
}
