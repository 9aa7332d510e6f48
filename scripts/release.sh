#!/usr/bin/env bash
# Builds the release binary and writes the Terraform Registry release artifacts into dist/:
#   terraform-provider-rdsca_<version>_<os>_<arch>.zip   (holds terraform-provider-rdsca_v<version>)
#   terraform-provider-rdsca_<version>_SHA256SUMS
#   terraform-provider-rdsca_<version>_manifest.json
# Usage: scripts/release.sh [--out DIR] [--skip-build] [--binary PATH]
#   --binary PATH  package this binary instead of building target/release (tests use the debug build)
set -euo pipefail
cd "$(dirname "$0")/.."

out=dist
build=1
binary=
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --skip-build) build=0; shift ;;
    --binary) binary="$2"; build=0; shift 2 ;;
    *) echo "usage: $0 [--out DIR] [--skip-build] [--binary PATH]" >&2; exit 2 ;;
  esac
done

name=terraform-provider-rdsca
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)
[ -n "$version" ] || { echo "error: no version in Cargo.toml [workspace.package]" >&2; exit 1; }
case "$(uname -s)" in Linux) os=linux ;; Darwin) os=darwin ;; *) os=$(uname -s | tr 'A-Z' 'a-z') ;; esac
case "$(uname -m)" in x86_64|amd64) arch=amd64 ;; aarch64|arm64) arch=arm64 ;; *) arch=$(uname -m) ;; esac

target_dir=${CARGO_TARGET_DIR:-target}
if [ "$build" = 1 ]; then
  cargo build --release --locked -p "$name" --bin "$name"
fi
binary=${binary:-"$target_dir/release/$name"}
[ -x "$binary" ] || { echo "error: $binary not built" >&2; exit 1; }

mkdir -p "$out"
out=$(cd "$out" && pwd)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp "$binary" "$stage/${name}_v${version}"
chmod 0755 "$stage/${name}_v${version}"
zip="${name}_${version}_${os}_${arch}.zip"
rm -f "$out/$zip"
# Python's zipfile keeps the executable bit and needs no extra package.
(cd "$stage" && python3 - "$out/$zip" "${name}_v${version}" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    z.write(sys.argv[2])
PY
)
cp terraform-registry-manifest.json "$out/${name}_${version}_manifest.json"
(cd "$out" && sha256sum "$zip" "${name}_${version}_manifest.json" > "${name}_${version}_SHA256SUMS")
echo "release artifacts in $out/:"
(cd "$out" && ls -l "$zip" "${name}_${version}_manifest.json" "${name}_${version}_SHA256SUMS")
