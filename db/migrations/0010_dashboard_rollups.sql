CREATE TABLE "usage_daily_group_total" (
	"org_id" uuid NOT NULL,
	"day" date NOT NULL,
	"group_id" uuid NOT NULL,
	"requests" integer DEFAULT 0 NOT NULL,
	"errors" integer DEFAULT 0 NOT NULL,
	"input_tokens" bigint DEFAULT 0 NOT NULL,
	"output_tokens" bigint DEFAULT 0 NOT NULL,
	"cached_tokens" bigint DEFAULT 0 NOT NULL,
	"cost_micros" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "usage_daily_group_total_org_id_day_group_id_pk" PRIMARY KEY("org_id","day","group_id")
);
--> statement-breakpoint
CREATE TABLE "usage_daily_org_model" (
	"org_id" uuid NOT NULL,
	"day" date NOT NULL,
	"model" text NOT NULL,
	"requests" integer DEFAULT 0 NOT NULL,
	"errors" integer DEFAULT 0 NOT NULL,
	"input_tokens" bigint DEFAULT 0 NOT NULL,
	"output_tokens" bigint DEFAULT 0 NOT NULL,
	"cached_tokens" bigint DEFAULT 0 NOT NULL,
	"cost_micros" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "usage_daily_org_model_org_id_day_model_pk" PRIMARY KEY("org_id","day","model")
);
--> statement-breakpoint
-- Updated by every ingest batch of the organisation's day: room on each page for the new row
-- versions (HOT updates), as the other rollups.
ALTER TABLE "usage_daily_group_total" SET (fillfactor = 70);--> statement-breakpoint
ALTER TABLE "usage_daily_org_model" SET (fillfactor = 70);--> statement-breakpoint
-- What ingestion would have put there, from the rollups it already keeps.
INSERT INTO "usage_daily_group_total" (org_id, day, group_id, requests, errors, input_tokens, output_tokens, cached_tokens, cost_micros)
SELECT org_id, day, group_id, sum(requests), sum(errors), sum(input_tokens), sum(output_tokens), sum(cached_tokens), sum(cost_micros)
FROM "usage_daily_group" GROUP BY org_id, day, group_id;--> statement-breakpoint
INSERT INTO "usage_daily_org_model" (org_id, day, model, requests, errors, input_tokens, output_tokens, cached_tokens, cost_micros)
SELECT org_id, day, model, sum(requests), sum(errors), sum(input_tokens), sum(output_tokens), sum(cached_tokens), sum(cost_micros)
FROM "usage_daily_member" GROUP BY org_id, day, model;
