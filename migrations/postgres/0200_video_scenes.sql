-- The scenes a video was cut into (the indexing stage's output). A re-run replaces a video's
-- scenes in one transaction, so (video_id, scene_index) never repeats.
CREATE TABLE IF NOT EXISTS video_scenes (
    video_id    uuid             NOT NULL REFERENCES videos (id) ON DELETE CASCADE,
    scene_index integer          NOT NULL CHECK (scene_index >= 0),
    start_s     double precision NOT NULL CHECK (start_s >= 0),
    end_s       double precision NOT NULL,
    transcript  text             NOT NULL DEFAULT '',
    keyframes   text[]           NOT NULL DEFAULT '{}',
    quality     double precision,
    embedding   real[],
    PRIMARY KEY (video_id, scene_index),
    CHECK (end_s >= start_s)
);

COMMENT ON TABLE video_scenes IS 'Scenes of a video as indexed by the pipeline; replaced as a whole on every run.';
COMMENT ON COLUMN video_scenes.scene_index IS '0-based position of the scene in the video.';
COMMENT ON COLUMN video_scenes.start_s IS 'Scene start, seconds from the beginning of the video.';
COMMENT ON COLUMN video_scenes.end_s IS 'Scene end, seconds from the beginning of the video (>= start_s).';
COMMENT ON COLUMN video_scenes.transcript IS 'What is said during the scene (empty when nothing is).';
COMMENT ON COLUMN video_scenes.keyframes IS 'Paths of the keyframe images written for the scene.';
COMMENT ON COLUMN video_scenes.quality IS 'Frame quality score (brightness and sharpness), when computed.';
COMMENT ON COLUMN video_scenes.embedding IS 'Text embedding of the transcript (e.g. 384-d all-MiniLM-L6-v2), when computed.';
