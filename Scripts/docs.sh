#!/usr/bin/env bash
# Builds the DocC documentation of every library target with --warnings-as-errors (run by .ci/run).
# swift-docc-plugin is declared only when KISI_DOCS is set, so that embedders never resolve it.
# Usage: Scripts/docs.sh [OUTPUT_DIR]   (default: .build-docs; one DocC archive per target)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="${1:-$ROOT/.build-docs}"
export KISI_DOCS=1
mkdir -p "$OUT"

document() { # package path, target
  echo "== docs: $2"
  swift package --package-path "$1" --allow-writing-to-directory "$OUT" \
    generate-documentation --target "$2" --warnings-as-errors --output-path "$OUT/$2.doccarchive"
}

for target in SAMLCore SCIMCore DirectoryImport Licensing; do document "$ROOT" "$target"; done
for target in KisiIdentityServer IdentityPostgres; do document "$ROOT/Server" "$target"; done
