ALTER TYPE "public"."actor_kind" ADD VALUE 'directory';--> statement-breakpoint
CREATE TABLE "directory_settings" (
	"org_id" uuid PRIMARY KEY NOT NULL,
	"link_groups_by_name" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "scim_errors" (
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"token_id" uuid,
	"method" text NOT NULL,
	"path" text NOT NULL,
	"status" integer NOT NULL,
	"scim_type" text,
	"detail" text NOT NULL,
	"request_excerpt" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "scim_errors_id_org_id_pk" PRIMARY KEY("id","org_id")
);
--> statement-breakpoint
CREATE TABLE "scim_tokens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"name" text NOT NULL,
	"prefix" text NOT NULL,
	"token_hash" text NOT NULL,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "scim_tokens_name_length" CHECK (char_length("scim_tokens"."name") between 1 and 100)
);
--> statement-breakpoint
ALTER TABLE "org_members" ADD COLUMN "directory_linked_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "org_members" ADD COLUMN "directory_external_id" text;--> statement-breakpoint
ALTER TABLE "org_members" ADD COLUMN "directory_attributes" jsonb;--> statement-breakpoint
ALTER TABLE "groups" ADD COLUMN "directory_linked_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "groups" ADD COLUMN "directory_external_id" text;--> statement-breakpoint
ALTER TABLE "directory_settings" ADD CONSTRAINT "directory_settings_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scim_errors" ADD CONSTRAINT "scim_errors_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scim_errors" ADD CONSTRAINT "scim_errors_token_id_scim_tokens_id_fk" FOREIGN KEY ("token_id") REFERENCES "public"."scim_tokens"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scim_tokens" ADD CONSTRAINT "scim_tokens_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scim_tokens" ADD CONSTRAINT "scim_tokens_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "scim_errors_org_time_idx" ON "scim_errors" USING btree ("org_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "scim_tokens_hash_key" ON "scim_tokens" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "scim_tokens_org_idx" ON "scim_tokens" USING btree ("org_id");--> statement-breakpoint
ALTER TABLE "org_members" ADD CONSTRAINT "org_members_org_directory_id_key" UNIQUE("org_id","directory_external_id");--> statement-breakpoint
ALTER TABLE "groups" ADD CONSTRAINT "groups_org_directory_id_key" UNIQUE("org_id","directory_external_id");