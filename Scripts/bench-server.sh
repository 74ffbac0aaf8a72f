#!/usr/bin/env bash
# Loopback benchmark of `kisi-identity serve` (release build) with wrk (Debian package `wrk`):
# seeds USERS users through POST /scim/v2/Users, then measures
#   GET /scim/v2/Users?filter=userName eq "…"   and   POST /scim/v2/Users
# with CONNECTIONS connections for DURATION each. Prints req/s and p99; exits 1 if a target is missed
# (GET >= 10000 req/s, POST >= 3000 req/s, p99 < 5 ms) when ENFORCE=1. Self-cleaning; bounded in time.
set -euo pipefail
cd "$(dirname "$0")/.."
USERS="${USERS:-100000}"
CONNECTIONS="${CONNECTIONS:-4}"
THREADS="${THREADS:-2}"
DURATION="${DURATION:-10s}"
ENFORCE="${ENFORCE:-0}"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }

if [[ -z "${KISI_BIN:-}" ]]; then
  swift build -c release --product kisi-identity >/dev/null
  KISI_BIN="$(swift build -c release --show-bin-path)/kisi-identity"
fi

WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

DB="$WORK/bench.sqlite"
export BENCH_TOKEN="$("$KISI_BIN" scim token create --db "$DB" --label bench | tail -n 1)"
"$KISI_BIN" serve --host 127.0.0.1 --port 0 --db "$DB" --log-level warning >"$WORK/serve.out" 2>"$WORK/serve.err" &
SERVER_PID=$!
PORT=""
for _ in $(seq 1 100); do
  PORT="$(sed -n 's/.*"port":\([0-9]*\).*/\1/p' "$WORK/serve.out" | head -n 1)"
  [[ -n "$PORT" ]] && break
  sleep 0.1
done
[[ -n "$PORT" ]] || { echo "server did not start" >&2; cat "$WORK/serve.err" >&2; exit 1; }
URL="http://127.0.0.1:$PORT"

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

run() {  # name, lua, extra env
  local name="$1" script="$2" out
  out="$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$script" "$URL")"
  local rps p99 errors
  rps="$(echo "$out" | sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p')"
  p99="$(echo "$out" | sed -n 's/.*p99_us=\([0-9]*\).*/\1/p')"
  errors="$(echo "$out" | sed -n 's/.*non2xx_or_errors=\([0-9]*\).*/\1/p')"
  printf '%-6s %10s req/s   p99 %6.2f ms   errors %s\n' "$name" "$rps" "$(echo "$p99 / 1000" | bc -l)" "$errors"
  echo "$name $rps $p99 $errors" >>"$WORK/results"
}

# Seeded names are bench-0 … bench-(USERS-1) (nearly contiguous), so random lookups below USERS hit users.
export BENCH_MAX=$USERS
wrk -t"$THREADS" -c"$CONNECTIONS" -d2s -s Scripts/bench/get-filter.lua "$URL" >/dev/null  # warm-up
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
