CREATE TABLE "rate_limit_holds" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"second" integer NOT NULL,
	"counters" text[] NOT NULL,
	"amounts" integer[] NOT NULL,
	CONSTRAINT "rate_limit_holds_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
ALTER TABLE "rate_limits" DROP CONSTRAINT "rate_limits_some_limit";--> statement-breakpoint
ALTER TABLE "rate_limits" DROP CONSTRAINT "rate_limits_positive";--> statement-breakpoint
ALTER TABLE "rate_limits" ADD COLUMN "tokens_per_minute" integer;--> statement-breakpoint
ALTER TABLE "rate_limit_holds" ADD CONSTRAINT "rate_limit_holds_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "rate_limit_holds_second_idx" ON "rate_limit_holds" USING btree ("org_id","second");--> statement-breakpoint
ALTER TABLE "rate_limits" ADD CONSTRAINT "rate_limits_some_limit" CHECK (coalesce("rate_limits"."requests_per_minute", "rate_limits"."requests_per_day", "rate_limits"."tokens_per_minute") is not null);--> statement-breakpoint
ALTER TABLE "rate_limits" ADD CONSTRAINT "rate_limits_positive" CHECK ("rate_limits"."requests_per_minute" > 0 and "rate_limits"."requests_per_day" > 0 and "rate_limits"."tokens_per_minute" > 0);
--> statement-breakpoint
-- The PostgreSQL rate-limit store's check-and-count (lib/access/rate-store.ts) for a batch of
-- requests of one organisation (those that queued in an instance while its previous batch ran) in
-- one statement: one round trip and one commit for the batch. The advisory locks on the batch's
-- counters are held from the first check to the commit; the commit does not wait for the WAL
-- flush (a crash may forget the last fraction of a second of counts, which can only let a few
-- more requests through afterwards, never fewer), so the locks are not held for an fsync. Each
-- counter is read once and written once a batch, whatever the number of its requests (a row
-- updated per request would grow a chain of dead versions that every read walks); the requests
-- are decided in order, each seeing the counts of those before it.
--
-- A request counter adds 1, a tokens-a-minute counter the request's token estimate (0 without
-- one). A counter refuses a request when it is full, or when the amount would take it past its
-- limit (an amount above the limit itself can never fit: it is refused with retry_after 0).
-- Counter names end in :m (requests a minute), :d (requests a day, per UTC day) or :t (tokens a
-- minute); the minute ones count per clock second and look at the last 60 seconds. A request
-- that counts a token estimate may name a hold (its decision's reservation id): the estimate is
-- remembered in rate_limit_holds, so that its usage can settle it (gatehouse_rate_settle).
--
-- p_requests[i] is the request (1, 2, ...) that counter i belongs to; a request's counters are
-- adjacent. Returns a row per request: the 1-based index among its counters of the first full one
-- (0 when none is), what that counter holds, when it next has room, and the database's second.
CREATE FUNCTION gatehouse_rate_take(
  p_org uuid, p_requests int[], p_names text[], p_windows text[], p_limits bigint[],
  p_amounts bigint[], p_consume boolean[], p_holds uuid[]
) RETURNS TABLE (request int, full_index int, used int, retry_after int, now_second int)
LANGUAGE plpgsql AS $$
DECLARE
  today int;
  total int := coalesce(array_length(p_names, 1), 0);
  -- The batch's distinct counters, what each holds, and what the batch adds to each.
  names text[];
  windows text[];
  held bigint[];
  added bigint[];
  k int;
  first int := 1;
  last int;
  remaining bigint;
  bucket record;
  hold_names text[];
  hold_amounts bigint[];
BEGIN
  PERFORM set_config('synchronous_commit', 'off', true);
  SELECT array_agg(n ORDER BY n), array_agg(w ORDER BY n)
    INTO names, windows
    FROM (SELECT DISTINCT ON (n) n, w FROM unnest(p_names, p_windows) AS c(n, w) ORDER BY n) d;
  -- One lock per counter, taken in one order by every batch, so none waits on another that
  -- waits on it.
  PERFORM pg_advisory_xact_lock(hashtextextended('rl:' || p_org || ':' || n, 0))
    FROM unnest(names) n;
  now_second := floor(extract(epoch FROM clock_timestamp()))::int;
  today := (now_second / 86400) * 86400;
  SELECT array_agg(coalesce(s.requests, 0) ORDER BY d.ord), array_agg(0 ORDER BY d.ord)
    INTO held, added
    FROM unnest(names, windows) WITH ORDINALITY AS d(n, w, ord)
    LEFT JOIN LATERAL (
      SELECT sum(c.requests)::bigint AS requests FROM rate_limit_counts c
      WHERE c.org_id = p_org AND c.counter = d.n
        AND CASE WHEN d.w = 'd' THEN c.window_start = to_timestamp(today)
                 ELSE c.window_start > to_timestamp(now_second - 60) END
    ) s ON true;
  WHILE first <= total LOOP
    request := p_requests[first];
    last := first;
    WHILE last < total AND p_requests[last + 1] = request LOOP
      last := last + 1;
    END LOOP;
    full_index := 0;
    used := 0;
    retry_after := 0;
    FOR i IN first .. last LOOP
      k := array_position(names, p_names[i]);
      IF held[k] >= p_limits[i] OR held[k] + p_amounts[i] > p_limits[i] THEN
        full_index := i - first + 1;
        used := least(held[k], 2147483647);
        IF p_amounts[i] > p_limits[i] THEN
          retry_after := 0;
        ELSIF p_windows[i] = 'd' THEN
          retry_after := today + 86400 - now_second;
        ELSE
          -- Room comes back when enough of the oldest seconds have left the window (this
          -- batch's requests are in the newest).
          remaining := held[k];
          retry_after := 60;
          FOR bucket IN SELECT extract(epoch FROM c.window_start)::int AS second, c.requests
              FROM rate_limit_counts c
              WHERE c.org_id = p_org AND c.counter = p_names[i]
                AND c.window_start > to_timestamp(now_second - 60)
              ORDER BY c.window_start LOOP
            remaining := remaining - bucket.requests;
            IF remaining < p_limits[i] AND remaining + p_amounts[i] <= p_limits[i] THEN
              retry_after := greatest(bucket.second - (now_second - 60), 1);
              EXIT;
            END IF;
          END LOOP;
        END IF;
        EXIT;
      END IF;
    END LOOP;
    IF full_index = 0 AND p_consume[request] THEN
      hold_names := '{}';
      hold_amounts := '{}';
      FOR i IN first .. last LOOP
        k := array_position(names, p_names[i]);
        held[k] := held[k] + p_amounts[i];
        added[k] := added[k] + p_amounts[i];
        IF p_windows[i] = 't' AND p_amounts[i] > 0 THEN
          hold_names := hold_names || p_names[i];
          hold_amounts := hold_amounts || p_amounts[i];
        END IF;
      END LOOP;
      IF p_holds[request] IS NOT NULL AND cardinality(hold_names) > 0 THEN
        INSERT INTO rate_limit_holds (org_id, id, second, counters, amounts)
          VALUES (p_org, p_holds[request], now_second, hold_names, hold_amounts)
          ON CONFLICT (org_id, id) DO NOTHING;
      END IF;
    END IF;
    RETURN NEXT;
    first := last + 1;
  END LOOP;
  INSERT INTO rate_limit_counts (org_id, counter, window_start, requests)
    SELECT p_org, c.n, to_timestamp(CASE WHEN c.w = 'd' THEN today ELSE now_second END), c.a
    FROM unnest(names, windows, added) AS c(n, w, a)
    WHERE c.a > 0
    ON CONFLICT (org_id, counter, window_start)
    DO UPDATE SET requests = rate_limit_counts.requests + excluded.requests;
  DELETE FROM rate_limit_counts c
    WHERE c.org_id = p_org AND c.counter = ANY(names)
      AND c.window_start < to_timestamp(now_second - 60) AND c.window_start <> to_timestamp(today);
  IF cardinality(array_remove(p_holds, NULL)) > 0 THEN
    DELETE FROM rate_limit_holds h WHERE h.org_id = p_org AND h.second < now_second - 120;
  END IF;
END $$;
--> statement-breakpoint
-- Usage reported: each hold named is released (its estimates leave the seconds they were counted
-- in, if still in the window) and forgotten, and the tokens reported are counted now, by counter;
-- under the take's advisory locks on every counter it touches, taken in the same order, so that
-- it and a take (or a refund) never wait on each other's row locks.
CREATE FUNCTION gatehouse_rate_settle(p_org uuid, p_holds uuid[], p_names text[], p_amounts bigint[])
RETURNS int LANGUAGE plpgsql AS $$
DECLARE
  now_second int := floor(extract(epoch FROM clock_timestamp()))::int;
  released_counters text[];
  released_seconds int[];
  released_amounts bigint[];
BEGIN
  PERFORM set_config('synchronous_commit', 'off', true);
  WITH released AS (
    DELETE FROM rate_limit_holds h WHERE h.org_id = p_org AND h.id = ANY(p_holds)
    RETURNING h.second, h.counters, h.amounts
  )
  SELECT coalesce(array_agg(g.counter), '{}'), coalesce(array_agg(g.second), '{}'),
         coalesce(array_agg(g.amount), '{}')
    INTO released_counters, released_seconds, released_amounts
    FROM (
      SELECT x.counter, r.second, sum(x.amount)::bigint AS amount
      FROM released r CROSS JOIN LATERAL unnest(r.counters, r.amounts) AS x(counter, amount)
      WHERE r.second > now_second - 60
      GROUP BY 1, 2
    ) g;
  PERFORM pg_advisory_xact_lock(hashtextextended('rl:' || p_org || ':' || n, 0))
    FROM (SELECT n FROM (SELECT unnest(released_counters) AS n UNION SELECT unnest(p_names)) u
          ORDER BY n) ordered;
  UPDATE rate_limit_counts c SET requests = greatest(c.requests - b.amount, 0)
    FROM unnest(released_counters, released_seconds, released_amounts) AS b(counter, second, amount)
    WHERE c.org_id = p_org AND c.counter = b.counter AND c.window_start = to_timestamp(b.second);
  INSERT INTO rate_limit_counts (org_id, counter, window_start, requests)
    SELECT p_org, a.n, to_timestamp(now_second), sum(a.amount)
    FROM unnest(p_names, p_amounts) AS a(n, amount)
    WHERE a.amount > 0
    GROUP BY a.n
    ORDER BY a.n
    ON CONFLICT (org_id, counter, window_start)
    DO UPDATE SET requests = rate_limit_counts.requests + excluded.requests;
  RETURN now_second;
END $$;
--> statement-breakpoint
-- A request counted and then refused by a later rule (a limit, a budget): its amounts leave the
-- buckets they were counted in, and its hold is forgotten; under the same locks as the take.
CREATE FUNCTION gatehouse_rate_refund(
  p_org uuid, p_names text[], p_starts int[], p_amounts bigint[], p_hold uuid
) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM set_config('synchronous_commit', 'off', true);
  PERFORM pg_advisory_xact_lock(hashtextextended('rl:' || p_org || ':' || n, 0))
    FROM (SELECT DISTINCT n FROM unnest(p_names) n ORDER BY n) ordered;
  DELETE FROM rate_limit_holds WHERE org_id = p_org AND id = p_hold;
  UPDATE rate_limit_counts SET requests = greatest(requests - c.amount, 0)
    FROM unnest(p_names, p_starts, p_amounts) AS c(name, start, amount)
    WHERE org_id = p_org AND counter = c.name AND window_start = to_timestamp(c.start)
      AND c.amount > 0;
END $$;
