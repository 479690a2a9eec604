import { sql } from "drizzle-orm";
import {
  boolean,
  index,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";
import { orgs, users } from "./orgs";

export const actorKind = pgEnum("actor_kind", ["user", "gateway", "system", "directory"]);

// Append-only: a trigger in the migrations refuses UPDATE and DELETE.
export const auditLog = pgTable(
  "audit_log",
  {
    id: uuid().notNull().defaultRandom(),
    orgId: uuid()
      .notNull()
      .references(() => orgs.id, { onDelete: "cascade" }),
    actorKind: actorKind().notNull(),
    actorUserId: uuid().references(() => users.id, { onDelete: "set null" }),
    actorLabel: text().notNull(),
    action: text().notNull(),
    targetType: text().notNull(),
    targetId: text(),
    before: jsonb(),
    after: jsonb(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.id, t.orgId] }),
    index("audit_log_org_time_idx").on(t.orgId, t.createdAt),
    index("audit_log_target_idx").on(t.orgId, t.targetType, t.targetId),
  ],
);

// Failed and successful password sign-ins, for throttling per account and per address.
export const loginAttempts = pgTable(
  "login_attempts",
  {
    id: uuid().primaryKey().defaultRandom(),
    email: text().notNull(),
    ip: text().notNull(),
    succeeded: boolean().notNull(),
    createdAt: timestamp({ withTimezone: true })
      .notNull()
      .default(sql`now()`),
  },
  (t) => [
    index("login_attempts_email_idx").on(t.email, t.createdAt),
    index("login_attempts_ip_idx").on(t.ip, t.createdAt),
  ],
);

export type AuditEntry = typeof auditLog.$inferSelect;
