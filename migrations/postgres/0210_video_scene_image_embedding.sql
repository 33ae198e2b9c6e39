-- The image embedding of a scene's best keyframe (keyframes[0]) from a CLIP-style model, when one
-- is configured (HEIMDEX_CLIP_MODEL); stored like the text embedding.
ALTER TABLE video_scenes ADD COLUMN IF NOT EXISTS image_embedding real[];

COMMENT ON COLUMN video_scenes.image_embedding IS 'Image embedding of the scene''s best keyframe (keyframes[0]) from a CLIP-style model, when one is configured.';
