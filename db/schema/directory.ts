import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { orgs, users } from "./orgs";

// Directory sync (SCIM 2.0): the bearer tokens an identity provider provisions an organisation
// with. Like gateway tokens, only the hash is stored and the secret is shown once; a SCIM token
// can call nothing but /scim/v2 of its own organisation.
export const scimTokens = pgTable(
  "scim_tokens",
  {
    id: uuid().primaryKey().defaultRandom(),
    orgId: uuid()
      .notNull()
      .references(() => orgs.id, { onDelete: "cascade" }),
    name: text().notNull(),
    prefix: text().notNull(),
    tokenHash: text().notNull(),
    lastUsedAt: timestamp({ withTimezone: true }),
    revokedAt: timestamp({ withTimezone: true }),
    createdBy: uuid().references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("scim_tokens_hash_key").on(t.tokenHash),
    index("scim_tokens_org_idx").on(t.orgId),
    check("scim_tokens_name_length", sql`char_length(${t.name}) between 1 and 100`),
  ],
);

// The SCIM requests Gatehouse refused, with the error it answered: what Settings → Directory
// sync shows an admin whose provisioning fails. The body is kept short and without secrets.
export const scimErrors = pgTable(
  "scim_errors",
  {
    id: uuid().notNull().defaultRandom(),
    orgId: uuid()
      .notNull()
      .references(() => orgs.id, { onDelete: "cascade" }),
    tokenId: uuid().references(() => scimTokens.id, { onDelete: "set null" }),
    method: text().notNull(),
    path: text().notNull(),
    status: integer().notNull(),
    scimType: text(),
    detail: text().notNull(),
    requestExcerpt: text().notNull().default(""),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.id, t.orgId] }),
    index("scim_errors_org_time_idx").on(t.orgId, t.createdAt),
  ],
);

// Per organisation: whether a group the directory pushes may take over an existing group of the
// same name (otherwise the push is refused as a duplicate, and nothing existing changes hands).
export const directorySettings = pgTable("directory_settings", {
  orgId: uuid()
    .primaryKey()
    .references(() => orgs.id, { onDelete: "cascade" }),
  linkGroupsByName: boolean().notNull().default(false),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

export type ScimToken = typeof scimTokens.$inferSelect;
export type ScimError = typeof scimErrors.$inferSelect;
