#!/usr/bin/env bash
# Runs the cargo-fuzz targets for a bounded time each (default 60 s) and prints what ran.
#   scripts/fuzz.sh [SECONDS] [TARGET...]     targets: parse_bundle select
# Seeds parse_bundle's corpus with the real RDS bundles from tests/fixtures/bundles.
# cargo-fuzz needs nightly features: RUSTC_BOOTSTRAP lets the stable toolchain provide them.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=${*:-parse_bundle select}
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked
fixtures=tests/fixtures/bundles
if [ -d "$fixtures" ]; then
  mkdir -p fuzz/corpus/parse_bundle
  for f in "$fixtures"/*.pem "$fixtures"/*.p7b; do cp "$f" fuzz/corpus/parse_bundle/; done
fi
for t in $targets; do
  echo "==> fuzzing $t for ${seconds}s"
  mkdir -p "fuzz/corpus/$t"
  RUSTC_BOOTSTRAP=1 cargo fuzz run --fuzz-dir fuzz "$t" "fuzz/corpus/$t" -- -max_total_time="$seconds" -print_final_stats=1 2>&1 \
    | grep -E "stat::number_of_executed_units|stat::peak_rss_mb|ERROR|panicked|SUMMARY|Done [0-9]+ runs" || true
  if [ -d "fuzz/artifacts/$t" ] && [ -n "$(ls -A "fuzz/artifacts/$t" 2>/dev/null)" ]; then
    echo "crash artifacts in fuzz/artifacts/$t:"; ls "fuzz/artifacts/$t"; exit 1
  fi
done
