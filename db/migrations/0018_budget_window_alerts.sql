CREATE TABLE "budget_window_alerts" (
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"window_id" uuid NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"threshold_percent" integer NOT NULL,
	"spend_micros" bigint NOT NULL,
	"budget_micros" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"read_at" timestamp with time zone,
	CONSTRAINT "budget_window_alerts_id_org_id_pk" PRIMARY KEY("id","org_id"),
	CONSTRAINT "budget_window_alerts_once_key" UNIQUE("window_id","window_start","threshold_percent","org_id")
);
--> statement-breakpoint
ALTER TABLE "webhook_endpoints" DROP CONSTRAINT "webhook_endpoints_events_known";--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ALTER COLUMN "events" SET DEFAULT '{budget.threshold_crossed,budget.forecast_over_budget,budget_window.threshold_crossed}'::text[];--> statement-breakpoint
ALTER TABLE "budget_windows" ADD CONSTRAINT "budget_windows_org_id_key" UNIQUE("org_id","id");--> statement-breakpoint
ALTER TABLE "budget_window_alerts" ADD CONSTRAINT "budget_window_alerts_window_fk" FOREIGN KEY ("org_id","window_id") REFERENCES "public"."budget_windows"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "budget_window_alerts_org_idx" ON "budget_window_alerts" USING btree ("org_id","created_at");--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ADD CONSTRAINT "webhook_endpoints_events_known" CHECK ("webhook_endpoints"."events" <@ array['budget.threshold_crossed','budget.forecast_over_budget','budget_window.threshold_crossed']::text[]);