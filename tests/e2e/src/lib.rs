//! Harness for the end-to-end tests: the real `terraform` CLI, the built provider installed
//! through a filesystem mirror in a temporary directory (`TF_CLI_CONFIG_FILE`), and helpers to
//! run commands and read their `-json` output.
//!
//! - `RDSCA_TERRAFORM`: the CLI to use (default: `terraform` on PATH). A missing CLI fails the
//!   tests: they never skip.
//! - `RDSCA_PROVIDER_BIN`: the provider binary (default: `<target dir>/debug/terraform-provider-rdsca`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use serde_json::Value;

pub const SOURCE: &str = "rdsca/rdsca";

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
    if let Some(p) = std::env::var_os("RDSCA_PROVIDER_BIN") {
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
    target.join("debug/terraform-provider-rdsca")
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

/// Writes a filesystem mirror holding `binary` as rdsca/rdsca `version`, and a CLI config using it.
pub fn make_mirror(dir: &Path, binary: &Path, version: &str) -> PathBuf {
    let platform = dir.join(format!(
        "mirror/registry.terraform.io/{SOURCE}/{version}/linux_amd64"
    ));
    std::fs::create_dir_all(&platform).unwrap();
    std::fs::copy(
        binary,
        platform.join(format!("terraform-provider-rdsca_v{version}")),
    )
    .unwrap();
    write_cli_config(dir, &dir.join("mirror"))
}

pub fn write_cli_config(dir: &Path, mirror: &Path) -> PathBuf {
    let config = dir.join("terraform.rc");
    std::fs::write(
        &config,
        format!(
            "provider_installation {{\n  filesystem_mirror {{\n    path    = \"{}\"\n    include = [\"registry.terraform.io/{SOURCE}\"]\n  }}\n  direct {{\n    exclude = [\"registry.terraform.io/{SOURCE}\"]\n  }}\n}}\n",
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
