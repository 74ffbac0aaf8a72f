#!/usr/bin/env bash
# Loopback benchmark of the ACS of `kisi-identity serve` (release build; wrk and faketime, Debian packages):
# configures SSO with the committed JumpCloud fixtures, runs the server on a clock set to the fixtures' issue time
# (faketime; the clock then advances normally), and posts the signed fixture response to POST /saml/acs with
# CONNECTIONS connections for DURATION. The first post signs in (200); every later one goes through the whole
# pipeline — stored configuration, decode, parse, signature, protocol checks, replay cache — and is refused as
# `replayed` (400). Prints req/s, p50/p99 and the status counts; exits 1 unless exactly one 200 and only 400s.
#   KISI_BIN=path  use this binary instead of building one
set -euo pipefail
cd "$(dirname "$0")/.."
CONNECTIONS="${CONNECTIONS:-4}"
THREADS="${THREADS:-2}"
DURATION="${DURATION:-10s}"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
command -v faketime >/dev/null || { echo "faketime is missing: apt-get install -y faketime" >&2; exit 1; }
if [[ -z "${KISI_BIN:-}" ]]; then
  swift build --package-path Server -c release --product kisi-identity >/dev/null
  KISI_BIN="$(swift build --package-path Server -c release --show-bin-path)/kisi-identity"
fi
FIX=Tests/SAMLCoreTests/Fixtures
WORK="$(mktemp -d)"
PID=""
cleanup() { [[ -n "$PID" ]] && { kill -TERM "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; }; rm -rf "$WORK"; }
trap cleanup EXIT INT TERM

"$KISI_BIN" sso configure --database "$WORK/acs.sqlite" --idp-metadata "$FIX/idp-metadata.xml" \
  --entity-id https://kisi.example/saml/metadata --base-url https://kisi.example >/dev/null
python3 -c 'import sys, urllib.parse; print("SAMLResponse=" + urllib.parse.quote(open(sys.argv[1]).read().strip(), safe=""), end="")' \
  "$FIX/responses/assertion-signed.b64" >"$WORK/form"
# One minute after the fixtures' IssueInstant, advancing from there.
faketime "2026-01-01 00:01:00" "$KISI_BIN" serve --host 127.0.0.1 --port 0 --database "$WORK/acs.sqlite" \
  --log-level error >"$WORK/serve.out" 2>"$WORK/serve.err" &
PID=$!
PORT=""
for _ in $(seq 1 300); do
  PORT="$(sed -n 's/.*"port":\([0-9]*\).*/\1/p' "$WORK/serve.out" 2>/dev/null | head -n 1 || true)"
  [[ -n "$PORT" ]] && break
  sleep 0.1
done
[[ -n "$PORT" ]] || { echo "the server did not start" >&2; cat "$WORK/serve.err" >&2; exit 1; }
BENCH_FORM_FILE="$WORK/form" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s Scripts/bench/post-acs.lua \
  "http://127.0.0.1:$PORT" >"$WORK/wrk.out"
rps="$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$WORK/wrk.out")"
line="$(grep '^statuses=' "$WORK/wrk.out")"
p50="$(sed -n 's/.*p50_us=\([0-9]*\).*/\1/p' <<<"$line")"
p99="$(sed -n 's/.*p99_us=\([0-9]*\).*/\1/p' <<<"$line")"
printf 'ACS %10s req/s   p50 %6.2f ms   p99 %6.2f ms   %s\n' "$rps" "$(echo "$p50 / 1000" | bc -l)" \
  "$(echo "$p99 / 1000" | bc -l)" "$line"
statuses="$(sed -n 's/^statuses=\([^ ]*\).*/\1/p' <<<"$line")"
[[ "$statuses" =~ ^200:1,400:[0-9]+$ ]] || { echo "unexpected statuses: $statuses" >&2; exit 1; }
