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
// How far back "last used" is looked for: older use shows as "not in 90 days".
const LOOKBACK_DAYS = 90;
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
      /** The member's last request through any of them (a UTC day), if in the last 90 days. */
      lastUsedOn: string | null;
    }
  | {
      kind: "unassign_idle_key";
      subject: string;
      key: { id: string; name: string };
      group: { id: string; name: string };
      /** The group's people, its subgroups' included. */
      people: number;
      assignedSince: string;
      lastUsedOn: string | null;
    };

interface IdleMemberRow {
  group_id: string;
  group_name: string;
  member_id: string;
  member_name: string;
  email: string;
  since: string;
  last_used: string | null;
  keys: { id: string; name: string }[];
}

interface IdleKeyRow {
  key_id: string;
  key_name: string;
  group_id: string;
  group_name: string;
  since: string;
  people: string;
  last_used: string | null;
}

export async function recommendations(
  db: Db,
  actor: Actor,
  now = new Date(),
): Promise<Recommendation[]> {
  assertCan(actor, "org:manage");
  const org = sql`${actor.orgId}::uuid`;
  const idleSince = toIsoDay(new Date(now.getTime() - (IDLE_DAYS - 1) * DAY_MS));
  const lookback = toIsoDay(new Date(now.getTime() - LOOKBACK_DAYS * DAY_MS));
  const joinedBefore = new Date(now.getTime() - IDLE_DAYS * DAY_MS).toISOString();
  const [members, keys, dismissed] = await Promise.all([
    // A live group's direct members, active, in it for 30 days, none of whose requests in the
    // last 30 days went through a live key the group grants (its own, or a parent's), where
    // others in the group did use them.
    queryRows<IdleMemberRow>(
      db,
      sql`with recursive up(group_id, ancestor_id) as (
            select id, id from groups where org_id = ${org} and archived_at is null
            union all
            select up.group_id, g.parent_id from up join groups g on g.org_id = ${org} and g.id = up.ancestor_id
            where g.parent_id is not null
          ),
          granted as (
            select distinct up.group_id, k.id as key_id, k.name as key_name
            from up
            join api_key_groups akg on akg.org_id = ${org} and akg.group_id = up.ancestor_id
            join api_keys k on k.org_id = ${org} and k.id = akg.key_id and k.revoked_at is null
              and (k.expires_at is null or k.expires_at > ${now.toISOString()}::timestamptz)
          ),
          used as (
            select member_id, key_id, max(day) as last_day from usage_daily_member
            where org_id = ${org} and day >= ${lookback}::date group by member_id, key_id
          ),
          -- Groups whose keys someone uses: where one person's idle access stands out. A group
          -- whose keys nobody uses is advised about the keys instead.
          in_use as (
            select distinct gm.group_id from group_members gm
            join granted gr on gr.group_id = gm.group_id
            join used on used.member_id = gm.member_id and used.key_id = gr.key_id
            where gm.org_id = ${org} and used.last_day >= ${idleSince}::date
          )
          select gm.group_id, g.name as group_name, gm.member_id, u.name as member_name, u.email,
            to_char(gm.created_at at time zone 'UTC', 'YYYY-MM-DD') as since,
            to_char(max(used.last_day), 'YYYY-MM-DD') as last_used,
            jsonb_agg(distinct jsonb_build_object('id', gr.key_id, 'name', gr.key_name)) as keys
          from group_members gm
          join groups g on g.org_id = ${org} and g.id = gm.group_id and g.archived_at is null
          join org_members m on m.org_id = ${org} and m.id = gm.member_id and m.status = 'active'
          join users u on u.id = m.user_id
          join granted gr on gr.group_id = gm.group_id
          left join used on used.member_id = gm.member_id and used.key_id = gr.key_id
          where gm.org_id = ${org} and gm.created_at <= ${joinedBefore}::timestamptz
            and gm.group_id in (select group_id from in_use)
          group by gm.group_id, g.name, gm.member_id, u.name, u.email, gm.created_at
          having coalesce(max(used.last_day) >= ${idleSince}::date, false) = false
          order by g.name, u.name
          limit 500`,
    ),
    // A live key given to a live group for 30 days that nobody now in the group (or its
    // subgroups) used in the last 30 days.
    queryRows<IdleKeyRow>(
      db,
      sql`with recursive down(group_id, member_group_id) as (
            select id, id from groups where org_id = ${org} and archived_at is null
            union all
            select down.group_id, g.id from down join groups g on g.org_id = ${org} and g.parent_id = down.member_group_id
            where g.archived_at is null
          ),
          people as (
            select distinct down.group_id, gm.member_id from down
            join group_members gm on gm.org_id = ${org} and gm.group_id = down.member_group_id
            join org_members m on m.org_id = ${org} and m.id = gm.member_id and m.status = 'active'
          )
          select k.id as key_id, k.name as key_name, g.id as group_id, g.name as group_name,
            to_char(akg.created_at at time zone 'UTC', 'YYYY-MM-DD') as since,
            count(distinct p.member_id) as people,
            to_char(max(u.day), 'YYYY-MM-DD') as last_used
          from api_key_groups akg
          join api_keys k on k.org_id = ${org} and k.id = akg.key_id and k.revoked_at is null
          join groups g on g.org_id = ${org} and g.id = akg.group_id and g.archived_at is null
          left join people p on p.group_id = akg.group_id
          left join usage_daily_member u on u.org_id = ${org} and u.key_id = k.id
            and u.member_id = p.member_id and u.day >= ${lookback}::date
          where akg.org_id = ${org} and akg.created_at <= ${joinedBefore}::timestamptz
            and (k.expires_at is null or k.expires_at > ${now.toISOString()}::timestamptz)
          group by k.id, k.name, g.id, g.name, akg.created_at
          having coalesce(max(u.day) >= ${idleSince}::date, false) = false
          order by k.name, g.name
          limit 500`,
    ),
    db
      .select({ kind: recommendationDismissals.kind, subject: recommendationDismissals.subject })
      .from(recommendationDismissals)
      .where(eq(recommendationDismissals.orgId, actor.orgId)),
  ]);
  const gone = new Set(dismissed.map((d) => `${d.kind} ${d.subject}`));
  const all: Recommendation[] = members.map((r) => ({
    kind: "remove_idle_member",
    subject: `${r.group_id}/${r.member_id}`,
    group: { id: r.group_id, name: r.group_name },
    member: { id: r.member_id, name: r.member_name, email: r.email },
    keys: r.keys.sort((a, b) => a.name.localeCompare(b.name)),
    memberSince: r.since,
    lastUsedOn: r.last_used,
  }));
  for (const r of keys)
    all.push({
      kind: "unassign_idle_key",
      subject: `${r.key_id}/${r.group_id}`,
      key: { id: r.key_id, name: r.key_name },
      group: { id: r.group_id, name: r.group_name },
      people: Number(r.people),
      assignedSince: r.since,
      lastUsedOn: r.last_used,
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
