#!/usr/bin/env bash
# Installs the built provider for local use.
#   scripts/install.sh [--mirror DIR] [--release]   place it in a filesystem mirror
#                                                  (default ~/.terraform.d/plugins, which Terraform searches by itself)
#   scripts/install.sh --dev-overrides              print the dev_overrides block for provider development
set -euo pipefail
cd "$(dirname "$0")/.."

name=terraform-provider-rdsca
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)
mirror="$HOME/.terraform.d/plugins"
profile=debug
mode=mirror
while [ $# -gt 0 ]; do
  case "$1" in
    --mirror) mirror="$2"; shift 2 ;;
    --release) profile=release; shift ;;
    --dev-overrides) mode=dev; shift ;;
    *) echo "usage: $0 [--mirror DIR] [--release] | --dev-overrides" >&2; exit 2 ;;
  esac
done
target_dir=$(cd "${CARGO_TARGET_DIR:-target}" 2>/dev/null && pwd || echo "$PWD/target")

if [ "$mode" = dev ]; then
  cat <<HCL
# Put this in the file named by TF_CLI_CONFIG_FILE (or ~/.terraformrc), then run
# terraform plan/apply directly (no terraform init needed for this provider):
provider_installation {
  dev_overrides {
    "registry.terraform.io/rdsca/rdsca" = "$target_dir/$profile"
  }
  direct {}
}
HCL
  exit 0
fi

if [ "$profile" = release ]; then flag=--release; else flag=; fi
cargo build $flag -p "$name" --bin "$name"
case "$(uname -m)" in x86_64|amd64) arch=amd64 ;; aarch64|arm64) arch=arm64 ;; *) arch=$(uname -m) ;; esac
os=$(uname -s | tr 'A-Z' 'a-z')
dest="$mirror/registry.terraform.io/rdsca/rdsca/$version/${os}_${arch}"
mkdir -p "$dest"
install -m 0755 "$target_dir/$profile/$name" "$dest/${name}_v${version}"
echo "installed $dest/${name}_v${version}"
cat <<HCL
Terraform finds it under ~/.terraform.d/plugins by itself; for another mirror directory use:
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.terraform.io/rdsca/rdsca"]
  }
  direct { exclude = ["registry.terraform.io/rdsca/rdsca"] }
}
HCL
