//! `rdsca check --aws` against the local fake of the RDS Query API (tests/rds-fake), reached
//! through `AWS_ENDPOINT_URL_RDS`: the built binary, with credentials from the environment or a
//! profile, every inherited AWS variable removed and instance metadata off, so nothing leaves
//! the machine.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

use rdsca_rds_fake::{EngineVersion, FakeRds};
use serde_json::{json, Value};

const ALL: &[&str] = &["rds-ca-rsa2048-g1", "rds-ca-rsa4096-g1", "rds-ca-ecc384-g1"];
const NO_ECC: &[&str] = &["rds-ca-rsa2048-g1", "rds-ca-rsa4096-g1"];
const SQLSERVER: &str = "15.00.4236.7.v1";

/// A fake RDS in eu-west-1; a request for any other Region is refused (its SigV4 scope).
fn fake() -> FakeRds {
    FakeRds::start(
        "eu-west-1",
        vec![
            EngineVersion::new("postgres", "16.3", ALL, true),
            EngineVersion::new("mysql", "8.0.35", ALL, true),
            // terraform-provider-aws issue 39371: this version lacks rds-ca-ecc384-g1.
            EngineVersion::new("sqlserver-se", SQLSERVER, NO_ECC, false),
        ],
    )
}

/// One aws_db_instance: (name, Region, engine, engine_version, CA).
type Db<'a> = (&'a str, &'a str, &'a str, Option<&'a str>, Option<&'a str>);

/// A state JSON (`terraform show -json`) of these aws_db_instance resources.
fn state(dbs: &[Db<'_>]) -> String {
    let resources: Vec<Value> = dbs
        .iter()
        .map(|(name, region, engine, version, ca)| {
            json!({"address": format!("aws_db_instance.{name}"), "mode": "managed", "type": "aws_db_instance",
                   "name": name, "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 2,
                   "values": {"arn": format!("arn:aws:rds:{region}:123456789012:db:{name}"), "engine": engine,
                              "engine_version": version, "ca_cert_identifier": ca},
                   "sensitive_values": {}})
        })
        .collect();
    json!({"format_version": "1.0", "terraform_version": "1.11.4",
           "values": {"root_module": {"resources": resources}}})
    .to_string()
}

/// The built rdsca, with no inherited AWS variable, no shared config, no instance metadata.
fn rdsca(dir: &Path, args: &[&str], env: &[(&str, String)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rdsca"));
    cmd.args(args);
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
        .env("AWS_EC2_METADATA_DISABLED", "true");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("rdsca runs")
}

fn static_credentials(fake: &FakeRds) -> Vec<(&'static str, String)> {
    vec![
        ("AWS_ACCESS_KEY_ID", "AKIDTEST".into()),
        ("AWS_SECRET_ACCESS_KEY", "test-secret".into()),
        ("AWS_ENDPOINT_URL_RDS", fake.url()),
    ]
}

fn report(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// Address → [(rule, value)] of a JSON report.
fn by_address(report: &Value) -> BTreeMap<String, Vec<(String, Value)>> {
    let mut out: BTreeMap<String, Vec<(String, Value)>> = BTreeMap::new();
    for f in report["findings"].as_array().unwrap() {
        out.entry(f["address"].as_str().unwrap().to_string())
            .or_default()
            .push((f["rule"].as_str().unwrap().to_string(), f["value"].clone()));
    }
    out
}

fn message<'a>(report: &'a Value, address: &str, rule: &str) -> &'a str {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["address"] == address && f["rule"] == rule)
        .unwrap_or_else(|| panic!("no {rule} on {address}: {report:#}"))["message"]
        .as_str()
        .unwrap()
}

#[test]
fn engine_versions_are_asked_once_each_and_their_cas_checked() {
    let fake = fake();
    fake.set_override(Some("rds-ca-ecc384-g1"));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("state.json");
    std::fs::write(
        &file,
        state(&[
            (
                "a",
                "eu-west-1",
                "postgres",
                Some("16.3"),
                Some("rds-ca-ecc384-g1"),
            ),
            (
                "b",
                "eu-west-1",
                "postgres",
                Some("16.3"),
                Some("rds-ca-rsa4096-g1"),
            ),
            (
                "mssql",
                "eu-west-1",
                "sqlserver-se",
                Some(SQLSERVER),
                Some("rds-ca-ecc384-g1"),
            ),
            (
                "mssql_default",
                "eu-west-1",
                "sqlserver-se",
                Some(SQLSERVER),
                None,
            ),
            ("pg_default", "eu-west-1", "postgres", Some("16.3"), None),
            (
                "future",
                "eu-west-1",
                "postgres",
                Some("99.9"),
                Some("rds-ca-rsa2048-g1"),
            ),
            (
                "typo",
                "eu-west-1",
                "postgress",
                Some("16.3"),
                Some("rds-ca-rsa2048-g1"),
            ),
            (
                "no_version",
                "eu-west-1",
                "mysql",
                None,
                Some("rds-ca-rsa2048-g1"),
            ),
            (
                "retired",
                "eu-west-1",
                "mysql",
                Some("8.0.35"),
                Some("rds-ca-2019"),
            ),
            (
                "frankfurt",
                "eu-central-1",
                "postgres",
                Some("16.3"),
                Some("rds-ca-rsa2048-g1"),
            ),
            ("frankfurt_2", "eu-central-1", "mysql", Some("8.0.35"), None),
        ]),
    )
    .unwrap();
    let out = rdsca(
        dir.path(),
        &["check", "--aws", "--format", "json", file.to_str().unwrap()],
        &static_credentials(&fake),
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = report(&out);
    let expected: BTreeMap<String, Vec<(String, Value)>> = [
        (
            "aws_db_instance.frankfurt",
            vec![("aws-check-failed", Value::Null)],
        ),
        (
            "aws_db_instance.frankfurt_2",
            vec![
                ("aws-check-failed", Value::Null),
                ("ca-not-set", Value::Null),
            ],
        ),
        (
            "aws_db_instance.future",
            vec![("engine-version-unknown", json!("99.9"))],
        ),
        (
            "aws_db_instance.mssql",
            vec![("engine-ca-unsupported", json!("rds-ca-ecc384-g1"))],
        ),
        (
            "aws_db_instance.mssql_default",
            vec![
                ("engine-ca-unsupported", json!("rds-ca-ecc384-g1")),
                ("ca-not-set", Value::Null),
            ],
        ),
        (
            "aws_db_instance.no_version",
            vec![("engine-not-checked", Value::Null)],
        ),
        (
            "aws_db_instance.pg_default",
            vec![("ca-not-set", Value::Null)],
        ),
        (
            "aws_db_instance.retired",
            vec![("ca-retired", json!("rds-ca-2019"))],
        ),
        (
            "aws_db_instance.typo",
            vec![("engine-version-unknown", json!("16.3"))],
        ),
    ]
    .into_iter()
    .map(|(a, v)| {
        (
            a.to_string(),
            v.into_iter().map(|(r, x)| (r.to_string(), x)).collect(),
        )
    })
    .collect();
    assert_eq!(by_address(&report), expected, "{report:#}");

    assert!(message(&report, "aws_db_instance.mssql", "engine-ca-unsupported").starts_with(
        "CA \"rds-ca-ecc384-g1\" is not supported by sqlserver-se 15.00.4236.7.v1 (RDS API in eu-west-1): sqlserver-se 15.00.4236.7.v1 in eu-west-1 does not support CA rds-ca-ecc384-g1"
    ));
    assert!(
        message(&report, "aws_db_instance.mssql", "engine-ca-unsupported")
            .ends_with("CAs this version supports: rds-ca-rsa2048-g1, rds-ca-rsa4096-g1.")
    );
    let default = message(
        &report,
        "aws_db_instance.mssql_default",
        "engine-ca-unsupported",
    );
    assert!(
        default.contains("the account's override of the default CA")
            && default.ends_with(
                "Set ca_cert_identifier to one of: rds-ca-rsa2048-g1, rds-ca-rsa4096-g1."
            ),
        "{default}"
    );
    let typo = message(&report, "aws_db_instance.typo", "engine-version-unknown");
    assert!(typo.contains("Did you mean \"postgres\"?"), "{typo}");
    let failed = message(&report, "aws_db_instance.frankfurt", "aws-check-failed");
    assert!(
        failed.starts_with("--aws could not read the RDS API in eu-central-1")
            && failed.contains("SignatureDoesNotMatch"),
        "{failed}"
    );

    // One DescribeDBEngineVersions per distinct (Region, engine, version), one
    // DescribeCertificates for eu-west-1; eu-central-1 fails on its first request and is left.
    let requests = fake.requests();
    let mut asked: Vec<(String, String, String, String)> = requests
        .iter()
        .map(|r| {
            let p = |k: &str| r.params.get(k).cloned().unwrap_or_default();
            let region = r.scope.as_ref().map(|s| s.1.clone()).unwrap_or_default();
            (region, p("Action"), p("Engine"), p("EngineVersion"))
        })
        .collect();
    asked.sort();
    let row = |region: &str, action: &str, engine: &str, version: &str| {
        (
            region.to_string(),
            action.to_string(),
            engine.to_string(),
            version.to_string(),
        )
    };
    assert_eq!(
        asked,
        [
            row(
                "eu-central-1",
                "DescribeDBEngineVersions",
                "postgres",
                "16.3"
            ),
            row("eu-west-1", "DescribeCertificates", "", ""),
            row("eu-west-1", "DescribeDBEngineVersions", "postgres", "16.3"),
            row("eu-west-1", "DescribeDBEngineVersions", "postgres", "99.9"),
            row("eu-west-1", "DescribeDBEngineVersions", "postgress", "16.3"),
            row(
                "eu-west-1",
                "DescribeDBEngineVersions",
                "sqlserver-se",
                SQLSERVER
            ),
        ]
    );
}

#[test]
fn without_aws_no_request_and_with_a_profile_its_credentials() {
    let fake = fake();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("state.json");
    std::fs::write(
        &file,
        state(&[(
            "a",
            "eu-west-1",
            "sqlserver-se",
            Some(SQLSERVER),
            Some("rds-ca-ecc384-g1"),
        )]),
    )
    .unwrap();
    let path = file.to_str().unwrap();
    let endpoint = vec![("AWS_ENDPOINT_URL_RDS", fake.url())];
    let out = rdsca(dir.path(), &["check", path], &endpoint);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(fake.request_count(), 0, "no --aws, no request");

    let credentials = dir.path().join("credentials");
    std::fs::write(
        &credentials,
        "[prod]\naws_access_key_id = AKIDPROD\naws_secret_access_key = prod-secret\n",
    )
    .unwrap();
    let mut env = endpoint.clone();
    env.push((
        "AWS_SHARED_CREDENTIALS_FILE",
        credentials.display().to_string(),
    ));
    let out = rdsca(
        dir.path(),
        &[
            "check",
            "--aws",
            "--aws-profile",
            "prod",
            "--format",
            "json",
            path,
        ],
        &env,
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        by_address(&report(&out))["aws_db_instance.a"],
        [(
            "engine-ca-unsupported".to_string(),
            json!("rds-ca-ecc384-g1")
        )]
    );
    let requests = fake.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].scope.as_ref().unwrap().0, "AKIDPROD");

    // --aws-profile needs --aws.
    let out = rdsca(
        dir.path(),
        &["check", "--aws-profile", "prod", path],
        &endpoint,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--aws"));
}

#[test]
fn no_credentials_is_a_finding_per_resource_not_a_crash() {
    let fake = fake();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("state.json");
    std::fs::write(
        &file,
        state(&[(
            "a",
            "eu-west-1",
            "postgres",
            Some("16.3"),
            Some("rds-ca-rsa2048-g1"),
        )]),
    )
    .unwrap();
    let out = rdsca(
        dir.path(),
        &["check", "--aws", "--format", "json", file.to_str().unwrap()],
        &[("AWS_ENDPOINT_URL_RDS", fake.url())],
    );
    assert_eq!(out.status.code(), Some(2));
    let report = report(&out);
    let failed = message(&report, "aws_db_instance.a", "aws-check-failed");
    assert!(failed.contains("no AWS credentials"), "{failed}");
    assert_eq!(fake.request_count(), 0);
}
