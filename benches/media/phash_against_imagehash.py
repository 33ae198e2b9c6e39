"""Heimdex's perceptual hashes next to Python's imagehash.phash on the same keyframes.

Reads the JSON of `heimdex process --json` (one file or several) and, for every scene, hashes
its best keyframe (keyframes[0], the JPEG Heimdex wrote) with imagehash.phash and prints both
hashes and how many bits they differ in. Not part of CI: it needs `pip install imagehash`.

    heimdex process --json clip.mp4 > out.json
    python phash_against_imagehash.py out.json

Heimdex hashes the decoded frame's full-range luma, shrunk to 32x32 by averaging; imagehash
hashes the JPEG, converted to gray by Pillow and shrunk with Lanczos. Natural pictures come out
equal or a few bits apart; pictures symmetric about their centre lines (stripes, bars) can be far
apart on both sides, because many of their DCT coefficients are close to zero.
"""

import json
import sys

import imagehash
from PIL import Image


def main(path):
    results = json.load(open(path))
    if isinstance(results, dict):
        results = [results]
    for result in results:
        for scene in result["scenes"]:
            if not scene["keyframes"] or scene["perceptual_hash"] is None:
                continue
            ours = imagehash.hex_to_hash(scene["perceptual_hash"])
            theirs = imagehash.phash(Image.open(scene["keyframes"][0]))
            print(
                f"{result['file']} scene {scene['index']}: heimdex {ours} imagehash {theirs}"
                f" differ in {ours - theirs} bits"
            )


if __name__ == "__main__":
    main(sys.argv[1])
