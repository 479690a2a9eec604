CREATE TABLE "org_sso_providers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"name" text NOT NULL,
	"issuer" text NOT NULL,
	"client_id" text NOT NULL,
	"client_secret_ciphertext" text NOT NULL,
	"trust_emails_for_org_domains" boolean DEFAULT false NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "org_sso_providers_name_length" CHECK (char_length("org_sso_providers"."name") between 1 and 100)
);
--> statement-breakpoint
DROP INDEX "sso_identities_issuer_subject_key";--> statement-breakpoint
DROP INDEX "sso_identities_user_issuer_key";--> statement-breakpoint
ALTER TABLE "user_sessions" ADD COLUMN "sso_provider_id" uuid;--> statement-breakpoint
ALTER TABLE "user_sessions" ADD COLUMN "scope_org_id" uuid;--> statement-breakpoint
ALTER TABLE "sso_identities" ADD COLUMN "provider_id" uuid;--> statement-breakpoint
ALTER TABLE "org_sso_providers" ADD CONSTRAINT "org_sso_providers_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "org_sso_providers" ADD CONSTRAINT "org_sso_providers_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "org_sso_providers_org_idx" ON "org_sso_providers" USING btree ("org_id");--> statement-breakpoint
CREATE UNIQUE INDEX "org_sso_providers_org_name_key" ON "org_sso_providers" USING btree ("org_id","name");--> statement-breakpoint
ALTER TABLE "user_sessions" ADD CONSTRAINT "user_sessions_sso_provider_id_org_sso_providers_id_fk" FOREIGN KEY ("sso_provider_id") REFERENCES "public"."org_sso_providers"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_sessions" ADD CONSTRAINT "user_sessions_scope_org_id_orgs_id_fk" FOREIGN KEY ("scope_org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sso_identities" ADD CONSTRAINT "sso_identities_provider_id_org_sso_providers_id_fk" FOREIGN KEY ("provider_id") REFERENCES "public"."org_sso_providers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "sso_identities_provider_subject_key" ON "sso_identities" USING btree ("provider_id","subject") WHERE "sso_identities"."provider_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "sso_identities_user_provider_key" ON "sso_identities" USING btree ("user_id","provider_id") WHERE "sso_identities"."provider_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "sso_identities_issuer_subject_key" ON "sso_identities" USING btree ("issuer","subject") WHERE "sso_identities"."provider_id" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "sso_identities_user_issuer_key" ON "sso_identities" USING btree ("user_id","issuer") WHERE "sso_identities"."provider_id" is null;