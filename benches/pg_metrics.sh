#!/usr/bin/env bash
# Times every PostgreSQL metric function at 1M videos over 365 days (issue 3's speed check).
#
#   benches/pg_metrics.sh [VIDEOS]        # default 1000000
#   REUSE=1 benches/pg_metrics.sh         # time again on the database a previous run seeded
#
# Uses DATABASE_URL's server (default postgres://postgres@127.0.0.1:5432/postgres); creates,
# seeds and leaves the database heimdex_bench_metrics (drop it when done). Applies the migrations
# of migrations/postgres with psql (they are plain SQL, each in one transaction), seeds with
# benches/pg_metrics_seed.sql, then runs EXPLAIN (ANALYZE) on each function for 1, 30 and 365
# days: three warm runs each, the median Execution Time reported as a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
VIDEOS=${1:-1000000}
SERVER=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}
BASE=${SERVER%%\?*}
BASE=${BASE%/*}
DB=heimdex_bench_metrics
URL="$BASE/$DB"

if [ -z "${REUSE:-}" ]; then
    psql -X -q -d "$SERVER" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
    for f in migrations/postgres/*.sql; do
        psql -X -q -v ON_ERROR_STOP=1 -1 -d "$URL" -f "$f" >/dev/null 2>&1
    done
    echo "seeding $VIDEOS videos..." >&2
    start=$(date +%s)
    psql -X -q -v ON_ERROR_STOP=1 -v videos="$VIDEOS" -d "$URL" -f benches/pg_metrics_seed.sql >/dev/null
    echo "seeded in $(( $(date +%s) - start )) s" >&2
fi
psql -X -At -d "$URL" -c "SELECT 'rows: ' || (SELECT count(*) FROM videos) || ' videos, '
    || (SELECT count(*) FROM video_stage_timings) || ' stage runs, '
    || (SELECT count(*) FROM search_queries) || ' searches'" >&2

# Median of three EXPLAIN ANALYZE execution times (ms) of one call, after one warm-up run.
time_call() {
    local sql=$1 times=()
    psql -X -q -d "$URL" -c "$sql" >/dev/null
    for _ in 1 2 3; do
        times+=("$(psql -X -At -d "$URL" -c "EXPLAIN (ANALYZE, FORMAT JSON) $sql" \
            | python3 -c 'import json,sys; print("%.1f" % json.load(sys.stdin)[0]["Execution Time"])')")
    done
    printf '%s\n' "${times[@]}" | sort -n | sed -n 2p
}

echo "| function | 1d (ms) | 30d (ms) | 365d (ms) |"
echo "|---|---:|---:|---:|"
for fn in get_admin_processing_latency get_admin_rtf_distribution get_admin_queue_analysis \
          get_admin_failures_by_stage get_admin_throughput_timeseries_v2 get_admin_stage_latency_v2 \
          get_throughput_timeseries get_search_timeseries; do
    row="| \`$fn\` |"
    for days in 1 30 365; do
        row="$row $(time_call "SELECT * FROM $fn($days)") |"
    done
    echo "$row"
done
row="| \`get_admin_users_list\` (page of 50) |"
for days in 1 30 365; do
    row="$row $(time_call "SELECT * FROM get_admin_users_list($days, 50, 0, 'last_activity')") |"
done
echo "$row"
echo "| \`get_admin_overview_metrics\` (all time) | | | $(time_call "SELECT * FROM get_admin_overview_metrics()") |"
