-- The image embedding of a scene's best keyframe (keyframes[0]) from a CLIP-style model, when one
-- is configured (HEIMDEX_CLIP_MODEL); stored like the text embedding: f32 little-endian.
ALTER TABLE video_scenes ADD COLUMN image_embedding BLOB;
