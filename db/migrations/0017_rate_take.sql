-- The PostgreSQL rate-limit store's check-and-count (lib/access/rate-store.ts) for a batch of
-- requests of one organisation (those that queued in an instance while its previous batch ran) in
-- one statement: one round trip and one commit for the batch, where each request took five round
-- trips. The advisory locks on the batch's counters are held from the first check to the commit;
-- the commit does not wait for the WAL flush (a crash may forget the last fraction of a second of
-- counts, which can only let a few more requests through afterwards, never fewer), so the locks
-- are not held for an fsync. Each counter is read once and written once a batch, whatever the
-- number of its requests (a row updated per request would grow a chain of dead versions that
-- every read walks); the requests are decided in order, each seeing the counts of those before it. Per-minute counters count per clock second and look at the last 60 seconds;
-- per-day counters count per UTC day.
--
-- p_requests[i] is the request (1, 2, ...) that counter i belongs to; a request's counters are
-- adjacent. Returns a row per request: the 1-based index among its counters of the first full one
-- (0 when none is), what that counter holds, when it next has room, and the database's second.
CREATE FUNCTION gatehouse_rate_take(
  p_org uuid, p_requests int[], p_names text[], p_windows text[], p_limits int[], p_consume boolean[]
) RETURNS TABLE (request int, full_index int, used int, retry_after int, now_second int)
LANGUAGE plpgsql AS $$
DECLARE
  today int;
  total int := coalesce(array_length(p_names, 1), 0);
  -- The batch's distinct counters, what each holds, and what the batch adds to each.
  names text[];
  windows text[];
  held int[];
  added int[];
  k int;
  first int := 1;
  last int;
  remaining int;
  bucket record;
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
      SELECT sum(c.requests)::int AS requests FROM rate_limit_counts c
      WHERE c.org_id = p_org AND c.counter = d.n
        AND CASE WHEN d.w = 'm' THEN c.window_start > to_timestamp(now_second - 60)
                 ELSE c.window_start = to_timestamp(today) END
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
      IF held[k] >= p_limits[i] THEN
        full_index := i - first + 1;
        used := held[k];
        IF p_windows[i] = 'm' THEN
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
            IF remaining < p_limits[i] THEN
              retry_after := bucket.second - (now_second - 60);
              EXIT;
            END IF;
          END LOOP;
        ELSE
          retry_after := today + 86400 - now_second;
        END IF;
        EXIT;
      END IF;
    END LOOP;
    IF full_index = 0 AND p_consume[request] THEN
      FOR i IN first .. last LOOP
        k := array_position(names, p_names[i]);
        held[k] := held[k] + 1;
        added[k] := added[k] + 1;
      END LOOP;
    END IF;
    RETURN NEXT;
    first := last + 1;
  END LOOP;
  INSERT INTO rate_limit_counts (org_id, counter, window_start, requests)
    SELECT p_org, c.n, to_timestamp(CASE WHEN c.w = 'm' THEN now_second ELSE today END), c.a
    FROM unnest(names, windows, added) AS c(n, w, a)
    WHERE c.a > 0
    ON CONFLICT (org_id, counter, window_start)
    DO UPDATE SET requests = rate_limit_counts.requests + excluded.requests;
  DELETE FROM rate_limit_counts c
    WHERE c.org_id = p_org AND c.counter = ANY(names)
      AND c.window_start < to_timestamp(now_second - 60) AND c.window_start <> to_timestamp(today);
END $$;
