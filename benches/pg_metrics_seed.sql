-- Seed for benches/pg_metrics.sh: :videos videos over 365 days (default 1,000,000), 1,000 users,
-- one search per two videos, and a stage history (4 stages) for every attempt that ran.
-- Deterministic (setseed), so two runs measure the same rows.
--
-- Mix: 85% READY, 8% FAILED, 4% PENDING, 3% PROCESSING. Media 20 s .. ~2 h (2% unknown, 1% zero).
-- Queue wait 0 .. 10 min; processing = RTF 0.1 .. 2.1 x media; failures at a random stage.

\set ON_ERROR_STOP on
SELECT setseed(0.42);

INSERT INTO user_profiles (user_id, full_name, created_at, updated_at)
SELECT ('00000000-0000-4000-8000-' || lpad(to_hex(u), 12, '0'))::uuid, 'user ' || u,
       now() - interval '400 days', now() - interval '400 days'
FROM generate_series(1, 1000) AS u;

CREATE TEMP TABLE seed AS
SELECT i,
       r_status, r_dur, r_queue, r_rtf, r_stage,
       now() - make_interval(secs => r_age * 365 * 86400) AS created
FROM (
    SELECT i, random() AS r_status, random() AS r_dur, random() AS r_queue, random() AS r_rtf,
           random() AS r_stage, random() AS r_age
    FROM generate_series(1, :videos) AS i
) AS r;

INSERT INTO videos (id, owner_id, storage_path, filename, status, duration_s, created_at, updated_at,
                    queued_at, processing_started_at, processing_finished_at, processing_duration_ms,
                    processing_stage, processing_attempt, error_message)
SELECT id, owner, 'bench/' || i || '.mp4', i || '.mp4', status, duration_s, created,
       coalesce(finished, started, created), queued, started, finished,
       CASE WHEN finished IS NOT NULL THEN (extract(epoch FROM finished - started) * 1000)::int END,
       stage, CASE WHEN started IS NOT NULL THEN 1 END,
       CASE WHEN status = 'FAILED' THEN 'bench failure at ' || stage END
FROM (
    SELECT i, created, status, duration_s, queued, started,
           gen_random_uuid() AS id,
           ('00000000-0000-4000-8000-' || lpad(to_hex(1 + i % 1000), 12, '0'))::uuid AS owner,
           CASE WHEN status IN ('READY', 'FAILED')
                THEN started + make_interval(secs => coalesce(nullif(duration_s, 0), 60) * (0.1 + 2 * r_rtf)
                                                     * CASE WHEN status = 'FAILED' THEN r_stage ELSE 1 END)
           END AS finished,
           CASE WHEN status = 'READY' THEN 'completed'
                WHEN status = 'FAILED' THEN (ARRAY['downloading', 'metadata', 'scene_detection', 'transcription',
                                                   'scene_processing', 'indexing'])[1 + floor(r_stage * 6)::int]
                WHEN status = 'PROCESSING' THEN 'transcription'
           END AS stage
    FROM (
        SELECT s.*,
               CASE WHEN r_status < 0.85 THEN 'READY' WHEN r_status < 0.93 THEN 'FAILED'
                    WHEN r_status < 0.97 THEN 'PENDING' ELSE 'PROCESSING' END::video_status AS status,
               CASE WHEN r_dur < 0.02 THEN NULL WHEN r_dur < 0.03 THEN 0
                    ELSE 20 + 7200 * power(r_dur, 3) END AS duration_s,
               created + interval '1 second' AS queued,
               CASE WHEN r_status < 0.97 AND r_status >= 0.93 THEN NULL
                    ELSE created + interval '1 second' + make_interval(secs => 600 * r_queue) END AS started
        FROM seed AS s
    ) AS v
) AS w;

INSERT INTO video_stage_timings (video_id, attempt, stage, started_at, finished_at, duration_ms, outcome)
SELECT v.id, 1, st.stage,
       v.processing_started_at + (v.processing_finished_at - v.processing_started_at) * st.lo,
       v.processing_started_at + (v.processing_finished_at - v.processing_started_at) * st.hi,
       (v.processing_duration_ms * (st.hi - st.lo))::int,
       CASE WHEN v.status = 'FAILED' AND st.stage = 'transcription' THEN 'failed' ELSE 'ok' END
FROM videos AS v
CROSS JOIN (VALUES ('downloading', 0.0, 0.05), ('transcription', 0.05, 0.6),
                   ('scene_processing', 0.6, 0.9), ('indexing', 0.9, 1.0)) AS st(stage, lo, hi)
WHERE v.processing_finished_at IS NOT NULL;

INSERT INTO search_queries (user_id, query_text, results_count, latency_ms, created_at)
SELECT CASE WHEN random() < 0.05 THEN NULL
            ELSE ('00000000-0000-4000-8000-' || lpad(to_hex(1 + (random() * 999)::int), 12, '0'))::uuid END,
       'query ' || i, (random() * 20)::int,
       CASE WHEN random() < 0.01 THEN NULL ELSE (20 + 500 * random())::int END,
       now() - make_interval(secs => random() * 365 * 86400)
FROM generate_series(1, :videos / 2) AS i;

VACUUM ANALYZE;
