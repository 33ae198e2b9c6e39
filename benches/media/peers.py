"""The Python peers of benches/media_side_by_side.sh, timed one call at a time.

Each command prints one JSON line, like Heimdex's `media_bench` example:

    peers.py decode FILE                      OpenCV's decode loop (what PySceneDetect reads with)
    peers.py scenes FILE                      PySceneDetect ContentDetector, default downscale
    peers.py transcribe FILE MODEL_DIR TYPE   faster-whisper, CPU, compute type TYPE, beam 5

`seconds` is the wall time of the call alone (imports and interpreter start-up not included;
for `transcribe` it includes loading the model, which `load_s` times on its own).
"""

import json
import sys
import time


def decode(path):
    import cv2

    start = time.perf_counter()
    cap = cv2.VideoCapture(path)
    frames = 0
    while cap.grab():
        # retrieve() converts to BGR, as PySceneDetect's OpenCV backend does for every frame.
        ok, _ = cap.retrieve()
        frames += ok
    cap.release()
    return {"frames": frames, "seconds": time.perf_counter() - start}


def scenes(path):
    from scenedetect import ContentDetector, SceneManager, open_video
    from scenedetect.scene_manager import compute_downscale_factor

    start = time.perf_counter()
    video = open_video(path, backend="opencv")
    manager = SceneManager()  # auto_downscale: frames scaled to about 256 px wide
    manager.add_detector(ContentDetector())  # threshold 27, min_scene_len 15 frames
    frames = manager.detect_scenes(video)
    found = manager.get_scene_list()
    seconds = time.perf_counter() - start
    cuts = [float(begin.seconds) for begin, _ in found[1:]]
    width, height = video.frame_size
    factor = compute_downscale_factor(max(width, height))  # what auto_downscale used
    return {
        "frames": frames,
        "cuts": cuts,
        "seconds": seconds,
        "scored_at": [int(width / factor), int(height / factor)],
    }


def transcribe(path, model_dir, compute_type, threads):
    from faster_whisper import WhisperModel

    start = time.perf_counter()
    model = WhisperModel(
        model_dir, device="cpu", compute_type=compute_type, cpu_threads=threads
    )
    load_s = time.perf_counter() - start
    segments, _ = model.transcribe(path, beam_size=5, language="en")
    text = "".join(s.text for s in segments)  # the generator does the work
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "load_s": load_s,
        "beam_size": 5,
        "compute_type": compute_type,
        "threads": threads,
        "text": text.strip(),
    }


def main(argv):
    what = argv[1] if len(argv) > 1 else ""
    if what == "decode" and len(argv) == 3:
        out = decode(argv[2])
    elif what == "scenes" and len(argv) == 3:
        out = scenes(argv[2])
    elif what == "transcribe" and len(argv) in (5, 6):
        threads = int(argv[5]) if len(argv) == 6 else 2
        out = transcribe(argv[2], argv[3], argv[4], threads)
    else:
        sys.exit(__doc__)
    out["what"] = what
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv)
