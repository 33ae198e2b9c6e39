-- Admin metric functions, part 4 (new beyond the origin): per-stage latency from
-- video_stage_timings. Conventions (window check, EXECUTE ... USING, security) as in
-- 0002_metric_functions.sql.

-- Per-stage latency (new): stage runs from video_stage_timings that finished in the window with a
-- duration (every attempt counts; a stage still running has neither), per stage: runs, failed
-- runs, mean and p50/p95/p99 of duration_ms, their sum, and the stage's share of the time spent in
-- all stages in the window (%; null when that time is 0). Ordered by total time descending, then
-- stage name (bytewise).
CREATE OR REPLACE FUNCTION get_admin_stage_latency(p_days_back INT DEFAULT 30)
RETURNS TABLE (
    stage TEXT,
    runs BIGINT,
    failures BIGINT,
    avg_ms FLOAT,
    p50_ms FLOAT,
    p95_ms FLOAT,
    p99_ms FLOAT,
    total_ms FLOAT,
    share_pct FLOAT
)
LANGUAGE plpgsql STABLE
AS $fn$
BEGIN
    -- One index range per stage (the stages are found by skipping through the index), so each
    -- stage's durations are sorted on their own, in memory, instead of a year of every stage's
    -- rows being sorted by stage first.
    RETURN QUERY EXECUTE $q$
        WITH RECURSIVE stages AS (
            (SELECT t.stage FROM video_stage_timings AS t
             WHERE t.finished_at IS NOT NULL AND t.duration_ms IS NOT NULL
             ORDER BY t.stage LIMIT 1)
            UNION ALL
            SELECT (SELECT t.stage FROM video_stage_timings AS t
                    WHERE t.stage > s.stage AND t.finished_at IS NOT NULL AND t.duration_ms IS NOT NULL
                    ORDER BY t.stage LIMIT 1)
            FROM stages AS s
            WHERE s.stage IS NOT NULL
        ), per_stage AS (
            SELECT s.stage, a.*
            FROM stages AS s,
            LATERAL (
                SELECT count(*) AS n,
                       count(*) FILTER (WHERE t.outcome = 'failed') AS failed,
                       avg(t.duration_ms::float8) AS mean_ms,
                       percentile_cont(ARRAY[0.5, 0.95, 0.99])
                           WITHIN GROUP (ORDER BY t.duration_ms::float8) AS pct,
                       coalesce(sum(t.duration_ms::float8), 0) AS sum_ms
                FROM video_stage_timings AS t
                WHERE t.stage = s.stage AND t.finished_at >= $1 AND t.duration_ms IS NOT NULL
            ) AS a
            WHERE s.stage IS NOT NULL AND a.n > 0
        )
        SELECT stage, n, failed, mean_ms, pct[1], pct[2], pct[3], sum_ms,
               sum_ms / nullif(sum(sum_ms) OVER (), 0) * 100
        FROM per_stage
        ORDER BY sum_ms DESC, stage COLLATE "C"
    $q$ USING heimdex_window_start(p_days_back);
END
$fn$;
COMMENT ON FUNCTION get_admin_stage_latency(INT) IS
    'Per stage: runs finished in the window (by total time, descending), failed runs, mean and p50/p95/p99 duration (ms), total ms and share of all stage time (%)';
SELECT heimdex_secure_function('get_admin_stage_latency(INT)');
SELECT heimdex_tune_function('get_admin_stage_latency(INT)');
