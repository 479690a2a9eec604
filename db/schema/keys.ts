import { sql } from "drizzle-orm";
import {
  bigint,
  check,
  foreignKey,
  index,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { groups } from "./groups";
import { orgs, users } from "./orgs";

export interface KeyPolicy {
  allowedModels: string[];
  fallbackModels: string[];
  loadBalancing: "none" | "weighted" | "round-robin" | "lowest-latency";
  // model id → weight in percent; used only when loadBalancing is "weighted".
  weights: Record<string, number>;
}

export const apiKeys = pgTable(
  "api_keys",
  {
    id: uuid().notNull().defaultRandom(),
    orgId: uuid()
      .notNull()
      .references(() => orgs.id, { onDelete: "cascade" }),
    name: text().notNull(),
    // Shown in lists ("ghk_a1b2…wxyz"); the secret itself is stored only as a SHA-256 hash.
    prefix: text().notNull(),
    lastFour: text().notNull(),
    secretHash: text().notNull(),
    features: text()
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    policy: jsonb()
      .$type<KeyPolicy>()
      .notNull()
      .default({ allowedModels: [], fallbackModels: [], loadBalancing: "none", weights: {} }),
    monthlyLimitMicros: bigint({ mode: "number" }),
    expiresAt: timestamp({ withTimezone: true }),
    revokedAt: timestamp({ withTimezone: true }),
    lastUsedAt: timestamp({ withTimezone: true }),
    createdBy: uuid().references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    // When a feature or an allowed model was last added (its creation at first): what the
    // recommendations wait 30 days after before calling what it carries unused. Taking some away
    // (lib/keys/restrict.ts) leaves it, so acting on one such advice does not hide the rest.
    accessAddedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.id, t.orgId] }),
    unique("api_keys_org_id_key").on(t.orgId, t.id),
    uniqueIndex("api_keys_secret_hash_key").on(t.secretHash, t.orgId),
    uniqueIndex("api_keys_org_name_key").on(t.orgId, sql`lower(${t.name})`),
    check("api_keys_name_length", sql`char_length(${t.name}) between 1 and 100`),
    check("api_keys_limit_nonnegative", sql`${t.monthlyLimitMicros} >= 0`),
  ],
);

export const apiKeyGroups = pgTable(
  "api_key_groups",
  {
    orgId: uuid().notNull(),
    keyId: uuid().notNull(),
    groupId: uuid().notNull(),
    createdBy: uuid().references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.keyId, t.groupId, t.orgId] }),
    index("api_key_groups_group_idx").on(t.groupId),
    foreignKey({
      name: "api_key_groups_key_fk",
      columns: [t.orgId, t.keyId],
      foreignColumns: [apiKeys.orgId, apiKeys.id],
    }).onDelete("cascade"),
    foreignKey({
      name: "api_key_groups_group_fk",
      columns: [t.orgId, t.groupId],
      foreignColumns: [groups.orgId, groups.id],
    }).onDelete("cascade"),
  ],
);

// Tokens the gateway presents to the HTTP API; the token's organisation scopes every call.
export const gatewayTokens = pgTable(
  "gateway_tokens",
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
    uniqueIndex("gateway_tokens_hash_key").on(t.tokenHash),
    check("gateway_tokens_name_length", sql`char_length(${t.name}) between 1 and 100`),
  ],
);

// Prices are per million tokens, in micro-dollars; the catalogue is kept in code
// (lib/models/catalogue.ts) and synced into this table at start-up.
export const models = pgTable(
  "models",
  {
    id: text().primaryKey(),
    provider: text().notNull(),
    displayName: text().notNull(),
    family: text().notNull(),
    inputMicrosPerMtok: bigint({ mode: "number" }).notNull(),
    outputMicrosPerMtok: bigint({ mode: "number" }).notNull(),
    cachedInputMicrosPerMtok: bigint({ mode: "number" }).notNull(),
  },
  (t) => [
    check(
      "models_prices_nonnegative",
      sql`${t.inputMicrosPerMtok} >= 0 and ${t.outputMicrosPerMtok} >= 0 and ${t.cachedInputMicrosPerMtok} >= 0`,
    ),
  ],
);

export type ApiKey = typeof apiKeys.$inferSelect;
export type GatewayToken = typeof gatewayTokens.$inferSelect;
export type Model = typeof models.$inferSelect;
