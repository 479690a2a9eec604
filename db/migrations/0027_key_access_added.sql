ALTER TABLE "api_keys" ADD COLUMN "access_added_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
-- Keys made before: their last change is the latest an addition can have been.
UPDATE "api_keys" SET "access_added_at" = "updated_at";
