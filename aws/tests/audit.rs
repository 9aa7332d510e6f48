//! The fleet audit against the local fake RDS API (tests/rds-fake): a generated mixed fleet
//! over four Regions, one Region denied, throttling retried, one `DescribeDBEngineVersions`
//! per distinct engine version, every database's facts checked against the fake's records.
//! One test in this binary: the endpoint and the credentials are process environment.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use rdsca_aws::audit::{audit, AuditRequest, DatabaseKind, FleetFilters, Thresholds, Verdict};
use rdsca_aws::{AwsSettings, RdsApi};
use rdsca_http::HttpSettings;
use rdsca_rds_fake::generate::{self, FleetSpec};
use rdsca_rds_fake::{ClusterKind, FakeRds, Fault, RegionData};
use rdsca_table::Availability;

/// `(ca, valid_till, engine, version)` of every database of a Region, as the fake holds it.
fn expected(data: &RegionData) -> BTreeMap<String, (String, time::OffsetDateTime, DatabaseKind)> {
    let mut out = BTreeMap::new();
    let mut multi_az = BTreeSet::new();
    for c in &data.clusters {
        if let ClusterKind::MultiAz { certificate, .. } = &c.kind {
            multi_az.insert(c.identifier.clone());
            out.insert(
                c.identifier.clone(),
                (
                    certificate.ca.clone(),
                    certificate.valid_till,
                    DatabaseKind::MultiAzCluster,
                ),
            );
        }
    }
    for i in &data.instances {
        let kind = match &i.cluster {
            Some(c) if multi_az.contains(c) => continue,
            Some(_) => DatabaseKind::AuroraClusterMember,
            None => DatabaseKind::Instance,
        };
        out.insert(i.identifier.clone(), (i.ca.clone(), i.valid_till, kind));
    }
    out
}

#[tokio::test]
async fn the_audit_judges_every_database_and_keeps_the_regions_that_answer() {
    let now = time::macros::datetime!(2026-12-02 12:00:00 UTC);
    let fleet = generate::fleet(&FleetSpec::new(400, now));
    let fake = FakeRds::start_fleet(fleet.clone());
    fake.require_signatures(&[("AKIDAUDIT", "audit-secret")]);
    for (name, value) in [
        ("AWS_ENDPOINT_URL_RDS", fake.url()),
        ("AWS_ACCESS_KEY_ID", "AKIDAUDIT".into()),
        ("AWS_SECRET_ACCESS_KEY", "audit-secret".into()),
        (
            "AWS_CONFIG_FILE",
            "/nonexistent/rdsca-audit-test/config".into(),
        ),
        (
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/rdsca-audit-test/credentials".into(),
        ),
        ("AWS_EC2_METADATA_DISABLED", "true".into()),
    ] {
        std::env::set_var(name, value);
    }
    std::env::remove_var("AWS_SESSION_TOKEN");
    std::env::remove_var("AWS_PROFILE");
    let mut http = HttpSettings::with_defaults("rdsca-aws-audit-test");
    http.retry_backoff = Duration::from_millis(10);
    let api = RdsApi::new(&http, AwsSettings::default()).expect("client");

    fake.inject("sa-east-1", "DescribeDBClusters", Fault::AccessDenied);
    fake.inject("us-east-1", "DescribeDBInstances", Fault::Throttling(2));
    let request = AuditRequest {
        regions: generate::REGIONS.iter().map(|r| r.to_string()).collect(),
        filters: FleetFilters::default(),
        thresholds: Thresholds::default(),
        now,
        concurrency: 4,
    };
    let report = audit(&api, &request).await;

    // The denied Region is reported, naming the IAM action; the others are whole.
    assert_eq!(report.region_errors.len(), 1, "{:?}", report.region_errors);
    let denied = &report.region_errors[0];
    assert_eq!(denied.region, "sa-east-1");
    assert_eq!(
        denied.missing_action.as_deref(),
        Some("rds:DescribeDBClusters")
    );
    assert!(denied.databases_missing);
    assert!(!denied.not_enabled);
    assert!(
        denied.error.to_string().contains("AccessDenied"),
        "{}",
        denied.error
    );
    assert!(report.databases.iter().all(|d| d.region != "sa-east-1"));
    let answered = ["ap-northeast-1", "eu-west-1", "us-east-1"];
    let total: usize = answered
        .iter()
        .map(|r| fleet.regions[*r].database_count())
        .sum();
    assert_eq!(report.databases.len(), total);
    assert_eq!(report.summary.databases, total);
    assert!(total > 250, "{total}");

    let mut kinds = BTreeSet::new();
    let mut verdicts = BTreeSet::new();
    for region in answered {
        let data = &fleet.regions[region];
        let want = expected(data);
        let got: Vec<_> = report
            .databases
            .iter()
            .filter(|d| d.region == region)
            .collect();
        assert_eq!(got.len(), want.len(), "{region}");
        for d in got {
            let (ca, valid_till, kind) = &want[&d.identifier];
            assert_eq!(
                d.ca_identifier.as_deref(),
                Some(ca.as_str()),
                "{}",
                d.identifier
            );
            assert_eq!(d.valid_till, Some(*valid_till));
            assert_eq!(d.kind, *kind);
            kinds.insert(d.kind);
            verdicts.insert(d.verdict);
            let version = data
                .engine_versions
                .iter()
                .find(|v| v.engine == d.engine && v.version == d.engine_version)
                .expect("a generated version");
            assert_eq!(
                d.rotates_without_restart,
                Some(version.rotation_without_restart)
            );
            if ca == "rds-ca-2019" {
                assert_eq!(d.verdict, Verdict::Fail);
                assert_eq!(d.ca_offered, Availability::NotOffered);
                assert_eq!(d.ca_not_after, None);
            } else {
                assert_eq!(d.ca_offered, Availability::Offered);
                assert_eq!(d.ca_supported_by_engine, Some(true));
                assert!(d.ca_not_after.is_some());
            }
            // The pending rotation, from the instance's or the Multi-AZ cluster's ARN.
            let pending = data
                .pending
                .iter()
                .find(|p| p.resource == d.arn)
                .and_then(|p| {
                    p.actions
                        .iter()
                        .find(|a| a.action == "ca-certificate-rotation")
                });
            assert_eq!(
                d.pending_rotation.as_ref().map(|p| p.current_apply),
                pending.map(|a| a.current_apply)
            );
            match d.verdict {
                Verdict::Ok => assert!(d.fix.is_none() && d.reasons.is_empty()),
                _ => {
                    let fix = d.fix.as_ref().expect("every generated version has a fix");
                    assert!(version.cas.contains(&fix.ca_identifier), "{fix:?}");
                    assert_eq!(fix.restarts, !version.rotation_without_restart);
                }
            }
        }
        // One DescribeDBEngineVersions per distinct engine version of the Region's databases.
        let distinct: BTreeSet<(&str, &str)> = report
            .databases
            .iter()
            .filter(|d| d.region == region)
            .map(|d| (d.engine.as_str(), d.engine_version.as_str()))
            .collect();
        assert_eq!(
            fake.count(region, "DescribeDBEngineVersions"),
            distinct.len(),
            "{region}"
        );
        assert_eq!(
            fake.count(region, "DescribePendingMaintenanceActions"),
            data.pending.len().div_ceil(100).max(1)
        );
    }
    assert_eq!(
        kinds.len(),
        3,
        "instances, Aurora members and Multi-AZ clusters"
    );
    assert_eq!(verdicts.len(), 3, "ok, warn and fail");
    // Throttled twice, then every page.
    assert_eq!(
        fake.count("us-east-1", "DescribeDBInstances"),
        fleet.regions["us-east-1"].instances.len().div_ceil(100) + 2
    );
    let per_ca: usize = report.summary.per_ca.values().sum();
    assert_eq!(per_ca, total);
    let soonest = report.summary.soonest.as_ref().expect("a deadline");
    let earliest = report.databases.iter().filter_map(|d| d.deadline()).min();
    assert_eq!(Some(soonest.date), earliest);

    // A version that cannot be read leaves the databases in, with support unknown.
    fake.clear_faults();
    fake.inject("eu-west-1", "DescribeDBEngineVersions", Fault::AccessDenied);
    let filtered = AuditRequest {
        regions: vec!["eu-west-1".into()],
        filters: FleetFilters {
            engine: Some("postgres".into()),
            tags: [("Environment".to_string(), "prod".to_string())].into(),
            ..FleetFilters::default()
        },
        ..request.clone()
    };
    let report = audit(&api, &filtered).await;
    let want = fleet.regions["eu-west-1"]
        .instances
        .iter()
        .filter(|i| i.engine == "postgres" && i.cluster.is_none())
        .filter(|i| {
            i.tags
                .iter()
                .any(|t| t.key == "Environment" && t.value == "prod")
        })
        .count()
        + fleet.regions["eu-west-1"]
            .clusters
            .iter()
            .filter(|c| c.engine == "postgres" && matches!(c.kind, ClusterKind::MultiAz { .. }))
            .filter(|c| {
                c.tags
                    .iter()
                    .any(|t| t.key == "Environment" && t.value == "prod")
            })
            .count();
    assert!(want > 0);
    assert_eq!(report.databases.len(), want);
    assert!(report
        .databases
        .iter()
        .all(|d| d.ca_supported_by_engine.is_none()));
    assert_eq!(report.region_errors.len(), 1);
    let failure = &report.region_errors[0];
    assert_eq!(
        failure.missing_action.as_deref(),
        Some("rds:DescribeDBEngineVersions")
    );
    assert!(!failure.databases_missing);
}
