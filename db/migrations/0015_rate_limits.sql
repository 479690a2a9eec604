CREATE TABLE "rate_limit_counts" (
	"org_id" uuid NOT NULL,
	"counter" text NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"requests" integer NOT NULL,
	CONSTRAINT "rate_limit_counts_org_id_counter_window_start_pk" PRIMARY KEY("org_id","counter","window_start")
);
--> statement-breakpoint
CREATE TABLE "rate_limits" (
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"key_id" uuid,
	"group_id" uuid,
	"member_id" uuid,
	"per_member" boolean DEFAULT false NOT NULL,
	"model_pattern" text,
	"requests_per_minute" integer,
	"requests_per_day" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "rate_limits_id_org_id_pk" PRIMARY KEY("id","org_id"),
	CONSTRAINT "rate_limits_one_target" CHECK (num_nonnulls("rate_limits"."key_id", "rate_limits"."group_id", "rate_limits"."member_id") = 1 and (not "rate_limits"."per_member" or "rate_limits"."group_id" is not null)),
	CONSTRAINT "rate_limits_some_limit" CHECK (coalesce("rate_limits"."requests_per_minute", "rate_limits"."requests_per_day") is not null),
	CONSTRAINT "rate_limits_positive" CHECK ("rate_limits"."requests_per_minute" > 0 and "rate_limits"."requests_per_day" > 0),
	CONSTRAINT "rate_limits_pattern_length" CHECK (char_length("rate_limits"."model_pattern") between 1 and 200)
);
--> statement-breakpoint
ALTER TABLE "rate_limit_counts" ADD CONSTRAINT "rate_limit_counts_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rate_limits" ADD CONSTRAINT "rate_limits_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rate_limits" ADD CONSTRAINT "rate_limits_key_fk" FOREIGN KEY ("org_id","key_id") REFERENCES "public"."api_keys"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rate_limits" ADD CONSTRAINT "rate_limits_group_fk" FOREIGN KEY ("org_id","group_id") REFERENCES "public"."groups"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rate_limits" ADD CONSTRAINT "rate_limits_member_fk" FOREIGN KEY ("org_id","member_id") REFERENCES "public"."org_members"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "rate_limits_target_key" ON "rate_limits" USING btree ("org_id",coalesce("key_id", "group_id", "member_id"),"per_member",coalesce("model_pattern", ''));--> statement-breakpoint
CREATE INDEX "rate_limits_org_idx" ON "rate_limits" USING btree ("org_id");--> statement-breakpoint
-- Rate limits are part of what the gateway's snapshot of an organisation holds (0006).
CREATE TRIGGER rate_limits_notify_insert AFTER INSERT ON rate_limits REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_notify_new_rows();
--> statement-breakpoint
CREATE TRIGGER rate_limits_notify_update AFTER UPDATE ON rate_limits REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_notify_new_rows();
--> statement-breakpoint
CREATE TRIGGER rate_limits_notify_delete AFTER DELETE ON rate_limits REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_notify_old_rows();
