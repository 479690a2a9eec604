DROP INDEX "budget_reservations_open_idx";--> statement-breakpoint
CREATE INDEX "budget_reservations_open_member_idx" ON "budget_reservations" USING btree ("member_id","expires_at") WHERE "budget_reservations"."settled_at" is null;--> statement-breakpoint
CREATE INDEX "budget_reservations_open_key_idx" ON "budget_reservations" USING btree ("key_id","expires_at") WHERE "budget_reservations"."settled_at" is null;--> statement-breakpoint
CREATE INDEX "budget_reservations_open_groups_idx" ON "budget_reservations" USING gin ("group_ids") WHERE "budget_reservations"."settled_at" is null;--> statement-breakpoint
CREATE INDEX "budget_reservations_expires_idx" ON "budget_reservations" USING btree ("expires_at");