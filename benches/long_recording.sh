#!/usr/bin/env bash
# A 60-minute talk: time and peak memory of `heimdex process` (the whole pipeline), of Heimdex's
# transcription alone (media_bench) and of faster-whisper on the same file.
#
#   benches/long_recording.sh                  # MINUTES=60; WORK=/tmp/heimdex-media-bench
#   NO_BUILD=1 MINUTES=20 benches/long_recording.sh
#   NO_PEER=1 benches/long_recording.sh        # Heimdex's side only
#
# Prerequisites: those of benches/media_side_by_side.sh (whose inputs and venv it shares) and
# GNU time (/usr/bin/time, Debian's `time` package). Nothing here runs in CI.
#
# talk.mp4: 640x360 5 fps (testsrc2, x264 `ultrafast`) with an audio track of benches/media/
# speech.txt spoken by espeak-ng (52 s) again and again, with pauses between: 8 s, then 45 s
# (long enough for Heimdex to cut it out), and so on, trimmed to MINUTES. Each side runs once
# (REPS to change), in its own process under /usr/bin/time: wall seconds and peak resident
# memory (the whole process: model, audio, everything).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
REPS=${REPS:-1}
MINUTES=${MINUTES:-60}
EXTRA_TOOLS=/usr/bin/time
source "$ROOT/benches/media/prepare.sh"
TALK=$WORK/talk-${MINUTES}min.mp4
if [[ ! -f $TALK ]]; then
  seconds=$((MINUTES * 60))
  ff -f lavfi -i anullsrc=r=22050:cl=mono:d=8 "$WORK/pause-8.wav"
  ff -f lavfi -i anullsrc=r=22050:cl=mono:d=45 "$WORK/pause-45.wav"
  list=$WORK/talk.txt
  : >"$list"
  for (( i = 0; i * 157 < seconds; i++ )); do
    printf "file '%s'\nfile '%s'\nfile '%s'\nfile '%s'\n" "$WORK/speech.wav" \
      "$WORK/pause-8.wav" "$WORK/speech.wav" "$WORK/pause-45.wav" >>"$list"
  done
  ff -f concat -safe 0 -i "$list" -t "$seconds" "$WORK/talk.wav"
  ff -f lavfi -i "testsrc2=s=640x360:r=5:d=$seconds" -i "$WORK/talk.wav" \
    -c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac -b:a 64k -t "$seconds" "$TALK.tmp.mp4"
  mv "$TALK.tmp.mp4" "$TALK"
fi

# timed LABEL COMMAND…: runs the command under GNU time; prints LABEL, wall s, peak MiB.
timed() {
  local label=$1; shift
  /usr/bin/time -f '%e %M' -o "$WORK/time.txt" "$@" >"$WORK/$label.out" 2>"$WORK/$label.log"
  read -r wall kib <"$WORK/time.txt"
  printf '| %s | %.1f | %.0f |\n' "$label" "$wall" "$((kib / 1024))"
}
process() {
  local db=$WORK/long.db
  rm -f "$db" "$db"-*
  (cd "$ROOT" && env -u DATABASE_URL HEIMDEX_DB_PATH="$db" HEIMDEX_WHISPER_MODEL="$GGML" \
    HEIMDEX_WHISPER_THREADS="$THREADS" "$HEIMDEX" process --json "$TALK")
}
export -f process
export ROOT WORK GGML THREADS HEIMDEX TALK

rm -f "$WORK"/{heimdex_process,heimdex_transcribe,faster_whisper_f32}.out
echo "$TALK: $MINUTES min; $THREADS threads"
echo
echo "| run | wall s | peak MiB |"
echo "|---|---:|---:|"
for (( round = 1; round <= REPS; round++ )); do
  timed heimdex_process bash -c process
  timed heimdex_transcribe "$BENCH" transcribe "$TALK" "$GGML"
  if [[ -z ${NO_PEER:-} ]]; then
    timed faster_whisper_f32 "$PY" "$ROOT/benches/media/peers.py" transcribe "$TALK" "$CT2" float32 "$THREADS"
  fi
done
echo
for label in heimdex_transcribe faster_whisper_f32; do
  [[ -f $WORK/$label.out ]] || continue
  "$PY" -c 'import json,sys; t=json.load(open(sys.argv[1]))["text"]; print(sys.argv[2], len(t.split()), "words")' \
    "$WORK/$label.out" "$label"
done
