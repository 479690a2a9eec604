// How each table would be placed on Citus once one PostgreSQL primary is not enough (see
// docs/SCALING.md). Citus is not installed here; db/distribution.test.ts reads the migrated
// schema and fails when a table is not placed, or when its keys would stop it being placed so:
//
// - distributed by org_id: an organisation's rows live on one shard, co-located with every other
//   distributed table's rows of that organisation, so every query of the console and the gateway
//   (which all name one organisation) runs on one worker. Citus enforces a primary key or unique
//   constraint only when it includes the distribution column, and a foreign key only to a
//   reference table or to a co-located table through the distribution column.
// - reference: small and read everywhere (replicated to every worker), or looked up across
//   organisations by a value that names no organisation (a session, a token's hash, a domain).
// - coordinator: sign-in bookkeeping that no distributed query joins, kept on the coordinator.

export type Placement = "distributed" | "reference" | "coordinator";

export const TABLE_PLACEMENT: Record<string, Placement> = {
  // Looked up across organisations.
  users: "reference",
  orgs: "reference",
  models: "reference",
  org_email_domains: "reference", // by domain, at sign-in
  org_sso_providers: "reference", // by id, from a session or an identity
  gateway_tokens: "reference", // by hash: the token says which organisation calls
  scim_tokens: "reference", // by hash, as gateway tokens
  member_invitations: "reference", // by the invitation link's token hash
  // Sign-in bookkeeping, by user.
  user_sessions: "coordinator",
  sso_identities: "coordinator",
  login_attempts: "coordinator",
  // One organisation's own: the directory, keys and budgets, and all usage.
  org_members: "distributed",
  groups: "distributed",
  group_members: "distributed",
  group_membership_history: "distributed",
  api_keys: "distributed",
  api_key_groups: "distributed",
  org_sso_policies: "distributed",
  budget_alerts: "distributed",
  budget_holds: "distributed",
  budget_reservations: "distributed",
  usage_events: "distributed",
  usage_event_ids: "distributed",
  usage_daily_member: "distributed",
  usage_daily_group: "distributed",
  usage_daily_feature: "distributed",
  usage_daily_group_total: "distributed",
  usage_daily_group_model: "distributed",
  usage_daily_org_model: "distributed",
  usage_daily_org_member: "distributed",
  usage_daily_org_key: "distributed",
  audit_log: "distributed",
  webhook_endpoints: "distributed",
  webhook_deliveries: "distributed",
  rate_limits: "distributed",
  rate_limit_counts: "distributed",
  rate_limit_holds: "distributed",
  model_lists: "distributed",
  model_list_attachments: "distributed",
  budget_windows: "distributed",
  budget_window_alerts: "distributed",
  spend_anomalies: "distributed",
  member_imports: "distributed",
  recommendation_dismissals: "distributed",
  access_reviews: "distributed",
  access_review_groups: "distributed",
  access_review_items: "distributed",
  membership_rules: "distributed",
  rule_exceptions: "distributed",
  usage_quarter_scope: "distributed",
  directory_settings: "distributed",
  scim_errors: "distributed",
};

export const DISTRIBUTION_COLUMN = "org_id";
