-- Admin metric functions, part 2: the users list, its total, and one user's detail (contract §4).
-- Conventions (window check, EXECUTE ... USING, security) as in 0002_metric_functions.sql.
--
-- Each aggregate is computed on its own table and joined to the profiles afterwards (fixed on
-- purpose: the origin joined videos x searches, which multiplied every count).

-- One row per profile: all-time video counts and hours, last activity (latest of video update and
-- search), searches and their mean latency over the window (column names kept for compatibility:
-- searches_7d covers days_back days). Sorted by sort_column descending, nulls last, ties by
-- user_id ascending, so pages are stable.
CREATE OR REPLACE FUNCTION get_admin_users_list(
    days_back INT DEFAULT 7,
    limit_count INT DEFAULT 50,
    offset_count INT DEFAULT 0,
    sort_column TEXT DEFAULT 'last_activity'
)
RETURNS TABLE (
    user_id TEXT,
    full_name TEXT,
    videos_total BIGINT,
    videos_ready BIGINT,
    hours_ready FLOAT,
    last_activity TIMESTAMPTZ,
    searches_7d BIGINT,
    avg_latency_ms_7d FLOAT
)
LANGUAGE plpgsql STABLE
AS $fn$
DECLARE
    v_start timestamptz := heimdex_window_start(days_back);
BEGIN
    IF sort_column IS NULL
       OR sort_column NOT IN ('last_activity', 'hours_ready', 'videos_ready', 'searches_7d') THEN
        RAISE EXCEPTION 'Invalid sort column. Must be one of: last_activity, hours_ready, videos_ready, searches_7d'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF limit_count IS NULL OR limit_count < 0 OR offset_count IS NULL OR offset_count < 0 THEN
        RAISE EXCEPTION 'limit_count and offset_count must be >= 0'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN QUERY EXECUTE format($q$
        WITH v AS (
            SELECT owner_id,
                   count(*) AS total,
                   count(*) FILTER (WHERE status = 'READY') AS ready,
                   coalesce(sum(duration_s) FILTER (WHERE status = 'READY'), 0) AS seconds,
                   max(updated_at) AS last_update
            FROM videos
            GROUP BY owner_id
        ), s AS (
            SELECT user_id,
                   max(created_at) AS last_search,
                   count(*) FILTER (WHERE created_at >= $1) AS n,
                   avg(latency_ms) FILTER (WHERE created_at >= $1) AS mean
            FROM search_queries
            WHERE user_id IS NOT NULL
            GROUP BY user_id
        ), u AS (
            SELECT p.user_id,
                   p.full_name,
                   coalesce(v.total, 0) AS videos_total,
                   coalesce(v.ready, 0) AS videos_ready,
                   coalesce(v.seconds, 0) / 3600 AS hours_ready,
                   greatest(v.last_update, s.last_search) AS last_activity,
                   coalesce(s.n, 0) AS searches_7d,
                   s.mean::float8 AS avg_latency_ms_7d
            FROM user_profiles AS p
            LEFT JOIN v ON v.owner_id = p.user_id
            LEFT JOIN s ON s.user_id = p.user_id
        )
        SELECT u.user_id::text, u.full_name, u.videos_total, u.videos_ready, u.hours_ready,
               u.last_activity, u.searches_7d, u.avg_latency_ms_7d
        FROM u
        ORDER BY u.%I DESC NULLS LAST, u.user_id
        LIMIT $2 OFFSET $3
    $q$, sort_column) USING v_start, limit_count, offset_count;
END
$fn$;
COMMENT ON FUNCTION get_admin_users_list(INT, INT, INT, TEXT) IS
    'One page of per-user summaries; sort by last_activity, hours_ready, videos_ready or searches_7d (descending, nulls last, ties by user_id)';
SELECT heimdex_secure_function('get_admin_users_list(INT, INT, INT, TEXT)');

-- The users list's total (the origin returned null): the number of profiles.
CREATE OR REPLACE FUNCTION get_admin_users_total()
RETURNS BIGINT
LANGUAGE sql STABLE
AS $fn$
    SELECT count(*) FROM user_profiles
$fn$;
COMMENT ON FUNCTION get_admin_users_total() IS 'Number of user profiles: total_users of the users list';
SELECT heimdex_secure_function('get_admin_users_total()');

-- One user's summary over days_back days (the API uses 7) with the 20 most recently updated videos
-- and the 50 latest searches, newest first. No row for an unknown user. Timestamps inside the JSON
-- are RFC 3339 in UTC with microseconds, whatever the session's TimeZone.
CREATE OR REPLACE FUNCTION get_admin_user_detail(
    target_user_id TEXT,
    days_back INT DEFAULT 7
)
RETURNS TABLE (
    user_id TEXT,
    full_name TEXT,
    videos_total BIGINT,
    videos_ready BIGINT,
    hours_ready FLOAT,
    last_activity TIMESTAMPTZ,
    searches_7d BIGINT,
    avg_latency_ms_7d FLOAT,
    recent_videos JSONB,
    recent_searches JSONB
)
LANGUAGE plpgsql STABLE
AS $fn$
BEGIN
    RETURN QUERY EXECUTE $q$
        WITH p AS (
            SELECT user_id, full_name FROM user_profiles WHERE user_id = $2
        ), v AS (
            SELECT count(*) AS total,
                   count(*) FILTER (WHERE status = 'READY') AS ready,
                   coalesce(sum(duration_s) FILTER (WHERE status = 'READY'), 0) AS seconds,
                   max(updated_at) AS last_update
            FROM videos
            WHERE owner_id = $2
        ), s AS (
            SELECT max(created_at) AS last_search,
                   count(*) FILTER (WHERE created_at >= $1) AS n,
                   avg(latency_ms) FILTER (WHERE created_at >= $1) AS mean
            FROM search_queries
            WHERE user_id = $2
        ), rv AS (
            SELECT coalesce(jsonb_agg(jsonb_build_object(
                       'id', x.id::text,
                       'filename', x.filename,
                       'status', x.status::text,
                       'duration_s', x.duration_s,
                       'updated_at', to_char(x.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                       'error_message', x.error_message
                   ) ORDER BY x.updated_at DESC, x.id), '[]'::jsonb) AS items
            FROM (
                SELECT id, filename, status, duration_s, updated_at, error_message
                FROM videos WHERE owner_id = $2
                ORDER BY updated_at DESC, id LIMIT 20
            ) AS x
        ), rs AS (
            SELECT coalesce(jsonb_agg(jsonb_build_object(
                       'query_text', x.query_text,
                       'created_at', to_char(x.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                       'latency_ms', x.latency_ms,
                       'results_count', x.results_count,
                       'video_id', x.video_id::text
                   ) ORDER BY x.created_at DESC, x.id), '[]'::jsonb) AS items
            FROM (
                SELECT id, query_text, created_at, latency_ms, results_count, video_id
                FROM search_queries WHERE user_id = $2
                ORDER BY created_at DESC, id LIMIT 50
            ) AS x
        )
        SELECT p.user_id::text, p.full_name, v.total, v.ready, v.seconds / 3600,
               greatest(v.last_update, s.last_search), s.n, s.mean::float8,
               rv.items, rs.items
        FROM p, v, s, rv, rs
    $q$ USING heimdex_window_start(days_back), target_user_id::uuid;
END
$fn$;
COMMENT ON FUNCTION get_admin_user_detail(TEXT, INT) IS
    'One user''s summary with the 20 most recently updated videos and the 50 latest searches; no row for an unknown user';
SELECT heimdex_secure_function('get_admin_user_detail(TEXT, INT)');
