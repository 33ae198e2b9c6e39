-- The embedded store's job queue: the same rules as PostgreSQL's `jobs`, for one machine.
-- Ids are hyphenated UUID text; every instant is an INTEGER of microseconds since the Unix epoch
-- (exact comparisons, no text-format pitfalls). Idempotent: running it twice changes nothing.

CREATE TABLE IF NOT EXISTS jobs (
    video_id          TEXT PRIMARY KEY NOT NULL,
    -- queued: waiting until available_at; running: leased until lease_expires_at; done; dead
    state             TEXT NOT NULL DEFAULT 'queued'
                      CHECK (state IN ('queued', 'running', 'done', 'dead')),
    -- where the source lives; a job without one is buried as dead when claimed
    source            TEXT,
    owner_id          TEXT,
    -- claims ever made (1-based attempt of the last claim), never reset
    attempt           INTEGER NOT NULL DEFAULT 0,
    -- claims counted against the current retry budget
    tries             INTEGER NOT NULL DEFAULT 0,
    -- token of the current claim; heartbeat, finish and release must show it
    lease_token       TEXT,
    lease_expires_at  INTEGER,
    worker_id         TEXT,
    -- when the job is next claimable (the lease expiry while running)
    available_at      INTEGER NOT NULL,
    -- state and available_at as the last claim found them (a claim sets both)
    claimed_from      TEXT,
    ready_at          INTEGER,
    -- the queued_at last written on the video by enqueue or requeue
    queued_written_at INTEGER,
    -- message of the last failed attempt (the reason, once dead)
    last_error        TEXT,
    enqueued_at       INTEGER NOT NULL,
    finished_at       INTEGER,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
) STRICT;

-- Claim order: oldest claimable first (queued jobs and running jobs whose lease ran out).
CREATE INDEX IF NOT EXISTS jobs_claimable_idx ON jobs (available_at)
    WHERE state IN ('queued', 'running');

-- The dead-letter list an operator reads and re-enqueues from.
CREATE INDEX IF NOT EXISTS jobs_dead_idx ON jobs (finished_at) WHERE state = 'dead';
