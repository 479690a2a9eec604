import { sql } from "drizzle-orm";
import type { Db } from "@/db/connect";
import { isUuid, queryRows } from "@/db/rows";
import { type Actor, assertCan } from "@/lib/auth/actor";
import { NotFound } from "@/lib/errors";
import { isSoleAdmin, mayDecide } from "./reviewers";
import type { ApplyMode } from "./schemas";

export type ReviewStatus = "open" | "completed" | "cancelled";

export interface ReviewSummary {
  id: string;
  name: string;
  status: ReviewStatus;
  applyMode: ApplyMode;
  dueAt: Date;
  createdAt: Date;
  endedAt: Date | null;
  startedByName: string;
  startedByMemberId: string | null;
  endedByName: string | null;
  groups: number;
  items: number;
  decided: number;
  removals: number;
}

interface SummaryRecord {
  id: string;
  name: string;
  status: ReviewStatus;
  apply_mode: ApplyMode;
  due_at: string;
  created_at: string;
  ended_at: string | null;
  started_by_name: string;
  started_by_member_id: string | null;
  ended_by_name: string | null;
  groups: string;
  items: string;
  decided: string;
  removals: string;
}

const summaries = (orgId: string, where = sql`true`) => sql`
  select r.id, r.name, r.status, r.apply_mode, r.due_at, r.created_at, r.ended_at, r.started_by_name,
    r.started_by_member_id, r.ended_by_name,
    (select count(*) from access_review_groups rg where rg.org_id = r.org_id and rg.review_id = r.id) as groups,
    count(i.id) as items, count(i.decision) as decided, count(*) filter (where i.decision = 'remove') as removals
  from access_reviews r
  left join access_review_items i on i.org_id = r.org_id and i.review_id = r.id
  where r.org_id = ${orgId}::uuid and ${where}
  group by r.org_id, r.id
  order by r.status = 'open' desc, r.created_at desc
  limit 200`;

function summary(r: SummaryRecord): ReviewSummary {
  return {
    id: r.id,
    name: r.name,
    status: r.status,
    applyMode: r.apply_mode,
    dueAt: new Date(r.due_at),
    createdAt: new Date(r.created_at),
    endedAt: r.ended_at ? new Date(r.ended_at) : null,
    startedByName: r.started_by_name,
    startedByMemberId: r.started_by_member_id,
    endedByName: r.ended_by_name,
    groups: Number(r.groups),
    items: Number(r.items),
    decided: Number(r.decided),
    removals: Number(r.removals),
  };
}

/** The organisation's reviews, open ones first, the newest first (the latest 200). */
export async function listAccessReviews(db: Db, actor: Actor): Promise<ReviewSummary[]> {
  assertCan(actor, "org:manage");
  return (await queryRows<SummaryRecord>(db, summaries(actor.orgId))).map(summary);
}

export interface ReviewGroup {
  groupId: string;
  groupName: string;
  reviewerMemberId: string;
  reviewerName: string;
  items: number;
  decided: number;
  /** Items here the actor may decide (none once the review has ended). */
  mine: number;
}

/** A review with each of its groups' reviewer and progress. */
export async function getAccessReview(db: Db, actor: Actor, reviewId: string) {
  assertCan(actor, "org:manage");
  if (!isUuid(reviewId)) throw new NotFound("The access review");
  const [record] = await queryRows<SummaryRecord>(
    db,
    summaries(actor.orgId, sql`r.id = ${reviewId}::uuid`),
  );
  if (!record) throw new NotFound("The access review");
  const review = summary(record);
  const soleAdmin = await isSoleAdmin(db, actor);
  const rows = await queryRows<{
    group_id: string;
    group_name: string;
    reviewer_member_id: string;
    reviewer_name: string;
    member_id: string | null;
    items: string;
    decided: string;
  }>(
    db,
    sql`select rg.group_id, rg.group_name, rg.reviewer_member_id, rg.reviewer_name, i.member_id,
          count(i.id) as items, count(i.decision) as decided
        from access_review_groups rg
        left join access_review_items i on i.org_id = rg.org_id and i.review_id = rg.review_id and i.group_id = rg.group_id
        where rg.org_id = ${actor.orgId}::uuid and rg.review_id = ${review.id}::uuid
        group by rg.group_id, rg.group_name, rg.reviewer_member_id, rg.reviewer_name, i.member_id
        order by rg.group_name`,
  );
  // Counted by subject, since whether the actor may decide depends on whose access it is.
  const groups = new Map<string, ReviewGroup>();
  for (const r of rows) {
    const group = groups.get(r.group_id) ?? {
      groupId: r.group_id,
      groupName: r.group_name,
      reviewerMemberId: r.reviewer_member_id,
      reviewerName: r.reviewer_name,
      items: 0,
      decided: 0,
      mine: 0,
    };
    group.items += Number(r.items);
    group.decided += Number(r.decided);
    if (
      review.status === "open" &&
      mayDecide(actor, {
        startedByMemberId: review.startedByMemberId,
        reviewerMemberId: r.reviewer_member_id,
        subjectMemberId: r.member_id,
        soleAdmin,
      })
    )
      group.mine += Number(r.items) - Number(r.decided);
    groups.set(r.group_id, group);
  }
  return { review, groups: [...groups.values()], soleAdmin };
}

export interface ReviewItem {
  id: string;
  groupId: string;
  groupName: string;
  kind: "membership" | "key_assignment";
  memberId: string | null;
  keyId: string | null;
  subjectName: string;
  subjectDetail: string;
  lastUsedDay: string | null;
  spendMicros: number;
  decision: "keep" | "remove" | null;
  note: string;
  decidedByName: string | null;
  decidedAt: Date | null;
  appliedAt: Date | null;
  outcome: string | null;
  reviewerMemberId: string;
  reviewerName: string;
  /** Whether the actor may decide it now. */
  decidable: boolean;
}

const ITEM_LIMIT = 500;

/**
 * A review's items, undecided first (then by name): of one group, or of all for the report.
 * At most 500 for a page; the report reads all.
 */
export async function reviewItems(
  db: Db,
  actor: Actor,
  reviewId: string,
  options: { groupId?: string; all?: boolean } = {},
): Promise<{ items: ReviewItem[]; more: boolean }> {
  const { review, soleAdmin } = await getAccessReview(db, actor, reviewId);
  const rows = await queryRows<{
    id: string;
    group_id: string;
    group_name: string;
    kind: ReviewItem["kind"];
    member_id: string | null;
    key_id: string | null;
    subject_name: string;
    subject_detail: string;
    last_used_day: string | null;
    spend_micros: string;
    decision: ReviewItem["decision"];
    note: string;
    decided_by_name: string | null;
    decided_at: string | null;
    applied_at: string | null;
    outcome: string | null;
    reviewer_member_id: string;
    reviewer_name: string;
  }>(
    db,
    sql`select i.id, i.group_id, rg.group_name, i.kind, i.member_id, i.key_id, i.subject_name,
          i.subject_detail, to_char(i.last_used_day, 'YYYY-MM-DD') as last_used_day, i.spend_micros,
          i.decision, i.note, i.decided_by_name, i.decided_at, i.applied_at, i.outcome,
          rg.reviewer_member_id, rg.reviewer_name
        from access_review_items i
        join access_review_groups rg on rg.org_id = i.org_id and rg.review_id = i.review_id and rg.group_id = i.group_id
        where i.org_id = ${actor.orgId}::uuid and i.review_id = ${review.id}::uuid
          and ${options.groupId ? sql`i.group_id = ${options.groupId}::uuid` : sql`true`}
        order by ${options.all ? sql`rg.group_name,` : sql``} i.decision is not null, i.kind, lower(i.subject_name), i.id
        ${options.all ? sql`` : sql`limit ${ITEM_LIMIT + 1}`}`,
  );
  const items = rows.slice(0, options.all ? undefined : ITEM_LIMIT).map((r) => ({
    id: r.id,
    groupId: r.group_id,
    groupName: r.group_name,
    kind: r.kind,
    memberId: r.member_id,
    keyId: r.key_id,
    subjectName: r.subject_name,
    subjectDetail: r.subject_detail,
    lastUsedDay: r.last_used_day,
    spendMicros: Number(r.spend_micros),
    decision: r.decision,
    note: r.note,
    decidedByName: r.decided_by_name,
    decidedAt: r.decided_at ? new Date(r.decided_at) : null,
    appliedAt: r.applied_at ? new Date(r.applied_at) : null,
    outcome: r.outcome,
    reviewerMemberId: r.reviewer_member_id,
    reviewerName: r.reviewer_name,
    decidable:
      review.status === "open" &&
      r.applied_at === null &&
      mayDecide(actor, {
        startedByMemberId: review.startedByMemberId,
        reviewerMemberId: r.reviewer_member_id,
        subjectMemberId: r.member_id,
        soleAdmin,
      }),
  }));
  return { items, more: !options.all && rows.length > ITEM_LIMIT };
}
