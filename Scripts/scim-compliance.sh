#!/usr/bin/env bash
# SCIM compliance proof: runs the scim2-tester suite (PyPI) against a freshly started `kisi-identity serve`
# on a free loopback port with a temporary database. Prints the number of checks and failures; exits
# non-zero on any failure. Idempotent and self-cleaning (the server and temp dir go on exit).
#   Needs: python3 with venv + pip (PyPI reachable on first run). Env: KISI_BIN (prebuilt binary),
#   VENV (default .build-venv), TIMEOUT (seconds, default 300).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${VENV:-.build-venv}"
TIMEOUT="${TIMEOUT:-300}"

if [[ ! -x "$VENV/bin/python" ]]; then python3 -m venv "$VENV"; fi
if ! "$VENV/bin/python" -c "import scim2_tester, httpx2" 2>/dev/null; then
  "$VENV/bin/pip" install -q "scim2-tester[httpx2]==0.5.2" "scim2-client==0.13.2" "scim2-models==0.12.3"
fi

if [[ -z "${KISI_BIN:-}" ]]; then
  swift build --package-path "$(dirname "$0")/../Server" --product kisi-identity >/dev/null
  KISI_BIN="$(swift build --package-path "$(dirname "$0")/../Server" --show-bin-path)/kisi-identity"
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

DB="$WORK/compliance.sqlite"
TOKEN="$("$KISI_BIN" scim token create --db "$DB" --label scim2-tester | tail -n 1)"
"$KISI_BIN" serve --host 127.0.0.1 --port 0 --db "$DB" --log-level warning >"$WORK/serve.out" 2>"$WORK/serve.err" &
SERVER_PID=$!
PORT=""
for _ in $(seq 1 100); do
  PORT="$(sed -n 's/.*"port":\([0-9]*\).*/\1/p' "$WORK/serve.out" | head -n 1)"
  [[ -n "$PORT" ]] && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/serve.err" >&2; exit 1; }
  sleep 0.1
done
[[ -n "$PORT" ]] || { echo "server did not start" >&2; cat "$WORK/serve.err" >&2; exit 1; }

timeout "$TIMEOUT" "$VENV/bin/python" Scripts/scim_compliance.py "http://127.0.0.1:$PORT/scim/v2" "$TOKEN"
