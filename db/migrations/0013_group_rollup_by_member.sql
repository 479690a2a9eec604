-- The group rollup at the grain its one reader needs (a group's top members): per day, group
-- and member. Its totals and models have their own rollups (0010, 0011), so key and model go,
-- and the rows that differed only by them are summed into one. Rebuilt beside the old table and
-- swapped in one transaction (ingestion waits for it).
ALTER TABLE "usage_daily_group" RENAME TO "usage_daily_group_old";--> statement-breakpoint
ALTER INDEX "usage_daily_group_group_idx" RENAME TO "usage_daily_group_old_group_idx";--> statement-breakpoint
CREATE TABLE "usage_daily_group" (
	"org_id" uuid NOT NULL,
	"day" date NOT NULL,
	"group_id" uuid NOT NULL,
	"member_id" uuid NOT NULL,
	"requests" integer DEFAULT 0 NOT NULL,
	"errors" integer DEFAULT 0 NOT NULL,
	"input_tokens" bigint DEFAULT 0 NOT NULL,
	"output_tokens" bigint DEFAULT 0 NOT NULL,
	"cached_tokens" bigint DEFAULT 0 NOT NULL,
	"cost_micros" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "usage_daily_group_org_id_day_group_id_member_id_pk" PRIMARY KEY("org_id","day","group_id","member_id")
) WITH (fillfactor = 70);--> statement-breakpoint
INSERT INTO "usage_daily_group" (org_id, day, group_id, member_id, requests, errors, input_tokens, output_tokens, cached_tokens, cost_micros)
SELECT org_id, day, group_id, member_id, sum(requests), sum(errors), sum(input_tokens), sum(output_tokens), sum(cached_tokens), sum(cost_micros)
FROM "usage_daily_group_old" GROUP BY org_id, day, group_id, member_id;--> statement-breakpoint
DROP TABLE "usage_daily_group_old";--> statement-breakpoint
CREATE INDEX "usage_daily_group_group_idx" ON "usage_daily_group" USING btree ("group_id","day");
