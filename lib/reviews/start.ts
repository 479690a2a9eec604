import { and, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "@/db/connect";
import { queryRows, uuidArray } from "@/db/rows";
import { accessReviewGroups, accessReviews, groups } from "@/db/schema";
import { audit } from "@/lib/audit/record";
import { type Actor, assertCan } from "@/lib/auth/actor";
import { Invalid } from "@/lib/errors";
import { requireGroups } from "@/lib/groups/lookup";
import { endOfLocalDay } from "@/lib/limits/windows";
import { orgTimeZone } from "@/lib/orgs/time-zone";
import { toIsoDay } from "@/lib/time";
import { requireReviewer } from "./reviewers";
import { type StartReviewInput, startReviewInput } from "./schemas";

/** How far back the evidence shown to reviewers looks: a quarter, the usual review cycle. */
export const EVIDENCE_DAYS = 90;
const DAY_MS = 86_400_000;

/**
 * Starts a review of the direct memberships (and, if asked, key assignments) of some or all live
 * groups, due at the end of `dueOn` in the organisation's time zone, every group reviewed by one
 * reviewer (changeable per group later). Each item is written with its evidence as of now: the
 * member's last request with a key the group grants and their spend in the group, over the last
 * 90 days (for a key: the group's people's). One transaction.
 */
export async function startAccessReview(
  db: Db,
  actor: Actor,
  raw: StartReviewInput,
  now = new Date(),
) {
  assertCan(actor, "org:manage");
  const input = startReviewInput.parse(raw);
  return db.transaction(async (tx) => {
    const dueAt = endOfLocalDay(input.dueOn, await orgTimeZone(tx, actor.orgId));
    if (dueAt <= now)
      throw new Invalid("Choose today or a later due date.", {
        dueOn: "Choose today or a later date.",
      });
    const reviewer = await requireReviewer(tx, actor.orgId, input.reviewerMemberId);
    const reviewed = input.groupIds.length
      ? [...(await requireGroups(tx, actor.orgId, input.groupIds, { live: true })).values()]
      : await tx
          .select()
          .from(groups)
          .where(and(eq(groups.orgId, actor.orgId), isNull(groups.archivedAt)));
    if (!reviewed.length) throw new Invalid("There are no groups to review: create one first.");

    const [review] = await tx
      .insert(accessReviews)
      .values({
        orgId: actor.orgId,
        name: input.name,
        applyMode: input.applyMode,
        dueAt,
        startedByMemberId: actor.kind === "user" ? actor.memberId : null,
        startedByName: actor.label,
        startedBy: actor.kind === "user" ? actor.userId : null,
        createdAt: now,
      })
      .returning();
    await tx.insert(accessReviewGroups).values(
      reviewed.map((g) => ({
        orgId: actor.orgId,
        reviewId: review!.id,
        groupId: g.id,
        groupName: g.name,
        reviewerMemberId: reviewer.id,
        reviewerName: reviewer.name,
      })),
    );
    const items = await insertItems(
      tx,
      actor.orgId,
      review!.id,
      reviewed.map((g) => g.id),
      {
        includeKeys: input.includeKeys,
        since: toIsoDay(new Date(now.getTime() - (EVIDENCE_DAYS - 1) * DAY_MS)),
        until: toIsoDay(now),
      },
    );
    await audit(
      tx,
      actor,
      "access_review.started",
      { type: "access_review", id: review!.id },
      {
        after: {
          name: review!.name,
          dueAt: dueAt.toISOString(),
          applyMode: review!.applyMode,
          reviewer: reviewer.name,
          groups: reviewed.length,
          ...items,
        },
      },
    );
    return { id: review!.id, groups: reviewed.length, ...items };
  });
}

async function insertItems(
  tx: Db,
  orgId: string,
  reviewId: string,
  groupIds: string[],
  { includeKeys, since, until }: { includeKeys: boolean; since: string; until: string },
) {
  const org = sql`${orgId}::uuid`;
  const reviewed = uuidArray(groupIds);
  // Each reviewed group with itself and its ancestors (whose keys it grants), and with itself and
  // its descendants (whose people use what it is given).
  const trees = sql`recursive up(group_id, ancestor_id) as (
      select id, id from groups where org_id = ${org} and id = any(${reviewed})
      union all
      select up.group_id, g.parent_id from up join groups g on g.org_id = ${org} and g.id = up.ancestor_id
      where g.parent_id is not null
    ),
    down(group_id, member_group_id) as (
      select id, id from groups where org_id = ${org} and id = any(${reviewed})
      union all
      select down.group_id, g.id from down join groups g on g.org_id = ${org} and g.parent_id = down.member_group_id
    )`;
  const memberships = await queryRows<{ id: string }>(
    tx,
    sql`with ${trees},
      granted as (
        select distinct up.group_id, akg.key_id from up
        join api_key_groups akg on akg.org_id = ${org} and akg.group_id = up.ancestor_id
      )
      insert into access_review_items
        (org_id, review_id, group_id, kind, member_id, subject_name, subject_detail, last_used_day, spend_micros)
      select ${org}, ${reviewId}::uuid, gm.group_id, 'membership', gm.member_id, u.name, u.email,
        (select max(d.day) from usage_daily_member d
          join granted gr on gr.group_id = gm.group_id and gr.key_id = d.key_id
          where d.org_id = ${org} and d.member_id = gm.member_id and d.day between ${since}::date and ${until}::date),
        coalesce((select sum(x.cost_micros) from usage_daily_group x
          where x.org_id = ${org} and x.group_id = gm.group_id and x.member_id = gm.member_id
            and x.day between ${since}::date and ${until}::date), 0)
      from group_members gm
      join org_members m on m.org_id = ${org} and m.id = gm.member_id and m.status <> 'removed'
      join users u on u.id = m.user_id
      where gm.org_id = ${org} and gm.group_id = any(${reviewed})
      returning id`,
  );
  if (!includeKeys) return { memberships: memberships.length, keyAssignments: 0 };
  const keyAssignments = await queryRows<{ id: string }>(
    tx,
    sql`with ${trees},
      people as (
        select distinct down.group_id, gm.member_id from down
        join group_members gm on gm.org_id = ${org} and gm.group_id = down.member_group_id
      )
      insert into access_review_items
        (org_id, review_id, group_id, kind, key_id, subject_name, subject_detail, last_used_day, spend_micros)
      select ${org}, ${reviewId}::uuid, akg.group_id, 'key_assignment', k.id, k.name, k.prefix || '…' || k.last_four,
        used.last_day, coalesce(used.spend, 0)
      from api_key_groups akg
      join api_keys k on k.org_id = ${org} and k.id = akg.key_id and k.revoked_at is null
      left join lateral (
        select max(d.day) as last_day, sum(d.cost_micros) as spend from usage_daily_member d
        join people p on p.group_id = akg.group_id and p.member_id = d.member_id
        where d.org_id = ${org} and d.key_id = akg.key_id and d.day between ${since}::date and ${until}::date
      ) used on true
      where akg.org_id = ${org} and akg.group_id = any(${reviewed})
      returning id`,
  );
  return { memberships: memberships.length, keyAssignments: keyAssignments.length };
}
