//! Harness for the end-to-end tests: the real `terraform` CLI, the built provider installed
//! through a filesystem mirror in a temporary directory (`TF_CLI_CONFIG_FILE`), and helpers to
//! run commands and read their `-json` output.
//!
//! - `RDSCA_TERRAFORM`: the CLI to use (default: `terraform` on PATH). A missing CLI fails the
//!   tests: they never skip.
//! - `RDSCA_PROVIDER_BIN`: the provider binary (default: `<target dir>/debug/terraform-provider-rdsca`).
//! - `RDSCA_AWS_STANDIN_BIN`: the stand-in `hashicorp/aws` provider (`tests/aws-standin`; default:
//!   `<target dir>/debug/terraform-provider-aws`), installed in the same mirror as version
//!   [`AWS_VERSION`] when it is built. Configurations using it get real plan and state JSON from
//!   [`terraform_json`].
//! - `RDSCA_CLI_BIN`: the `rdsca` command line (default: `<target dir>/debug/rdsca`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use serde_json::Value;

pub const SOURCE: &str = "rdsca/rdsca";
/// The stand-in for the AWS provider answers to the real provider's address and a version of it.
pub const AWS_SOURCE: &str = "hashicorp/aws";
pub const AWS_VERSION: &str = "6.0.0";

/// The workspace root.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("workspace root")
}

/// The provider version, from the workspace Cargo.toml.
pub fn version() -> String {
    let text = std::fs::read_to_string(workspace().join("Cargo.toml")).expect("Cargo.toml");
    text.lines()
        .find_map(|l| {
            l.strip_prefix("version = \"")
                .and_then(|v| v.strip_suffix('"'))
        })
        .expect("workspace version")
        .to_string()
}

pub fn provider_binary() -> PathBuf {
    built_binary("RDSCA_PROVIDER_BIN", "terraform-provider-rdsca")
}

/// The stand-in `hashicorp/aws` provider (`cargo build -p rdsca-aws-standin`).
pub fn aws_standin_binary() -> PathBuf {
    built_binary("RDSCA_AWS_STANDIN_BIN", "terraform-provider-aws")
}

/// The `rdsca` command line (`cargo build -p rdsca-cli`).
pub fn cli_binary() -> PathBuf {
    built_binary("RDSCA_CLI_BIN", "rdsca")
}

/// `$override_var`, else `<target dir>/debug/<name>`.
fn built_binary(override_var: &str, name: &str) -> PathBuf {
    if let Some(p) = std::env::var_os(override_var) {
        return PathBuf::from(p);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("target"));
    let target = if target.is_absolute() {
        target
    } else {
        workspace().join(target)
    };
    target.join("debug").join(name)
}

pub fn terraform_cli() -> PathBuf {
    if let Some(p) = std::env::var_os("RDSCA_TERRAFORM") {
        return PathBuf::from(p);
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|d| d.join("terraform"))
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("no terraform CLI: set RDSCA_TERRAFORM or run scripts/setup.sh (the end-to-end tests never skip)"))
}

/// The CLI's version, `(major, minor, patch)`, from `terraform version -json`; read once.
///
/// For tests of a feature that needs a newer Terraform than the oldest one the docs claim (1.8):
/// they assert the feature from that version on, and the error older versions report before it;
/// they never skip.
pub fn terraform_version() -> (u64, u64, u64) {
    static VERSION: OnceLock<(u64, u64, u64)> = OnceLock::new();
    *VERSION.get_or_init(|| {
        let cli = terraform_cli();
        let out = Command::new(&cli)
            .args(["version", "-json"])
            .env("CHECKPOINT_DISABLE", "1")
            .output()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", cli.display()));
        assert!(
            out.status.success(),
            "{} version -json failed: {}",
            cli.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        let doc: Value = serde_json::from_slice(&out.stdout).expect("terraform version -json");
        let text = doc["terraform_version"]
            .as_str()
            .expect("terraform_version");
        let mut parts = text.split(['.', '-']).map(|p| {
            p.parse::<u64>()
                .unwrap_or_else(|_| panic!("terraform_version {text:?}"))
        });
        let mut next = || {
            parts
                .next()
                .unwrap_or_else(|| panic!("terraform_version {text:?}"))
        };
        (next(), next(), next())
    })
}

/// Whether the CLI is Terraform `major.minor` or newer.
pub fn terraform_at_least(major: u64, minor: u64) -> bool {
    let (ma, mi, _) = terraform_version();
    (ma, mi) >= (major, minor)
}

/// The mirror and CLI configuration, built once per test binary.
///
/// No shared plugin cache (`TF_PLUGIN_CACHE_DIR`): the mirror is in the unpacked layout, so each
/// `terraform init` installs the provider as a symlink into it, which is as cheap as a cache hit.
/// A shared cache also breaks the tests' parallel inits on Terraform 1.8, which installs a provider
/// from a filesystem mirror into the cache on every init (1.11 reuses the cache entry), and two
/// inits doing so at once race on the cache's directories.
pub struct Env {
    pub cli: PathBuf,
    pub cli_config: PathBuf,
    _dir: tempfile::TempDir,
}

/// Writes a filesystem mirror holding `binary` as rdsca/rdsca `version` (and the stand-in
/// `hashicorp/aws` when it is built), and a CLI config using it.
pub fn make_mirror(dir: &Path, binary: &Path, version: &str) -> PathBuf {
    let mirror = dir.join("mirror");
    install_in_mirror(&mirror, SOURCE, version, binary);
    let standin = aws_standin_binary();
    if standin.is_file() {
        install_in_mirror(&mirror, AWS_SOURCE, AWS_VERSION, &standin);
    }
    write_cli_config(dir, &mirror)
}

/// Places `binary` in a mirror in the unpacked layout, as `source` (`namespace/type`) `version`.
pub fn install_in_mirror(mirror: &Path, source: &str, version: &str, binary: &Path) {
    let platform = mirror.join(format!(
        "registry.terraform.io/{source}/{version}/linux_amd64"
    ));
    std::fs::create_dir_all(&platform).unwrap();
    let provider_type = source.rsplit('/').next().expect("namespace/type");
    std::fs::copy(
        binary,
        platform.join(format!("terraform-provider-{provider_type}_v{version}")),
    )
    .unwrap_or_else(|e| panic!("{}: {e}", binary.display()));
}

/// A CLI config installing both providers from `mirror` only (no registry is reachable).
pub fn write_cli_config(dir: &Path, mirror: &Path) -> PathBuf {
    let config = dir.join("terraform.rc");
    let sources =
        format!("\"registry.terraform.io/{SOURCE}\", \"registry.terraform.io/{AWS_SOURCE}\"");
    std::fs::write(
        &config,
        format!(
            "provider_installation {{\n  filesystem_mirror {{\n    path    = \"{}\"\n    include = [{sources}]\n  }}\n  direct {{\n    exclude = [{sources}]\n  }}\n}}\n",
            mirror.display()
        ),
    )
    .unwrap();
    config
}

pub fn env() -> &'static Env {
    static ENV: OnceLock<Env> = OnceLock::new();
    ENV.get_or_init(|| {
        let binary = provider_binary();
        assert!(binary.is_file(), "{} is missing: run `cargo build -p terraform-provider-rdsca` first (scripts/test.sh does)", binary.display());
        let cli = terraform_cli();
        let dir = tempfile::tempdir().unwrap();
        let cli_config = make_mirror(dir.path(), &binary, &version());
        Env { cli, cli_config, _dir: dir }
    })
}

/// The result of one CLI run.
#[derive(Debug)]
pub struct Run {
    pub success: bool,
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(out: Output) -> Run {
        Run {
            success: out.status.success(),
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
    /// Panics with both streams unless the command succeeded.
    pub fn ok(self) -> Run {
        assert!(
            self.success,
            "terraform failed ({:?}):\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        );
        self
    }
    /// The `-json` stream: one JSON object per line.
    pub fn json_lines(&self) -> Vec<Value> {
        self.stdout
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }
    /// Diagnostics from a `-json` stream (plan/apply) or a `validate -json` document.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        if let Ok(doc) = serde_json::from_str::<Value>(&self.stdout) {
            if let Some(list) = doc.get("diagnostics").and_then(Value::as_array) {
                return list.iter().map(Diagnostic::from).collect();
            }
        }
        self.json_lines()
            .iter()
            .filter(|l| l["type"] == "diagnostic")
            .map(|l| Diagnostic::from(&l["diagnostic"]))
            .collect()
    }
    pub fn errors(&self) -> Vec<Diagnostic> {
        self.diagnostics()
            .into_iter()
            .filter(|d| d.severity == "error")
            .collect()
    }
    pub fn warnings(&self) -> Vec<Diagnostic> {
        self.diagnostics()
            .into_iter()
            .filter(|d| d.severity == "warning")
            .collect()
    }
}

/// Runs a command made by [`Workdir::command`] (after the caller adjusted it, e.g. its environment).
/// Keeps a command away from the machine's AWS set-up: no inherited `AWS_*` variable, shared
/// config and credentials files that do not exist (in `dir`), no instance metadata. Tests then
/// add exactly the credentials and endpoint they mean.
pub fn isolate_aws<'a>(cmd: &'a mut Command, dir: &Path) -> &'a mut Command {
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("AWS_") {
            cmd.env_remove(k);
        }
    }
    cmd.env("AWS_CONFIG_FILE", dir.join("no-aws-config"))
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            dir.join("no-aws-credentials"),
        )
        .env("AWS_EC2_METADATA_DISABLED", "true")
}

pub fn run_command(cmd: &mut Command) -> Run {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", env().cli.display()));
    Run::from(out)
}

/// A Terraform diagnostic as `-json` reports it.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub severity: String,
    pub summary: String,
    pub detail: String,
    /// `(file, line)` of the range start, when the diagnostic points at configuration.
    pub range: Option<(String, u64)>,
    /// The source line(s) the diagnostic points at.
    pub snippet: String,
}

impl From<&Value> for Diagnostic {
    fn from(v: &Value) -> Self {
        Diagnostic {
            severity: v["severity"].as_str().unwrap_or_default().to_string(),
            summary: v["summary"].as_str().unwrap_or_default().to_string(),
            detail: v["detail"].as_str().unwrap_or_default().to_string(),
            range: v.get("range").map(|r| {
                (
                    r["filename"].as_str().unwrap_or_default().to_string(),
                    r["start"]["line"].as_u64().unwrap_or(0),
                )
            }),
            snippet: v["snippet"]["code"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
        }
    }
}

/// A Terraform working directory in a temp dir.
pub struct Workdir {
    pub dir: tempfile::TempDir,
    pub extra_env: Vec<(String, String)>,
}

/// The `terraform { required_providers { rdsca = ... } }` block.
pub fn required_providers() -> String {
    format!("terraform {{\n  required_providers {{\n    rdsca = {{\n      source = \"{SOURCE}\"\n    }}\n  }}\n}}\n\n")
}

impl Workdir {
    /// A directory whose main.tf is the required_providers block followed by `body`.
    pub fn with_provider(body: &str) -> Workdir {
        Workdir::raw(&format!("{}{body}", required_providers()))
    }

    /// A directory whose main.tf is exactly `text`.
    pub fn raw(text: &str) -> Workdir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("main.tf"), text).unwrap();
        Workdir {
            dir,
            extra_env: Vec::new(),
        }
    }

    /// A copy of a directory of the repository (an example).
    pub fn copy_of(rel: &str) -> Workdir {
        let dir = tempfile::tempdir().unwrap();
        let src = workspace().join(rel);
        for entry in std::fs::read_dir(&src).unwrap_or_else(|e| panic!("{}: {e}", src.display())) {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_file() {
                std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
            }
        }
        Workdir {
            dir,
            extra_env: Vec::new(),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, name: &str, text: &str) {
        std::fs::write(self.path().join(name), text).unwrap();
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let env = env();
        let mut cmd = Command::new(&env.cli);
        cmd.args(args)
            .current_dir(self.path())
            .env("TF_CLI_CONFIG_FILE", &env.cli_config)
            .env_remove("TF_PLUGIN_CACHE_DIR")
            .env("TF_IN_AUTOMATION", "1")
            .env("CHECKPOINT_DISABLE", "1")
            .env("TF_INPUT", "0")
            .env_remove("TF_LOG")
            .env_remove("TF_LOG_PROVIDER");
        for (k, v) in &self.extra_env {
            cmd.env(k, v);
        }
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Run {
        let out = self
            .command(args)
            .output()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", env().cli.display()));
        Run::from(out)
    }

    pub fn init(&self) -> &Self {
        self.run(&["init", "-no-color", "-input=false"]).ok();
        self
    }

    pub fn validate(&self) -> Run {
        self.run(&["validate", "-json", "-no-color"])
    }

    pub fn plan(&self) -> Run {
        self.run(&["plan", "-json", "-no-color", "-input=false"])
    }

    pub fn apply(&self) -> Run {
        self.run(&[
            "apply",
            "-json",
            "-no-color",
            "-input=false",
            "-auto-approve",
        ])
    }

    /// `terraform output -json` as a map of name → value.
    pub fn outputs(&self) -> serde_json::Map<String, Value> {
        let run = self.run(&["output", "-json", "-no-color"]).ok();
        let doc: Value = serde_json::from_str(&run.stdout).expect("output -json");
        doc.as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v["value"].clone()))
            .collect()
    }

    /// Planned output values (from `plan -json` `planned_change`... not exposed) — use apply+outputs.
    pub fn apply_outputs(&self) -> serde_json::Map<String, Value> {
        self.apply().ok();
        self.outputs()
    }
}

/// The single error diagnostic of a run; panics with the output otherwise.
pub fn only_error(run: &Run) -> Diagnostic {
    let errors = run.errors();
    assert_eq!(
        errors.len(),
        1,
        "expected exactly one error, got {errors:#?}\n--- stdout\n{}\n--- stderr\n{}",
        run.stdout,
        run.stderr
    );
    errors.into_iter().next().unwrap()
}

/// A real RDS bundle from tests/fixtures/bundles (see PROVENANCE.md there).
pub fn fixture(name: &str) -> Vec<u8> {
    let path = workspace().join("tests/fixtures/bundles").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()))
}

/// A provider block that fetches the commercial partition's bundles from `server` (trusting its
/// CA, written as ca.pem into `workdir`) and caches them in `cache_dir`.
pub fn local_server_provider(
    workdir: &Workdir,
    server: &rdsca_test_server::TestServer,
    cache_dir: &Path,
) -> String {
    workdir.write("ca.pem", server.ca_pem());
    format!(
        "provider \"rdsca\" {{\n  base_urls   = {{ aws = \"{}\" }}\n  ca_cert_pem = file(\"${{path.module}}/ca.pem\")\n  cache_dir   = \"{}\"\n  timeout_seconds = 5\n  max_retries = 1\n}}\n",
        server.base_url(),
        cache_dir.display()
    )
}

/// The `terraform { required_providers { aws = ... } }` block for the stand-in AWS provider.
pub fn aws_required_providers() -> String {
    format!("terraform {{\n  required_providers {{\n    aws = {{\n      source  = \"{AWS_SOURCE}\"\n      version = \"{AWS_VERSION}\"\n    }}\n  }}\n}}\n\n")
}

/// What Terraform writes for a configuration, as `rdsca check` reads it.
#[derive(Debug, Clone)]
pub struct TerraformJson {
    /// `terraform show -json` of the saved plan (`plan -out`).
    pub plan: Value,
    /// `terraform show -json` of the state after applying that plan.
    pub state: Value,
    /// The raw `terraform.tfstate` (format version 4) after the apply.
    pub raw_state: String,
}

/// Plans, shows, applies and shows a configuration given as `(relative path, HCL)` files (modules
/// in subdirectories), with the stand-in AWS provider; panics with Terraform's output on failure.
pub fn terraform_json(files: &[(&str, &str)]) -> TerraformJson {
    let workdir = Workdir::with_files(files);
    workdir.init();
    let plan = workdir.saved_plan_json();
    workdir.apply_saved_plan();
    TerraformJson {
        plan,
        state: workdir.state_json(),
        raw_state: workdir.raw_state(),
    }
}

/// The saved plan's file name in a [`Workdir`].
const SAVED_PLAN: &str = "tfplan";

impl Workdir {
    /// A directory holding `files`, `(relative path, text)`; subdirectories are created. A
    /// configuration for the stand-in AWS provider fails here, clearly, when it is not built.
    pub fn with_files(files: &[(&str, &str)]) -> Workdir {
        if files.iter().any(|(_, text)| text.contains(AWS_SOURCE)) {
            let standin = aws_standin_binary();
            assert!(
                standin.is_file(),
                "{} is missing: run `cargo build -p rdsca-aws-standin` first (scripts/test.sh builds the whole workspace)",
                standin.display()
            );
        }
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().expect("a file in the directory")).unwrap();
            std::fs::write(&path, text).unwrap();
        }
        Workdir {
            dir,
            extra_env: Vec::new(),
        }
    }

    /// `terraform plan -out` then `terraform show -json` of that plan.
    pub fn saved_plan_json(&self) -> Value {
        self.run(&[
            "plan",
            "-no-color",
            "-input=false",
            &format!("-out={SAVED_PLAN}"),
        ])
        .ok();
        self.show_json(&[SAVED_PLAN])
    }

    /// `terraform apply` of the plan [`Workdir::saved_plan_json`] saved (no approval asked).
    pub fn apply_saved_plan(&self) {
        self.run(&[
            "apply",
            "-no-color",
            "-input=false",
            "-auto-approve",
            SAVED_PLAN,
        ])
        .ok();
    }

    /// `terraform show -json` of the current state.
    pub fn state_json(&self) -> Value {
        self.show_json(&[])
    }

    /// The raw local state file, `terraform.tfstate`.
    pub fn raw_state(&self) -> String {
        let path = self.path().join("terraform.tfstate");
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    fn show_json(&self, args: &[&str]) -> Value {
        let mut all = vec!["show", "-json", "-no-color"];
        all.extend_from_slice(args);
        let run = self.run(&all).ok();
        serde_json::from_str(&run.stdout)
            .unwrap_or_else(|e| panic!("terraform show -json: {e}\n{}", run.stdout))
    }
}

/// A generated fleet (tests/rds-fake) of `databases` in `regions` with every server certificate
/// on `rds-ca-rsa2048-g1` for 300 more days and no pending maintenance: a fleet the audit finds
/// clean, for tests to make exceptions in.
pub fn settled_fleet(regions: &[&str], databases: usize) -> rdsca_rds_fake::Fleet {
    use rdsca_rds_fake::ClusterKind;
    let now = time::OffsetDateTime::now_utc();
    let mut spec = rdsca_rds_fake::generate::FleetSpec::new(databases, now);
    spec.regions = regions.iter().map(|r| r.to_string()).collect();
    let mut fleet = rdsca_rds_fake::generate::fleet(&spec);
    let later = now + time::Duration::days(300);
    for data in fleet.regions.values_mut() {
        data.pending.clear();
        for cluster in &mut data.clusters {
            if let ClusterKind::MultiAz { certificate, .. } = &mut cluster.kind {
                certificate.ca = "rds-ca-rsa2048-g1".into();
                certificate.valid_till = later;
            }
        }
        for instance in &mut data.instances {
            instance.ca = "rds-ca-rsa2048-g1".into();
            instance.valid_till = later;
        }
    }
    fleet
}
