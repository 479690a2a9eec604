import { sql } from "drizzle-orm";
import {
  bigint,
  check,
  date,
  foreignKey,
  index,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { orgs, users } from "./orgs";

// Access reviews (lib/reviews): an admin asks named reviewers to confirm or remove each
// membership (and key assignment) of some groups by a due date. What each reviewer saw and
// decided is kept as it was, names included, so a finished review stays a true report after
// people, groups and keys change or go: none of the rows below refer to them by foreign key.

export const accessReviewStatus = pgEnum("access_review_status", [
  "open",
  "completed",
  "cancelled",
]);
/** When a "remove" takes effect: as the reviewer decides, or all at once when the review ends. */
export const accessReviewApply = pgEnum("access_review_apply", ["as_decided", "at_end"]);
export const accessReviewItemKind = pgEnum("access_review_item_kind", [
  "membership",
  "key_assignment",
]);
export const accessReviewDecision = pgEnum("access_review_decision", ["keep", "remove"]);

export const accessReviews = pgTable(
  "access_reviews",
  {
    id: uuid().notNull().defaultRandom(),
    orgId: uuid()
      .notNull()
      .references(() => orgs.id, { onDelete: "cascade" }),
    name: text().notNull(),
    status: accessReviewStatus().notNull().default("open"),
    applyMode: accessReviewApply().notNull(),
    dueAt: timestamp({ withTimezone: true }).notNull(),
    // The admin who started it, as a member (who may step in for any reviewer) and by name.
    startedByMemberId: uuid(),
    startedByName: text().notNull(),
    startedBy: uuid().references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    endedAt: timestamp({ withTimezone: true }),
    endedByName: text(),
    // The due-date reminder (bell and webhook), sent once; readAt as for the other alerts.
    remindedAt: timestamp({ withTimezone: true }),
    reminderReadAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    index("access_reviews_org_idx").on(t.orgId, t.createdAt),
    index("access_reviews_due_idx")
      .on(t.dueAt)
      .where(sql`${t.status} = 'open' and ${t.remindedAt} is null`),
    check("access_reviews_name_length", sql`char_length(${t.name}) between 1 and 100`),
  ],
);

// Each group under review and who reviews it.
export const accessReviewGroups = pgTable(
  "access_review_groups",
  {
    orgId: uuid().notNull(),
    reviewId: uuid().notNull(),
    groupId: uuid().notNull(),
    groupName: text().notNull(),
    reviewerMemberId: uuid().notNull(),
    reviewerName: text().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.reviewId, t.groupId] }),
    foreignKey({
      name: "access_review_groups_review_fk",
      columns: [t.orgId, t.reviewId],
      foreignColumns: [accessReviews.orgId, accessReviews.id],
    }).onDelete("cascade"),
  ],
);

// One membership (member in group) or key assignment (key given to group) to confirm or remove,
// with the evidence the reviewer is shown, as of the review's start.
export const accessReviewItems = pgTable(
  "access_review_items",
  {
    id: uuid().notNull().defaultRandom(),
    orgId: uuid().notNull(),
    reviewId: uuid().notNull(),
    groupId: uuid().notNull(),
    kind: accessReviewItemKind().notNull(),
    memberId: uuid(),
    keyId: uuid(),
    // The member's name and email, or the key's name and prefix.
    subjectName: text().notNull(),
    subjectDetail: text().notNull().default(""),
    // The member's last request with a key the group grants (or anyone's in the group with the
    // key), within the evidence window; null: none.
    lastUsedDay: date({ mode: "string" }),
    spendMicros: bigint({ mode: "number" }).notNull().default(0),
    decision: accessReviewDecision(),
    note: text().notNull().default(""),
    decidedBy: uuid().references(() => users.id, { onDelete: "set null" }),
    decidedByName: text(),
    decidedAt: timestamp({ withTimezone: true }),
    // When a "remove" took effect; `outcome` says what happened if not simply removed.
    appliedAt: timestamp({ withTimezone: true }),
    outcome: text(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    index("access_review_items_group_idx").on(t.orgId, t.reviewId, t.groupId),
    uniqueIndex("access_review_items_membership_key")
      .on(t.orgId, t.reviewId, t.groupId, t.memberId)
      .where(sql`${t.kind} = 'membership'`),
    uniqueIndex("access_review_items_key_key")
      .on(t.orgId, t.reviewId, t.groupId, t.keyId)
      .where(sql`${t.kind} = 'key_assignment'`),
    foreignKey({
      name: "access_review_items_review_fk",
      columns: [t.orgId, t.reviewId],
      foreignColumns: [accessReviews.orgId, accessReviews.id],
    }).onDelete("cascade"),
    check(
      "access_review_items_subject",
      sql`(${t.kind} = 'membership' and ${t.memberId} is not null and ${t.keyId} is null)
        or (${t.kind} = 'key_assignment' and ${t.keyId} is not null and ${t.memberId} is null)`,
    ),
    check("access_review_items_note_length", sql`char_length(${t.note}) <= 500`),
    check("access_review_items_decided", sql`(${t.decision} is null) = (${t.decidedAt} is null)`),
  ],
);
