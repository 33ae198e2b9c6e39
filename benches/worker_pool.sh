#!/usr/bin/env bash
# A worker pool side by side with the Python peer's: the same videos through `heimdex worker
# --concurrency C` on PostgreSQL, and through PySceneDetect + faster-whisper in a Python process
# pool of C processes (benches/media/pool_peer.py, the Whisper model loaded once per process).
#
#   benches/worker_pool.sh                       # VIDEOS=8 copies of the media bench's speech.mp4
#   CONCURRENCY="1 2" REPS=2 NO_BUILD=1 benches/worker_pool.sh
#
# Prerequisites: those of benches/media_side_by_side.sh (whose inputs and venv it shares), and a
# PostgreSQL that PG_URL (default postgres://postgres@127.0.0.1:5432) reaches as a role that may
# create databases: each Heimdex run gets a fresh database, heimdex_pool_bench, dropped at the
# end. Nothing here runs in CI.
#
# Heimdex's time runs from the worker's start (the videos already queued; model loads included)
# to the last video's `processing_finished_at`; the peer's from the pool's start (processes,
# imports, model loads included) to its last video's end. Heimdex runs the whole pipeline
# (metadata, scenes, transcription, keyframes, embeddings, indexing into PostgreSQL); the peer
# runs scene detection and transcription only. Rounds alternate which side goes first.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
REPS=${REPS:-1}
VIDEOS=${VIDEOS:-8}
CONCURRENCY=${CONCURRENCY:-1 2 4}
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432}
DB=heimdex_pool_bench
EXTRA_TOOLS=psql
source "$ROOT/benches/media/prepare.sh"
mkdir -p "$WORK/pool"
FILES=()
for (( i = 1; i <= VIDEOS; i++ )); do
  ln -f "$SPEECH" "$WORK/pool/video-$i.mp4"
  FILES+=("$WORK/pool/video-$i.mp4")
done

ADMIN=$PG_URL/postgres
BENCH_URL=$PG_URL/$DB
WORKER=""
cleanup() {
  if [[ -n $WORKER ]]; then kill -TERM "$WORKER" 2>/dev/null || true; wait "$WORKER" || true; fi
  psql -qX "$ADMIN" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
}
trap cleanup EXIT
finished() {
  psql -tAqX "$BENCH_URL" -c "SELECT count(*) FROM videos WHERE status IN ('READY', 'FAILED')"
}
# The moment the last video finished, from the database (epoch seconds).
last_finished() {
  psql -tAqX "$BENCH_URL" -c "SELECT extract(epoch FROM max(processing_finished_at)) FROM videos"
}

RESULTS=$WORK/pool.jsonl
: >"$RESULTS"
# heimdex C: the pool of C through one worker; appends its line.
heimdex() {
  local c=$1 start end failed
  psql -qX "$ADMIN" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB" >/dev/null
  (cd "$ROOT" && DATABASE_URL=$BENCH_URL "$HEIMDEX" migrate >/dev/null 2>&1)
  (cd "$ROOT" && DATABASE_URL=$BENCH_URL "$HEIMDEX" enqueue "${FILES[@]}" >/dev/null 2>&1)
  start=$(date +%s.%N)
  (cd "$ROOT" && exec env DATABASE_URL="$BENCH_URL" HEIMDEX_WHISPER_MODEL="$GGML" \
    "$HEIMDEX" worker --concurrency "$c" --poll-interval 200ms \
    >"$WORK/pool-worker.json" 2>"$WORK/pool-worker.log") &
  WORKER=$!
  # Looking once every 2 s: a psql process every 100 ms slowed the worker's Whisper runs by a
  # third. The end is the last video's finish time as the database recorded it.
  until [[ $(finished) == "$VIDEOS" ]]; do sleep 2; done
  end=$(last_finished)
  kill -TERM "$WORKER"; wait "$WORKER" || true; WORKER=""
  failed=$(psql -tAqX "$BENCH_URL" -c "SELECT count(*) FROM videos WHERE status = 'FAILED'")
  printf '{"side":"heimdex","concurrency":%d,"round":%d,"wall_s":%s,"failed":%d}\n' \
    "$c" "$ROUND" "$(awk "BEGIN{print $end - $start}")" "$failed" >>"$RESULTS"
}
# peer C: the Python pool of C processes; appends its line.
peer() {
  local c=$1 out
  out=$("$PY" "$ROOT/benches/media/pool_peer.py" "$c" "$CT2" float32 "${FILES[@]}")
  "$PY" -c 'import json,sys; o=json.loads(sys.argv[1]); print(json.dumps({"side":"peer",
"concurrency":o["processes"],"round":int(sys.argv[2]),"wall_s":o["wall_s"],"failed":0}))' \
    "$out" "$ROUND" >>"$RESULTS"
}

for (( ROUND = 1; ROUND <= REPS; ROUND++ )); do
  for c in $CONCURRENCY; do
    if (( ROUND % 2 )); then sides=(heimdex peer); else sides=(peer heimdex); fi
    for side in "${sides[@]}"; do
      echo "  round $ROUND $side, concurrency $c" >&2
      "$side" "$c"
    done
  done
done

"$PY" "$ROOT/benches/media/pool_report.py" "$RESULTS" "$VIDEOS"
