import { sql } from "drizzle-orm";
import { index, jsonb, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { orgs, users } from "./orgs";

// A CSV import of members and their groups (lib/members/import.ts): what it changed, exactly,
// so that Undo can take it back, and what the audit row of the import points to.
export const memberImports = pgTable(
  "member_imports",
  {
    id: uuid().notNull().defaultRandom(),
    orgId: uuid()
      .notNull()
      .references(() => orgs.id, { onDelete: "cascade" }),
    fileName: text().notNull(),
    createdBy: uuid().references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    // Counts: { rows, created, reactivated, roleChanges, memberships, groups, skipped }.
    summary: jsonb().notNull(),
    // { createdMemberIds, reactivatedMemberIds, roleChanges: [{ memberId, from, to }],
    //   memberships: [{ groupId, memberId }], groupIds } — what Undo reverses.
    changes: jsonb()
      .notNull()
      .default(sql`'{}'::jsonb`),
    undoneAt: timestamp({ withTimezone: true }),
    undoneBy: uuid().references(() => users.id, { onDelete: "set null" }),
  },
  (t) => [
    primaryKey({ columns: [t.id, t.orgId] }),
    index("member_imports_org_idx").on(t.orgId, t.createdAt),
  ],
);
