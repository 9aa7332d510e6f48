#!/usr/bin/env bash
# The main job: set up, build the provider, install it into a local filesystem mirror, and run a
# real `terraform init` + `terraform plan` over examples/quickstart (bundle URLs and a CA choice
# validated for a Region). Extra arguments go to `terraform plan`, e.g. -var region=eu-central-2.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

bash scripts/setup.sh >/dev/null
terraform=$(command -v terraform || echo "$root/.tools/bin/terraform")
cargo build --locked -p terraform-provider-rdsca --bin terraform-provider-rdsca

version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)
target_dir=${CARGO_TARGET_DIR:-target}
mirror="$root/.tools/mirror"
dest="$mirror/registry.terraform.io/rdsca/rdsca/$version/linux_amd64"
mkdir -p "$dest"
install -m 0755 "$target_dir/debug/terraform-provider-rdsca" "$dest/terraform-provider-rdsca_v$version"
cat > "$root/.tools/terraform.rc" <<HCL
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.terraform.io/rdsca/rdsca"]
  }
  direct {
    exclude = ["registry.terraform.io/rdsca/rdsca"]
  }
}
HCL

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp examples/quickstart/*.tf "$work/"
export TF_CLI_CONFIG_FILE="$root/.tools/terraform.rc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
cd "$work"
"$terraform" init -input=false -no-color >/dev/null
"$terraform" plan -input=false "$@"
