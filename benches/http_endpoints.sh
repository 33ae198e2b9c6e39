#!/usr/bin/env bash
# Admin API over HTTP (issue 4's speed check): every admin endpoint's latency and throughput under
# wrk on loopback, next to the same SQL's own latency, at 1,000,000 videos in PostgreSQL.
#
#   benches/http_endpoints.sh
#   DURATION=5s RANGES=30d ENDPOINTS="latency users" benches/http_endpoints.sh   # a quick look
#
# Needs: PostgreSQL reachable at DATABASE_URL's server (a role that can create databases), psql,
# pgbench, wrk (Debian package `wrk`, built with LuaJIT), python3 (a free port), curl, and
# target/release/heimdex (built with `cargo build --release -p heimdex-server` when missing).
#
# What it does: creates the database $DB unless it exists, runs `heimdex migrate`, seeds it with
# benches/pg_metrics_seed.sql unless it already holds exactly $VIDEOS videos (the first run: 2-5
# minutes; later runs reuse it; drop it when done), starts `heimdex serve` on a free loopback port
# with a throw-away JWT secret, mints a token with `heimdex token`, then for each case (endpoint and
# range), back to back so both sides see the same machine load:
#   1. REPEAT times, alternating:
#      a. wrk, 1 connection:        HTTP p50/p99 and requests/s of one client
#      b. pgbench, 1 client:        the same SQL the store sends (the same function call with the
#                                   window as a bind parameter, prepared, over TCP loopback): its
#                                   p50/p99 from pgbench's per-transaction log, and transactions/s
#      each figure is then the median over the REPEAT runs;
#   2. wrk, $CONNECTIONS connections, $THREADS threads: p50/p99 and requests/s under load;
#   3. pgbench, $CONNECTIONS clients: transactions/s of the SQL alone under the same load;
# and prints a Markdown table. Server overhead = HTTP p50 - SQL p50, both at one connection: what
# the server adds (HTTP parsing and round trip, routing, the JWT check, pool checkout, decoding
# rows, JSON). Every case is first called once with curl: it must answer 200 (that call also warms
# the caches). After each wrk run it waits for PostgreSQL to finish the queries of the requests wrk
# abandoned when it stopped. Takes about (2 x REPEAT + 2) x DURATION per case: 20 cases with the
# defaults, about 27 minutes after seeding.
#
# Knobs (environment):
#   DATABASE_URL  server to use; only its base is kept  [postgres://postgres@127.0.0.1:5432/postgres]
#   DB            database created and reused            [heimdex_http_bench]
#   VIDEOS        videos to seed (the seed's argument)   [1000000]
#   RESEED        1: drop and seed $DB again             [unset]
#   DURATION      each wrk/pgbench run (wrk syntax: 10s, 1m) [10s]
#   CONNECTIONS   wrk connections / pgbench clients under load [8]
#   THREADS       wrk threads / pgbench threads under load     [2]
#   RANGES        windows of the ranged endpoints        ["30d 365d"]
#   ENDPOINTS     which cases to run                     ["healthz overview latency rtf queue failures
#                                                          throughput-v2 stages throughput search
#                                                          users user"]
#   REPEAT        alternations of step 1                 [3]
#   LOAD          0: skip steps 2 and 3                  [1]
#   HEIMDEX       the binary                             [target/release/heimdex]
#   RUST_LOG      the server's log filter (the log goes to a temporary file) [info]
set -euo pipefail
cd "$(dirname "$0")/.."
SERVER=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}
BASE=${SERVER%%\?*}
BASE=${BASE%/*}
DB=${DB:-heimdex_http_bench}
URL="$BASE/$DB"
VIDEOS=${VIDEOS:-1000000}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-8}
THREADS=${THREADS:-2}
RANGES=${RANGES:-30d 365d}
ENDPOINTS=${ENDPOINTS:-healthz overview latency rtf queue failures throughput-v2 stages throughput search users user}
LOAD=${LOAD:-1}
REPEAT=${REPEAT:-3}
HEIMDEX=${HEIMDEX:-target/release/heimdex}
export RUST_LOG=${RUST_LOG:-info}
ADMIN=00000000-0000-4000-8000-00000000beef
USER_ID=00000000-0000-4000-8000-000000000001   # a seeded user: 1,000 videos, about 500 searches
LUA="$PWD/benches/http/report.lua"

# DURATION in whole seconds, for pgbench -T.
case $DURATION in
    *m) SECONDS_EACH=$(( ${DURATION%m} * 60 )) ;;
    *s) SECONDS_EACH=${DURATION%s} ;;
    *) SECONDS_EACH=$DURATION ;;
esac

for tool in psql pgbench wrk python3 curl; do
    command -v "$tool" >/dev/null || { echo "missing: $tool" >&2; exit 1; }
done
if [ ! -x "$HEIMDEX" ]; then
    echo "building $HEIMDEX..." >&2
    cargo build --release -p heimdex-server >&2
fi

WORK=$(mktemp -d)
SERVER_PID=
cleanup() {
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

# --- the database -------------------------------------------------------------------------------
if [ -n "${RESEED:-}" ]; then
    psql -X -q -d "$SERVER" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)"
fi
if [ -z "$(psql -X -At -d "$SERVER" -c "SELECT 1 FROM pg_database WHERE datname = '$DB'")" ]; then
    psql -X -q -d "$SERVER" -c "CREATE DATABASE $DB"
fi
DATABASE_URL=$URL "$HEIMDEX" migrate >&2 2>"$WORK/migrate.log" || { cat "$WORK/migrate.log" >&2; exit 1; }
have=$(psql -X -At -d "$URL" -c "SELECT count(*) FROM videos")
if [ "$have" != "$VIDEOS" ]; then
    if [ "$have" != 0 ]; then
        echo "$DB holds $have videos, not $VIDEOS: reseeding" >&2
        psql -X -q -d "$SERVER" -c "DROP DATABASE $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
        DATABASE_URL=$URL "$HEIMDEX" migrate >/dev/null 2>"$WORK/migrate.log"
    fi
    echo "seeding $VIDEOS videos into $DB..." >&2
    start=$(date +%s)
    psql -X -q -v ON_ERROR_STOP=1 -v videos="$VIDEOS" -d "$URL" -f benches/pg_metrics_seed.sql >/dev/null
    echo "seeded in $(( $(date +%s) - start )) s" >&2
fi
psql -X -At -d "$URL" -c "SELECT 'rows: ' || (SELECT count(*) FROM videos) || ' videos, '
    || (SELECT count(*) FROM video_stage_timings) || ' stage runs, '
    || (SELECT count(*) FROM search_queries) || ' searches'" >&2

# --- the server ---------------------------------------------------------------------------------
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
HEIMDEX_JWT_SECRET=$(python3 -c 'import secrets; print(secrets.token_hex(32))')
export HEIMDEX_JWT_SECRET ADMIN_USER_IDS=$ADMIN
DATABASE_URL=$URL "$HEIMDEX" serve --bind "127.0.0.1:$PORT" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 100); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/healthz")" = 200 ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
    sleep 0.1
done
HEIMDEX_TOKEN=$("$HEIMDEX" token --user "$ADMIN" --ttl 6h 2>/dev/null)
export HEIMDEX_TOKEN
echo "server on 127.0.0.1:$PORT (pid $SERVER_PID), $DURATION per run" >&2

# --- one case -----------------------------------------------------------------------------------
# p50 and p99 (ms) of a pgbench per-transaction log (third field: latency in µs).
log_percentiles() {
    cat "$@" | awk '{print $3}' | sort -n | awk '{v[NR] = $1}
        END { i50 = int(0.50 * (NR - 1)) + 1; i99 = int(0.99 * (NR - 1)) + 1;
              printf "%.3f %.3f\n", v[i50] / 1000, v[i99] / 1000 }'
}

# run_wrk CONNECTIONS THREADS PATH: prints "p50 p99 rps requests non2xx socket_errors".
run_wrk() {
    local out
    out=$(wrk -t"$2" -c"$1" -d"$DURATION" --timeout 120s -s "$LUA" "http://127.0.0.1:$PORT$3" 2>&1)
    grep '^RESULT ' <<<"$out" | cut -d' ' -f2- || { echo "wrk: $out" >&2; echo "- - - 0 0 1"; }
}

# run_pgbench CLIENTS THREADS SQLFILE: prints "p50 p99 tps".
run_pgbench() {
    local dir="$WORK/pgbench.$1" out
    rm -rf "$dir" && mkdir -p "$dir"
    out=$(cd "$dir" && pgbench -n -M prepared -c "$1" -j "$2" -T "$SECONDS_EACH" -l \
        --log-prefix=tx -f "$3" "$URL" 2>&1) || { echo "$out" >&2; return 1; }
    echo "$(log_percentiles "$dir"/tx.*) $(sed -n 's/^tps = \([0-9.]*\).*/\1/p' <<<"$out" \
        | awk '{printf "%.1f", $1}')"
}

# Waits (up to a minute) until no query runs on $DB: when wrk stops, the server drops its
# in-flight requests but PostgreSQL finishes their queries, which would weigh on the next run.
settle() {
    for _ in $(seq 600); do
        [ "$(psql -X -At -d "$URL" -c "SELECT count(*) FROM pg_stat_activity
            WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid()")" = 0 ] \
            && return
        sleep 0.1
    done
}

# Lines of numbers on stdin: the median of each column (the lower middle for an even count);
# "-" (no request completed in that run) is left out, and a column of only "-" stays "-".
median_columns() {
    python3 -c 'import sys
rows = [l.split() for l in sys.stdin if l.strip()]
out = []
for c in range(len(rows[0])):
    v = sorted(float(r[c]) for r in rows if r[c] != "-")
    if not v:
        out.append("-")
        continue
    x = v[(len(v) - 1) // 2]
    out.append("%d" % x if x == int(x) and c >= 3 else "%.3f" % x if c < 2 else "%.1f" % x)
print(" ".join(out))'
}

# CPU time (ns) the server's threads have used: the sum of /proc/PID/task/*/schedstat.
server_cpu_ns() {
    cat /proc/"$SERVER_PID"/task/*/schedstat | awk '{n += $1} END {printf "%d", n}'
}

PROBLEMS=()
ROWS=()
# bench LABEL RANGE PATH SQL: measures one case and appends its table row.
bench() {
    local label=$1 range=$2 path=$3 sql=$4 status srv over
    printf '%s\n' "$sql" >"$WORK/case.sql"
    status=$(curl -s -o "$WORK/body" -w '%{http_code}' -H "Authorization: Bearer $HEIMDEX_TOKEN" \
        "http://127.0.0.1:$PORT$path")
    if [ "$status" != 200 ]; then
        PROBLEMS+=("$label $range: HTTP $status $(head -c 200 "$WORK/body")")
        echo "  $label $range: HTTP $status, skipped" >&2
        return
    fi
    echo "  $label $range ($(wc -c <"$WORK/body") bytes)..." >&2
    # One connection: REPEAT alternations of wrk and pgbench, so that a change in the machine's
    # load falls on both sides; each figure is the median over the repeats.
    local i hs=() ss=() from cpu0 cpu
    from=$(wc -l <"$WORK/server.log")
    cpu0=$(server_cpu_ns)
    for ((i = 0; i < REPEAT; i++)); do
        hs+=("$(run_wrk 1 1 "$path")")
        settle
        ss+=("$(run_pgbench 1 1 "$WORK/case.sql")")
    done
    read -r h50 h99 hrps _ hbad herr <<<"$(printf '%s\n' "${hs[@]}" | median_columns)"
    read -r s50 s99 stps <<<"$(printf '%s\n' "${ss[@]}" | median_columns)"
    # The server's own view: the median latency_ms of its access log lines for these requests.
    srv=$(tail -n +"$((from + 1))" "$WORK/server.log" | { grep -o 'latency_ms=[0-9.]*' || true; } | cut -d= -f2 \
        | sort -n | awk '{v[NR] = $1} END { if (NR) printf "%.3f", v[int((NR + 1) / 2)]; else print "-" }')
    # CPU the server process spent per request it logged (pgbench runs leave it idle).
    cpu=$(( $(server_cpu_ns) - cpu0 ))
    cpu=$(tail -n +"$((from + 1))" "$WORK/server.log" | { grep -c 'latency_ms=' || true; } \
        | awk -v ns="$cpu" '{ if ($1) printf "%.3f", ns / $1 / 1e6; else print "-" }')
    hbad=$(printf '%s\n' "${hs[@]}" | awk '{n += $5} END {print n}')
    herr=$(printf '%s\n' "${hs[@]}" | awk '{n += $6} END {print n}')
    over=$(awk -v h="$h50" -v s="$s50" 'BEGIN { if (h == "-") print "-"; else printf "%+.2f", h - s }')
    local load="| | | |"
    if [ "$LOAD" = 1 ]; then
        read -r n50 n99 nrps _ nbad nerr <<<"$(run_wrk "$CONNECTIONS" "$THREADS" "$path")"
        settle
        read -r _ _ ntps <<<"$(run_pgbench "$CONNECTIONS" "$THREADS" "$WORK/case.sql")"
        load="| $n50 | $n99 | $nrps | $ntps |"
        hbad=$((hbad + nbad)) herr=$((herr + nerr))
    fi
    [ "$hbad" = 0 ] && [ "$herr" = 0 ] || PROBLEMS+=("$label $range: $hbad non-2xx, $herr socket errors")
    ROWS+=("| \`$label\` | $range | $s50 | $srv | $h50 | $over | $cpu | $s99 | $h99 | $hrps | $stps $load")
}

days_of() { echo "${1%d}"; }

wants() { [[ " $ENDPOINTS " == *" $1 "* ]]; }

# Each case: the path, and the SQL the PostgreSQL store sends for it (heimdex-adapters/postgres/src/
# metrics), with the window as a pgbench variable so that, prepared, it is a bind parameter as well.
ranged() {  # ranged NAME PATH FUNCTION [EXTRA_QUERY]
    local r
    wants "$1" || return 0
    for r in $RANGES; do
        bench "$1" "$r" "/v1/admin/$2?range=$r${4:-}" "\\set days $(days_of "$r")
SELECT * FROM $3(:days);"
    done
}

echo "measuring..." >&2
# The floor: /healthz answers from `SELECT 1` (no token needed; wrk sends it anyway).
if wants healthz; then
    bench healthz - "/healthz" "SELECT 1;"
fi
if wants overview; then
    bench overview all "/v1/admin/overview" "SELECT * FROM get_admin_overview_metrics();"
fi
ranged latency performance/latency get_admin_processing_latency
ranged rtf performance/rtf get_admin_rtf_distribution
ranged queue performance/queue get_admin_queue_analysis
ranged failures failures/by-stage get_admin_failures_by_stage
ranged throughput-v2 timeseries/throughput-v2 get_admin_throughput_timeseries_v2
ranged stages performance/stages get_admin_stage_latency_v2
ranged throughput timeseries/throughput get_throughput_timeseries "&bucket=day"
ranged search timeseries/search get_search_timeseries "&bucket=day"
if wants users; then
    bench users 7d "/v1/admin/users?range=7d&page=1&page_size=50&sort=last_activity" \
        "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;
\\set days 7
SELECT * FROM get_admin_users_list(:days, 50, 0, 'last_activity');
SELECT get_admin_users_total();
COMMIT;"
fi
if wants user; then
    bench "users/{id}" 7d "/v1/admin/users/$USER_ID" \
        "SELECT user_id, full_name, videos_total, videos_ready, hours_ready, last_activity,
 searches_7d, avg_latency_ms_7d, recent_videos::text AS recent_videos,
 recent_searches::text AS recent_searches FROM get_admin_user_detail('$USER_ID', 7);"
fi

# --- the table ----------------------------------------------------------------------------------
echo
echo "Times in ms. One connection (wrk -c1, pgbench -c1, median of $REPEAT runs of $DURATION):"
echo "SQL = pgbench; server = the server's access log; HTTP = wrk; overhead = HTTP p50 - SQL p50;"
echo "server CPU/req = CPU time of the server process (all threads) per request it served."
echo "Load: wrk -c$CONNECTIONS -t$THREADS and pgbench -c$CONNECTIONS -j$THREADS, $DURATION each."
echo
echo "| endpoint | range | SQL p50 | server p50 | HTTP p50 | overhead | server CPU/req | SQL p99 | HTTP p99 | HTTP req/s | SQL tx/s | HTTP p50 (load) | HTTP p99 (load) | HTTP req/s (load) | SQL tx/s (load) |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${ROWS[@]}"
if [ "${#PROBLEMS[@]}" -gt 0 ]; then
    echo
    echo "Problems:"
    printf -- '- %s\n' "${PROBLEMS[@]}"
fi
if grep -q ' ERROR \| WARN ' "$WORK/server.log"; then
    echo
    echo "Server log warnings/errors (first 5):"
    grep ' ERROR \| WARN ' "$WORK/server.log" | head -5
fi
