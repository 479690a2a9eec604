import { index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { orgs, users } from "./orgs";
import { orgSsoProviders } from "./sso";

// Console sign-in sessions. The session cookie (an Auth.js JWT) carries the id of a row here;
// every request checks the row, so that a session can end before its cookie does: idle timeout,
// absolute lifetime, sign-out, suspension or removal, "sign out everywhere".
export const userSessions = pgTable(
  "user_sessions",
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    endedAt: timestamp({ withTimezone: true }),
    endedReason: text(),
    // Signed in through single sign-on: the provider's issuer and the ID token, kept to end the
    // provider's session too at sign-out (RP-initiated logout's id_token_hint).
    ssoIssuer: text(),
    ssoIdToken: text(),
    // Signed in through an organisation's own provider: that provider, and the one organisation
    // the session opens (lib/orgs/context.ts). Never null for such a session: deleting the
    // provider ends its sessions first (lib/auth/sso-providers.ts), and the scope is kept.
    ssoProviderId: uuid().references(() => orgSsoProviders.id, { onDelete: "set null" }),
    scopeOrgId: uuid().references(() => orgs.id, { onDelete: "cascade" }),
  },
  (t) => [index("user_sessions_user_idx").on(t.userId)],
);
