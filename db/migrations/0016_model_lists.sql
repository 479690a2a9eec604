CREATE TYPE "public"."model_list_sense" AS ENUM('allow', 'deny');--> statement-breakpoint
CREATE TABLE "model_list_attachments" (
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"list_id" uuid NOT NULL,
	"key_id" uuid,
	"group_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "model_list_attachments_id_org_id_pk" PRIMARY KEY("id","org_id"),
	CONSTRAINT "model_list_attachments_one_target" CHECK (num_nonnulls("model_list_attachments"."key_id", "model_list_attachments"."group_id") = 1)
);
--> statement-breakpoint
CREATE TABLE "model_lists" (
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"name" text NOT NULL,
	"sense" "model_list_sense" DEFAULT 'allow' NOT NULL,
	"patterns" text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "model_lists_id_org_id_pk" PRIMARY KEY("id","org_id"),
	CONSTRAINT "model_lists_org_id_key" UNIQUE("org_id","id"),
	CONSTRAINT "model_lists_name_length" CHECK (char_length("model_lists"."name") between 1 and 100),
	CONSTRAINT "model_lists_patterns_count" CHECK (cardinality("model_lists"."patterns") between 1 and 200)
);
--> statement-breakpoint
ALTER TABLE "model_list_attachments" ADD CONSTRAINT "model_list_attachments_list_fk" FOREIGN KEY ("org_id","list_id") REFERENCES "public"."model_lists"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "model_list_attachments" ADD CONSTRAINT "model_list_attachments_key_fk" FOREIGN KEY ("org_id","key_id") REFERENCES "public"."api_keys"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "model_list_attachments" ADD CONSTRAINT "model_list_attachments_group_fk" FOREIGN KEY ("org_id","group_id") REFERENCES "public"."groups"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "model_lists" ADD CONSTRAINT "model_lists_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "model_list_attachments_target_key" ON "model_list_attachments" USING btree ("org_id","list_id",coalesce("key_id", "group_id"));--> statement-breakpoint
CREATE UNIQUE INDEX "model_lists_org_name_key" ON "model_lists" USING btree ("org_id",lower("name"));--> statement-breakpoint
-- Model lists and their attachments are part of the gateway's snapshot of an organisation (0006).
CREATE TRIGGER model_lists_notify_insert AFTER INSERT ON model_lists REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_notify_new_rows();
--> statement-breakpoint
CREATE TRIGGER model_lists_notify_update AFTER UPDATE ON model_lists REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_notify_new_rows();
--> statement-breakpoint
CREATE TRIGGER model_lists_notify_delete AFTER DELETE ON model_lists REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_notify_old_rows();
--> statement-breakpoint
CREATE TRIGGER model_list_attachments_notify_insert AFTER INSERT ON model_list_attachments REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_notify_new_rows();
--> statement-breakpoint
CREATE TRIGGER model_list_attachments_notify_delete AFTER DELETE ON model_list_attachments REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_notify_old_rows();
