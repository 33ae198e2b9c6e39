-- The perceptual hash (64-bit DCT hash) of a scene's best keyframe (keyframes[0]). BIGINT keeps
-- the 64 bits as a signed number; the API shows them as 16 hex digits.
ALTER TABLE video_scenes ADD COLUMN IF NOT EXISTS perceptual_hash BIGINT;

COMMENT ON COLUMN video_scenes.perceptual_hash IS 'Perceptual hash (64-bit DCT hash) of the scene''s best keyframe (keyframes[0]), its bits as a signed integer.';
