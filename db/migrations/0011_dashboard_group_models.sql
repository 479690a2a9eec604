CREATE TABLE "usage_daily_group_model" (
	"org_id" uuid NOT NULL,
	"day" date NOT NULL,
	"group_id" uuid NOT NULL,
	"model" text NOT NULL,
	"requests" integer DEFAULT 0 NOT NULL,
	"errors" integer DEFAULT 0 NOT NULL,
	"input_tokens" bigint DEFAULT 0 NOT NULL,
	"output_tokens" bigint DEFAULT 0 NOT NULL,
	"cached_tokens" bigint DEFAULT 0 NOT NULL,
	"cost_micros" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "usage_daily_group_model_org_id_day_group_id_model_pk" PRIMARY KEY("org_id","day","group_id","model")
);
--> statement-breakpoint
ALTER TABLE "usage_daily_group_model" SET (fillfactor = 70);--> statement-breakpoint
INSERT INTO "usage_daily_group_model" (org_id, day, group_id, model, requests, errors, input_tokens, output_tokens, cached_tokens, cost_micros)
SELECT org_id, day, group_id, model, sum(requests), sum(errors), sum(input_tokens), sum(output_tokens), sum(cached_tokens), sum(cost_micros)
FROM "usage_daily_group" GROUP BY org_id, day, group_id, model;
