import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  index,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { orgs, users } from "./orgs";

// Single sign-on (OpenID Connect). A person's account is linked to their identity at a provider
// (its issuer and subject) at the first sign-in that matched them by a verified email; from then
// on only the issuer and subject find the account, so a changed or reused email at the provider
// moves nothing. One identity per provider per account.
export const ssoIdentities = pgTable(
  "sso_identities",
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    issuer: text().notNull(),
    subject: text().notNull(),
    // The email the provider gave at the latest sign-in: shown to owners, never used to match.
    email: text(),
    linkedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastSignInAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("sso_identities_issuer_subject_key").on(t.issuer, t.subject),
    uniqueIndex("sso_identities_user_issuer_key").on(t.userId, t.issuer),
  ],
);

// An organisation's sign-in policy: single sign-on required (passwords refused, but for one
// break-glass owner), and just-in-time provisioning of people of its email domains.
export const orgSsoPolicies = pgTable("org_sso_policies", {
  orgId: uuid()
    .primaryKey()
    .references(() => orgs.id, { onDelete: "cascade" }),
  ssoRequired: boolean().notNull().default(false),
  breakGlassUserId: uuid().references(() => users.id, { onDelete: "set null" }),
  jitProvisioning: boolean().notNull().default(false),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

// The email domains an organisation claims for single sign-on: who may be provisioned into it
// just in time. A domain belongs to one organisation of the installation at most.
export const orgEmailDomains = pgTable(
  "org_email_domains",
  {
    orgId: uuid()
      .notNull()
      .references(() => orgs.id, { onDelete: "cascade" }),
    domain: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("org_email_domains_domain_key").on(t.domain),
    index("org_email_domains_org_idx").on(t.orgId),
    check(
      "org_email_domains_format",
      sql`${t.domain} ~ '^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$' and char_length(${t.domain}) <= 253`,
    ),
  ],
);

export type SsoIdentity = typeof ssoIdentities.$inferSelect;
