import { type SQL, eq } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import { z } from "zod";
import type { Db } from "@/db/connect";
import { requireGroup } from "@/lib/groups/lookup";
import { requireKey } from "@/lib/keys/commands";
import { requireMember } from "@/lib/members/lookup";

// What a control (a rate limit, a budget window) is set on: exactly one of the organisation's
// keys, groups or members, as the settings forms name it and as the tables store it (key_id,
// group_id, member_id, one of them set).

export const keyTarget = z.object({ kind: z.literal("key"), id: z.uuid("Unknown key.") });
export const memberTarget = z.object({ kind: z.literal("member"), id: z.uuid("Unknown member.") });
export const groupTarget = z.object({ kind: z.literal("group"), id: z.uuid("Unknown group.") });
export const controlTarget = z.discriminatedUnion("kind", [keyTarget, memberTarget, groupTarget]);

export type ControlTarget = z.output<typeof controlTarget>;

/** The columns that store a target: its own id in its kind's column, null in the others. */
export function targetColumns(target: ControlTarget) {
  return {
    keyId: target.kind === "key" ? target.id : null,
    groupId: target.kind === "group" ? target.id : null,
    memberId: target.kind === "member" ? target.id : null,
  };
}

/** The id of the key, group or member a stored control is on (exactly one is set). */
export const targetIdOf = (row: {
  keyId: string | null;
  groupId: string | null;
  memberId: string | null;
}) => (row.keyId ?? row.groupId ?? row.memberId)!;

/** The rows of a control table set on this target. */
export function onTarget(
  table: { keyId: PgColumn; groupId: PgColumn; memberId: PgColumn },
  target: ControlTarget,
): SQL {
  const column = { key: table.keyId, group: table.groupId, member: table.memberId }[target.kind];
  return eq(column, target.id);
}

/**
 * The target in the actor's organisation, or NotFound (another organisation's id is not found).
 * An archived group takes no new controls: restore it first.
 */
export async function requireTarget(tx: Db, orgId: string, target: ControlTarget) {
  if (target.kind === "key") await requireKey(tx, orgId, target.id);
  else if (target.kind === "group") await requireGroup(tx, orgId, target.id, { live: true });
  else await requireMember(tx, orgId, target.id);
}
