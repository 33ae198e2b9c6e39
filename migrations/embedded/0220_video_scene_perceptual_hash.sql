-- The perceptual hash (64-bit DCT hash) of a scene's best keyframe (keyframes[0]), its 64 bits
-- as a signed INTEGER.
ALTER TABLE video_scenes ADD COLUMN perceptual_hash INTEGER;
