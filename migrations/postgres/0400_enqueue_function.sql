-- heimdex_enqueue: puts a video on the job queue from any language (psql, the Python API Heimdex
-- replaces), with the rules and effects of the Rust queue's enqueue: a new job, or a finished
-- (done or dead) one revived with a fresh retry budget; a queued or running job is left alone.
-- The video's queued_at and processing_stage are written in the same transaction, and the jobs
-- trigger wakes LISTENing workers (NOTIFY heimdex_jobs). Additive and idempotent.

CREATE OR REPLACE FUNCTION heimdex_enqueue(video_id uuid, source text)
RETURNS text
LANGUAGE plpgsql
AS $$
DECLARE
    owner uuid;
    claimable_at timestamptz;
BEGIN
    IF heimdex_enqueue.source IS NULL OR btrim(heimdex_enqueue.source) = '' THEN
        RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
            MESSAGE = 'heimdex_enqueue: source must name the video''s file or URI';
    END IF;
    SELECT v.owner_id INTO owner FROM videos AS v WHERE v.id = heimdex_enqueue.video_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'no_data_found',
            MESSAGE = format('heimdex_enqueue: no video %s', heimdex_enqueue.video_id);
    END IF;
    INSERT INTO jobs AS j (video_id, source, owner_id)
    VALUES (heimdex_enqueue.video_id, heimdex_enqueue.source, owner)
    ON CONFLICT ON CONSTRAINT jobs_pkey DO UPDATE
    SET state = 'queued', source = EXCLUDED.source, owner_id = EXCLUDED.owner_id, tries = 0,
        lease_token = NULL, lease_expires_at = NULL, worker_id = NULL, last_error = NULL,
        available_at = now(), enqueued_at = now(), finished_at = NULL, updated_at = now()
    WHERE j.state IN ('done', 'dead')
    RETURNING j.available_at INTO claimable_at;
    IF claimable_at IS NULL THEN
        RETURN 'already_active';
    END IF;
    UPDATE videos AS v
    SET queued_at = claimable_at, processing_stage = 'queued', updated_at = now()
    WHERE v.id = heimdex_enqueue.video_id;
    RETURN 'enqueued';
END
$$;

COMMENT ON FUNCTION heimdex_enqueue(uuid, text) IS
    'Queues a video for processing: ''enqueued'', or ''already_active'' when it has a queued or running job';

DO $$
BEGIN
    EXECUTE format('ALTER FUNCTION heimdex_enqueue(uuid, text) SET search_path = %I, pg_temp',
                   current_schema());
END
$$;

-- Nobody but the owner until heimdex_lock_down (run after every migrate) grants it to the
-- operator's roles; heimdex_admin, which only reads metrics, never gets it.
REVOKE ALL ON FUNCTION heimdex_enqueue(uuid, text) FROM PUBLIC;
