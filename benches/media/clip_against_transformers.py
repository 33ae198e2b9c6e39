"""Heimdex's CLIP image vectors next to Hugging Face's CLIPModel on the same weights and pixels.

No package ships a CLIP model, so Heimdex's image embeddings are tested on models with random
weights. This checks that its vision tower (candle's CLIP) reads a CLIPModel checkpoint as
Hugging Face does: the `clip_embed` example writes a model with random weights
(config.json + model.safetensors) and embeds raw RGB images with it; transformers'
FlaxCLIPModel (no torch needed) loads the same folder and computes `get_image_features` on the
same pixels, normalised as CLIP's image processor does. Prints, per shape, the largest
difference between the unit vectors and the smallest cosine. Not part of CI: it needs
`pip install "transformers==4.46.3" "flax==0.8.5" "jax[cpu]==0.4.30"`.

    cargo build --release -p heimdex-adapters --features embeddings --example clip_embed
    python clip_against_transformers.py target/release/examples/clip_embed /tmp/clip-check
"""

import json
import os
import subprocess
import sys

import numpy as np

MEAN = np.array([0.48145466, 0.4578275, 0.40821073], dtype=np.float32)
STD = np.array([0.26862954, 0.26130258, 0.27577711], dtype=np.float32)

# IMAGE PATCH HIDDEN MLP LAYERS HEADS PROJECTION: the tests' tiny shape, and a deeper, wider one.
SHAPES = [
    [32, 8, 32, 64, 2, 2, 16],
    [64, 16, 128, 512, 4, 4, 64],
]


def images(side, count, seed):
    """Random noise, a smooth gradient and a noisy gradient, `count` in all."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(count):
        if i % 3 == 0:
            img = rng.integers(0, 256, (side, side, 3))
        else:
            y, x = np.mgrid[0:side, 0:side] / side
            img = np.stack([255 * x, 255 * y, 255 * (1 - x) * y], axis=-1)
            if i % 3 == 2:
                img = img + rng.normal(0, 20, img.shape)
        out.append(np.clip(img, 0, 255).astype(np.uint8))
    return out


def perturb_and_mark(path, seed):
    """Adds noise to every tensor (candle starts layer norms at weight 1 and bias 0, which would
    hide a mix-up of the two), keeping the `format: pt` metadata transformers requires. Both
    sides then load this file."""
    from safetensors.numpy import load_file, save_file

    rng = np.random.default_rng(seed)
    tensors = {
        name: (t + rng.normal(0, 0.05, t.shape)).astype(t.dtype)
        for name, t in load_file(path).items()
    }
    save_file(tensors, path, metadata={"format": "pt"})


def check(binary, work, shape):
    from transformers import FlaxCLIPModel

    model_dir = os.path.join(work, "model-" + "-".join(map(str, shape)))
    subprocess.run([binary, "random", model_dir, *map(str, shape)], check=True, capture_output=True)
    perturb_and_mark(os.path.join(model_dir, "model.safetensors"), seed=sum(shape))
    side = shape[0]
    pictures = images(side, 6, seed=side)
    files = []
    for i, img in enumerate(pictures):
        path = os.path.join(work, f"image-{side}-{i}.rgb")
        img.tofile(path)
        files.append(path)
    out = subprocess.run([binary, "embed", model_dir, *files], check=True, capture_output=True)
    ours = np.array(json.loads(out.stdout)["vectors"], dtype=np.float64)

    model = FlaxCLIPModel.from_pretrained(model_dir)
    pixels = (np.stack(pictures).astype(np.float32) / 255.0 - MEAN) / STD
    features = np.asarray(model.get_image_features(pixel_values=pixels.transpose(0, 3, 1, 2)))
    theirs = features / np.linalg.norm(features, axis=1, keepdims=True)

    cosine = (ours * theirs).sum(axis=1)
    return {
        "shape": shape,
        "images": len(pictures),
        "max_abs_diff": float(np.abs(ours - theirs).max()),
        "min_cosine": float(cosine.min()),
    }


def main(binary, work):
    from transformers.utils import logging

    # The text tower is not in the file, and transformers lists every weight it initialised.
    logging.set_verbosity_error()
    os.makedirs(work, exist_ok=True)
    for shape in SHAPES:
        print(json.dumps(check(binary, work, shape)))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
