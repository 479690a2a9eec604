CREATE TYPE "public"."anomaly_sensitivity" AS ENUM('off', 'low', 'medium', 'high');--> statement-breakpoint
CREATE TYPE "public"."anomaly_period" AS ENUM('day', 'week');--> statement-breakpoint
CREATE TYPE "public"."anomaly_scope" AS ENUM('org', 'group', 'member');--> statement-breakpoint
CREATE TABLE "spend_anomalies" (
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"scope" "anomaly_scope" NOT NULL,
	"group_id" uuid,
	"member_id" uuid,
	"period" "anomaly_period" NOT NULL,
	"day" date NOT NULL,
	"spend_micros" bigint NOT NULL,
	"median_micros" bigint NOT NULL,
	"p90_micros" bigint NOT NULL,
	"score" double precision NOT NULL,
	"sensitivity" text NOT NULL,
	"drivers" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"read_at" timestamp with time zone,
	CONSTRAINT "spend_anomalies_id_org_id_pk" PRIMARY KEY("id","org_id"),
	CONSTRAINT "spend_anomalies_once_key" UNIQUE NULLS NOT DISTINCT("org_id","scope","group_id","member_id","period","day"),
	CONSTRAINT "spend_anomalies_scope_target" CHECK (("spend_anomalies"."scope" = 'org' and "spend_anomalies"."group_id" is null and "spend_anomalies"."member_id" is null)
        or ("spend_anomalies"."scope" = 'group' and "spend_anomalies"."group_id" is not null and "spend_anomalies"."member_id" is null)
        or ("spend_anomalies"."scope" = 'member' and "spend_anomalies"."member_id" is not null and "spend_anomalies"."group_id" is null))
);
--> statement-breakpoint
ALTER TABLE "webhook_endpoints" DROP CONSTRAINT "webhook_endpoints_events_known";--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ALTER COLUMN "events" SET DEFAULT '{budget.threshold_crossed,budget.forecast_over_budget,budget_window.threshold_crossed,spend.anomaly}'::text[];--> statement-breakpoint
ALTER TABLE "orgs" ADD COLUMN "anomaly_sensitivity" "anomaly_sensitivity" DEFAULT 'medium' NOT NULL;--> statement-breakpoint
ALTER TABLE "orgs" ADD COLUMN "anomaly_min_spend_micros" bigint DEFAULT 1000000 NOT NULL;--> statement-breakpoint
ALTER TABLE "spend_anomalies" ADD CONSTRAINT "spend_anomalies_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "spend_anomalies" ADD CONSTRAINT "spend_anomalies_group_fk" FOREIGN KEY ("org_id","group_id") REFERENCES "public"."groups"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "spend_anomalies" ADD CONSTRAINT "spend_anomalies_member_fk" FOREIGN KEY ("org_id","member_id") REFERENCES "public"."org_members"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "spend_anomalies_org_idx" ON "spend_anomalies" USING btree ("org_id","created_at");--> statement-breakpoint
ALTER TABLE "orgs" ADD CONSTRAINT "orgs_anomaly_min_spend_nonnegative" CHECK ("orgs"."anomaly_min_spend_micros" >= 0);--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ADD CONSTRAINT "webhook_endpoints_events_known" CHECK ("webhook_endpoints"."events" <@ array['budget.threshold_crossed','budget.forecast_over_budget','budget_window.threshold_crossed','spend.anomaly']::text[]);