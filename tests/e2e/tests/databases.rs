//! `data "rdsca_databases"` through a real `terraform` against the local fake RDS API
//! (tests/rds-fake) serving a generated fleet in two Regions: what lands in state, one warning
//! per database past `warn_days`, errors past `fail_days` and outside `allowed_cas`, a Region
//! that denies access, the requests made, and none at all without the data source. Every run
//! scrubs the AWS variables it inherits and turns off instance metadata.

use std::collections::BTreeSet;

use rdsca_e2e::{isolate_aws, only_error, run_command, settled_fleet, Run, Workdir};
use rdsca_rds_fake::{ClusterKind, FakeRds, Fault, Fleet, MaintenanceAction, PendingMaintenance};
use serde_json::Value;
use time::{Duration, OffsetDateTime};

const REGIONS: [&str; 2] = ["eu-west-1", "us-east-1"];
/// The standalone instance of eu-west-1 made to expire within `warn_days`.
const WARN_DAYS_LEFT: i64 = 20;
/// The standalone instance of us-east-1 made to expire within `fail_days`.
const FAIL_DAYS_LEFT: i64 = 3;

/// A mixed fleet (standalone instances, Aurora members, Multi-AZ clusters) in two Regions, all
/// clean but the first standalone instance of each Region: 20 days left in eu-west-1, 3 in
/// us-east-1. Returns the fleet and those two identifiers.
fn mixed_fleet() -> (Fleet, String, String) {
    let now = OffsetDateTime::now_utc();
    let mut fleet = settled_fleet(&REGIONS, 30);
    let mut picked = Vec::new();
    for (region, days) in [("eu-west-1", WARN_DAYS_LEFT), ("us-east-1", FAIL_DAYS_LEFT)] {
        let data = fleet.regions.get_mut(region).unwrap();
        let instance = data
            .instances
            .iter_mut()
            .find(|i| i.cluster.is_none())
            .expect("the generated fleet has a standalone instance");
        // Half a day more, so the whole days left do not depend on the test's speed.
        instance.valid_till = now + Duration::days(days) + Duration::hours(12);
        picked.push(instance.identifier.clone());
        if region == "eu-west-1" {
            // AWS has scheduled its rotation.
            let resource = instance.arn.clone();
            data.pending.push(PendingMaintenance {
                resource,
                actions: vec![MaintenanceAction {
                    action: "ca-certificate-rotation".into(),
                    auto_applied_after: Some(pending_date(10)),
                    forced_apply: Some(pending_date(15)),
                    current_apply: None,
                    opt_in_status: None,
                    description: "CA certificate rotation".into(),
                }],
            });
        }
    }
    let eu = picked.remove(0);
    (fleet, eu, picked.remove(0))
}

/// A whole second, days from now (RDS dates have no fraction).
fn pending_date(days: i64) -> OffsetDateTime {
    let t = OffsetDateTime::now_utc() + Duration::days(days);
    t.replace_nanosecond(0).unwrap()
}

/// The identifiers the audit should report in a Region: standalone instances, Aurora members,
/// and each Multi-AZ DB cluster once (not its three instances).
fn expected_identifiers(fleet: &Fleet, region: &str) -> BTreeSet<String> {
    let data = &fleet.regions[region];
    let multi_az: BTreeSet<&str> = data
        .clusters
        .iter()
        .filter(|c| matches!(c.kind, ClusterKind::MultiAz { .. }))
        .map(|c| c.identifier.as_str())
        .collect();
    data.instances
        .iter()
        .filter(|i| !i.cluster.as_deref().is_some_and(|c| multi_az.contains(c)))
        .map(|i| i.identifier.clone())
        .chain(multi_az.iter().map(|c| c.to_string()))
        .collect()
}

/// Terraform with no inherited AWS variable, no shared config file, no instance metadata,
/// static credentials and the fake's endpoint.
fn run(w: &Workdir, fake: &FakeRds, args: &[&str]) -> Run {
    let mut cmd = w.command(args);
    isolate_aws(&mut cmd, w.path())
        .env("AWS_ACCESS_KEY_ID", "AKIDTEST")
        .env("AWS_SECRET_ACCESS_KEY", "test-secret")
        .env("AWS_ENDPOINT_URL_RDS", fake.url());
    run_command(&mut cmd)
}

fn plan(w: &Workdir, fake: &FakeRds) -> Run {
    run(w, fake, &["plan", "-json", "-no-color", "-input=false"])
}

fn workdir(arguments: &str) -> Workdir {
    let w = Workdir::with_provider(&format!(
        "data \"rdsca_databases\" \"fleet\" {{\n{arguments}\n}}\n\noutput \"fleet\" {{\n  value = data.rdsca_databases.fleet\n}}\n"
    ));
    w.init();
    w
}

/// Apply, then the data source as the `fleet` output holds it.
fn applied(w: &Workdir, fake: &FakeRds) -> (Run, Value) {
    let apply = run(
        w,
        fake,
        &[
            "apply",
            "-json",
            "-no-color",
            "-input=false",
            "-auto-approve",
        ],
    )
    .ok();
    let out = run(w, fake, &["output", "-json", "-no-color"]).ok();
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    (apply, doc["fleet"]["value"].clone())
}

const TWO_REGIONS: &str = "  regions = [\"eu-west-1\", \"us-east-1\"]";

#[test]
fn the_whole_fleet_lands_in_state_with_one_warning_per_database_past_warn_days() {
    let (fleet_data, warn_db, fail_db) = mixed_fleet();
    let fake = FakeRds::start_fleet(fleet_data.clone());
    // fail_days 2: the 3-day database is a warning too.
    let w = workdir(&format!("{TWO_REGIONS}\n  fail_days = 2"));
    let (apply, state) = applied(&w, &fake);

    let databases = state["databases"].as_array().unwrap();
    for region in REGIONS {
        let found: BTreeSet<String> = databases
            .iter()
            .filter(|d| d["region"] == region)
            .map(|d| d["identifier"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(found, expected_identifiers(&fleet_data, region), "{region}");
    }
    let kinds: BTreeSet<&str> = databases
        .iter()
        .map(|d| d["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains("instance"), "{kinds:?}");
    assert!(
        kinds.contains("aurora_cluster_member") || kinds.contains("multi_az_cluster"),
        "{kinds:?}"
    );

    let warned = databases
        .iter()
        .find(|d| d["identifier"] == warn_db.as_str())
        .unwrap();
    assert_eq!(warned["status"], "warn");
    assert_eq!(warned["days_left"], WARN_DAYS_LEFT);
    assert_eq!(warned["ca_identifier"], "rds-ca-rsa2048-g1");
    assert_eq!(warned["ca_offered"], true);
    // The compiled-in eu-west-1 root of rds-ca-rsa2048-g1 (not the global one).
    assert_eq!(warned["ca_not_after"], "2061-05-20T17:49:12Z");
    assert!(warned["fix_ca_identifier"].is_string(), "{warned}");
    assert_eq!(
        warned["fix_restarts"],
        !warned["rotates_without_restart"].as_bool().unwrap()
    );
    let auto = warned["pending_rotation_auto_applied_after"]
        .as_str()
        .unwrap();
    let forced = warned["pending_rotation_forced_apply"].as_str().unwrap();
    assert!(auto < forced, "{auto} {forced}");
    assert!(warned["pending_rotation_current_apply"].is_null());
    assert!(databases
        .iter()
        .filter(|d| d["identifier"] != warn_db.as_str() && d["identifier"] != fail_db.as_str())
        .all(|d| d["status"] == "ok" && d["fix_ca_identifier"].is_null()));

    let warnings: Vec<_> = apply
        .warnings()
        .into_iter()
        .filter(|d| d.summary.starts_with("Database "))
        .collect();
    assert_eq!(warnings.len(), 2, "{warnings:#?}");
    let w_eu = warnings
        .iter()
        .find(|d| {
            d.summary
                .starts_with(&format!("Database {warn_db} in eu-west-1"))
        })
        .unwrap();
    assert!(
        w_eu.detail
            .contains(&format!("({WARN_DAYS_LEFT} days left)")),
        "{}",
        w_eu.detail
    );
    assert!(
        w_eu.detail.contains("Fix: set ca_cert_identifier = \""),
        "{}",
        w_eu.detail
    );
    assert!(
        w_eu.detail.contains(&format!(
            "a ca-certificate-rotation is pending on {}",
            &auto[..10]
        )),
        "{}",
        w_eu.detail
    );

    let summary = state["summary"].as_array().unwrap();
    assert_eq!(summary.len(), 1, "{summary:?}");
    assert_eq!(summary[0]["ca_identifier"], "rds-ca-rsa2048-g1");
    assert_eq!(summary[0]["databases"], databases.len());
    assert_eq!(summary[0]["warn"], 2);
    assert_eq!(
        state["soonest_database"],
        format!("us-east-1/{fail_db}").as_str()
    );
    assert_eq!(state["failed_regions"], serde_json::json!([]));
    assert_eq!(state["warn_days"], 30);
}

#[test]
fn one_read_makes_one_request_per_listing_and_engine_version_in_each_region() {
    let (fleet_data, _, _) = mixed_fleet();
    let fake = FakeRds::start_fleet(fleet_data.clone());
    let w = workdir(&format!("{TWO_REGIONS}\n  fail_days = 2"));
    plan(&w, &fake).ok();
    for region in REGIONS {
        for action in [
            "DescribeDBInstances",
            "DescribeDBClusters",
            "DescribePendingMaintenanceActions",
        ] {
            assert_eq!(fake.count(region, action), 1, "{region} {action}");
        }
        let versions: BTreeSet<(&str, &str)> = fleet_data.regions[region]
            .instances
            .iter()
            .map(|i| (i.engine.as_str(), i.engine_version.as_str()))
            .collect();
        assert_eq!(
            fake.count(region, "DescribeDBEngineVersions"),
            versions.len(),
            "{region}"
        );
    }
}

#[test]
fn past_fail_days_or_outside_allowed_cas_is_an_error_naming_the_database() {
    let (fleet_data, warn_db, fail_db) = mixed_fleet();
    let fake = FakeRds::start_fleet(fleet_data);
    let w = workdir(TWO_REGIONS);
    let run = plan(&w, &fake);
    assert!(!run.success);
    let errors = run.errors();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        errors[0].summary.starts_with(&format!(
            "Database {fail_db} in us-east-1 fails the CA audit"
        )),
        "{}",
        errors[0].summary
    );
    assert!(
        errors[0]
            .detail
            .contains(&format!("({FAIL_DAYS_LEFT} days left)")),
        "{}",
        errors[0].detail
    );
    assert!(run.warnings().iter().any(|d| d
        .summary
        .starts_with(&format!("Database {warn_db} in eu-west-1"))));

    // Every database is on rds-ca-rsa2048-g1: allowing only rds-ca-rsa4096-g1 fails them all.
    let w = workdir(
        "  region      = \"eu-west-1\"\n  fail_days   = 0\n  warn_days   = 0\n  allowed_cas = [\"rds-ca-rsa4096-g1\"]",
    );
    let run = plan(&w, &fake);
    assert!(!run.success);
    let errors = run.errors();
    assert!(!errors.is_empty());
    assert!(errors
        .iter()
        .all(|e| e.summary.contains("fails the CA audit") && e.detail.contains("allowed")));
}

#[test]
fn a_region_that_denies_access_is_an_error_naming_it_and_the_action() {
    let (fleet_data, _, _) = mixed_fleet();
    let fake = FakeRds::start_fleet(fleet_data.clone());
    fake.inject("us-east-1", "DescribeDBClusters", Fault::AccessDenied);
    let w = workdir(&format!("{TWO_REGIONS}\n  fail_days = 2"));
    let run = plan(&w, &fake);
    assert!(!run.success);
    let errors = run.errors();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0].summary, "Cannot audit the databases of us-east-1");
    assert!(
        errors[0]
            .detail
            .contains("The identity lacks rds:DescribeDBClusters."),
        "{}",
        errors[0].detail
    );
    assert!(
        errors[0].detail.contains("AccessDenied"),
        "{}",
        errors[0].detail
    );

    // With allow_failed_regions, the other Region's databases land.
    let w = workdir(&format!(
        "{TWO_REGIONS}\n  fail_days = 2\n  allow_failed_regions = true"
    ));
    let (apply, state) = applied(&w, &fake);
    assert!(apply
        .warnings()
        .iter()
        .any(|d| d.summary == "Cannot audit the databases of us-east-1"));
    let failed = state["failed_regions"].as_array().unwrap();
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert_eq!(failed[0]["region"], "us-east-1");
    assert_eq!(failed[0]["missing_iam_action"], "rds:DescribeDBClusters");
    let regions: BTreeSet<&str> = state["databases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["region"].as_str().unwrap())
        .collect();
    assert_eq!(regions, BTreeSet::from(["eu-west-1"]));
}

#[test]
fn an_opt_in_region_not_enabled_is_a_warning_and_the_others_land() {
    let (fleet_data, _, fail_db) = mixed_fleet();
    let fake = FakeRds::start_fleet(fleet_data.clone());
    for action in [
        "DescribeDBInstances",
        "DescribeDBClusters",
        "DescribePendingMaintenanceActions",
    ] {
        fake.inject("eu-west-1", action, Fault::RegionNotEnabled);
    }
    let w = workdir(&format!("{TWO_REGIONS}\n  fail_days = 2"));
    let (apply, state) = applied(&w, &fake);
    let warning = apply
        .warnings()
        .into_iter()
        .find(|d| d.summary == "eu-west-1 is not enabled for this account")
        .unwrap();
    assert!(
        warning.detail.contains("InvalidClientTokenId"),
        "{}",
        warning.detail
    );
    let failed = state["failed_regions"].as_array().unwrap();
    assert!(
        failed
            .iter()
            .all(|f| f["region"] == "eu-west-1" && f["not_enabled"] == true),
        "{failed:?}"
    );
    let found: BTreeSet<String> = state["databases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["identifier"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(found, expected_identifiers(&fleet_data, "us-east-1"));
    assert!(found.contains(&fail_db));
}

#[test]
fn bad_input_fails_terraform_validate_without_a_request() {
    let (fleet_data, _, _) = mixed_fleet();
    let fake = FakeRds::start_fleet(fleet_data);
    let w = Workdir::with_provider(
        "data \"rdsca_databases\" \"typo\" {\n  region = \"eu-wset-1\"\n}\n\n\
         data \"rdsca_databases\" \"both\" {\n  region  = \"eu-west-1\"\n  regions = [\"us-east-1\"]\n}\n\n\
         data \"rdsca_databases\" \"inverted\" {\n  region    = \"eu-west-1\"\n  warn_days = 5\n  fail_days = 10\n}\n\n\
         data \"rdsca_databases\" \"ca\" {\n  region      = \"eu-west-1\"\n  allowed_cas = [\"rds-ca-rsa4069-g1\"]\n}\n",
    );
    w.init();
    let validate = run(&w, &fake, &["validate", "-json", "-no-color"]);
    assert!(!validate.success);
    let errors = validate.errors();
    let summaries: BTreeSet<&str> = errors.iter().map(|e| e.summary.as_str()).collect();
    assert_eq!(
        summaries,
        BTreeSet::from([
            "Unknown region \"eu-wset-1\"",
            "Both region and regions are set",
            "fail_days is greater than warn_days",
            "Unknown CA identifier \"rds-ca-rsa4069-g1\"",
        ]),
        "{errors:#?}"
    );
    let typo = errors
        .iter()
        .find(|e| e.summary.contains("eu-wset-1"))
        .unwrap();
    assert!(
        typo.detail.contains("Did you mean \"eu-west-1\""),
        "{}",
        typo.detail
    );
    let ca = errors.iter().find(|e| e.summary.contains("4069")).unwrap();
    assert!(
        ca.detail.contains("Did you mean \"rds-ca-rsa4096-g1\""),
        "{}",
        ca.detail
    );
    assert_eq!(fake.request_count(), 0);
}

#[test]
fn without_credentials_one_error_says_how_to_provide_them() {
    let (fleet_data, _, _) = mixed_fleet();
    let fake = FakeRds::start_fleet(fleet_data);
    let w = workdir(TWO_REGIONS);
    let mut cmd = w.command(&["plan", "-json", "-no-color", "-input=false"]);
    isolate_aws(&mut cmd, w.path()).env("AWS_ENDPOINT_URL_RDS", fake.url());
    let run = run_command(&mut cmd);
    let error = only_error(&run);
    assert_eq!(
        error.summary,
        "No AWS credentials for data \"rdsca_databases\""
    );
    assert!(
        error.detail.contains("The identity needs rds:DescribeDBInstances, rds:DescribeDBClusters, rds:DescribePendingMaintenanceActions and rds:DescribeDBEngineVersions."),
        "{}",
        error.detail
    );
    assert_eq!(fake.request_count(), 0);
}

#[test]
fn a_plan_without_rdsca_databases_makes_no_request() {
    let (fleet_data, _, _) = mixed_fleet();
    let fake = FakeRds::start_fleet(fleet_data);
    let w = Workdir::with_provider(
        "data \"rdsca_bundle\" \"db\" {\n  region = \"eu-west-1\"\n}\n\n\
         data \"rdsca_regions\" \"all\" {}\n\n\
         output \"pem_url\" {\n  value = data.rdsca_bundle.db.pem_url\n}\n",
    );
    w.init();
    plan(&w, &fake).ok();
    assert_eq!(fake.request_count(), 0, "{:?}", fake.counts());
}
