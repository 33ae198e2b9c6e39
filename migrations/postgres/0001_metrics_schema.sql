-- The metrics schema, contract §1: user_profiles, videos (with the timing columns), search_queries
-- and the new video_stage_timings.
--
-- Additive and idempotent. sqlx runs this once, inside a transaction; every statement is also safe
-- against a database that already holds the origin's tables (CREATE ... IF NOT EXISTS, ADD COLUMN
-- IF NOT EXISTS), so pointing Heimdex at an existing Heimdex database adds what is missing and
-- drops, renames or rewrites nothing. Index names follow the origin where it had the index, so no
-- duplicate is built next to it.

DO $$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM pg_type t
        WHERE t.typname = 'video_status' AND t.typnamespace = current_schema()::regnamespace
    ) THEN
        CREATE TYPE video_status AS ENUM ('PENDING', 'PROCESSING', 'READY', 'FAILED');
    END IF;
END
$$;
COMMENT ON TYPE video_status IS 'Lifecycle: PENDING -> PROCESSING -> READY | FAILED (a retry goes FAILED -> PROCESSING)';

CREATE TABLE IF NOT EXISTS user_profiles (
    user_id    uuid        PRIMARY KEY,
    full_name  text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE user_profiles IS 'One row per user; the admin users list has one row per profile';

CREATE TABLE IF NOT EXISTS videos (
    id            uuid         PRIMARY KEY DEFAULT gen_random_uuid(),
    owner_id      uuid         NOT NULL REFERENCES user_profiles (user_id),
    storage_path  text         NOT NULL,
    filename      text,
    status        video_status NOT NULL DEFAULT 'PENDING',
    duration_s    float8,
    frame_rate    float8,
    width         integer,
    height        integer,
    error_message text,
    created_at    timestamptz  NOT NULL DEFAULT now(),
    updated_at    timestamptz  NOT NULL DEFAULT now()
);
COMMENT ON TABLE videos IS 'One row per video, with the timing of its last processing attempt';
COMMENT ON COLUMN videos.storage_path IS 'Where the source file lives (local path or URI)';
COMMENT ON COLUMN videos.duration_s IS 'Media duration in seconds, from the metadata stage';
COMMENT ON COLUMN videos.error_message IS 'Set on failure (at most 500 characters), cleared on a new attempt';
COMMENT ON COLUMN videos.updated_at IS 'Moves on every write';

-- Timing columns: all nullable, so rows written before timing existed stay valid.
ALTER TABLE videos ADD COLUMN IF NOT EXISTS queued_at              timestamptz;
ALTER TABLE videos ADD COLUMN IF NOT EXISTS processing_started_at  timestamptz;
ALTER TABLE videos ADD COLUMN IF NOT EXISTS processing_finished_at timestamptz;
ALTER TABLE videos ADD COLUMN IF NOT EXISTS processing_duration_ms integer;
ALTER TABLE videos ADD COLUMN IF NOT EXISTS processing_stage       text;
ALTER TABLE videos ADD COLUMN IF NOT EXISTS processing_attempt     integer;

COMMENT ON COLUMN videos.queued_at IS
    'Timing: when the job was (last) enqueued; NULL for rows from before timing existed';
COMMENT ON COLUMN videos.processing_started_at IS
    'Timing: when the worker started the current/last attempt';
COMMENT ON COLUMN videos.processing_finished_at IS
    'Timing: when the last attempt ended, success or failure (backfilled from updated_at for old rows)';
COMMENT ON COLUMN videos.processing_duration_ms IS
    'Timing: duration of the last attempt in milliseconds, from a monotonic clock (never backfilled)';
COMMENT ON COLUMN videos.processing_stage IS
    'Timing: last stage entered ([a-z0-9_]{1,64}); completed on success; on failure the stage that failed';
COMMENT ON COLUMN videos.processing_attempt IS
    'Timing (Heimdex, additive): the attempt the timing columns describe; events of an older attempt are ignored';

-- Covering (INCLUDE): the window's rows are read from the index alone (an index-only scan), so
-- a metric never visits the heap pages of a table whose physical order is not time order.
CREATE INDEX IF NOT EXISTS idx_videos_processing_finished_at
    ON videos (processing_finished_at)
    INCLUDE (status, processing_duration_ms, queued_at, processing_started_at, duration_s)
    WHERE processing_finished_at IS NOT NULL;
COMMENT ON INDEX idx_videos_processing_finished_at IS
    'Latency, RTF, queue and failure metrics select finished rows by window (covering: index-only scans)';

CREATE INDEX IF NOT EXISTS idx_videos_processing_duration_ms
    ON videos (processing_duration_ms) WHERE processing_duration_ms IS NOT NULL;
COMMENT ON INDEX idx_videos_processing_duration_ms IS
    'Processing-duration distribution scans';

CREATE INDEX IF NOT EXISTS idx_videos_processing_stage
    ON videos (processing_stage) INCLUDE (processing_finished_at) WHERE status = 'FAILED';
COMMENT ON INDEX idx_videos_processing_stage IS
    'Failure attribution by stage (FAILED rows only; covering: index-only scans)';

CREATE INDEX IF NOT EXISTS idx_videos_owner_status_created
    ON videos (owner_id, status, created_at DESC);
COMMENT ON INDEX idx_videos_owner_status_created IS
    'Per-owner listings and counts (users list, user detail)';

-- Covering too; the expression's own columns are included because PostgreSQL uses an index-only
-- scan on an expression index only when the columns under the expression are in the index.
CREATE INDEX IF NOT EXISTS idx_videos_completed_at
    ON videos ((coalesce(processing_finished_at, updated_at)))
    INCLUDE (status, duration_s, processing_duration_ms, processing_finished_at, updated_at)
    WHERE status IN ('READY', 'FAILED');
COMMENT ON INDEX idx_videos_completed_at IS
    'Throughput v1 and v2 select finished rows by completion time coalesce(processing_finished_at, updated_at) (covering)';

-- Throughput groups by the UTC day of the completion time; without statistics on that expression
-- the planner guesses one group per row and sorts a year of rows instead of hashing ~365 groups.
CREATE STATISTICS IF NOT EXISTS stat_videos_completed_day
    ON ((coalesce(processing_finished_at, updated_at) AT TIME ZONE 'UTC')::date) FROM videos;
COMMENT ON STATISTICS stat_videos_completed_day IS
    'Distinct UTC completion days, so throughput hashes its groups';

CREATE INDEX IF NOT EXISTS idx_videos_backfill
    ON videos (id) WHERE processing_finished_at IS NULL AND status IN ('READY', 'FAILED');
COMMENT ON INDEX idx_videos_backfill IS
    'The backfill walks finished rows that lack processing_finished_at (empty once it has run)';

CREATE TABLE IF NOT EXISTS search_queries (
    id            uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id       uuid        REFERENCES user_profiles (user_id) ON DELETE SET NULL,
    video_id      uuid,
    query_text    text        NOT NULL,
    results_count integer,
    latency_ms    integer,
    created_at    timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE search_queries IS 'One row per search, logged once (the id is the idempotency key)';
COMMENT ON COLUMN search_queries.latency_ms IS 'How long the search took, in milliseconds';

CREATE INDEX IF NOT EXISTS idx_search_queries_created_at
    ON search_queries (created_at) INCLUDE (latency_ms);
COMMENT ON INDEX idx_search_queries_created_at IS
    'Search series and overview select searches by window (covering: index-only scans)';

CREATE STATISTICS IF NOT EXISTS stat_search_queries_day
    ON ((created_at AT TIME ZONE 'UTC')::date) FROM search_queries;
COMMENT ON STATISTICS stat_search_queries_day IS 'Distinct UTC search days, so the search series hashes its groups';

CREATE INDEX IF NOT EXISTS idx_search_queries_user_created
    ON search_queries (user_id, created_at DESC) WHERE user_id IS NOT NULL;
COMMENT ON INDEX idx_search_queries_user_created IS
    'Per-user activity: window counts, latest search, the 50 latest searches';

-- New beyond the origin: one row per stage per attempt.
CREATE TABLE IF NOT EXISTS video_stage_timings (
    video_id    uuid        NOT NULL REFERENCES videos (id) ON DELETE CASCADE,
    attempt     integer     NOT NULL CHECK (attempt >= 1),
    stage       text        NOT NULL CHECK (stage ~ '^[a-z0-9_]{1,64}$'),
    started_at  timestamptz NOT NULL,
    finished_at timestamptz,
    duration_ms integer     CHECK (duration_ms >= 0),
    outcome     text        CHECK (outcome IN ('ok', 'failed')),
    error       text,
    PRIMARY KEY (video_id, attempt, stage)
);
COMMENT ON TABLE video_stage_timings IS
    'Timing (Heimdex, additive): one row per stage per attempt, written when the stage ends';
COMMENT ON COLUMN video_stage_timings.attempt IS 'Timing: the attempt (1-based) the stage ran in';
COMMENT ON COLUMN video_stage_timings.stage IS 'Timing: the stage name ([a-z0-9_]{1,64})';
COMMENT ON COLUMN video_stage_timings.started_at IS 'Timing: wall-clock start of the stage';
COMMENT ON COLUMN video_stage_timings.finished_at IS 'Timing: wall-clock end of the stage';
COMMENT ON COLUMN video_stage_timings.duration_ms IS
    'Timing: duration of the stage in milliseconds, from a monotonic clock';
COMMENT ON COLUMN video_stage_timings.outcome IS 'Timing: ok or failed';
COMMENT ON COLUMN video_stage_timings.error IS 'Timing: the failure message of a failed stage';

CREATE INDEX IF NOT EXISTS idx_video_stage_timings_stage_finished
    ON video_stage_timings (stage, finished_at) INCLUDE (duration_ms, outcome)
    WHERE finished_at IS NOT NULL AND duration_ms IS NOT NULL;
COMMENT ON INDEX idx_video_stage_timings_stage_finished IS
    'Stage latency reads each stage''s finished runs in the window (covering: index-only scans)';

-- Primary keys are indexes too; their names depend on who created the table, so look them up.
DO $$
DECLARE
    pk record;
BEGIN
    FOR pk IN
        SELECT c.conindid::regclass AS idx, c.conrelid::regclass AS tbl
        FROM pg_constraint c
        WHERE c.contype = 'p'
          AND c.conrelid IN ('user_profiles'::regclass, 'videos'::regclass,
                             'search_queries'::regclass, 'video_stage_timings'::regclass)
    LOOP
        EXECUTE format('COMMENT ON INDEX %s IS %L', pk.idx, format('Primary key of %s', pk.tbl));
    END LOOP;
END
$$;
