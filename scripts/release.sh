#!/usr/bin/env bash
# Builds the release binary and writes the Terraform Registry release artifacts into dist/:
#   terraform-provider-rdsca_<version>_<os>_<arch>.zip   (holds terraform-provider-rdsca_v<version>,
#                                                        with .exe for windows)
#   terraform-provider-rdsca_<version>_manifest.json
#   terraform-provider-rdsca_<version>_SHA256SUMS        (every zip of <version> in the output
#                                                        directory, and the manifest)
#   terraform-provider-rdsca_<version>_SHA256SUMS.sig    (with a GPG key: the binary detached
#                                                        signature the Registry checks)
# and the same for the command line `rdsca` (issue 17), apart so the Registry's files hold only the
# provider:
#   rdsca_<version>_<os>_<arch>.zip                      (holds rdsca, rdsca.exe for windows)
#   rdsca_<version>_SHA256SUMS[.sig]                     (every rdsca zip of <version>)
# Usage: scripts/release.sh [--out DIR] [--skip-build] [--binary PATH] [--cli-binary PATH]
#                           [--os OS] [--arch ARCH] [--gpg-key KEY] [--package-only | --sums-only]
#   --binary PATH   package this provider binary instead of building target/release (tests use the
#                   debug build; CI passes cross-built binaries); without --cli-binary, no rdsca zip
#   --cli-binary PATH  package this rdsca binary (a build packages target/release/rdsca)
#   --os, --arch    the platform in the zip's name (Terraform's names: linux, darwin, windows;
#                   amd64, arm64); default: this machine's
#   --gpg-key KEY   sign SHA256SUMS with this key (fingerprint, key id or user id); default: the
#                   environment's GPG_FINGERPRINT, else GPG_KEY_ID; none: no signature
#   --package-only  write the zip only (CI packages each platform, then runs --sums-only once)
#   --sums-only     write the manifest, SHA256SUMS and its signature over the zips already in DIR
set -euo pipefail
cd "$(dirname "$0")/.."

usage="usage: $0 [--out DIR] [--skip-build] [--binary PATH] [--cli-binary PATH] [--os OS] [--arch ARCH] [--gpg-key KEY] [--package-only | --sums-only]"
out=dist
build=1
binary=
cli_binary=
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
    --cli-binary) cli_binary="$2"; build=0; shift 2 ;;
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
cli=rdsca
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

# package BINARY INNER ZIP: a zip holding BINARY as INNER, executable.
package() {
  local stage
  stage=$(mktemp -d)
  cp "$1" "$stage/$2"
  chmod 0755 "$stage/$2"
  rm -f "$out/$3"
  (cd "$stage" && "$python" - "$out/$3" "$2" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    z.write(sys.argv[2])
PY
  )
  rm -rf "$stage"
  echo "packaged $out/$3"
}

if [ "$package" = 1 ]; then
  [ -n "$python" ] || { echo "error: python3 is needed to write the zip" >&2; exit 1; }
  target_dir=${CARGO_TARGET_DIR:-target}
  if [ "$build" = 1 ]; then
    cargo build --release --locked -p "$name" --bin "$name" -p rdsca-cli --bin "$cli"
  fi
  # A build (or --skip-build) packages both binaries; --binary alone, the provider only.
  if [ -z "$binary" ]; then
    cli_binary=${cli_binary:-"$target_dir/release/$cli"}
  fi
  binary=${binary:-"$target_dir/release/$name"}
  [ -f "$binary" ] || { echo "error: $binary not built" >&2; exit 1; }
  [ -z "$cli_binary" ] || [ -f "$cli_binary" ] || { echo "error: $cli_binary not built" >&2; exit 1; }

  exe=
  [ "$os" = windows ] && exe=.exe
  package "$binary" "${name}_v${version}${exe}" "${name}_${version}_${os}_${arch}.zip"
  if [ -n "$cli_binary" ]; then
    package "$cli_binary" "${cli}${exe}" "${cli}_${version}_${os}_${arch}.zip"
  fi
fi

# sign FILE: the binary detached signature FILE.sig, checked.
sign() {
  # The Registry wants a binary (not armored) detached signature of SHA256SUMS.
  gpg --batch --yes --local-user "$gpg_key" --output "$1.sig" --detach-sign "$1"
  gpg --batch --verify "$1.sig" "$1" 2>/dev/null \
    || { echo "error: the new signature of $1 does not verify" >&2; exit 1; }
}

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
  [ -z "$gpg_key" ] || sign "$out/$sumsfile"
  # rdsca's own sums, over its zips only (none: nothing to write).
  cli_sums="${cli}_${version}_SHA256SUMS"
  (
    cd "$out"
    shopt -s nullglob
    zips=("${cli}_${version}_"*_*.zip)
    rm -f "$cli_sums" "$cli_sums.sig"
    [ "${#zips[@]}" -eq 0 ] || sha256 "${zips[@]}" > "$cli_sums"
  )
  if [ -f "$out/$cli_sums" ] && [ -n "$gpg_key" ]; then
    sign "$out/$cli_sums"
  fi
  echo "release artifacts in $out/:"
  (cd "$out" && ls -l "${name}_${version}_"* && { ls -l "${cli}_${version}_"* 2>/dev/null || true; })
fi
