CREATE TYPE "public"."budget_window_period" AS ENUM('day', 'week', 'days');--> statement-breakpoint
CREATE TABLE "usage_quarter_scope" (
	"org_id" uuid NOT NULL,
	"scope_id" uuid NOT NULL,
	"quarter" timestamp with time zone NOT NULL,
	"requests" integer DEFAULT 0 NOT NULL,
	"cost_micros" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "usage_quarter_scope_org_id_scope_id_quarter_pk" PRIMARY KEY("org_id","scope_id","quarter")
);
--> statement-breakpoint
CREATE TABLE "budget_windows" (
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"key_id" uuid,
	"group_id" uuid,
	"member_id" uuid,
	"period" "budget_window_period" NOT NULL,
	"days" integer,
	"amount_micros" bigint NOT NULL,
	"mode" "budget_mode" DEFAULT 'hard' NOT NULL,
	"alert_thresholds" integer[] DEFAULT '{80,100}'::int[] NOT NULL,
	"raised_amount_micros" bigint,
	"raised_until" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "budget_windows_id_org_id_pk" PRIMARY KEY("id","org_id"),
	CONSTRAINT "budget_windows_one_target" CHECK (num_nonnulls("budget_windows"."key_id", "budget_windows"."group_id", "budget_windows"."member_id") = 1),
	CONSTRAINT "budget_windows_days" CHECK (("budget_windows"."period" = 'days') = ("budget_windows"."days" is not null) and ("budget_windows"."days" is null or "budget_windows"."days" between 2 and 31)),
	CONSTRAINT "budget_windows_amount_positive" CHECK ("budget_windows"."amount_micros" > 0),
	CONSTRAINT "budget_windows_raise" CHECK (("budget_windows"."raised_amount_micros" is null) = ("budget_windows"."raised_until" is null) and ("budget_windows"."raised_amount_micros" is null or "budget_windows"."raised_amount_micros" > "budget_windows"."amount_micros")),
	CONSTRAINT "budget_windows_thresholds" CHECK (cardinality("budget_windows"."alert_thresholds") <= 10 and 0 < all("budget_windows"."alert_thresholds") and 1000 >= all("budget_windows"."alert_thresholds"))
);
--> statement-breakpoint
ALTER TABLE "orgs" ADD COLUMN "time_zone" text DEFAULT 'UTC' NOT NULL;--> statement-breakpoint
ALTER TABLE "budget_windows" ADD CONSTRAINT "budget_windows_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "budget_windows" ADD CONSTRAINT "budget_windows_key_fk" FOREIGN KEY ("org_id","key_id") REFERENCES "public"."api_keys"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "budget_windows" ADD CONSTRAINT "budget_windows_group_fk" FOREIGN KEY ("org_id","group_id") REFERENCES "public"."groups"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "budget_windows" ADD CONSTRAINT "budget_windows_member_fk" FOREIGN KEY ("org_id","member_id") REFERENCES "public"."org_members"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "usage_quarter_scope_quarter_idx" ON "usage_quarter_scope" USING brin ("quarter");--> statement-breakpoint
CREATE UNIQUE INDEX "budget_windows_target_key" ON "budget_windows" USING btree ("org_id",coalesce("key_id", "group_id", "member_id"),"period",coalesce("days", 0));--> statement-breakpoint
CREATE INDEX "budget_windows_org_idx" ON "budget_windows" USING btree ("org_id");--> statement-breakpoint
ALTER TABLE "orgs" ADD CONSTRAINT "orgs_time_zone_length" CHECK (char_length("orgs"."time_zone") between 1 and 64);--> statement-breakpoint
-- Budget windows are part of what the gateway's snapshot of an organisation holds (0006), and so
-- is the organisation's time zone, where its windows start.
CREATE FUNCTION gatehouse_notify_org() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('gatehouse_changes', NEW.id::text);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER orgs_notify_time_zone AFTER UPDATE OF time_zone ON orgs FOR EACH ROW
  WHEN (OLD.time_zone IS DISTINCT FROM NEW.time_zone) EXECUTE FUNCTION gatehouse_notify_org();
--> statement-breakpoint
CREATE TRIGGER budget_windows_notify_insert AFTER INSERT ON budget_windows REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_notify_new_rows();
--> statement-breakpoint
CREATE TRIGGER budget_windows_notify_update AFTER UPDATE ON budget_windows REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_notify_new_rows();
--> statement-breakpoint
CREATE TRIGGER budget_windows_notify_delete AFTER DELETE ON budget_windows REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_notify_old_rows();
--> statement-breakpoint
-- The quarters of the last 40 days of usage already recorded, as the ingest writes them from now
-- on: each event once for its member, once for its key, and once for each group its member was
-- in at the time (directly or through a subgroup).
WITH RECURSIVE tree (group_id, ancestor_id, parent_id, depth) AS (
  SELECT id, id, parent_id, 0 FROM groups WHERE archived_at IS NULL
  UNION ALL
  SELECT t.group_id, p.id, p.parent_id, t.depth + 1
  FROM tree t JOIN groups p ON p.id = t.parent_id AND p.archived_at IS NULL
  WHERE t.depth < 64
),
ev AS (
  SELECT id, org_id, member_id, key_id, occurred_at, cost_micros FROM usage_events
  WHERE occurred_at >= now() - interval '40 days'
),
attributed AS (
  SELECT DISTINCT ev.id, ev.org_id, t.ancestor_id AS group_id, ev.occurred_at, ev.cost_micros
  FROM ev
  JOIN group_membership_history h ON h.org_id = ev.org_id AND h.member_id = ev.member_id
    AND h.valid_from <= ev.occurred_at AND (h.valid_to IS NULL OR ev.occurred_at < h.valid_to)
  JOIN tree t ON t.group_id = h.group_id
),
scoped AS (
  SELECT org_id, member_id AS scope_id, occurred_at, cost_micros FROM ev
  UNION ALL SELECT org_id, key_id, occurred_at, cost_micros FROM ev
  UNION ALL SELECT org_id, group_id, occurred_at, cost_micros FROM attributed
)
INSERT INTO usage_quarter_scope (org_id, scope_id, quarter, requests, cost_micros)
SELECT org_id, scope_id, date_bin('15 minutes', occurred_at, timestamptz '2000-01-01 00:00+00'),
  count(*), sum(cost_micros)
FROM scoped GROUP BY 1, 2, 3;
