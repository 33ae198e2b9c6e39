#!/usr/bin/env bash
# Side by side on this machine: Heimdex's PostgreSQL job queue + Worker against Dramatiq on the
# local Redis (127.0.0.1:6379, database 15), with the same no-op job and the same concurrency.
# Both are timed from the first job processed to the queue drained (start-up not counted).
#
#   benches/dramatiq_compare.sh            # 20,000 jobs per run
#   JOBS=5000 benches/dramatiq_compare.sh
#
# Needs: the local PostgreSQL (DATABASE_URL or postgres://postgres@127.0.0.1:5432/postgres),
# redis-server on 127.0.0.1:6379, python3 (installs dramatiq[redis] from PyPI when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS="${JOBS:-20000}"

if ! python3 -c 'import dramatiq, redis' 2>/dev/null; then
  echo "installing dramatiq[redis] from PyPI" >&2
  python3 -m pip install --quiet 'dramatiq[redis]'
fi
redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null

echo "== Dramatiq $(python3 -c 'import dramatiq; print(dramatiq.__version__)') on Redis $(redis-cli -h 127.0.0.1 info server | sed -n 's/^redis_version:\(.*\)\r$/\1/p'), ${JOBS} no-op jobs"
# Concurrency 1, 4, 16 as processes x threads (2 processes use both cores).
for pt in "1 1" "1 4" "2 8"; do
  set -- $pt
  python3 benches/dramatiq/bench.py --jobs "$JOBS" --processes "$1" --threads "$2"
done

echo "== Heimdex (PostgreSQL queue + Worker), ${JOBS} no-op jobs"
cargo bench -q -p heimdex-benches --bench queue -- --jobs "$JOBS"
