//! The built `rdsca` binary, run as a user runs it: each output format, the exit statuses and
//! the bad-input messages.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn fixture(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
        .display()
        .to_string()
}

fn rdsca(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rdsca"));
    cmd.args(args).env_remove("AWS_REGION");
    cmd
}

fn run(args: &[&str]) -> Output {
    rdsca(args).output().expect("rdsca runs")
}

fn run_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = rdsca(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("rdsca starts");
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// (address, rule) of each finding of a JSON report.
fn findings(report: &serde_json::Value) -> Vec<(String, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["address"].as_str().unwrap().to_string(),
                f["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn plan_as_json_finds_every_rule_with_the_region_and_its_source() {
    let out = run(&["check", &fixture("plan.json"), "--format", "json"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["schema"], "rdsca-check/1");
    assert_eq!(report["inputs"][0]["kind"], "plan");
    assert_eq!(report["inputs"][0]["resources"], 9);
    let expected: Vec<(String, String)> = [
        ("aws_db_instance.china", "ca-unverified"),
        ("aws_db_instance.later", "known-after-apply"),
        ("aws_db_instance.zurich", "ca-not-offered"),
        ("aws_rds_cluster.govcloud", "ca-unknown"),
        (
            "module.db[\"orders\"].aws_db_instance.this[0]",
            "ca-not-set",
        ),
        (
            "module.db[\"orders\"].aws_db_instance.this[1]",
            "ca-retired",
        ),
        (
            "module.db[\"orders\"].module.replica.aws_rds_cluster_instance.this",
            "ca-not-set",
        ),
    ]
    .iter()
    .map(|(a, r)| (a.to_string(), r.to_string()))
    .collect();
    assert_eq!(findings(&report), expected);
    let zurich = &report["findings"][2];
    assert_eq!(zurich["region"], "eu-central-2");
    assert_eq!(zurich["region_source"], "provider configuration \"aws\"");
    assert_eq!(zurich["value"], "rds-ca-ecc384-g1");
    assert_eq!(zurich["attribute"], "ca_cert_identifier");
    let nested = &report["findings"][6];
    assert_eq!(
        nested["region"], "eu-central-2",
        "the nested module inherits the default provider"
    );
    let counted = &report["findings"][4];
    assert_eq!(
        counted["region_source"],
        "provider configuration \"aws.west\""
    );
    assert!(counted["message"]
        .as_str()
        .unwrap()
        .contains("which aws_rds_certificate.west sets to \"rds-ca-rsa4096-g1\""));
    assert_eq!(
        report["summary"],
        serde_json::json!({"resources": 9, "errors": 3, "warnings": 3, "notes": 1, "fail_on": "error", "failed": true})
    );
}

#[test]
fn text_groups_by_resource_and_ends_with_a_summary() {
    let out = run(&["check", &fixture("terraform.tfstate")]);
    assert_eq!(out.status.code(), Some(2));
    let text = stdout(&out);
    assert!(text.contains("aws_db_instance.legacy  (") && text.contains("terraform.tfstate)\n  error[ca-retired] ca_cert_identifier: CA \"rds-ca-2019\" expired on 2024-08-22"), "{text}");
    assert!(
        text.contains("module.regional[\"eu\"].aws_db_instance.db[0]  ("),
        "{text}"
    );
    assert!(
        text.contains("; Region eu-central-2 from its availability zone)\n  error[ca-not-offered]"),
        "{text}"
    );
    assert!(text.ends_with("Checked 2 RDS resources in 1 file: 2 errors, 1 warning, 0 notes. Fails (--fail-on error).\n"), "{text}");
}

#[test]
fn sarif_has_rules_results_and_both_locations() {
    let plan = fixture("plan.json");
    let out = run(&["check", &plan, "--format", "sarif"]);
    assert_eq!(out.status.code(), Some(2));
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "rdsca");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 7);
    for r in results {
        let rule = &rules[r["ruleIndex"].as_u64().unwrap() as usize];
        assert_eq!(rule["id"], r["ruleId"]);
        assert!(["error", "warning", "note"].contains(&r["level"].as_str().unwrap()));
        assert!(!r["message"]["text"].as_str().unwrap().is_empty());
        let location = &r["locations"][0];
        assert!(location["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .ends_with("cli/tests/fixtures/plan.json"));
        assert!(location["logicalLocations"][0]["fullyQualifiedName"]
            .as_str()
            .unwrap()
            .contains("aws_"));
    }
}

#[test]
fn fail_on_sets_the_exit_status() {
    let state = fixture("state.json");
    // One warning (an unverified CA), no error.
    assert_eq!(run(&["check", &state]).status.code(), Some(0));
    assert_eq!(
        run(&["check", &state, "--fail-on", "warning"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        run(&["check", &state, "--fail-on", "note"]).status.code(),
        Some(2)
    );
    let plan = fixture("plan.json");
    assert_eq!(
        run(&["check", &plan, "--fail-on", "never"]).status.code(),
        Some(0)
    );
    let out = run(&["check", &state, "--fail-on", "sometimes"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a bad argument is bad input, not findings"
    );
    assert!(
        stderr(&out).contains("invalid value 'sometimes' for '--fail-on <SEVERITY>'"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn stdin_and_several_files() {
    let state = std::fs::read(fixture("state.json")).unwrap();
    let out = run_stdin(
        &[
            "check",
            "-",
            &fixture("terraform.tfstate"),
            "--format",
            "json",
        ],
        &state,
    );
    assert_eq!(out.status.code(), Some(2));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["inputs"][0]["file"], "-");
    assert_eq!(report["inputs"][0]["kind"], "state_json");
    assert_eq!(report["inputs"][1]["kind"], "state_v4");
    assert_eq!(report["findings"][0]["file"], "-");
    let out = run(&["check", "-", "-"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("`-` (stdin) can be given once only"));
}

#[test]
fn region_flag_then_aws_region_place_what_the_input_does_not() {
    let tfstate = fixture("terraform.tfstate");
    let located = |o: &Output| -> Vec<(String, String)> {
        let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["address"] == "aws_db_instance.legacy")
            .map(|f| {
                (
                    f["rule"].as_str().unwrap().into(),
                    f["region_source"].as_str().unwrap_or("-").into(),
                )
            })
            .collect()
    };
    let flag = run(&[
        "check",
        &tfstate,
        "--format",
        "json",
        "--region",
        "eu-west-1",
    ]);
    assert_eq!(
        located(&flag),
        [("ca-retired".to_string(), "--region".to_string())]
    );
    let env = rdsca(&["check", &tfstate, "--format", "json"])
        .env("AWS_REGION", "eu-west-3")
        .output()
        .unwrap();
    assert_eq!(
        located(&env),
        [("ca-retired".to_string(), "AWS_REGION".to_string())]
    );
    let both = rdsca(&[
        "check",
        &tfstate,
        "--format",
        "json",
        "--region",
        "eu-west-1",
    ])
    .env("AWS_REGION", "eu-west-3")
    .output()
    .unwrap();
    assert_eq!(
        located(&both)[0].1,
        "--region",
        "--region comes before AWS_REGION"
    );
    let out = run(&["check", &tfstate, "--region", "eu-wst-1"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("\"eu-wst-1\" is not a known region. Did you mean \"eu-west-1\"?"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn bad_inputs_exit_1_naming_the_file_and_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, content: &[u8]| {
        let path = dir.path().join(name);
        std::fs::write(&path, content).unwrap();
        path.display().to_string()
    };
    let cases: Vec<(String, String)> = vec![
        (write("main.tf", b"resource \"aws_db_instance\" \"x\" {}"), ": not JSON (expected value at line 1 column 1)".into()),
        (write("package.json", br#"{"name": "x", "version": "1.0.0"}"#), ": not a Terraform plan or state: no format_version or version; its top-level keys are name, version.".into()),
        (write("plan2.json", br#"{"format_version": "2.0", "planned_values": {}}"#), ": unsupported plan format_version 2.0; rdsca reads plan format versions 0.x and 1.x".into()),
        (write("old.tfstate", br#"{"version": 3, "terraform_version": "0.11.14", "serial": 1, "modules": []}"#), ": unsupported state file version 3; rdsca reads terraform.tfstate version 4".into()),
        (write("plan.tfplan", b"PK\x03\x04binary"), ": a binary saved plan, not JSON. Convert it first: `terraform show -json".into()),
        (dir.path().join("missing.json").display().to_string(), ": cannot read the file:".into()),
    ];
    for (path, message) in cases {
        let out = run(&["check", &fixture("state.json"), &path]);
        assert_eq!(out.status.code(), Some(1), "{path}");
        let err = stderr(&out);
        assert!(
            err.starts_with(&format!("rdsca: {path}{message}")),
            "{path}: {err}"
        );
        assert!(out.stdout.is_empty(), "no report for a run with bad input");
    }
    let out = run_stdin(&["check", "-"], b"[1, 2]");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out)
            .starts_with("rdsca: stdin: not a Terraform plan or state: the JSON is an array"),
        "{}",
        stderr(&out)
    );
    let out = run(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("<FILE>..."));
}

#[test]
fn regions_in_each_format() {
    let text = run(&["regions"]);
    assert_eq!(text.status.code(), Some(0));
    assert!(stdout(&text)
        .lines()
        .any(|l| l.starts_with("eu-central-2") && l.contains("not offered")));
    let json = run(&["regions", "--format", "json"]);
    assert_eq!(json.status.code(), Some(0));
    let table: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let govcloud = table["regions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "us-gov-west-1")
        .unwrap();
    assert_eq!(govcloud["partition"], "aws-us-gov");
    let md = run(&["regions", "--format", "markdown"]);
    assert!(
        stdout(&md).contains(
            "| `eu-central-2` | Europe (Zurich) | `aws` | offered | not offered | not offered |"
        ),
        "{}",
        stdout(&md)
    );
    let bad = run(&["regions", "--format", "yaml"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        stderr(&bad).contains("[possible values: text, json, markdown]"),
        "{}",
        stderr(&bad)
    );
}

#[test]
fn every_subcommand_has_help_with_examples_and_exit_statuses() {
    for sub in [
        &["--help"][..],
        &["check", "--help"],
        &["regions", "--help"],
    ] {
        let out = run(sub);
        assert_eq!(out.status.code(), Some(0), "{sub:?}");
        let help = stdout(&out);
        assert!(help.contains("Examples:"), "{sub:?}: {help}");
        assert!(help.contains("Exit status:"), "{sub:?}: {help}");
    }
    let check_help = stdout(&run(&["check", "--help"]));
    for rule in [
        "ca-unknown",
        "ca-retired",
        "ca-not-offered",
        "ca-unverified",
        "ca-not-set",
        "known-after-apply",
        "region-unknown",
        "region-unlisted",
        "region-invalid",
        "engine-ca-unsupported",
        "engine-version-unknown",
        "engine-not-checked",
        "aws-check-failed",
    ] {
        assert!(
            check_help.contains(&format!("  {rule} ")),
            "{rule} in check --help"
        );
    }
    assert!(
        check_help.contains("--aws-profile <PROFILE>")
            && check_help.contains("one\nDescribeDBEngineVersions request"),
        "{check_help}"
    );
    let version = run(&["--version"]);
    assert_eq!(
        stdout(&version),
        format!("rdsca {}\n", env!("CARGO_PKG_VERSION"))
    );
}
