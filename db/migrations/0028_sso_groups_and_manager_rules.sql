ALTER TYPE "public"."membership_rule_attribute" ADD VALUE 'manager';--> statement-breakpoint
ALTER TYPE "public"."membership_rule_attribute" ADD VALUE 'sso_group';--> statement-breakpoint
ALTER TABLE "org_members" ADD COLUMN "sso_groups" text[];