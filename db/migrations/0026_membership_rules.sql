CREATE TYPE "public"."membership_rule_attribute" AS ENUM('email_domain', 'department', 'title', 'cost_center', 'division', 'organization');--> statement-breakpoint
CREATE TABLE "membership_rules" (
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"name" text NOT NULL,
	"attribute" "membership_rule_attribute" NOT NULL,
	"values" text[] NOT NULL,
	"group_ids" uuid[] NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "membership_rules_org_id_id_pk" PRIMARY KEY("org_id","id"),
	CONSTRAINT "membership_rules_name_length" CHECK (char_length("membership_rules"."name") between 1 and 100),
	CONSTRAINT "membership_rules_values_count" CHECK (cardinality("membership_rules"."values") between 1 and 50 and cardinality("membership_rules"."group_ids") between 1 and 20)
);
--> statement-breakpoint
CREATE TABLE "rule_exceptions" (
	"org_id" uuid NOT NULL,
	"group_id" uuid NOT NULL,
	"member_id" uuid NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "rule_exceptions_org_id_group_id_member_id_pk" PRIMARY KEY("org_id","group_id","member_id")
);
--> statement-breakpoint
ALTER TABLE "group_members" ADD COLUMN "rule_id" uuid;--> statement-breakpoint
ALTER TABLE "membership_rules" ADD CONSTRAINT "membership_rules_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "membership_rules" ADD CONSTRAINT "membership_rules_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rule_exceptions" ADD CONSTRAINT "rule_exceptions_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rule_exceptions" ADD CONSTRAINT "rule_exceptions_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "membership_rules_org_name_key" ON "membership_rules" USING btree ("org_id",lower("name"));