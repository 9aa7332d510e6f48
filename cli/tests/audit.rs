//! `rdsca audit`, the built binary, against the local fake RDS API (tests/rds-fake) reached
//! through AWS_ENDPOINT_URL_RDS with static credentials: each format, a Region denied without
//! losing the others, the exit statuses, bad input, and the 2,000-database scale run with its
//! request counts.

use std::collections::BTreeSet;
use std::process::{Command, Output};
use std::time::Instant;

use rdsca_rds_fake::generate::{self, FleetSpec};
use rdsca_rds_fake::{ClusterKind, FakeRds, Fault, Fleet};

fn rdsca(fake: Option<&FakeRds>, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rdsca"));
    cmd.arg("audit").args(args);
    for name in [
        "AWS_PROFILE",
        "AWS_SESSION_TOKEN",
        "AWS_ENDPOINT_URL",
        "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
        "AWS_REGION",
    ] {
        cmd.env_remove(name);
    }
    cmd.env("AWS_ACCESS_KEY_ID", "AKIDCLIAUDIT")
        .env("AWS_SECRET_ACCESS_KEY", "cli-audit-secret")
        .env("AWS_CONFIG_FILE", "/nonexistent/rdsca-cli-audit/config")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/rdsca-cli-audit/credentials",
        )
        .env("AWS_EC2_METADATA_DISABLED", "true");
    match fake {
        Some(f) => cmd.env("AWS_ENDPOINT_URL_RDS", f.url()),
        // Nothing may be reached: bad input stops before any request.
        None => cmd.env("AWS_ENDPOINT_URL_RDS", "http://127.0.0.1:9"),
    };
    cmd.output().expect("rdsca runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn start(fleet: &Fleet) -> FakeRds {
    let fake = FakeRds::start_fleet(fleet.clone());
    fake.require_signatures(&[("AKIDCLIAUDIT", "cli-audit-secret")]);
    fake
}

const REGION_ARGS: [&str; 8] = [
    "--region",
    "us-east-1",
    "--region",
    "eu-west-1",
    "--region",
    "ap-northeast-1",
    "--region",
    "sa-east-1",
];

#[test]
fn a_denied_region_is_reported_and_the_others_are_audited() {
    let fleet = generate::fleet(&FleetSpec::new(240, time::OffsetDateTime::now_utc()));
    let fake = start(&fleet);
    fake.inject("sa-east-1", "DescribeDBInstances", Fault::AccessDenied);
    let mut args = REGION_ARGS.to_vec();
    args.extend(["--format", "json"]);
    let out = rdsca(Some(&fake), &args);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("sa-east-1") && err.contains("(allow rds:DescribeDBInstances)"),
        "{err}"
    );
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    assert_eq!(report["schema"], "rdsca-audit/1");
    let failures = report["region_errors"].as_array().unwrap();
    assert_eq!(failures.len(), 1);
    assert_eq!(failures[0]["region"], "sa-east-1");
    assert_eq!(failures[0]["missing_action"], "rds:DescribeDBInstances");
    let databases = report["databases"].as_array().unwrap();
    let expected: usize = ["us-east-1", "eu-west-1", "ap-northeast-1"]
        .iter()
        .map(|r| fleet.regions[*r].database_count())
        .sum();
    assert_eq!(databases.len(), expected);
    assert_eq!(report["summary"]["databases"], expected);
    let kinds: BTreeSet<&str> = databases
        .iter()
        .map(|d| d["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["aurora_cluster_member", "instance", "multi_az_cluster"].into()
    );
    // Every rds-ca-2019 database fails, with a fix the Region offers and the version supports.
    let retired: Vec<&serde_json::Value> = databases
        .iter()
        .filter(|d| d["ca_identifier"] == "rds-ca-2019")
        .collect();
    assert!(!retired.is_empty());
    for d in retired {
        assert_eq!(d["verdict"], "fail", "{d}");
        let fix = d["fix"]["ca_cert_identifier"].as_str().unwrap();
        assert!(fix.starts_with("rds-ca-") && fix.ends_with("-g1"), "{d}");
        assert!(d["fix"]["restarts"].is_boolean());
    }

    // An opt-in Region the account has not enabled is skipped, a note: exit 0 under the default
    // --fail-on, 2 under --fail-on note.
    fake.clear_faults();
    fake.inject(
        "ap-northeast-1",
        "DescribeDBInstances",
        Fault::RegionNotEnabled,
    );
    let out = rdsca(
        Some(&fake),
        &[
            "--region",
            "eu-west-1",
            "--region",
            "ap-northeast-1",
            "--identifier-prefix",
            "no-such-db",
        ],
    );
    let err = stderr(&out);
    assert!(
        err.contains("ap-northeast-1: not enabled for this account"),
        "{err}"
    );
    assert_eq!(out.status.code(), Some(0), "{err}");
    let out = rdsca(
        Some(&fake),
        &[
            "--region",
            "eu-west-1",
            "--region",
            "ap-northeast-1",
            "--fail-on",
            "note",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    assert_eq!(report["region_errors"][0]["not_enabled"], true);
    assert_eq!(
        report["databases"].as_array().unwrap().len(),
        fleet.regions["eu-west-1"].database_count()
    );
    fake.clear_faults();
    fake.inject("sa-east-1", "DescribeDBInstances", Fault::AccessDenied);

    // The same Regions with --fail-on never: still reported, exit 0.
    let mut args = REGION_ARGS.to_vec();
    args.extend(["--fail-on", "never"]);
    let out = rdsca(Some(&fake), &args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("REGION"), "{text}");
    assert!(text.contains("Region failed: sa-east-1"), "{text}");
    assert!(text.contains(&format!("{expected} databases: ")), "{text}");
    assert!(text.contains("Soonest deadline: "), "{text}");
    assert!(text.contains("ca_cert_identifier = \"rds-ca-"), "{text}");
}

#[test]
fn csv_filters_and_a_clean_run() {
    let fleet = generate::fleet(&FleetSpec::new(120, time::OffsetDateTime::now_utc()));
    let fake = start(&fleet);
    let out = rdsca(
        Some(&fake),
        &[
            "--region",
            "eu-west-1",
            "--engine",
            "postgres",
            "--format",
            "csv",
            "--fail-on",
            "never",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let csv = stdout(&out);
    let mut lines = csv.lines();
    assert!(lines
        .next()
        .unwrap()
        .starts_with("region,identifier,arn,kind,engine,engine_version,ca_identifier,valid_till"));
    let data = &fleet.regions["eu-west-1"];
    let multi_az: BTreeSet<&str> = data
        .clusters
        .iter()
        .filter(|c| matches!(c.kind, ClusterKind::MultiAz { .. }))
        .map(|c| c.identifier.as_str())
        .collect();
    let expected = data
        .instances
        .iter()
        .filter(|i| i.engine == "postgres" && i.cluster.is_none())
        .count()
        + data
            .clusters
            .iter()
            .filter(|c| c.engine == "postgres" && multi_az.contains(c.identifier.as_str()))
            .count();
    assert!(expected > 0);
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), expected, "{csv}");
    assert!(rows
        .iter()
        .all(|r| r.starts_with("eu-west-1,") && r.contains(",postgres,")));

    // Nothing selected: nothing wrong, exit 0 under the default --fail-on.
    let out = rdsca(
        Some(&fake),
        &["--region", "eu-west-1", "--identifier-prefix", "no-such-db"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("0 databases: 0 ok, 0 warn, 0 fail"));
}

#[test]
fn bad_input_exits_1_naming_the_value() {
    for (args, wanted) in [
        (
            &["--region", "eu-west-9"][..],
            "\"eu-west-9\" is not a known region",
        ),
        (&["--partition", "aws-cm"], "aws-cn"),
        (
            &["--region", "eu-west-1", "--engine", "aurora-postgres"],
            "aurora-postgresql",
        ),
        (&["--region", "eu-west-1", "--tag", "Team"], "KEY=VALUE"),
        (
            &["--region", "eu-west-1", "--fail-days", "40"],
            "--fail-days 40 is above --warn-days 30",
        ),
        (&[], "--region"),
    ] {
        let out = rdsca(None, args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(stderr(&out).contains(wanted), "{args:?}: {}", stderr(&out));
    }
}

#[test]
fn no_credentials_is_bad_input_said_once() {
    let fleet = generate::fleet(&FleetSpec::new(10, time::OffsetDateTime::now_utc()));
    let fake = start(&fleet);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rdsca"));
    cmd.args(["audit", "--region", "eu-west-1", "--region", "us-east-1"]);
    for name in [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    ] {
        cmd.env_remove(name);
    }
    let out = cmd
        .env("AWS_CONFIG_FILE", "/nonexistent/rdsca-cli-audit/config")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/rdsca-cli-audit/credentials",
        )
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ENDPOINT_URL_RDS", fake.url())
        .output()
        .expect("rdsca runs");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert_eq!(err.matches("rdsca: no AWS credentials").count(), 1, "{err}");
    assert!(err.contains("--aws-profile"), "{err}");
    assert_eq!(fake.request_count(), 0);
}

#[test]
fn help_has_examples_the_iam_actions_and_exit_statuses() {
    let out = rdsca(None, &["--help"]);
    assert_eq!(out.status.code(), Some(0));
    let help = stdout(&out);
    for needed in [
        "Examples:",
        "Exit status:",
        "rds:DescribeDBInstances",
        "rds:DescribeDBClusters",
        "rds:DescribePendingMaintenanceActions",
        "rds:DescribeDBEngineVersions",
        "--aws-profile",
    ] {
        assert!(help.contains(needed), "{needed}: {help}");
    }
}

/// 2,000 databases over four Regions: every page read once, one DescribeDBEngineVersions per
/// distinct engine version, nothing else. The wall time is printed (docs/performance.md).
#[test]
fn two_thousand_databases_over_four_regions() {
    let fleet = generate::fleet(&FleetSpec::new(2_000, time::OffsetDateTime::now_utc()));
    assert_eq!(fleet.database_count(), 2_000);
    let fake = start(&fleet);
    let mut args = REGION_ARGS.to_vec();
    args.extend([
        "--format",
        "json",
        "--concurrency",
        "8",
        "--fail-on",
        "never",
    ]);
    let started = Instant::now();
    let out = rdsca(Some(&fake), &args);
    let elapsed = started.elapsed();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    assert_eq!(report["databases"].as_array().unwrap().len(), 2_000);
    let mut total = 0;
    for (region, data) in &fleet.regions {
        let pages = |n: usize| n.div_ceil(100).max(1);
        let distinct: BTreeSet<(&str, &str)> = report["databases"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["region"] == region.as_str())
            .map(|d| {
                (
                    d["engine"].as_str().unwrap(),
                    d["engine_version"].as_str().unwrap(),
                )
            })
            .collect();
        let want = [
            ("DescribeDBInstances", pages(data.instances.len())),
            ("DescribeDBClusters", pages(data.clusters.len())),
            (
                "DescribePendingMaintenanceActions",
                pages(data.pending.len()),
            ),
            ("DescribeDBEngineVersions", distinct.len()),
        ];
        for (action, n) in want {
            assert_eq!(fake.count(region, action), n, "{region} {action}");
            total += n;
        }
    }
    assert_eq!(fake.request_count(), total, "no other request");
    println!(
        "rdsca audit: 2000 databases over 4 Regions, {total} requests, --concurrency 8, {:.2} s",
        elapsed.as_secs_f64()
    );
}
