CREATE TABLE "budget_holds" (
	"org_id" uuid NOT NULL,
	"scope_id" uuid NOT NULL,
	"held_micros" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "budget_holds_org_id_scope_id_pk" PRIMARY KEY("org_id","scope_id")
);
--> statement-breakpoint
DROP INDEX "budget_reservations_open_member_idx";--> statement-breakpoint
DROP INDEX "budget_reservations_open_key_idx";--> statement-breakpoint
DROP INDEX "budget_reservations_open_groups_idx";--> statement-breakpoint
DROP INDEX "budget_reservations_expires_idx";--> statement-breakpoint
ALTER TABLE "budget_reservations" ADD COLUMN "released_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "budget_holds" ADD CONSTRAINT "budget_holds_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "budget_reservations_settled_held_idx" ON "budget_reservations" USING btree ("org_id") WHERE "budget_reservations"."released_at" is null and "budget_reservations"."settled_at" is not null;--> statement-breakpoint
CREATE INDEX "budget_reservations_open_held_idx" ON "budget_reservations" USING btree ("org_id","expires_at") WHERE "budget_reservations"."released_at" is null and "budget_reservations"."settled_at" is null;--> statement-breakpoint
CREATE INDEX "budget_reservations_released_idx" ON "budget_reservations" USING btree ("expires_at") WHERE "budget_reservations"."released_at" is not null;--> statement-breakpoint
-- Reservations already settled or expired are released; the open ones become holds.
UPDATE "budget_reservations" SET "released_at" = now() WHERE "settled_at" IS NOT NULL OR "expires_at" <= now();--> statement-breakpoint
INSERT INTO "budget_holds" ("org_id", "scope_id", "held_micros")
  SELECT r."org_id", s."id", sum(r."amount_micros")
  FROM "budget_reservations" r CROSS JOIN LATERAL unnest(ARRAY[r."member_id", r."key_id"] || r."group_ids") AS s("id")
  WHERE r."released_at" IS NULL
  GROUP BY r."org_id", s."id";--> statement-breakpoint
-- The rollups are upserted by every usage batch, most rows updated many times a day: room on
-- each page lets those updates stay on it (HOT, no new index entries), which keeps ingestion
-- fast and the tables from bloating between vacuums.
ALTER TABLE "usage_daily_member" SET (fillfactor = 70);--> statement-breakpoint
ALTER TABLE "usage_daily_group" SET (fillfactor = 70);--> statement-breakpoint
ALTER TABLE "usage_daily_feature" SET (fillfactor = 70);
