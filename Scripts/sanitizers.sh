#!/usr/bin/env bash
# Runs the whole test suite under AddressSanitizer (+LeakSanitizer) or ThreadSanitizer, each in its own
# scratch path so the normal .build stays untouched.
#   Scripts/sanitizers.sh address|thread [swift test arguments...]
# A clean build takes about 10 minutes per sanitizer on a 2-core machine; the run itself a few minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in
    address) scratch=.build-asan ;;
    thread) scratch=.build-tsan ;;
    *) echo "usage: $0 address|thread [swift test arguments...]" >&2; exit 64 ;;
esac
sanitizer=$1
shift
# The Swift backtracer and the sanitizers both want the crash signals; let the sanitizer report.
export SWIFT_BACKTRACE=enable=no
export LSAN_OPTIONS="suppressions=$PWD/Fuzz/lsan-suppressions.txt${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
start=$(date +%s)
# The libraries (this package), then the server, its stores and the CLI (the nested package in Server/).
swift build --build-tests --scratch-path "$scratch" --sanitize="$sanitizer"
swift build --package-path Server --build-tests --scratch-path "Server/$scratch" --sanitize="$sanitizer"
built=$(date +%s)
swift test --skip-build --scratch-path "$scratch" --sanitize="$sanitizer" "$@"
swift test --package-path Server --skip-build --scratch-path "Server/$scratch" --sanitize="$sanitizer" "$@"
echo "sanitizer=$sanitizer build_seconds=$((built - start)) test_seconds=$(( $(date +%s) - built ))"
