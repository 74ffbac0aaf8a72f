#!/usr/bin/env bash
# Loopback benchmark of `kisi-identity serve` (release build) with wrk (Debian package `wrk`):
# seeds USERS users through POST /scim/v2/Users, then measures
#   GET /scim/v2/Users?filter=userName eq "…"   and   POST /scim/v2/Users
# with CONNECTIONS connections per instance for DURATION each. Prints req/s (summed over instances) and p99
# (the worst instance's); exits 1 if a target is missed (GET >= 10000 req/s, POST >= 3000 req/s, p99 < 5 ms)
# when ENFORCE=1. Self-cleaning; bounded in time.
#   DATABASE=postgres://USER@HOST:PORT/DB  run on PostgreSQL (a fresh schema, dropped at the end with psql)
#                                          instead of a fresh SQLite file
#   INSTANCES=N                            N `serve` processes on that database, each loaded by its own wrk
set -euo pipefail
cd "$(dirname "$0")/.."
USERS="${USERS:-100000}"
CONNECTIONS="${CONNECTIONS:-4}"
THREADS="${THREADS:-2}"
DURATION="${DURATION:-10s}"
ENFORCE="${ENFORCE:-0}"
DATABASE="${DATABASE:-}"
INSTANCES="${INSTANCES:-1}"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }

if [[ -z "${KISI_BIN:-}" ]]; then
  swift build --package-path "$(dirname "$0")/../Server" -c release --product kisi-identity >/dev/null
  KISI_BIN="$(swift build --package-path "$(dirname "$0")/../Server" -c release --show-bin-path)/kisi-identity"
fi

WORK="$(mktemp -d)"
SERVER_PIDS=()
if [[ -n "$DATABASE" ]]; then
  SCHEMA="bench_$(date +%s)_$$"
  DB_ARGS=(--database "$DATABASE" --database-schema "$SCHEMA")
else
  DB_ARGS=(--database "$WORK/bench.sqlite")
fi
cleanup() {
  for pid in "${SERVER_PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if [[ -n "$DATABASE" ]] && command -v psql >/dev/null; then
    psql -q "$DATABASE" -c "DROP SCHEMA IF EXISTS \"$SCHEMA\" CASCADE" >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

export BENCH_TOKEN="$("$KISI_BIN" scim token create "${DB_ARGS[@]}" --label bench | tail -n 1)"
URLS=()
for i in $(seq 1 "$INSTANCES"); do
  "$KISI_BIN" serve --host 127.0.0.1 --port 0 "${DB_ARGS[@]}" --log-level warning \
    >"$WORK/serve$i.out" 2>"$WORK/serve$i.err" &
  SERVER_PIDS+=($!)
  PORT=""
  for _ in $(seq 1 300); do
    PORT="$(sed -n 's/.*"port":\([0-9]*\).*/\1/p' "$WORK/serve$i.out" 2>/dev/null | head -n 1 || true)"
    [[ -n "$PORT" ]] && break
    sleep 0.1
  done
  [[ -n "$PORT" ]] || { echo "server $i did not start" >&2; cat "$WORK/serve$i.err" >&2; exit 1; }
  URLS+=("http://127.0.0.1:$PORT")
done
URL="${URLS[0]}"
echo "database: ${DATABASE:-SQLite file}; instances: $INSTANCES"

count_users() {
  curl -sf -H "Authorization: Bearer $BENCH_TOKEN" "$URL/scim/v2/Users?count=0" \
    | sed -n 's/.*"totalResults":\([0-9]*\).*/\1/p'
}

export WRK_THREADS="$THREADS"
START=$(date +%s)
echo "seeding $USERS users…"
while :; do
  have="$(count_users)"
  [[ "$have" -ge "$USERS" ]] && break
  (( $(date +%s) - START > 600 )) && { echo "seeding took over 10 minutes" >&2; exit 1; }
  # Each pass continues the names where the last one stopped (a few duplicates get 409 and are ignored).
  BENCH_OFFSET=$have wrk -t"$THREADS" -c"$CONNECTIONS" -d5s -s Scripts/bench/post-users.lua "$URL" >/dev/null
done
echo "seeded $(count_users) users in $(( $(date +%s) - START ))s"

run() {  # name, lua: one wrk per instance at once; req/s and errors summed, the worst p99
  local name="$1" script="$2" i pids=()
  for i in "${!URLS[@]}"; do
    BENCH_OFFSET=$(( ${BENCH_OFFSET:-0} + i * 10000000 )) \
      wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$script" "${URLS[$i]}" >"$WORK/wrk$i.out" &
    pids+=($!)
  done
  wait "${pids[@]}"
  local rps=0 p99=0 errors=0 r p e
  for i in "${!URLS[@]}"; do
    r="$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$WORK/wrk$i.out")"
    p="$(sed -n 's/.*p99_us=\([0-9]*\).*/\1/p' "$WORK/wrk$i.out")"
    e="$(sed -n 's/.*non2xx_or_errors=\([0-9]*\).*/\1/p' "$WORK/wrk$i.out")"
    rps="$(echo "$rps + ${r:-0}" | bc -l)"
    (( ${p:-0} > p99 )) && p99=${p:-0}
    errors=$(( errors + ${e:-0} ))
  done
  printf '%-6s %10s req/s   p99 %6.2f ms   errors %s\n' "$name" "$rps" "$(echo "$p99 / 1000" | bc -l)" "$errors"
  echo "$name $rps $p99 $errors" >>"$WORK/results"
}

# Seeded names are bench-0 … bench-(USERS-1) (nearly contiguous), so random lookups below USERS hit users.
export BENCH_MAX=$USERS
for u in "${URLS[@]}"; do  # warm-up of every instance (its pool connects lazily)
  wrk -t"$THREADS" -c"$CONNECTIONS" -d2s -s Scripts/bench/get-filter.lua "$u" >/dev/null
done
run GET Scripts/bench/get-filter.lua
BENCH_OFFSET=900000000 run POST Scripts/bench/post-users.lua

status=0
while read -r name rps p99 errors; do
  target=$([[ "$name" == GET ]] && echo 10000 || echo 3000)
  if (( ${rps%.*} < target || p99 >= 5000 || errors > 0 )); then
    echo "$name misses target (>= $target req/s, p99 < 5 ms, 0 errors)"
    status=1
  fi
done <"$WORK/results"
[[ "$ENFORCE" == 1 ]] && exit $status
exit 0
