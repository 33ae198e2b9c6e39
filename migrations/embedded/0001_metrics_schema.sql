-- The embedded store's schema: contract §1 in SQLite form. Additive and idempotent: every statement
-- is IF NOT EXISTS, so running it twice changes nothing (sqlx runs it once, inside a transaction).
--
-- Encoding (chosen for exact round-trips and cheap ordering; documented in heimdex-adapters
-- src/embedded/rows.rs):
--   * timestamps are INTEGER microseconds since 1970-01-01T00:00:00Z (UTC), PostgreSQL's precision.
--     Read them with e.g. strftime('%Y-%m-%dT%H:%M:%fZ', col / 1e6, 'unixepoch').
--   * uuids are TEXT in lowercase hyphenated form (`3f2c…-…`), as PostgreSQL prints them.
--   * video_status is TEXT restricted by CHECK to PENDING, PROCESSING, READY, FAILED.
-- Tables are STRICT, so a value of the wrong type is refused instead of silently stored.

-- Now, in microseconds, for rows inserted by hand with plain SQL (the store always passes times).
-- SQLite allows no named functions in DDL, so the expression is repeated in each DEFAULT below:
--   CAST(unixepoch('subsec') * 1000000 AS INTEGER)

CREATE TABLE IF NOT EXISTS user_profiles (
    user_id    TEXT    NOT NULL PRIMARY KEY,   -- uuid
    full_name  TEXT    NOT NULL,
    created_at INTEGER NOT NULL DEFAULT (CAST(unixepoch('subsec') * 1000000 AS INTEGER)),
    updated_at INTEGER NOT NULL DEFAULT (CAST(unixepoch('subsec') * 1000000 AS INTEGER))
) STRICT;

CREATE TABLE IF NOT EXISTS videos (
    id                     TEXT    NOT NULL PRIMARY KEY,              -- uuid
    owner_id               TEXT    NOT NULL REFERENCES user_profiles (user_id),
    storage_path           TEXT    NOT NULL,                          -- local path or URI
    filename               TEXT,
    status                 TEXT    NOT NULL DEFAULT 'PENDING'
                           CHECK (status IN ('PENDING', 'PROCESSING', 'READY', 'FAILED')),
    duration_s             REAL,                                      -- media duration (metadata stage)
    frame_rate             REAL,
    width                  INTEGER,
    height                 INTEGER,
    error_message          TEXT CHECK (length(error_message) <= 500), -- set on failure
    created_at             INTEGER NOT NULL DEFAULT (CAST(unixepoch('subsec') * 1000000 AS INTEGER)),
    updated_at             INTEGER NOT NULL DEFAULT (CAST(unixepoch('subsec') * 1000000 AS INTEGER)),
    -- Timing: all nullable, so rows written before timing existed stay valid.
    queued_at              INTEGER,   -- when the job was (last) enqueued
    processing_started_at  INTEGER,   -- when the worker started the current/last attempt
    processing_finished_at INTEGER,   -- when the last attempt ended, success or failure
    processing_duration_ms INTEGER    -- duration of the last attempt, monotonic clock (int4 range)
                           CHECK (processing_duration_ms BETWEEN -2147483648 AND 2147483647),
    processing_stage       TEXT,      -- last stage entered; on failure the stage that failed
    processing_attempt     INTEGER    -- the attempt the timing columns describe (additive column)
) STRICT;

-- Latency, RTF, queue and failure metrics select finished rows by window.
CREATE INDEX IF NOT EXISTS videos_processing_finished_at_idx
    ON videos (processing_finished_at) WHERE processing_finished_at IS NOT NULL;
-- Processing-duration scans (distribution queries).
CREATE INDEX IF NOT EXISTS videos_processing_duration_ms_idx
    ON videos (processing_duration_ms) WHERE processing_duration_ms IS NOT NULL;
-- Failure attribution by stage.
CREATE INDEX IF NOT EXISTS videos_failed_stage_idx
    ON videos (processing_stage) WHERE status = 'FAILED';
-- Per-owner listings and counts.
CREATE INDEX IF NOT EXISTS videos_owner_status_created_idx
    ON videos (owner_id, status, created_at DESC);
-- Throughput (v1 and v2) select finished rows by coalesce(processing_finished_at, updated_at).
CREATE INDEX IF NOT EXISTS videos_completed_at_idx
    ON videos (coalesce(processing_finished_at, updated_at)) WHERE status IN ('READY', 'FAILED');
-- The backfill walks finished rows that lack processing_finished_at.
CREATE INDEX IF NOT EXISTS videos_backfill_idx
    ON videos (id) WHERE processing_finished_at IS NULL AND status IN ('READY', 'FAILED');

CREATE TABLE IF NOT EXISTS search_queries (
    id            TEXT    NOT NULL PRIMARY KEY,                       -- uuid; logging is idempotent on it
    user_id       TEXT    REFERENCES user_profiles (user_id) ON DELETE SET NULL,
    video_id      TEXT,                                               -- uuid, not a foreign key
    query_text    TEXT    NOT NULL,
    results_count INTEGER,
    latency_ms    INTEGER,
    created_at    INTEGER NOT NULL DEFAULT (CAST(unixepoch('subsec') * 1000000 AS INTEGER))
) STRICT;

-- Search series and overview select searches by window.
CREATE INDEX IF NOT EXISTS search_queries_created_at_idx ON search_queries (created_at);
-- Per-user activity: window counts, latest search, the 50 latest searches.
CREATE INDEX IF NOT EXISTS search_queries_user_created_idx
    ON search_queries (user_id, created_at DESC) WHERE user_id IS NOT NULL;

-- One row per stage per attempt (new beyond the origin, additive).
CREATE TABLE IF NOT EXISTS video_stage_timings (
    video_id    TEXT    NOT NULL REFERENCES videos (id) ON DELETE CASCADE,  -- uuid
    attempt     INTEGER NOT NULL CHECK (attempt >= 1),
    stage       TEXT    NOT NULL,                                           -- [a-z0-9_]{1,64}
    started_at  INTEGER NOT NULL,
    finished_at INTEGER,                                                    -- null while running
    duration_ms INTEGER CHECK (duration_ms BETWEEN -2147483648 AND 2147483647),
    outcome     TEXT    CHECK (outcome IN ('ok', 'failed')),                -- null while running
    error       TEXT,
    PRIMARY KEY (video_id, attempt, stage)
) STRICT;

-- Stage latency selects stage runs by window.
CREATE INDEX IF NOT EXISTS video_stage_timings_started_at_idx ON video_stage_timings (started_at);
CREATE INDEX IF NOT EXISTS video_stage_timings_finished_at_idx
    ON video_stage_timings (finished_at) WHERE finished_at IS NOT NULL;
