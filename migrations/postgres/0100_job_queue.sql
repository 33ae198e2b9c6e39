-- The durable job queue: one row per video (a video has at most one live job).
-- Additive and idempotent: running it twice changes nothing.

CREATE TABLE IF NOT EXISTS jobs (
    video_id         uuid PRIMARY KEY,
    state            text NOT NULL DEFAULT 'queued'
                     CHECK (state IN ('queued', 'running', 'done', 'dead')),
    source           text,
    owner_id         uuid,
    attempt          integer NOT NULL DEFAULT 0,
    tries            integer NOT NULL DEFAULT 0,
    lease_token      uuid,
    lease_expires_at timestamptz,
    worker_id        text,
    available_at     timestamptz NOT NULL DEFAULT now(),
    last_error       text,
    enqueued_at      timestamptz NOT NULL DEFAULT now(),
    finished_at      timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE jobs IS
    'Processing jobs, one per video: queued -> running -> done | queued (retry) | dead';
COMMENT ON COLUMN jobs.state IS
    'queued: waiting until available_at; running: leased until lease_expires_at; done; dead: retries used up';
COMMENT ON COLUMN jobs.source IS 'Where the source lives (local path or URI); a job without one is buried as dead';
COMMENT ON COLUMN jobs.attempt IS 'Claims ever made (1-based attempt of the last claim); never reset, so stage timings of every attempt stay apart';
COMMENT ON COLUMN jobs.tries IS 'Claims counted against the current retry budget; reset by enqueue of a finished job and by requeue of a dead one';
COMMENT ON COLUMN jobs.lease_token IS 'Token of the current claim; heartbeat, finish and release must show it';
COMMENT ON COLUMN jobs.lease_expires_at IS 'While running: when the job becomes claimable again unless heartbeated';
COMMENT ON COLUMN jobs.available_at IS 'When the job is next claimable: enqueue time, retry time, or lease expiry while running';
COMMENT ON COLUMN jobs.last_error IS 'Message of the last failed attempt (the reason, once dead)';
COMMENT ON COLUMN jobs.enqueued_at IS 'When the job was last put on the queue by enqueue or requeue';
COMMENT ON COLUMN jobs.finished_at IS 'When the job became done or dead';

-- Claiming walks this index in available_at order (queued jobs and running jobs whose lease ran out).
CREATE INDEX IF NOT EXISTS jobs_claimable_idx ON jobs (available_at)
    WHERE state IN ('queued', 'running');
COMMENT ON INDEX jobs_claimable_idx IS 'Claim order: oldest claimable first (FOR UPDATE SKIP LOCKED)';

CREATE INDEX IF NOT EXISTS jobs_dead_idx ON jobs (finished_at) WHERE state = 'dead';
COMMENT ON INDEX jobs_dead_idx IS 'The dead-letter list an operator reads and re-enqueues from';

-- Wakes idle workers (LISTEN heimdex_jobs) when a job becomes claimable now. Notifications are
-- sent at commit and identical ones in one transaction are merged, so a batch wakes workers once.
CREATE OR REPLACE FUNCTION heimdex_jobs_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('heimdex_jobs', '');
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION heimdex_jobs_notify() IS 'NOTIFY heimdex_jobs when a job becomes claimable';

DROP TRIGGER IF EXISTS jobs_notify ON jobs;
CREATE TRIGGER jobs_notify
    AFTER INSERT OR UPDATE OF state, available_at ON jobs
    FOR EACH ROW
    WHEN (NEW.state = 'queued' AND NEW.available_at <= now())
    EXECUTE FUNCTION heimdex_jobs_notify();
COMMENT ON TRIGGER jobs_notify ON jobs IS 'Wakes LISTENing workers on enqueue, release and requeue';
