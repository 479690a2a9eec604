import { sql } from "drizzle-orm";
import { check, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { orgs, users } from "./orgs";

// Recommendations an admin dismissed (lib/recommendations): remembered, so the same advice about
// the same member and group, or key and group, does not come back.
export const recommendationDismissals = pgTable(
  "recommendation_dismissals",
  {
    orgId: uuid()
      .notNull()
      .references(() => orgs.id, { onDelete: "cascade" }),
    kind: text().notNull(),
    // What it is about, as the recommendation names it ("<groupId>/<memberId>").
    subject: text().notNull(),
    dismissedBy: uuid().references(() => users.id, { onDelete: "set null" }),
    dismissedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.kind, t.subject] }),
    check("recommendation_dismissals_kind_length", sql`char_length(${t.kind}) <= 64`),
    check("recommendation_dismissals_subject_length", sql`char_length(${t.subject}) <= 200`),
  ],
);
