#!/usr/bin/env bash
# Builds one libFuzzer harness (Sources/Fuzz/<TARGET>) into .build-fuzz and runs it for SECONDS.
#   Scripts/fuzz.sh TARGET SECONDS [extra libFuzzer flags...]
# Targets: FuzzSAMLResponse FuzzSAMLBase64 FuzzIdPMetadata FuzzSCIMFilter FuzzSCIMPatch FuzzSCIMRequest
#          FuzzJumpCloud FuzzLicense
# The corpus grows in .build-fuzz/corpus/TARGET (seeded from Fuzz/corpus/TARGET, which stays small and
# committed); crashes land in .build-fuzz/artifacts/TARGET. Set FUZZ_JOBS to parallelise (default 1 process).
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ $# -lt 2 ]]; then
    echo "usage: $0 TARGET SECONDS [libFuzzer flags...]" >&2
    exit 64
fi
target=$1 seconds=$2
shift 2
[[ -d "Sources/Fuzz/$target" ]] || { echo "no harness Sources/Fuzz/$target" >&2; exit 64; }

export KISI_FUZZ=1
swift build --scratch-path .build-fuzz --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address --product "$target" >&2
binary=".build-fuzz/debug/$target"

corpus=".build-fuzz/corpus/$target"
artifacts=".build-fuzz/artifacts/$target"
mkdir -p "$corpus" "$artifacts"
# Seeds from the test fixtures (not duplicated in git): the SAML responses and the IdP metadata files.
seeds=".build-fuzz/seeds/$target"
rm -rf "$seeds" && mkdir -p "$seeds"
fixtures=Tests/SAMLCoreTests/Fixtures
case "$target" in
    FuzzSAMLResponse) cp "$fixtures"/responses/*.xml "$seeds"/ ;;
    FuzzSAMLBase64) cp "$fixtures"/responses/*.b64 "$seeds"/ ;;
    FuzzIdPMetadata) cp "$fixtures"/*.xml "$seeds"/ ;;
esac
dict=()
case "$target" in
    FuzzSAML*|FuzzIdPMetadata) dict=(-dict=Fuzz/dictionaries/saml.dict) ;;
    FuzzSCIMFilter) dict=(-dict=Fuzz/dictionaries/scim-filter.dict) ;;
    FuzzSCIMPatch|FuzzSCIMRequest) dict=(-dict=Fuzz/dictionaries/scim-json.dict) ;;
    FuzzJumpCloud) dict=(-dict=Fuzz/dictionaries/jumpcloud.dict) ;;
    FuzzLicense) dict=(-dict=Fuzz/dictionaries/license.dict) ;;
esac

log=".build-fuzz/$target.log"
# The Swift backtracer trips ASan and hangs; libFuzzer reports crashes itself.
set +e
SWIFT_BACKTRACE=enable=no ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}" \
    LSAN_OPTIONS="suppressions=$PWD/Fuzz/lsan-suppressions.txt" "$binary" \
    "${dict[@]}" -max_total_time="$seconds" -rss_limit_mb=2048 -malloc_limit_mb=1024 -timeout=10 \
    -max_len="${FUZZ_MAX_LEN:-65536}" -print_final_stats=1 -artifact_prefix="$artifacts/" "$@" \
    "$corpus" "Fuzz/corpus/$target" "$seeds" 2>&1 | tee "$log" >&2
status=${PIPESTATUS[0]}
set -e

# Summary: the last status line (cov/ft/corpus/exec/s) and the final stats.
last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
execs=$(grep -E 'stat::number_of_executed_units' "$log" | awk '{print $2}' || true)
rate=$(grep -E 'stat::average_exec_per_sec' "$log" | awk '{print $2}' || true)
echo "target=$target seconds=$seconds status=$status executions=${execs:-?} execs_per_sec=${rate:-?}"
echo "last: $last"
exit "$status"
