"""The Python peer of benches/worker_pool.sh: a process pool that does what the Python service's
workers did per video, PySceneDetect's ContentDetector and faster-whisper (beam 5), with the
Whisper model loaded once per process.

    pool_peer.py PROCESSES MODEL_DIR COMPUTE_TYPE FILE...

Each process gets max(1, cores // PROCESSES) CTranslate2 threads (the rule Heimdex's worker uses
for its Whisper runs). Prints one JSON line: the wall time from the pool's start (processes,
imports and model loads included) to the last video's end, and per video its cuts and words.
"""

import json
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor

_model = None


def _load(model_dir, compute_type, threads):
    global _model
    from faster_whisper import WhisperModel

    _model = WhisperModel(
        model_dir, device="cpu", compute_type=compute_type, cpu_threads=threads
    )


def _one(path):
    from scenedetect import ContentDetector, SceneManager, open_video

    start = time.perf_counter()
    manager = SceneManager()
    manager.add_detector(ContentDetector())
    manager.detect_scenes(open_video(path, backend="opencv"))
    cuts = len(manager.get_scene_list()) - 1
    segments, _ = _model.transcribe(path, beam_size=5, language="en")
    words = sum(len(s.text.split()) for s in segments)
    return {"file": path, "cuts": cuts, "words": words, "seconds": time.perf_counter() - start}


def main(argv):
    if len(argv) < 5:
        sys.exit(__doc__)
    processes, model_dir, compute_type, files = int(argv[1]), argv[2], argv[3], argv[4:]
    threads = max(1, (os.cpu_count() or 1) // processes)
    start = time.perf_counter()
    with ProcessPoolExecutor(
        processes, initializer=_load, initargs=(model_dir, compute_type, threads)
    ) as pool:
        videos = list(pool.map(_one, files))
    wall_s = time.perf_counter() - start
    print(
        json.dumps(
            {"processes": processes, "threads": threads, "wall_s": wall_s, "videos": videos}
        )
    )


if __name__ == "__main__":
    main(sys.argv)
