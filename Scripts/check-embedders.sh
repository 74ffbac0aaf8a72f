#!/usr/bin/env bash
# Proves that an embedder of one library pays only for that library (run by .ci/run).
# For each package under Examples/: resolve it from scratch and fail unless Package.resolved lists exactly the
# allowed packages; build it, fail on any warning from this repository's sources, and run it. An embedder without
# SAMLCore must not see SwiftPM's "prohibited flag(s)" warning about libxmlsec1's pkg-config flags either (SAMLCore's
# embedders do: SwiftPM drops the -D flags of xmlsec1-openssl.pc, which Sources/CXMLSec/shim.h restates). Then resolve it once more with the repository as a git URL (file://, at HEAD)
# instead of a path, as a real host depends on it, and check the same list.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"

# example name, then the package identities it may resolve
EXAMPLES=(
  "SAMLOnly swift-asn1 swift-certificates swift-crypto swift-log"
  "SCIMOnly swift-asn1 swift-crypto swift-log"
)

resolved_identities() {
  python3 -c 'import json,sys; print(" ".join(sorted(p["identity"] for p in json.load(open(sys.argv[1]))["pins"])))' "$1"
}

check_resolved() { # label, Package.resolved, allowed identities…
  local label="$1" file="$2"; shift 2
  local expected actual
  expected="$(printf '%s\n' "$@" | sort | tr '\n' ' ' | sed 's/ $//')"
  actual="$(resolved_identities "$file")"
  if [ "$actual" != "$expected" ]; then
    echo "FAIL $label resolves: $actual" >&2
    echo "     allowed:        $expected" >&2
    exit 1
  fi
  echo "ok   $label resolves exactly: $actual"
}

for line in "${EXAMPLES[@]}"; do
  read -r name allowed <<<"$line"
  dir="$ROOT/Examples/$name"
  rm -f "$dir/Package.resolved"
  swift package --package-path "$dir" resolve >/dev/null
  # shellcheck disable=SC2086
  check_resolved "$name (path)" "$dir/Package.resolved" $allowed

  log="$(mktemp)"
  swift build --package-path "$dir" 2>&1 | tee "$log" | grep -E '^(error|Build)' || true
  forbidden="^$ROOT/Sources/.*warning:"
  [[ " $allowed " == *" swift-certificates "* ]] || forbidden="$forbidden|prohibited flag"
  if grep -E "$forbidden" "$log" >&2; then
    echo "FAIL $name: the build above warns in KisiIdentity's sources" >&2
    exit 1
  fi
  grep -q "Build complete\|Build of product .* complete" "$log" || { cat "$log" >&2; exit 1; }
  rm -f "$log"
  echo "ok   $name builds without warnings from KisiIdentity"
  "$(swift build --package-path "$dir" --show-bin-path)/$name"

  if git -C "$ROOT" rev-parse --verify -q HEAD >/dev/null; then
    head="$(git -C "$ROOT" rev-parse HEAD)"
    # SwiftPM names a URL dependency by the last path component, lower-cased, without .git.
    identity="$(basename "$ROOT" .git | tr '[:upper:]' '[:lower:]')"
    copy="$(mktemp -d)"
    cp -R "$dir/Package.swift" "$dir/Sources" "$copy/"
    sed -i "s|\.package(name: \"KisiIdentity\", path: \"../..\"|.package(url: \"file://$ROOT\", revision: \"$head\"|" "$copy/Package.swift"
    sed -i "s|package: \"KisiIdentity\"|package: \"$identity\"|" "$copy/Package.swift"
    swift package --package-path "$copy" resolve >/dev/null
    # shellcheck disable=SC2086
    check_resolved "$name (git URL at ${head:0:8})" "$copy/Package.resolved" $allowed "$identity"
    rm -rf "$copy"
  fi
done
