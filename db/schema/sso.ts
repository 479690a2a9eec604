import { sql } from "drizzle-orm";
import {
  type AnyPgColumn,
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

// An organisation's own OpenID provider, set up by its owners in Settings (the environment's
// provider, AUTH_OIDC_*, serves the whole installation). The client secret is encrypted like
// webhook signing secrets (lib/webhooks/secret-box.ts, bound to the org and the provider's id)
// and never shown back. `trustEmailsForOrgDomains`: the owner's word that this provider verifies
// the emails of the organisation's claimed domains although it sends no `email_verified`.
export const orgSsoProviders = pgTable(
  "org_sso_providers",
  {
    id: uuid().primaryKey().defaultRandom(),
    orgId: uuid()
      .notNull()
      .references(() => orgs.id, { onDelete: "cascade" }),
    name: text().notNull(),
    issuer: text().notNull(),
    clientId: text().notNull(),
    clientSecretCiphertext: text().notNull(),
    trustEmailsForOrgDomains: boolean().notNull().default(false),
    enabled: boolean().notNull().default(true),
    createdBy: uuid().references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("org_sso_providers_org_idx").on(t.orgId),
    uniqueIndex("org_sso_providers_org_name_key").on(t.orgId, t.name),
    check("org_sso_providers_name_length", sql`char_length(${t.name}) between 1 and 100`),
  ],
);

// Single sign-on (OpenID Connect). A person's account is linked to their identity at a provider
// (its issuer and subject) at the first sign-in that matched them by a verified email; from then
// on only the issuer and subject find the account, so a changed or reused email at the provider
// moves nothing. One identity per provider per account. A link made through an organisation's
// own provider (`providerId`) belongs to that provider alone: it is looked up by the provider and
// the subject, never by the issuer, so that no organisation's provider (even one configured with
// the same issuer URL) reaches the links of the environment's provider or of another one.
export const ssoIdentities = pgTable(
  "sso_identities",
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    // null: the environment's provider.
    providerId: uuid().references((): AnyPgColumn => orgSsoProviders.id, { onDelete: "cascade" }),
    issuer: text().notNull(),
    subject: text().notNull(),
    // The email the provider gave at the latest sign-in: shown to owners, never used to match.
    email: text(),
    linkedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastSignInAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("sso_identities_issuer_subject_key")
      .on(t.issuer, t.subject)
      .where(sql`${t.providerId} is null`),
    uniqueIndex("sso_identities_user_issuer_key")
      .on(t.userId, t.issuer)
      .where(sql`${t.providerId} is null`),
    uniqueIndex("sso_identities_provider_subject_key")
      .on(t.providerId, t.subject)
      .where(sql`${t.providerId} is not null`),
    uniqueIndex("sso_identities_user_provider_key")
      .on(t.userId, t.providerId)
      .where(sql`${t.providerId} is not null`),
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
export type OrgSsoProvider = typeof orgSsoProviders.$inferSelect;
