-- Stage runs stopped from outside (a worker's shutdown, a lost lease) are recorded with the
-- outcome 'cancelled': no failure, shown apart in per-stage latency. SQLite cannot change a
-- check, so the table is rebuilt with the same columns, rows and indexes.
CREATE TABLE video_stage_timings_cancelled (
    video_id    TEXT    NOT NULL REFERENCES videos (id) ON DELETE CASCADE,  -- uuid
    attempt     INTEGER NOT NULL CHECK (attempt >= 1),
    stage       TEXT    NOT NULL,                                           -- [a-z0-9_]{1,64}
    started_at  INTEGER NOT NULL,
    finished_at INTEGER,                                                    -- null while running
    duration_ms INTEGER CHECK (duration_ms BETWEEN -2147483648 AND 2147483647),
    outcome     TEXT    CHECK (outcome IN ('ok', 'failed', 'cancelled')),   -- null while running
    error       TEXT,
    PRIMARY KEY (video_id, attempt, stage)
) STRICT;
INSERT INTO video_stage_timings_cancelled SELECT * FROM video_stage_timings;
DROP TABLE video_stage_timings;
ALTER TABLE video_stage_timings_cancelled RENAME TO video_stage_timings;

CREATE INDEX IF NOT EXISTS video_stage_timings_started_at_idx ON video_stage_timings (started_at);
CREATE INDEX IF NOT EXISTS video_stage_timings_finished_at_idx
    ON video_stage_timings (finished_at) WHERE finished_at IS NOT NULL;
