//! `rdsca check` on what real Terraform writes: a configuration planned and applied with the
//! stand-in `hashicorp/aws` provider (modules, count, for_each, nested modules, provider aliases in
//! several Regions, GovCloud and China, values known only after apply, every kind of wrong CA),
//! checked as the saved plan's JSON, the state's JSON and the raw terraform.tfstate; and the two
//! real published states in tests/fixtures/tfstate; and `--aws` on real Terraform output against the
//! local fake RDS API.
//!
//! Needs `cargo build -p rdsca-cli -p rdsca-aws-standin -p terraform-provider-rdsca`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use rdsca_e2e::{
    aws_required_providers, cli_binary, isolate_aws, terraform_json, workspace, TerraformJson,
};
use serde_json::Value;

const MAIN_TF: &str = r#"
provider "aws" {
  region = "eu-west-1"
}

provider "aws" {
  alias  = "zurich"
  region = "eu-central-2"
}

provider "aws" {
  alias  = "gov"
  region = "us-gov-west-1"
}

provider "aws" {
  alias  = "china"
  region = "cn-north-1"
}

resource "aws_db_instance" "fine" {
  identifier         = "fine"
  engine             = "postgres"
  engine_version     = "16.3"
  instance_class     = "db.t3.micro"
  ca_cert_identifier = "rds-ca-rsa4096-g1"
}

# Zurich lacks rds-ca-ecc384-g1 (data/rds-ca.toml).
resource "aws_db_instance" "not_offered" {
  provider           = aws.zurich
  identifier         = "not-offered"
  engine             = "postgres"
  instance_class     = "db.t3.micro"
  ca_cert_identifier = "rds-ca-ecc384-g1"
}

resource "aws_db_instance" "typo" {
  identifier         = "typo"
  engine             = "mysql"
  instance_class     = "db.t3.micro"
  ca_cert_identifier = "rds-ca-rsa2048-g2"
}

resource "aws_db_instance" "old" {
  identifier         = "old"
  engine             = "mysql"
  instance_class     = "db.t3.micro"
  ca_cert_identifier = "rds-ca-2019"
}

# No CA, in a Region whose account default an aws_rds_certificate sets.
resource "aws_db_instance" "no_ca" {
  identifier     = "no-ca"
  engine         = "postgres"
  instance_class = "db.t3.micro"
}

resource "aws_rds_certificate" "default" {
  certificate_identifier = "rds-ca-ecc384-g1"
}

# No CA, and no aws_rds_certificate for Zurich.
resource "aws_db_instance" "no_ca_zurich" {
  provider       = aws.zurich
  identifier     = "no-ca-zurich"
  engine         = "mysql"
  instance_class = "db.t3.micro"
}

# AWS provider 6: a resource Region of its own, which lacks rds-ca-rsa4096-g1.
resource "aws_db_instance" "tel_aviv" {
  region             = "il-central-1"
  identifier         = "tel-aviv"
  engine             = "postgres"
  instance_class     = "db.t3.micro"
  ca_cert_identifier = "rds-ca-rsa4096-g1"
}

# China: rds-ca-ecc384-g1 is unverified there.
resource "aws_db_instance" "china" {
  provider           = aws.china
  identifier         = "china"
  engine             = "mysql"
  instance_class     = "db.t3.micro"
  ca_cert_identifier = "rds-ca-ecc384-g1"
}

# A CA and a Region known only after apply.
resource "terraform_data" "later" {
  input = { ca = "rds-ca-rsa4096-g1", region = "eu-central-2" }
}

resource "aws_db_instance" "late_ca" {
  identifier         = "late-ca"
  engine             = "postgres"
  instance_class     = "db.t3.micro"
  ca_cert_identifier = terraform_data.later.output.ca
}

resource "aws_db_instance" "late_region" {
  region             = terraform_data.later.output.region
  identifier         = "late-region"
  engine             = "postgres"
  instance_class     = "db.t3.micro"
  ca_cert_identifier = "rds-ca-ecc384-g1"
}

# GovCloud through a module per key, each with a count and a nested module.
module "gov" {
  source   = "./modules/gov"
  for_each = toset(["blue", "green"])
  name     = each.key
  providers = {
    aws = aws.gov
  }
}

# Aurora in Zurich: the cluster sets no CA (its instances carry it).
module "aurora" {
  source = "./modules/aurora"
  providers = {
    aws = aws.zurich
  }
}
"#;

const GOV_TF: &str = r#"
variable "name" {
  type = string
}

resource "aws_db_instance" "this" {
  count              = 2
  identifier         = "${var.name}-${count.index}"
  engine             = "postgres"
  instance_class     = "db.t3.micro"
  ca_cert_identifier = "rds-ca-rsa4096-g1"
}

module "inner" {
  source = "./inner"
  name   = var.name
}
"#;

const GOV_INNER_TF: &str = r#"
variable "name" {
  type = string
}

resource "aws_db_instance" "x" {
  for_each = {
    current = "rds-ca-ecc384-g1"
    legacy  = "rds-ca-2015"
  }
  identifier         = "${var.name}-${each.key}"
  engine             = "postgres"
  instance_class     = "db.t3.micro"
  ca_cert_identifier = each.value
}
"#;

const AURORA_TF: &str = r#"
resource "aws_rds_cluster" "this" {
  cluster_identifier = "aurora"
  engine             = "aurora-postgresql"
}

resource "aws_rds_cluster_instance" "this" {
  for_each           = toset(["a", "b"])
  identifier         = "aurora-${each.key}"
  cluster_identifier = aws_rds_cluster.this.id
  engine             = aws_rds_cluster.this.engine
  instance_class     = "db.r6g.large"
  ca_cert_identifier = each.key == "a" ? "rds-ca-rsa2048-g1" : "rds-ca-rsa4096-g1"
}
"#;

/// Every module needs the stand-in's source.
fn module(body: &str) -> String {
    format!("terraform {{\n  required_providers {{\n    aws = {{\n      source = \"hashicorp/aws\"\n    }}\n  }}\n}}\n{body}")
}

/// The configuration above, planned and applied once, written out as the three inputs.
struct Inputs {
    _dir: tempfile::TempDir,
    plan: PathBuf,
    state: PathBuf,
    raw: PathBuf,
}

fn inputs() -> &'static Inputs {
    static INPUTS: OnceLock<Inputs> = OnceLock::new();
    INPUTS.get_or_init(|| {
        let main = format!("{}{MAIN_TF}", aws_required_providers());
        let (gov, inner, aurora) = (module(GOV_TF), module(GOV_INNER_TF), module(AURORA_TF));
        let json: TerraformJson = terraform_json(&[
            ("main.tf", &main),
            ("modules/gov/main.tf", &gov),
            ("modules/gov/inner/main.tf", &inner),
            ("modules/aurora/main.tf", &aurora),
        ]);
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| {
            let path = dir.path().join(name);
            std::fs::write(&path, text).unwrap();
            path
        };
        Inputs {
            plan: write("plan.json", &json.plan.to_string()),
            state: write("state.json", &json.state.to_string()),
            raw: write("terraform.tfstate", &json.raw_state),
            _dir: dir,
        }
    })
}

/// The result of one `rdsca` run.
struct Rdsca {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs the built `rdsca` with no AWS variable from the environment.
fn rdsca(args: &[&str]) -> Rdsca {
    let binary = cli_binary();
    assert!(
        binary.is_file(),
        "{} is missing: run `cargo build -p rdsca-cli` first",
        binary.display()
    );
    let mut cmd = Command::new(&binary);
    cmd.args(args);
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("AWS_") {
            cmd.env_remove(k);
        }
    }
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", binary.display()));
    Rdsca {
        code: out.status.code().expect("rdsca exited, not killed"),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// `(address, rule, severity, region, region source)` of each finding of a JSON report.
type Row = (String, String, String, Option<String>, Option<String>);

fn rows(report: &Value) -> Vec<Row> {
    let text = |v: &Value| v.as_str().map(str::to_string);
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                text(&f["address"]).unwrap(),
                text(&f["rule"]).unwrap(),
                text(&f["severity"]).unwrap(),
                text(&f["region"]),
                text(&f["region_source"]),
            )
        })
        .collect()
}

/// The JSON report for one input, and its exit status.
fn check_json(file: &Path, extra: &[&str]) -> (Value, i32) {
    let mut args = vec!["check", "--format", "json", path(file)];
    args.extend_from_slice(extra);
    let run = rdsca(&args);
    let report: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", run.stdout, run.stderr));
    (report, run.code)
}

fn row(address: &str, rule: &str, severity: &str, region: Option<(&str, &str)>) -> Row {
    (
        address.into(),
        rule.into(),
        severity.into(),
        region.map(|(c, _)| c.to_string()),
        region.map(|(_, s)| s.to_string()),
    )
}

#[test]
fn the_saved_plan() {
    let (report, code) = check_json(&inputs().plan, &[]);
    let provider = |key: &str| format!("provider configuration \"{key}\"");
    let (zurich, gov, china, default) = (
        provider("aws.zurich"),
        provider("aws.gov"),
        provider("aws.china"),
        provider("aws"),
    );
    let expected = vec![
        row(
            "aws_db_instance.china",
            "ca-unverified",
            "warning",
            Some(("cn-north-1", &china)),
        ),
        row(
            "aws_db_instance.late_ca",
            "known-after-apply",
            "note",
            Some(("eu-west-1", &default)),
        ),
        row(
            "aws_db_instance.late_region",
            "known-after-apply",
            "note",
            None,
        ),
        row(
            "aws_db_instance.no_ca",
            "ca-not-set",
            "warning",
            Some(("eu-west-1", &default)),
        ),
        row(
            "aws_db_instance.no_ca_zurich",
            "ca-not-set",
            "warning",
            Some(("eu-central-2", &zurich)),
        ),
        row(
            "aws_db_instance.not_offered",
            "ca-not-offered",
            "error",
            Some(("eu-central-2", &zurich)),
        ),
        row(
            "aws_db_instance.old",
            "ca-retired",
            "error",
            Some(("eu-west-1", &default)),
        ),
        row(
            "aws_db_instance.tel_aviv",
            "ca-not-offered",
            "error",
            Some(("il-central-1", "its region argument")),
        ),
        row(
            "aws_db_instance.typo",
            "ca-unknown",
            "error",
            Some(("eu-west-1", &default)),
        ),
        row(
            "module.aurora.aws_rds_cluster_instance.this[\"b\"]",
            "ca-not-offered",
            "error",
            Some(("eu-central-2", &zurich)),
        ),
        row(
            "module.gov[\"blue\"].module.inner.aws_db_instance.x[\"legacy\"]",
            "ca-retired",
            "error",
            Some(("us-gov-west-1", &gov)),
        ),
        row(
            "module.gov[\"green\"].module.inner.aws_db_instance.x[\"legacy\"]",
            "ca-retired",
            "error",
            Some(("us-gov-west-1", &gov)),
        ),
    ];
    assert_eq!(rows(&report), expected, "{report:#}");
    assert_eq!(code, 2, "errors fail the default --fail-on error");
    assert_eq!(report["inputs"][0]["kind"], "plan");
    // Every RDS resource instance of the configuration, the account default included.
    assert_eq!(report["inputs"][0]["resources"], 22);
    assert_eq!(report["summary"]["errors"], 7);
    assert_eq!(report["summary"]["warnings"], 3);
    assert_eq!(report["summary"]["notes"], 2);
    // The messages say what is allowed and what was meant.
    let message = |address: &str| {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["address"] == address)
            .unwrap()["message"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert!(
        message("aws_db_instance.typo").contains("Did you mean \"rds-ca-rsa2048-g1\"?"),
        "{}",
        message("aws_db_instance.typo")
    );
    assert!(
        message("aws_db_instance.not_offered")
            .ends_with("CAs offered in eu-central-2: rds-ca-rsa2048-g1."),
        "{}",
        message("aws_db_instance.not_offered")
    );
    assert!(
        message("aws_db_instance.no_ca").contains(
            "which aws_rds_certificate.default sets to \"rds-ca-ecc384-g1\"; it is checked as that"
        ),
        "{}",
        message("aws_db_instance.no_ca")
    );
    assert!(
        message("aws_db_instance.no_ca_zurich").contains("AWS's default rds-ca-rsa2048-g1"),
        "{}",
        message("aws_db_instance.no_ca_zurich")
    );
    assert!(
        message("aws_db_instance.old").contains("expired on 2024-08-22"),
        "{}",
        message("aws_db_instance.old")
    );
}

/// After apply the state knows every value, and each resource's own `region` (AWS provider 6).
fn state_rows() -> Vec<Row> {
    let arg = "its region argument";
    vec![
        row(
            "aws_db_instance.china",
            "ca-unverified",
            "warning",
            Some(("cn-north-1", arg)),
        ),
        row(
            "aws_db_instance.late_region",
            "ca-not-offered",
            "error",
            Some(("eu-central-2", arg)),
        ),
        row(
            "aws_db_instance.no_ca",
            "ca-not-set",
            "warning",
            Some(("eu-west-1", arg)),
        ),
        row(
            "aws_db_instance.no_ca_zurich",
            "ca-not-set",
            "warning",
            Some(("eu-central-2", arg)),
        ),
        row(
            "aws_db_instance.not_offered",
            "ca-not-offered",
            "error",
            Some(("eu-central-2", arg)),
        ),
        row(
            "aws_db_instance.old",
            "ca-retired",
            "error",
            Some(("eu-west-1", arg)),
        ),
        row(
            "aws_db_instance.tel_aviv",
            "ca-not-offered",
            "error",
            Some(("il-central-1", arg)),
        ),
        row(
            "aws_db_instance.typo",
            "ca-unknown",
            "error",
            Some(("eu-west-1", arg)),
        ),
        row(
            "module.aurora.aws_rds_cluster_instance.this[\"b\"]",
            "ca-not-offered",
            "error",
            Some(("eu-central-2", arg)),
        ),
        row(
            "module.gov[\"blue\"].module.inner.aws_db_instance.x[\"legacy\"]",
            "ca-retired",
            "error",
            Some(("us-gov-west-1", arg)),
        ),
        row(
            "module.gov[\"green\"].module.inner.aws_db_instance.x[\"legacy\"]",
            "ca-retired",
            "error",
            Some(("us-gov-west-1", arg)),
        ),
    ]
}

#[test]
fn the_state_json_and_the_raw_state() {
    for (file, kind) in [(&inputs().state, "state_json"), (&inputs().raw, "state_v4")] {
        let (report, code) = check_json(file, &[]);
        assert_eq!(report["inputs"][0]["kind"], kind);
        assert_eq!(report["inputs"][0]["resources"], 22, "{kind}");
        assert_eq!(rows(&report), state_rows(), "{kind}: {report:#}");
        assert_eq!(code, 2, "{kind}");
    }
}

#[test]
fn fail_on_levels_set_the_exit_status() {
    let plan = &inputs().plan;
    for (level, code) in [("error", 2), ("warning", 2), ("note", 2), ("never", 0)] {
        assert_eq!(
            check_json(plan, &["--fail-on", level]).1,
            code,
            "--fail-on {level}"
        );
    }
    // A plan of warnings and notes only: the level decides.
    let dir = tempfile::tempdir().unwrap();
    let mild = mild_plan(dir.path());
    for (level, code) in [("error", 0), ("warning", 2), ("note", 2), ("never", 0)] {
        let (report, got) = check_json(&mild, &["--fail-on", level]);
        assert_eq!(got, code, "--fail-on {level}: {report:#}");
        assert_eq!(report["summary"]["failed"], code == 2);
    }
    let notes = notes_only_plan(dir.path());
    for (level, code) in [("warning", 0), ("note", 2)] {
        assert_eq!(
            check_json(&notes, &["--fail-on", level]).1,
            code,
            "--fail-on {level}"
        );
    }
}

/// The plan's findings but its errors: the China warning, the unset CAs and the notes.
fn mild_plan(dir: &Path) -> PathBuf {
    keep_changes(
        dir,
        "mild.json",
        &[
            "aws_db_instance.china",
            "aws_db_instance.late_ca",
            "aws_db_instance.no_ca",
        ],
    )
}

fn notes_only_plan(dir: &Path) -> PathBuf {
    keep_changes(
        dir,
        "notes.json",
        &["aws_db_instance.late_ca", "aws_db_instance.late_region"],
    )
}

/// The real plan with only these resource changes (and the rest of it as Terraform wrote it).
fn keep_changes(dir: &Path, name: &str, addresses: &[&str]) -> PathBuf {
    let mut plan: Value =
        serde_json::from_str(&std::fs::read_to_string(&inputs().plan).unwrap()).unwrap();
    plan["resource_changes"]
        .as_array_mut()
        .unwrap()
        .retain(|r| addresses.contains(&r["address"].as_str().unwrap()));
    let path = dir.join(name);
    std::fs::write(&path, plan.to_string()).unwrap();
    path
}

#[test]
fn sarif_and_text_outputs() {
    let plan = path(&inputs().plan);
    let run = rdsca(&["check", "--format", "sarif", plan]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let sarif: Value = serde_json::from_str(&run.stdout).expect("SARIF is JSON");
    assert_eq!(sarif["version"], "2.1.0");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 12);
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    for r in results {
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], r["ruleId"]);
        assert!(
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
                .ends_with("plan.json"),
            "{r}"
        );
    }
    let not_offered = results
        .iter()
        .find(|r| {
            r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
                == "aws_db_instance.not_offered"
        })
        .unwrap();
    assert_eq!(not_offered["level"], "error");
    assert_eq!(not_offered["ruleId"], "ca-not-offered");
    assert_eq!(not_offered["properties"]["region"], "eu-central-2");

    let run = rdsca(&["check", plan]);
    assert_eq!(run.code, 2);
    assert!(
        run.stdout.contains(
            "aws_db_instance.not_offered  (PLAN; Region eu-central-2 from provider configuration \"aws.zurich\")\n  error[ca-not-offered] ca_cert_identifier: "
                .replace("PLAN", plan)
                .as_str()
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.ends_with("Checked 22 RDS resources in 1 file: 7 errors, 3 warnings, 2 notes. Fails (--fail-on error).\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn several_files_and_stdin_in_one_report() {
    let (plan, state) = (path(&inputs().plan), path(&inputs().state));
    let binary = cli_binary();
    let out = Command::new(&binary)
        .args(["check", "--format", "json", plan, "-"])
        .stdin(std::fs::File::open(state).unwrap())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let files: Vec<&str> = report["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["file"].as_str().unwrap())
        .collect();
    assert_eq!(files, [plan, "-"]);
    assert_eq!(report["findings"].as_array().unwrap().len(), 12 + 11);
}

/// The real published states: Terraform 0.12 and 1.4 with the real AWS provider 2.x–4.x, both
/// on rds-ca-2019, placed by their ARNs.
#[test]
fn real_published_states() {
    let fixtures = workspace().join("tests/fixtures/tfstate");
    let cases = [
        (
            "ariel-infra-terraform.rds.tfstate",
            "module.db.module.db_instance.aws_db_instance.this[0]",
            "ap-northeast-1",
        ),
        (
            "fiap-hackaton-infra.rds.tfstate",
            "aws_db_instance.default",
            "us-east-1",
        ),
    ];
    for (name, address, region) in cases {
        let (report, code) = check_json(&fixtures.join(name), &[]);
        assert_eq!(report["inputs"][0]["kind"], "state_v4", "{name}");
        assert_eq!(report["inputs"][0]["resources"], 1, "{name}");
        assert_eq!(
            rows(&report),
            [row(
                address,
                "ca-retired",
                "error",
                Some((region, "its ARN"))
            )],
            "{name}"
        );
        assert_eq!(report["findings"][0]["value"], "rds-ca-2019");
        assert_eq!(code, 2, "{name}");
    }
}

#[test]
fn bad_input_exits_1_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let plan_file = dir.path().join("tfplan");
    std::fs::write(&plan_file, b"PK\x03\x04binary").unwrap();
    let run = rdsca(&["check", path(&plan_file)]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("a binary saved plan, not JSON")
            && run.stderr.contains(path(&plan_file)),
        "{}",
        run.stderr
    );
    let run = rdsca(&["check", path(&dir.path().join("missing.json"))]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("missing.json: cannot read the file"),
        "{}",
        run.stderr
    );
}

/// `--aws` on real Terraform output, against the local fake RDS API in eu-west-1 (a request for
/// another Region is refused, as a wrong Region's endpoint would): one DescribeDBEngineVersions
/// per distinct (Region, engine, version), the account default from the input's
/// aws_rds_certificate (no DescribeCertificates), and Frankfurt's failure on its own resource only.
#[test]
fn aws_engine_check_on_the_plan_and_the_state() {
    use rdsca_rds_fake::{EngineVersion, FakeRds};
    const MSSQL: &str = "15.00.4236.7.v1";
    let main = format!(
        "{}{}",
        aws_required_providers(),
        r#"
provider "aws" {
  region = "eu-west-1"
}

provider "aws" {
  alias  = "frankfurt"
  region = "eu-central-1"
}

resource "aws_db_instance" "pg" {
  count              = 3
  identifier         = "pg-${count.index}"
  engine             = "postgres"
  engine_version     = "16.3"
  instance_class     = "db.t3.micro"
  ca_cert_identifier = "rds-ca-rsa4096-g1"
}

resource "aws_db_instance" "mssql" {
  identifier         = "mssql"
  engine             = "sqlserver-se"
  engine_version     = "15.00.4236.7.v1"
  instance_class     = "db.t3.xlarge"
  ca_cert_identifier = "rds-ca-ecc384-g1"
}

resource "aws_db_instance" "mssql_default" {
  identifier     = "mssql-default"
  engine         = "sqlserver-se"
  engine_version = "15.00.4236.7.v1"
  instance_class = "db.t3.xlarge"
}

resource "aws_rds_certificate" "default" {
  certificate_identifier = "rds-ca-ecc384-g1"
}

resource "aws_db_instance" "frankfurt" {
  provider           = aws.frankfurt
  identifier         = "frankfurt"
  engine             = "postgres"
  engine_version     = "16.3"
  instance_class     = "db.t3.micro"
  ca_cert_identifier = "rds-ca-rsa2048-g1"
}
"#
    );
    let json = terraform_json(&[("main.tf", &main)]);
    let dir = tempfile::tempdir().unwrap();
    for (name, doc) in [("plan.json", &json.plan), ("state.json", &json.state)] {
        let fake = FakeRds::start(
            "eu-west-1",
            vec![
                EngineVersion::new(
                    "postgres",
                    "16.3",
                    &["rds-ca-rsa2048-g1", "rds-ca-rsa4096-g1", "rds-ca-ecc384-g1"],
                    true,
                ),
                EngineVersion::new(
                    "sqlserver-se",
                    MSSQL,
                    &["rds-ca-rsa2048-g1", "rds-ca-rsa4096-g1"],
                    false,
                ),
            ],
        );
        let file = dir.path().join(name);
        std::fs::write(&file, doc.to_string()).unwrap();
        let binary = cli_binary();
        let mut cmd = Command::new(&binary);
        cmd.args(["check", "--aws", "--format", "json", path(&file)]);
        let out = isolate_aws(&mut cmd, dir.path())
            .env("AWS_ACCESS_KEY_ID", "AKIDTEST")
            .env("AWS_SECRET_ACCESS_KEY", "test-secret")
            .env("AWS_ENDPOINT_URL_RDS", fake.url())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{name}");
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        let got: Vec<(String, String, Option<String>)> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["address"].as_str().unwrap().to_string(),
                    f["rule"].as_str().unwrap().to_string(),
                    f["value"].as_str().map(str::to_string),
                )
            })
            .collect();
        let finding = |a: &str, r: &str, v: Option<&str>| {
            (a.to_string(), r.to_string(), v.map(str::to_string))
        };
        assert_eq!(
            got,
            [
                finding("aws_db_instance.frankfurt", "aws-check-failed", None),
                finding(
                    "aws_db_instance.mssql",
                    "engine-ca-unsupported",
                    Some("rds-ca-ecc384-g1")
                ),
                finding(
                    "aws_db_instance.mssql_default",
                    "engine-ca-unsupported",
                    Some("rds-ca-ecc384-g1")
                ),
                finding("aws_db_instance.mssql_default", "ca-not-set", None),
            ],
            "{name}: {report:#}"
        );
        let mut asked: Vec<(String, String, String)> = fake
            .requests()
            .iter()
            .map(|r| {
                let p = |k: &str| r.params.get(k).cloned().unwrap_or_default();
                (
                    r.scope.as_ref().unwrap().1.clone(),
                    p("Action"),
                    p("Engine"),
                )
            })
            .collect();
        asked.sort();
        let ask = |region: &str, engine: &str| {
            (
                region.to_string(),
                "DescribeDBEngineVersions".to_string(),
                engine.to_string(),
            )
        };
        assert_eq!(
            asked,
            [
                ask("eu-central-1", "postgres"),
                ask("eu-west-1", "postgres"),
                ask("eu-west-1", "sqlserver-se"),
            ],
            "{name}"
        );
    }
}
