import { index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { users } from "./orgs";

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
  },
  (t) => [index("user_sessions_user_idx").on(t.userId)],
);
