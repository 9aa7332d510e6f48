#!/usr/bin/env bash
# Builds the release binary and writes the Terraform Registry release artifacts into dist/:
#   terraform-provider-rdsca_<version>_<os>_<arch>.zip   (holds terraform-provider-rdsca_v<version>,
#                                                        with .exe for windows)
#   terraform-provider-rdsca_<version>_manifest.json
#   terraform-provider-rdsca_<version>_SHA256SUMS        (every zip of <version> in the output
#                                                        directory, and the manifest)
#   terraform-provider-rdsca_<version>_SHA256SUMS.sig    (with a GPG key: the binary detached
#                                                        signature the Registry checks)
# Usage: scripts/release.sh [--out DIR] [--skip-build] [--binary PATH] [--os OS] [--arch ARCH]
#                           [--gpg-key KEY] [--package-only | --sums-only]
#   --binary PATH   package this binary instead of building target/release (tests use the debug
#                   build; CI passes cross-built binaries)
#   --os, --arch    the platform in the zip's name (Terraform's names: linux, darwin, windows;
#                   amd64, arm64); default: this machine's
#   --gpg-key KEY   sign SHA256SUMS with this key (fingerprint, key id or user id); default: the
#                   environment's GPG_FINGERPRINT, else GPG_KEY_ID; none: no signature
#   --package-only  write the zip only (CI packages each platform, then runs --sums-only once)
#   --sums-only     write the manifest, SHA256SUMS and its signature over the zips already in DIR
set -euo pipefail
cd "$(dirname "$0")/.."

usage="usage: $0 [--out DIR] [--skip-build] [--binary PATH] [--os OS] [--arch ARCH] [--gpg-key KEY] [--package-only | --sums-only]"
out=dist
build=1
binary=
os=
arch=
gpg_key=${GPG_FINGERPRINT:-${GPG_KEY_ID:-}}
package=1
sums=1
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --skip-build) build=0; shift ;;
    --binary) binary="$2"; build=0; shift 2 ;;
    --os) os="$2"; shift 2 ;;
    --arch) arch="$2"; shift 2 ;;
    --gpg-key) gpg_key="$2"; shift 2 ;;
    --package-only) sums=0; shift ;;
    --sums-only) package=0; build=0; shift ;;
    *) echo "$usage" >&2; exit 2 ;;
  esac
done
[ "$package" = 1 ] || [ "$sums" = 1 ] || { echo "error: --package-only and --sums-only exclude each other" >&2; exit 2; }

name=terraform-provider-rdsca
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)
[ -n "$version" ] || { echo "error: no version in Cargo.toml [workspace.package]" >&2; exit 1; }
if [ -z "$os" ]; then
  case "$(uname -s)" in
    Linux) os=linux ;; Darwin) os=darwin ;; MINGW*|MSYS*|CYGWIN*) os=windows ;;
    *) os=$(uname -s | tr 'A-Z' 'a-z') ;;
  esac
fi
if [ -z "$arch" ]; then
  case "$(uname -m)" in x86_64|amd64) arch=amd64 ;; aarch64|arm64) arch=arm64 ;; *) arch=$(uname -m) ;; esac
fi
for part in "$os" "$arch"; do
  [[ "$part" =~ ^[a-z0-9]+$ ]] || { echo "error: '$part' is not a Terraform os or arch name (e.g. linux, amd64)" >&2; exit 2; }
done

# Python (python3, or python on Windows runners) writes the zip: it keeps the executable bit and
# needs no extra package.
python=$(command -v python3 || command -v python || true)
sha256() { if command -v sha256sum >/dev/null 2>&1; then sha256sum "$@"; else shasum -a 256 "$@"; fi; }

mkdir -p "$out"
out=$(cd "$out" && pwd)

if [ "$package" = 1 ]; then
  [ -n "$python" ] || { echo "error: python3 is needed to write the zip" >&2; exit 1; }
  target_dir=${CARGO_TARGET_DIR:-target}
  if [ "$build" = 1 ]; then
    cargo build --release --locked -p "$name" --bin "$name"
  fi
  binary=${binary:-"$target_dir/release/$name"}
  [ -f "$binary" ] || { echo "error: $binary not built" >&2; exit 1; }

  exe=
  [ "$os" = windows ] && exe=.exe
  inner="${name}_v${version}${exe}"
  stage=$(mktemp -d)
  trap 'rm -rf "$stage"' EXIT
  cp "$binary" "$stage/$inner"
  chmod 0755 "$stage/$inner"
  zip="${name}_${version}_${os}_${arch}.zip"
  rm -f "$out/$zip"
  (cd "$stage" && "$python" - "$out/$zip" "$inner" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    z.write(sys.argv[2])
PY
  )
  echo "packaged $out/$zip"
fi

if [ "$sums" = 1 ]; then
  manifest="${name}_${version}_manifest.json"
  sumsfile="${name}_${version}_SHA256SUMS"
  cp terraform-registry-manifest.json "$out/$manifest"
  (
    cd "$out"
    shopt -s nullglob
    zips=("${name}_${version}_"*_*.zip)
    [ "${#zips[@]}" -gt 0 ] || { echo "error: no ${name}_${version}_<os>_<arch>.zip in $out" >&2; exit 1; }
    rm -f "$sumsfile" "$sumsfile.sig"
    sha256 "${zips[@]}" "$manifest" > "$sumsfile"
  )
  if [ -n "$gpg_key" ]; then
    # The Registry wants a binary (not armored) detached signature of SHA256SUMS.
    gpg --batch --yes --local-user "$gpg_key" --output "$out/$sumsfile.sig" --detach-sign "$out/$sumsfile"
    gpg --batch --verify "$out/$sumsfile.sig" "$out/$sumsfile" 2>/dev/null \
      || { echo "error: the new signature of $sumsfile does not verify" >&2; exit 1; }
  fi
  echo "release artifacts in $out/:"
  (cd "$out" && ls -l "${name}_${version}_"*)
fi
