-- Admin metric functions, part 1: access control, the window helper, and the overview, time series
-- and per-user functions of contract §4, with the origin's names, arguments and output columns so
-- its callers keep working.
--
-- Fixed on purpose (contract §4): throughput groups by completion time
-- coalesce(processing_finished_at, updated_at), not updated_at; the users list and user detail
-- aggregate videos and searches each on their own table (the origin joined videos x searches and
-- multiplied the counts); pages are stable (ties broken by user_id).
--
-- Every function:
--   * checks its window (1..365 days) and raises 'Range must be between 1d and 365d' otherwise;
--   * computes windows as ts >= now() - make_interval(days => N) and days as (ts AT TIME ZONE 'UTC')::date;
--   * runs its query with EXECUTE ... USING, so each call is planned for its own window;
--   * is SECURITY DEFINER with search_path pinned to this schema then pg_temp, is revoked from
--     PUBLIC and granted to the NOLOGIN role heimdex_admin (heimdex_secure_function below).
-- Idempotent: CREATE OR REPLACE keeps the origin's signatures, so running this twice, or over the
-- origin's own functions, changes nothing else.

-- The role that may read the metrics. Roles are cluster-wide: another database's migration may
-- create it at the same moment, and a migrating user without CREATEROLE cannot create it at all;
-- then the functions stay executable by their owner only (a warning says so).
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'heimdex_admin') THEN
        CREATE ROLE heimdex_admin NOLOGIN;
    END IF;
EXCEPTION
    WHEN duplicate_object OR unique_violation THEN
        NULL; -- created concurrently by another migration
    WHEN insufficient_privilege THEN
        RAISE WARNING 'cannot create role heimdex_admin (%); metric functions stay owner-only', SQLERRM;
END
$$;

-- Secures one function: SECURITY DEFINER with a pinned search_path (this schema, then pg_temp,
-- so no temporary object can shadow a table), no EXECUTE for PUBLIC, EXECUTE for heimdex_admin.
CREATE OR REPLACE FUNCTION heimdex_secure_function(fn regprocedure)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    EXECUTE format('ALTER FUNCTION %s SECURITY DEFINER SET search_path = %I, pg_temp',
                   fn, current_schema());
    EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', fn);
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'heimdex_admin') THEN
        EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO heimdex_admin', fn);
    END IF;
END
$$;
REVOKE ALL ON FUNCTION heimdex_secure_function(regprocedure) FROM PUBLIC;
COMMENT ON FUNCTION heimdex_secure_function(regprocedure) IS
    'Migration helper: SECURITY DEFINER with a pinned search_path, revoked from PUBLIC, granted to heimdex_admin';

-- Planner settings for one windowed metric function, scoped to its calls (benches/README.md):
-- work_mem 64MB keeps a year of a million rows' sort or hash in memory instead of spilling to
-- disk, and random_page_cost 1.1 (data cached or on SSD) lets a long window read the covering
-- index (an index-only scan, a third of the table's size) rather than the whole table.
CREATE OR REPLACE FUNCTION heimdex_tune_function(fn regprocedure)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    EXECUTE format('ALTER FUNCTION %s SET work_mem = %L SET random_page_cost = 1.1', fn, '64MB');
END
$$;
REVOKE ALL ON FUNCTION heimdex_tune_function(regprocedure) FROM PUBLIC;
COMMENT ON FUNCTION heimdex_tune_function(regprocedure) IS
    'Migration helper: work_mem and random_page_cost for one metric function''s own calls';

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'heimdex_admin') THEN
        EXECUTE format('GRANT USAGE ON SCHEMA %I TO heimdex_admin', current_schema());
    END IF;
END
$$;

-- The first instant of a window of p_days_back days; raises for anything outside 1..365.
CREATE OR REPLACE FUNCTION heimdex_window_start(p_days_back integer)
RETURNS timestamptz
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    IF p_days_back IS NULL OR p_days_back < 1 OR p_days_back > 365 THEN
        RAISE EXCEPTION 'Range must be between 1d and 365d'
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = format('days_back = %s', coalesce(p_days_back::text, 'NULL'));
    END IF;
    RETURN now() - make_interval(days => p_days_back);
END
$$;
COMMENT ON FUNCTION heimdex_window_start(integer) IS
    'now() - N days for a window of N in 1..365 days; raises invalid_parameter_value otherwise';

CREATE OR REPLACE FUNCTION get_admin_overview_metrics()
RETURNS TABLE (
    videos_ready_total BIGINT,
    videos_failed_total BIGINT,
    videos_total BIGINT,
    failure_rate_pct FLOAT,
    hours_ready_total FLOAT,
    searches_7d BIGINT,
    avg_search_latency_ms_7d FLOAT,
    searches_30d BIGINT,
    avg_search_latency_ms_30d FLOAT
)
LANGUAGE plpgsql STABLE
AS $fn$
BEGIN
    RETURN QUERY EXECUTE $q$
        WITH v AS (
            SELECT count(*) FILTER (WHERE status = 'READY') AS ready,
                   count(*) FILTER (WHERE status = 'FAILED') AS failed,
                   count(*) AS total,
                   coalesce(sum(duration_s) FILTER (WHERE status = 'READY'), 0) AS seconds
            FROM videos
        ), s AS (
            SELECT count(*) FILTER (WHERE created_at >= $1) AS n7,
                   avg(latency_ms) FILTER (WHERE created_at >= $1) AS avg7,
                   count(*) AS n30,
                   avg(latency_ms) AS avg30
            FROM search_queries
            WHERE created_at >= $2
        )
        SELECT v.ready, v.failed, v.total,
               CASE WHEN v.total > 0 THEN v.failed::float8 / v.total::float8 * 100 ELSE 0 END,
               v.seconds / 3600,
               s.n7, s.avg7::float8, s.n30, s.avg30::float8
        FROM v, s
    $q$ USING heimdex_window_start(7), heimdex_window_start(30);
END
$fn$;
COMMENT ON FUNCTION get_admin_overview_metrics() IS
    'All-time video totals and failure rate, hours of READY media, searches and mean latency over 7 and 30 days';
SELECT heimdex_secure_function('get_admin_overview_metrics()');

CREATE OR REPLACE FUNCTION get_throughput_timeseries(days_back INT DEFAULT 30)
RETURNS TABLE (
    day TEXT,
    videos_ready BIGINT,
    hours_ready FLOAT
)
LANGUAGE plpgsql STABLE
AS $fn$
BEGIN
    RETURN QUERY EXECUTE $q$
        SELECT to_char(d, 'YYYY-MM-DD'), n, seconds / 3600
        FROM (
            SELECT (coalesce(processing_finished_at, updated_at) AT TIME ZONE 'UTC')::date AS d,
                   count(*) AS n,
                   coalesce(sum(duration_s), 0) AS seconds
            FROM videos
            WHERE status = 'READY' AND coalesce(processing_finished_at, updated_at) >= $1
            GROUP BY 1
        ) AS per_day
        ORDER BY d
    $q$ USING heimdex_window_start(days_back);
END
$fn$;
COMMENT ON FUNCTION get_throughput_timeseries(INT) IS
    'READY videos and their hours per UTC completion day (coalesce(processing_finished_at, updated_at)), ascending';
SELECT heimdex_secure_function('get_throughput_timeseries(INT)');
SELECT heimdex_tune_function('get_throughput_timeseries(INT)');

CREATE OR REPLACE FUNCTION get_search_timeseries(days_back INT DEFAULT 30)
RETURNS TABLE (
    day TEXT,
    searches BIGINT,
    avg_latency_ms FLOAT
)
LANGUAGE plpgsql STABLE
AS $fn$
BEGIN
    RETURN QUERY EXECUTE $q$
        SELECT to_char(d, 'YYYY-MM-DD'), n, mean::float8
        FROM (
            SELECT (created_at AT TIME ZONE 'UTC')::date AS d, count(*) AS n, avg(latency_ms) AS mean
            FROM search_queries
            WHERE created_at >= $1
            GROUP BY 1
        ) AS per_day
        ORDER BY d
    $q$ USING heimdex_window_start(days_back);
END
$fn$;
COMMENT ON FUNCTION get_search_timeseries(INT) IS
    'Searches and mean latency (null latencies skipped) per UTC day, ascending';
SELECT heimdex_secure_function('get_search_timeseries(INT)');
SELECT heimdex_tune_function('get_search_timeseries(INT)');
