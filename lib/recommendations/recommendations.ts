import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/connect";
import { queryRows } from "@/db/rows";
import { recommendationDismissals } from "@/db/schema";
import { audit } from "@/lib/audit/record";
import { type Actor, assertCan } from "@/lib/auth/actor";
import { toIsoDay } from "@/lib/time";

// Least privilege, from the daily rollups (never the raw events): who is in a group for the keys
// it grants and has used none of them for a while, and which keys are given to groups whose
// people have not used them. Each comes with its evidence and the command that acts on it (the
// console's own, audited); a dismissed one stays dismissed.

/** How long without use makes access idle. */
export const IDLE_DAYS = 30;
const DAY_MS = 86_400_000;

export type RecommendationKind = "remove_idle_member" | "unassign_idle_key";

export type Recommendation =
  | {
      kind: "remove_idle_member";
      subject: string;
      group: { id: string; name: string };
      member: { id: string; name: string; email: string };
      /** The keys the group grants (its own and its parents'). */
      keys: { id: string; name: string }[];
      memberSince: string;
    }
  | {
      kind: "unassign_idle_key";
      subject: string;
      key: { id: string; name: string };
      group: { id: string; name: string };
      /** The group's people, its subgroups' included. */
      people: number;
      assignedSince: string;
    };

interface MembershipRow {
  group_id: string;
  group_name: string;
  member_id: string;
  member_name: string;
  email: string;
  active: boolean;
  since: string;
  old_enough: boolean;
  keys: { id: string; name: string }[];
}

interface AssignmentRow {
  key_id: string;
  key_name: string;
  group_id: string;
  group_name: string;
  since: string;
  people: string[];
}

export async function recommendations(
  db: Db,
  actor: Actor,
  now = new Date(),
): Promise<Recommendation[]> {
  assertCan(actor, "org:manage");
  const org = sql`${actor.orgId}::uuid`;
  const idleSince = toIsoDay(new Date(now.getTime() - (IDLE_DAYS - 1) * DAY_MS));
  const joinedBefore = new Date(now.getTime() - IDLE_DAYS * DAY_MS).toISOString();
  const liveKey = sql`k.revoked_at is null and (k.expires_at is null or k.expires_at > ${now.toISOString()}::timestamptz)`;
  const [used, memberships, assignments, dismissed] = await Promise.all([
    // Who used which key in the last 30 days: an index-only scan of the member rollup.
    queryRows<{ member_id: string; key_id: string }>(
      db,
      sql`select distinct member_id, key_id from usage_daily_member
          where org_id = ${org} and day >= ${idleSince}::date`,
    ),
    // Every membership of a live group with the live keys it grants (its own and its parents').
    queryRows<MembershipRow>(
      db,
      sql`with recursive up(group_id, ancestor_id) as (
            select id, id from groups where org_id = ${org} and archived_at is null
            union all
            select up.group_id, g.parent_id from up join groups g on g.org_id = ${org} and g.id = up.ancestor_id
            where g.parent_id is not null
          ),
          granted as (
            select up.group_id, jsonb_agg(distinct jsonb_build_object('id', k.id, 'name', k.name)) as keys
            from up
            join api_key_groups akg on akg.org_id = ${org} and akg.group_id = up.ancestor_id
            join api_keys k on k.org_id = ${org} and k.id = akg.key_id and ${liveKey}
            group by up.group_id
          )
          select gm.group_id, g.name as group_name, gm.member_id, u.name as member_name, u.email,
            m.status = 'active' as active, to_char(gm.created_at at time zone 'UTC', 'YYYY-MM-DD') as since,
            gm.created_at <= ${joinedBefore}::timestamptz as old_enough, gr.keys
          from group_members gm
          join granted gr on gr.group_id = gm.group_id
          join groups g on g.org_id = ${org} and g.id = gm.group_id
          join org_members m on m.org_id = ${org} and m.id = gm.member_id
          join users u on u.id = m.user_id
          where gm.org_id = ${org}
          order by g.name, u.name`,
    ),
    // Every key given to a live group for 30 days, with the active people in it or its subgroups.
    queryRows<AssignmentRow>(
      db,
      sql`with recursive down(group_id, member_group_id) as (
            select id, id from groups where org_id = ${org} and archived_at is null
            union all
            select down.group_id, g.id from down join groups g on g.org_id = ${org} and g.parent_id = down.member_group_id
            where g.archived_at is null
          )
          select k.id as key_id, k.name as key_name, g.id as group_id, g.name as group_name,
            to_char(akg.created_at at time zone 'UTC', 'YYYY-MM-DD') as since,
            coalesce((select array_agg(distinct gm.member_id) from down
              join group_members gm on gm.org_id = ${org} and gm.group_id = down.member_group_id
              join org_members m on m.org_id = ${org} and m.id = gm.member_id and m.status = 'active'
              where down.group_id = g.id), '{}') as people
          from api_key_groups akg
          join api_keys k on k.org_id = ${org} and k.id = akg.key_id and ${liveKey}
          join groups g on g.org_id = ${org} and g.id = akg.group_id and g.archived_at is null
          where akg.org_id = ${org} and akg.created_at <= ${joinedBefore}::timestamptz
          order by k.name, g.name`,
    ),
    db
      .select({ kind: recommendationDismissals.kind, subject: recommendationDismissals.subject })
      .from(recommendationDismissals)
      .where(eq(recommendationDismissals.orgId, actor.orgId)),
  ]);
  const usedPair = new Set(used.map((u) => `${u.member_id}/${u.key_id}`));
  const usesAny = (memberId: string, keys: { id: string }[]) =>
    keys.some((k) => usedPair.has(`${memberId}/${k.id}`));
  // A group whose keys someone in it uses: where one person's idle access stands out. A group
  // whose keys nobody uses is advised about the keys instead.
  const inUse = new Set(
    memberships.filter((m) => usesAny(m.member_id, m.keys)).map((m) => m.group_id),
  );
  const idle = memberships.filter(
    (m) => m.active && m.old_enough && inUse.has(m.group_id) && !usesAny(m.member_id, m.keys),
  );

  const gone = new Set(dismissed.map((d) => `${d.kind} ${d.subject}`));
  const all: Recommendation[] = idle.map((r) => ({
    kind: "remove_idle_member",
    subject: `${r.group_id}/${r.member_id}`,
    group: { id: r.group_id, name: r.group_name },
    member: { id: r.member_id, name: r.member_name, email: r.email },
    keys: r.keys.sort((a, b) => a.name.localeCompare(b.name)),
    memberSince: r.since,
  }));
  for (const a of assignments)
    if (!a.people.some((memberId) => usedPair.has(`${memberId}/${a.key_id}`)))
      all.push({
        kind: "unassign_idle_key",
        subject: `${a.key_id}/${a.group_id}`,
        key: { id: a.key_id, name: a.key_name },
        group: { id: a.group_id, name: a.group_name },
        people: a.people.length,
        assignedSince: a.since,
      });
  return all.filter((r) => !gone.has(`${r.kind} ${r.subject}`));
}

export const dismissInput = z.object({
  kind: z.enum(["remove_idle_member", "unassign_idle_key"], { error: "Unknown recommendation." }),
  subject: z.string().regex(/^[0-9a-f-]{36}\/[0-9a-f-]{36}$/i, "Unknown recommendation."),
});

/** Remembers that the admins do not want this advice; audited. */
export async function dismissRecommendation(
  db: Db,
  actor: Actor,
  raw: { kind: string; subject: string },
) {
  assertCan(actor, "org:manage");
  const input = dismissInput.parse(raw);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(recommendationDismissals)
      .values({
        orgId: actor.orgId,
        kind: input.kind,
        subject: input.subject,
        dismissedBy: actor.kind === "user" ? actor.userId : null,
      })
      .onConflictDoNothing()
      .returning();
    if (row)
      await audit(
        tx,
        actor,
        "recommendation.dismissed",
        { type: "recommendation", id: null },
        {
          after: input,
        },
      );
    return { dismissed: Boolean(row) };
  });
}
