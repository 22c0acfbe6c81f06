#!/usr/bin/env bash
# Benchmarks whose figures BENCHMARKS.md reports. Installs what they need (wrk from apt, the
# build tools, a PostgreSQL like the tests do).
#
#   bash scripts/bench.sh          serving a city (issue 13): the release server under wrk on
#                                  SQLite and on PostgreSQL, and the portal's first-load
#                                  bytes in Chromium; rewrites the generated table in
#                                  BENCHMARKS.md
#   bash scripts/bench.sh alarms   one-key alarms (issue 15): 200 consoles open while alarms
#                                  arrive at 50 a second for 60 s, on SQLite (one instance)
#                                  and PostgreSQL (two); rewrites its table in BENCHMARKS.md
#   bash scripts/bench.sh kb [articles] [rounds]
#                                  knowledge-base type-ahead (50,000 articles by default)
#
# BENCH_SECONDS (default 10) sets each wrk run's length.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

bench_kb() {
  setup_postgres
  cargo run --release -p hotline-core --example kb_bench -- "${1:-50000}" "${2:-5}"
}

# One row per measurement: name, connections, extra wrk arguments, path, target. The
# filing row posts a valid request (the body is in the Lua script below).
ROWS=(
  "healthz|8||/healthz|the machine's ceiling"
  "login|8||/login|p50 < 5 ms, ≥ 2,000 req/s"
  "login-close|8|-H Connection:close|/login|—"
  "home|32||/|p99 < 20 ms, ≥ 2,000 req/s"
  "form-options|32||/api/v1/form-options|≥ 5,000 req/s"
  "wasm-gzip|8|-H Accept-Encoding:gzip|/pkg/WASM|the network, not the CPU"
  "filing|16|-s POST_LUA|/api/v1/requests|≥ 1,000 req/s, p99 < 50 ms, durable"
)
declare -A LABEL=(
  [healthz]='`GET /healthz`'
  [login]='SSR page `/login`, keep-alive'
  [login-close]='`/login` with `Connection: close`'
  [home]='portal home `/`, keep-alive'
  [form-options]='`GET /api/v1/form-options`'
  [wasm-gzip]='`GET /pkg/<wasm>`, `Accept-Encoding: gzip`'
  [filing]='`POST /api/v1/requests` (a new filing each)'
)

bench_serve() {
  setup_build_tools
  setup_browser_tools
  setup_postgres
  apt_install wrk curl
  build_release_if_changed

  local work port=3190 base wasm
  work=$(mktemp -d)
  base="http://127.0.0.1:$port"
  wasm=$(basename "$(ls target/site/pkg/*.wasm | grep -v '_bg\.' | head -n 1)")
  cat > "$work/post.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"category":"0101","content":"小区东门路灯坏了一个月，晚上很黑，请尽快修理。","contact_name":"李先生","phone":"13912345678","district":"610404","address":"渭阳西路 8 号","anonymous":false}'
LUA
  declare -A RESULT
  local first_load=""
  # Global, not local: the EXIT trap runs after this function has returned.
  server=""
  stop_server() {
    if [ -n "$server" ]; then
      kill "$server" 2>/dev/null || true
      wait "$server" 2>/dev/null || true
      server=""
    fi
  }
  trap "stop_server; rm -rf '$work'" EXIT

  local backend pg_db="hotline_bench_$$"
  for backend in sqlite postgres; do
    local url data="$work/data-$backend"
    mkdir -p "$data"
    if [ "$backend" = sqlite ]; then
      url="sqlite://$data/hotline.db"
    else
      psql "$HOTLINE_TEST_PG_URL" -Atqc "DROP DATABASE IF EXISTS $pg_db" >/dev/null
      psql "$HOTLINE_TEST_PG_URL" -Atqc "CREATE DATABASE $pg_db" >/dev/null
      url="${HOTLINE_TEST_PG_URL%/*}/$pg_db"
    fi
    say "$backend: starting the release server with the demo data"
    DATABASE_URL=$url HOTLINE_DATA_DIR=$data HOTLINE_ADDR=127.0.0.1:$port HOTLINE_DEMO=true \
      LEPTOS_SITE_ROOT=target/site HOTLINE_RATE_FILING=100000000/60 \
      target/release/hotline serve > "$work/server-$backend.log" 2>&1 &
    server=$!
    local tries=0
    until curl -fsS "$base/healthz" >/dev/null 2>&1; do
      tries=$((tries + 1))
      [ "$tries" -lt 300 ] || { cat "$work/server-$backend.log" >&2; echo "server did not start" >&2; exit 1; }
      sleep 0.2
    done
    curl -fsS "$base/" >/dev/null # warm: code tables in memory

    local row name conns args path target
    for row in "${ROWS[@]}"; do
      IFS='|' read -r name conns args path target <<< "$row"
      args=${args//POST_LUA/$work/post.lua}
      # shellcheck disable=SC2086 # the extra arguments are split on purpose
      wrk -t2 -c"$conns" -d"${BENCH_SECONDS:-10}s" --latency $args "$base${path//WASM/$wasm}" \
        > "$work/wrk.txt" 2>&1 || true
      local p50 p99 rps errors
      p50=$(awk '$1 == "50%" { print $2 }' "$work/wrk.txt")
      p99=$(awk '$1 == "99%" { print $2 }' "$work/wrk.txt")
      rps=$(awk '/^Requests\/sec/ { printf "%\047.0f", $2 }' "$work/wrk.txt")
      errors=$(awk '/Non-2xx|Socket errors/ { $1 = $1; print }' "$work/wrk.txt" | tr '\n' ' ')
      RESULT[$backend:$name]="${p50:-?} | ${p99:-?} | ${rps:-?}${errors:+ ($errors)}"
      say "$backend $name ($conns connections): p50 ${p50:-?} p99 ${p99:-?} ${rps:-?} req/s $errors"
    done
    if [ "$backend" = sqlite ]; then
      say "first-load bytes of the portal pages in Chromium"
      first_load=$(cd end2end && node bench/first-load.mjs "$base")
    fi
    stop_server
    [ "$backend" = postgres ] && psql "$HOTLINE_TEST_PG_URL" -Atqc "DROP DATABASE IF EXISTS $pg_db" >/dev/null
  done

  local table="$work/table.md"
  {
    echo "<!-- bench.sh serve: begin (generated by \`bash scripts/bench.sh\`; do not edit by hand) -->"
    echo
    echo "Run of $(date -u '+%Y-%m-%d %H:%M UTC') at $(git rev-parse --short HEAD 2>/dev/null || echo '?'):"
    echo "$(nproc) cores, wrk -t2 on the same machine, ${BENCH_SECONDS:-10} s a row, release build,"
    echo "demo data; the server logs at its default level to a file."
    echo
    echo "| what | connections | SQLite p50 | p99 | req/s | PostgreSQL p50 | p99 | req/s | target |"
    echo "|---|---|---|---|---|---|---|---|---|"
    for row in "${ROWS[@]}"; do
      IFS='|' read -r name conns args path target <<< "$row"
      echo "| ${LABEL[$name]} | $conns | ${RESULT[sqlite:$name]} | ${RESULT[postgres:$name]} | $target |"
    done
    echo
    echo "First load of each portal page in Chromium, empty cache (bytes on the wire):"
    echo
    echo "| page | requests | bytes | of which WASM (encoding) |"
    echo "|---|---|---|---|"
    echo "$first_load"
    echo
    echo "<!-- bench.sh serve: end -->"
  } > "$table"
  replace_block serve "$table" "Serving a city (\`bash scripts/bench.sh\`)"
  cat "$table"
  say "BENCHMARKS.md updated"
}

# Replaces the block between `<!-- bench.sh NAME: begin` and `<!-- bench.sh NAME: end -->`
# in BENCHMARKS.md with the file TABLE, or appends it under HEADING.
replace_block() {
  local name=$1 table=$2 heading=$3 out
  out=$(mktemp)
  if grep -q "<!-- bench.sh $name: begin" BENCHMARKS.md; then
    awk -v table="$table" -v begin="<!-- bench.sh $name: begin" -v end="<!-- bench.sh $name: end -->" '
      index($0, begin) == 1 { while ((getline line < table) > 0) print line; skip = 1; next }
      index($0, end) == 1 { skip = 0; next }
      !skip { print }
    ' BENCHMARKS.md > "$out"
    cp "$out" BENCHMARKS.md
  else
    { echo; echo "## $heading"; echo; cat "$table"; } >> BENCHMARKS.md
  fi
  rm -f "$out"
}

bench_alarms() {
  setup_build_tools
  setup_postgres
  apt_install curl jq
  build_release_if_changed

  local work secret=bench-alarm-secret
  work=$(mktemp -d)
  servers=()
  stop_servers() {
    local pid
    for pid in "${servers[@]}"; do
      kill "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    done
    servers=()
  }
  trap "stop_servers; rm -rf '$work'" EXIT
  start_one() { # url port log
    DATABASE_URL=$1 HOTLINE_DATA_DIR=$work HOTLINE_ADDR=127.0.0.1:$2 HOTLINE_DEMO=true \
      HOTLINE_ALARM_SECRET=$secret LEPTOS_SITE_ROOT=target/site \
      target/release/hotline serve > "$3" 2>&1 &
    servers+=($!)
    local tries=0
    until curl -fsS "http://127.0.0.1:$2/healthz" >/dev/null 2>&1; do
      tries=$((tries + 1))
      [ "$tries" -lt 600 ] || { cat "$3" >&2; echo "server did not start" >&2; exit 1; }
      sleep 0.2
    done
  }
  # Peak resident memory of the servers, in MiB.
  peak_rss() {
    local pid total=0 kb
    for pid in "${servers[@]}"; do
      kb=$(awk '/^VmHWM/ { print $2 }' "/proc/$pid/status")
      total=$((total + kb))
    done
    echo $((total / 1024))
  }
  local seconds=${ALARM_SECONDS:-60} rows="" json rss pg_db="hotline_alarms_$$"
  say "SQLite, one instance: 200 consoles, 50 alarms a second for $seconds s"
  start_one "sqlite://$work/hotline.db" 3191 "$work/sqlite.log"
  json=$(HOTLINE_ALARM_SECRET=$secret target/release/hotline alarm-sim --url http://127.0.0.1:3191 \
    bench --consoles 200 --rate 50 --seconds "$seconds" | tail -n 1)
  rss=$(peak_rss)
  rows+=$(jq -r --arg rss "$rss" '"| SQLite | \(.instances) | \(.consoles) | \(.alarms) | \(.console_p50_ms) | \(.console_p99_ms) | \(.lost) | \(.duplicated) | \(.webhook_p50_ms) | \(.webhook_p99_ms) | \($rss) |"' <<< "$json")$'\n'
  stop_servers
  say "PostgreSQL, two instances"
  psql "$HOTLINE_TEST_PG_URL" -Atqc "DROP DATABASE IF EXISTS $pg_db" >/dev/null
  psql "$HOTLINE_TEST_PG_URL" -Atqc "CREATE DATABASE $pg_db" >/dev/null
  local pg_url="${HOTLINE_TEST_PG_URL%/*}/$pg_db"
  start_one "$pg_url" 3192 "$work/pg-a.log"
  start_one "$pg_url" 3193 "$work/pg-b.log"
  json=$(HOTLINE_ALARM_SECRET=$secret target/release/hotline alarm-sim --url http://127.0.0.1:3192 \
    bench --also http://127.0.0.1:3193 --consoles 200 --rate 50 --seconds "$seconds" | tail -n 1)
  rss=$(peak_rss)
  rows+=$(jq -r --arg rss "$rss" '"| PostgreSQL | \(.instances) | \(.consoles) | \(.alarms) | \(.console_p50_ms) | \(.console_p99_ms) | \(.lost) | \(.duplicated) | \(.webhook_p50_ms) | \(.webhook_p99_ms) | \($rss) |"' <<< "$json")$'\n'
  stop_servers
  psql "$HOTLINE_TEST_PG_URL" -Atqc "DROP DATABASE IF EXISTS $pg_db" >/dev/null

  local table="$work/table.md"
  {
    echo "<!-- bench.sh alarms: begin (generated by \`bash scripts/bench.sh alarms\`; do not edit by hand) -->"
    echo
    echo "Run of $(date -u '+%Y-%m-%d %H:%M UTC') at $(git rev-parse --short HEAD 2>/dev/null || echo '?'):"
    echo "$(nproc) cores, \`hotline alarm-sim bench\` on the same machine, release build, demo data."
    echo "200 console event streams (one coordinator's session, spread over the instances) open"
    echo "while signed alarms arrive at 50 a second for $seconds s, round robin over the instances."
    echo "Latency: from the webhook call's start to the alarm's event on each console."
    echo
    echo "| backend | instances | consoles | alarms | console p50 ms | p99 ms | lost | duplicated | webhook p50 ms | p99 ms | peak RSS MiB (all instances) |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|"
    printf '%s' "$rows"
    echo
    echo "Target: console p99 < 50 ms, none lost, none duplicated."
    echo
    echo "<!-- bench.sh alarms: end -->"
  } > "$table"
  replace_block alarms "$table" "One-key alarms (\`bash scripts/bench.sh alarms\`)"
  cat "$table"
  say "BENCHMARKS.md updated"
}

case "${1:-serve}" in
  serve) bench_serve ;;
  alarms) bench_alarms ;;
  kb) shift; bench_kb "$@" ;;
  *) echo "usage: bash scripts/bench.sh [serve | alarms | kb [articles] [rounds]]" >&2; exit 2 ;;
esac
