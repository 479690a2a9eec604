CREATE TYPE "public"."access_review_apply" AS ENUM('as_decided', 'at_end');--> statement-breakpoint
CREATE TYPE "public"."access_review_decision" AS ENUM('keep', 'remove');--> statement-breakpoint
CREATE TYPE "public"."access_review_item_kind" AS ENUM('membership', 'key_assignment');--> statement-breakpoint
CREATE TYPE "public"."access_review_status" AS ENUM('open', 'completed', 'cancelled');--> statement-breakpoint
CREATE TABLE "access_review_groups" (
	"org_id" uuid NOT NULL,
	"review_id" uuid NOT NULL,
	"group_id" uuid NOT NULL,
	"group_name" text NOT NULL,
	"reviewer_member_id" uuid NOT NULL,
	"reviewer_name" text NOT NULL,
	CONSTRAINT "access_review_groups_org_id_review_id_group_id_pk" PRIMARY KEY("org_id","review_id","group_id")
);
--> statement-breakpoint
CREATE TABLE "access_review_items" (
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"review_id" uuid NOT NULL,
	"group_id" uuid NOT NULL,
	"kind" "access_review_item_kind" NOT NULL,
	"member_id" uuid,
	"key_id" uuid,
	"subject_name" text NOT NULL,
	"subject_detail" text DEFAULT '' NOT NULL,
	"last_used_day" date,
	"spend_micros" bigint DEFAULT 0 NOT NULL,
	"decision" "access_review_decision",
	"note" text DEFAULT '' NOT NULL,
	"decided_by" uuid,
	"decided_by_name" text,
	"decided_at" timestamp with time zone,
	"applied_at" timestamp with time zone,
	"outcome" text,
	CONSTRAINT "access_review_items_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "access_review_items_subject" CHECK (("access_review_items"."kind" = 'membership' and "access_review_items"."member_id" is not null and "access_review_items"."key_id" is null)
        or ("access_review_items"."kind" = 'key_assignment' and "access_review_items"."key_id" is not null and "access_review_items"."member_id" is null)),
	CONSTRAINT "access_review_items_note_length" CHECK (char_length("access_review_items"."note") <= 500),
	CONSTRAINT "access_review_items_decided" CHECK (("access_review_items"."decision" is null) = ("access_review_items"."decided_at" is null))
);
--> statement-breakpoint
CREATE TABLE "access_reviews" (
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"name" text NOT NULL,
	"status" "access_review_status" DEFAULT 'open' NOT NULL,
	"apply_mode" "access_review_apply" NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"started_by_member_id" uuid,
	"started_by_name" text NOT NULL,
	"started_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone,
	"ended_by_name" text,
	"reminded_at" timestamp with time zone,
	"reminder_read_at" timestamp with time zone,
	CONSTRAINT "access_reviews_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "access_reviews_name_length" CHECK (char_length("access_reviews"."name") between 1 and 100)
);
--> statement-breakpoint
ALTER TABLE "webhook_endpoints" DROP CONSTRAINT "webhook_endpoints_events_known";--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ALTER COLUMN "events" SET DEFAULT '{budget.threshold_crossed,budget.forecast_over_budget,budget_window.threshold_crossed,spend.anomaly,access_review.due}'::text[];--> statement-breakpoint
ALTER TABLE "access_review_groups" ADD CONSTRAINT "access_review_groups_review_fk" FOREIGN KEY ("org_id","review_id") REFERENCES "public"."access_reviews"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access_review_items" ADD CONSTRAINT "access_review_items_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access_review_items" ADD CONSTRAINT "access_review_items_review_fk" FOREIGN KEY ("org_id","review_id") REFERENCES "public"."access_reviews"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access_reviews" ADD CONSTRAINT "access_reviews_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access_reviews" ADD CONSTRAINT "access_reviews_started_by_users_id_fk" FOREIGN KEY ("started_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "access_review_items_group_idx" ON "access_review_items" USING btree ("org_id","review_id","group_id");--> statement-breakpoint
CREATE UNIQUE INDEX "access_review_items_membership_key" ON "access_review_items" USING btree ("org_id","review_id","group_id","member_id") WHERE "access_review_items"."kind" = 'membership';--> statement-breakpoint
CREATE UNIQUE INDEX "access_review_items_key_key" ON "access_review_items" USING btree ("org_id","review_id","group_id","key_id") WHERE "access_review_items"."kind" = 'key_assignment';--> statement-breakpoint
CREATE INDEX "access_reviews_org_idx" ON "access_reviews" USING btree ("org_id","created_at");--> statement-breakpoint
CREATE INDEX "access_reviews_due_idx" ON "access_reviews" USING btree ("due_at") WHERE "access_reviews"."status" = 'open' and "access_reviews"."reminded_at" is null;--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ADD CONSTRAINT "webhook_endpoints_events_known" CHECK ("webhook_endpoints"."events" <@ array['budget.threshold_crossed','budget.forecast_over_budget','budget_window.threshold_crossed','spend.anomaly','access_review.due']::text[]);