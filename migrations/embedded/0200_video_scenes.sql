-- The scenes a video was cut into (the indexing stage's output). A re-run replaces a video's
-- scenes in one transaction, so (video_id, scene_index) never repeats.
CREATE TABLE IF NOT EXISTS video_scenes (
    video_id    TEXT    NOT NULL REFERENCES videos (id) ON DELETE CASCADE,  -- uuid
    scene_index INTEGER NOT NULL CHECK (scene_index >= 0),
    start_s     REAL    NOT NULL CHECK (start_s >= 0),
    end_s       REAL    NOT NULL,
    transcript  TEXT    NOT NULL DEFAULT '',
    keyframes   TEXT    NOT NULL DEFAULT '[]',                              -- JSON array of paths
    quality     REAL,
    embedding   BLOB,                                                       -- f32 little-endian
    PRIMARY KEY (video_id, scene_index),
    CHECK (end_s >= start_s)
);
