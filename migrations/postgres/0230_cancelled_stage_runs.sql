-- Stage runs stopped from outside (a worker's shutdown, a lost lease) are recorded with the
-- outcome 'cancelled': they are no failure, and per-stage latency shows them apart.
-- Additive and re-runnable.

-- The outcome check admits 'cancelled'. The old check's name depends on who created the table,
-- so every check on the column is looked up and replaced.
DO $$
DECLARE
    c record;
BEGIN
    FOR c IN
        SELECT conname FROM pg_constraint
        WHERE conrelid = 'video_stage_timings'::regclass AND contype = 'c'
          AND pg_get_constraintdef(oid) LIKE '%outcome%'
    LOOP
        EXECUTE format('ALTER TABLE video_stage_timings DROP CONSTRAINT %I', c.conname);
    END LOOP;
END
$$;
ALTER TABLE video_stage_timings ADD CONSTRAINT video_stage_timings_outcome_check
    CHECK (outcome IN ('ok', 'failed', 'cancelled'));
COMMENT ON COLUMN video_stage_timings.outcome IS
    'Timing: ok, failed, or cancelled (stopped by shutdown or a lost lease; no failure)';

-- Per-stage latency with a cancelled count: the runs finished in the window with a duration, per
-- stage; cancelled runs are counted apart and left out of every other figure (runs, failures,
-- mean, percentiles, total, share), so a worker's shutdown moves no latency or failure figure.
-- A stage whose only runs were cancelled is listed with runs 0. A new name, since a function's
-- return type cannot change in place; get_admin_stage_latency gives the same rows without the
-- cancelled count.
CREATE OR REPLACE FUNCTION get_admin_stage_latency_v2(p_days_back INT DEFAULT 30)
RETURNS TABLE (
    stage TEXT,
    runs BIGINT,
    failures BIGINT,
    cancelled BIGINT,
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
    -- stage's durations are sorted on their own, in memory.
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
                SELECT count(*) FILTER (WHERE t.outcome IS DISTINCT FROM 'cancelled') AS n,
                       count(*) FILTER (WHERE t.outcome = 'failed') AS failed,
                       count(*) FILTER (WHERE t.outcome = 'cancelled') AS n_cancelled,
                       avg(t.duration_ms::float8)
                           FILTER (WHERE t.outcome IS DISTINCT FROM 'cancelled') AS mean_ms,
                       percentile_cont(ARRAY[0.5, 0.95, 0.99])
                           WITHIN GROUP (ORDER BY t.duration_ms::float8)
                           FILTER (WHERE t.outcome IS DISTINCT FROM 'cancelled') AS pct,
                       coalesce(sum(t.duration_ms::float8)
                           FILTER (WHERE t.outcome IS DISTINCT FROM 'cancelled'), 0) AS sum_ms
                FROM video_stage_timings AS t
                WHERE t.stage = s.stage AND t.finished_at >= $1 AND t.duration_ms IS NOT NULL
            ) AS a
            WHERE s.stage IS NOT NULL AND (a.n > 0 OR a.n_cancelled > 0)
        )
        SELECT stage, n, failed, n_cancelled, mean_ms, pct[1], pct[2], pct[3], sum_ms,
               sum_ms / nullif(sum(sum_ms) OVER (), 0) * 100
        FROM per_stage
        ORDER BY sum_ms DESC, stage COLLATE "C"
    $q$ USING heimdex_window_start(p_days_back);
END
$fn$;
COMMENT ON FUNCTION get_admin_stage_latency_v2(INT) IS
    'Per stage: runs finished in the window (by total time, descending), failed and cancelled runs, mean and p50/p95/p99 duration (ms), total ms and share of all stage time (%); cancelled runs are in no other figure';
SELECT heimdex_secure_function('get_admin_stage_latency_v2(INT)');
SELECT heimdex_tune_function('get_admin_stage_latency_v2(INT)');

-- The first version, kept for its callers: the same rows as v2 without the cancelled count.
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
    RETURN QUERY
        SELECT l.stage, l.runs, l.failures, l.avg_ms, l.p50_ms, l.p95_ms, l.p99_ms, l.total_ms,
               l.share_pct
        FROM get_admin_stage_latency_v2(p_days_back) AS l;
END
$fn$;
COMMENT ON FUNCTION get_admin_stage_latency(INT) IS
    'Per stage: as get_admin_stage_latency_v2 without the cancelled count (cancelled runs are in no figure)';
SELECT heimdex_secure_function('get_admin_stage_latency(INT)');
