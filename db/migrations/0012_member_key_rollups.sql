CREATE TABLE "usage_daily_org_key" (
	"org_id" uuid NOT NULL,
	"day" date NOT NULL,
	"key_id" uuid NOT NULL,
	"requests" integer DEFAULT 0 NOT NULL,
	"errors" integer DEFAULT 0 NOT NULL,
	"input_tokens" bigint DEFAULT 0 NOT NULL,
	"output_tokens" bigint DEFAULT 0 NOT NULL,
	"cached_tokens" bigint DEFAULT 0 NOT NULL,
	"cost_micros" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "usage_daily_org_key_org_id_day_key_id_pk" PRIMARY KEY("org_id","day","key_id")
);
--> statement-breakpoint
CREATE TABLE "usage_daily_org_member" (
	"org_id" uuid NOT NULL,
	"day" date NOT NULL,
	"member_id" uuid NOT NULL,
	"requests" integer DEFAULT 0 NOT NULL,
	"errors" integer DEFAULT 0 NOT NULL,
	"input_tokens" bigint DEFAULT 0 NOT NULL,
	"output_tokens" bigint DEFAULT 0 NOT NULL,
	"cached_tokens" bigint DEFAULT 0 NOT NULL,
	"cost_micros" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "usage_daily_org_member_org_id_day_member_id_pk" PRIMARY KEY("org_id","day","member_id")
);
--> statement-breakpoint
CREATE INDEX "usage_daily_org_key_key_idx" ON "usage_daily_org_key" USING btree ("org_id","key_id","day");--> statement-breakpoint
CREATE INDEX "usage_daily_org_member_member_idx" ON "usage_daily_org_member" USING btree ("org_id","member_id","day");--> statement-breakpoint
ALTER TABLE "usage_daily_org_member" SET (fillfactor = 70);--> statement-breakpoint
ALTER TABLE "usage_daily_org_key" SET (fillfactor = 70);--> statement-breakpoint
INSERT INTO "usage_daily_org_member" (org_id, day, member_id, requests, errors, input_tokens, output_tokens, cached_tokens, cost_micros)
SELECT org_id, day, member_id, sum(requests), sum(errors), sum(input_tokens), sum(output_tokens), sum(cached_tokens), sum(cost_micros)
FROM "usage_daily_member" GROUP BY org_id, day, member_id;--> statement-breakpoint
INSERT INTO "usage_daily_org_key" (org_id, day, key_id, requests, errors, input_tokens, output_tokens, cached_tokens, cost_micros)
SELECT org_id, day, key_id, sum(requests), sum(errors), sum(input_tokens), sum(output_tokens), sum(cached_tokens), sum(cost_micros)
FROM "usage_daily_member" GROUP BY org_id, day, key_id;
