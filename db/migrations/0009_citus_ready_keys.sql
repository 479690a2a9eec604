-- Every key of a table that would be distributed on Citus includes org_id (db/distribution.ts,
-- db/distribution.test.ts). The organisation goes last, so each key still serves the lookups it
-- served (by id, by group and member, by hash); the unique (org_id, id) constraints that the
-- composite foreign keys point at stay. Rebuilds these indexes (on usage_events, every
-- partition's): on a large database, run it in a quiet hour.
ALTER TABLE "budget_alerts" DROP CONSTRAINT "budget_alerts_once_key";--> statement-breakpoint
DROP INDEX "group_membership_history_open_key";--> statement-breakpoint
DROP INDEX "api_keys_secret_hash_key";--> statement-breakpoint
ALTER TABLE "group_members" DROP CONSTRAINT "group_members_group_id_member_id_pk";--> statement-breakpoint
ALTER TABLE "api_key_groups" DROP CONSTRAINT "api_key_groups_key_id_group_id_pk";--> statement-breakpoint
ALTER TABLE "usage_events" DROP CONSTRAINT "usage_events_occurred_at_id_pk";--> statement-breakpoint
ALTER TABLE "org_members" DROP CONSTRAINT "org_members_pkey";--> statement-breakpoint
ALTER TABLE "group_membership_history" DROP CONSTRAINT "group_membership_history_pkey";--> statement-breakpoint
ALTER TABLE "groups" DROP CONSTRAINT "groups_pkey";--> statement-breakpoint
ALTER TABLE "api_keys" DROP CONSTRAINT "api_keys_pkey";--> statement-breakpoint
ALTER TABLE "budget_alerts" DROP CONSTRAINT "budget_alerts_pkey";--> statement-breakpoint
ALTER TABLE "budget_reservations" DROP CONSTRAINT "budget_reservations_pkey";--> statement-breakpoint
ALTER TABLE "audit_log" DROP CONSTRAINT "audit_log_pkey";--> statement-breakpoint
ALTER TABLE "webhook_deliveries" DROP CONSTRAINT "webhook_deliveries_pkey";--> statement-breakpoint
ALTER TABLE "webhook_endpoints" DROP CONSTRAINT "webhook_endpoints_pkey";--> statement-breakpoint
ALTER TABLE "org_members" ADD CONSTRAINT "org_members_id_org_id_pk" PRIMARY KEY("id","org_id");--> statement-breakpoint
ALTER TABLE "group_members" ADD CONSTRAINT "group_members_group_id_member_id_org_id_pk" PRIMARY KEY("group_id","member_id","org_id");--> statement-breakpoint
ALTER TABLE "group_membership_history" ADD CONSTRAINT "group_membership_history_id_org_id_pk" PRIMARY KEY("id","org_id");--> statement-breakpoint
ALTER TABLE "groups" ADD CONSTRAINT "groups_id_org_id_pk" PRIMARY KEY("id","org_id");--> statement-breakpoint
ALTER TABLE "api_key_groups" ADD CONSTRAINT "api_key_groups_key_id_group_id_org_id_pk" PRIMARY KEY("key_id","group_id","org_id");--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_id_org_id_pk" PRIMARY KEY("id","org_id");--> statement-breakpoint
ALTER TABLE "budget_alerts" ADD CONSTRAINT "budget_alerts_id_org_id_pk" PRIMARY KEY("id","org_id");--> statement-breakpoint
ALTER TABLE "budget_reservations" ADD CONSTRAINT "budget_reservations_id_org_id_pk" PRIMARY KEY("id","org_id");--> statement-breakpoint
ALTER TABLE "usage_events" ADD CONSTRAINT "usage_events_occurred_at_id_org_id_pk" PRIMARY KEY("occurred_at","id","org_id");--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_id_org_id_pk" PRIMARY KEY("id","org_id");--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_id_org_id_pk" PRIMARY KEY("id","org_id");--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ADD CONSTRAINT "webhook_endpoints_id_org_id_pk" PRIMARY KEY("id","org_id");--> statement-breakpoint
CREATE UNIQUE INDEX "group_membership_history_open_key" ON "group_membership_history" USING btree ("group_id","member_id","org_id") WHERE "group_membership_history"."valid_to" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "api_keys_secret_hash_key" ON "api_keys" USING btree ("secret_hash","org_id");--> statement-breakpoint
ALTER TABLE "budget_alerts" ADD CONSTRAINT "budget_alerts_once_key" UNIQUE("group_id","month","kind","threshold_percent","org_id");