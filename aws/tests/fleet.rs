//! The fleet listings of `RdsApi` against the local fake RDS API (tests/rds-fake): every page by
//! `Marker`, the records' fields, filters in the model's shape, signatures checked, throttling
//! retried, an access-denied answer that names the action. One test in this binary: the
//! endpoint and the credentials are process environment.

use std::time::Duration;

use rdsca_aws::fleet::{
    Filter, CA_ROTATION, DB_CLUSTERS, DB_INSTANCES, PENDING_MAINTENANCE_ACTIONS,
};
use rdsca_aws::{AwsSettings, RdsApi, RdsError};
use rdsca_http::HttpSettings;
use rdsca_rds_fake::generate::{self, FleetSpec};
use rdsca_rds_fake::{iso, ClusterKind, FakeRds, Fault};

#[tokio::test]
async fn the_fleet_listings_read_every_page_of_every_region() {
    let now = time::macros::datetime!(2026-12-02 12:00:00 UTC);
    let fleet = generate::fleet(&FleetSpec::new(600, now));
    let fake = FakeRds::start_fleet(fleet.clone());
    fake.require_signatures(&[("AKIDAWSCRATE", "aws-crate-secret")]);
    for (name, value) in [
        ("AWS_ENDPOINT_URL_RDS", fake.url()),
        ("AWS_ACCESS_KEY_ID", "AKIDAWSCRATE".into()),
        ("AWS_SECRET_ACCESS_KEY", "aws-crate-secret".into()),
        (
            "AWS_CONFIG_FILE",
            "/nonexistent/rdsca-aws-test/config".into(),
        ),
        (
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/rdsca-aws-test/credentials".into(),
        ),
        ("AWS_EC2_METADATA_DISABLED", "true".into()),
    ] {
        std::env::set_var(name, value);
    }
    std::env::remove_var("AWS_SESSION_TOKEN");
    std::env::remove_var("AWS_PROFILE");
    let mut http = HttpSettings::with_defaults("rdsca-aws-test");
    http.allow_insecure_http = true;
    http.retry_backoff = Duration::from_millis(10);
    let api = RdsApi::new(&http, AwsSettings::default()).expect("client");

    for (region, data) in &fleet.regions {
        let instances = api
            .list_all(&DB_INSTANCES, region, &[])
            .await
            .expect("instances");
        assert_eq!(instances.len(), data.instances.len(), "{region}");
        for (got, want) in instances.iter().zip(&data.instances) {
            assert_eq!(got.identifier, want.identifier);
            assert_eq!(got.arn, want.arn);
            assert_eq!(got.engine_version, want.engine_version);
            assert_eq!(got.cluster, want.cluster);
            assert_eq!(got.ca_identifier.as_deref(), Some(want.ca.as_str()));
            let details = got.certificate.as_ref().expect("CertificateDetails");
            assert_eq!(
                details.valid_till.as_deref(),
                Some(iso(want.valid_till).as_str())
            );
            assert_eq!(got.endpoint, Some((want.address.clone(), want.port)));
            assert_eq!(got.tags.len(), want.tags.len());
        }
        let clusters = api
            .list_all(&DB_CLUSTERS, region, &[])
            .await
            .expect("clusters");
        assert_eq!(clusters.len(), data.clusters.len());
        for (got, want) in clusters.iter().zip(&data.clusters) {
            assert_eq!(got.arn, want.arn);
            assert_eq!(got.members.len(), want.members.len());
            match &want.kind {
                ClusterKind::Aurora => {
                    assert!(!got.is_multi_az_db_cluster());
                    assert_eq!(got.certificate, None);
                }
                ClusterKind::MultiAz { certificate, .. } => {
                    assert!(got.is_multi_az_db_cluster());
                    let details = got.certificate.as_ref().expect("CertificateDetails");
                    assert_eq!(
                        details.ca_identifier.as_deref(),
                        Some(certificate.ca.as_str())
                    );
                }
            }
        }
        let pending = api
            .list_all(&PENDING_MAINTENANCE_ACTIONS, region, &[])
            .await
            .expect("pending actions");
        let expected: usize = data.pending.iter().map(|p| p.actions.len()).sum();
        assert_eq!(pending.len(), expected);
        assert!(pending
            .iter()
            .any(|a| a.action == CA_ROTATION && a.current_apply.is_some()));
        assert_eq!(
            fake.count(region, "DescribeDBInstances"),
            data.instances.len().div_ceil(100)
        );
    }

    // Filters reach the fake in the model's shape and select there.
    let postgres = api
        .list_all(
            &DB_INSTANCES,
            "eu-west-1",
            &[Filter {
                name: "engine".into(),
                values: vec!["postgres".into(), "aurora-postgresql".into()],
            }],
        )
        .await
        .expect("filtered");
    let expected = fleet.regions["eu-west-1"]
        .instances
        .iter()
        .filter(|i| i.engine == "postgres" || i.engine == "aurora-postgresql")
        .count();
    assert_eq!(postgres.len(), expected);
    assert!(expected > 0);

    // Throttling is retried; access denied is not, and names the action.
    fake.inject("us-east-1", "DescribeDBClusters", Fault::Throttling(2));
    let before = fake.count("us-east-1", "DescribeDBClusters");
    api.list_all(&DB_CLUSTERS, "us-east-1", &[])
        .await
        .expect("retried");
    assert_eq!(fake.count("us-east-1", "DescribeDBClusters"), before + 3);
    fake.inject("sa-east-1", "DescribeDBInstances", Fault::AccessDenied);
    let e = api
        .list_all(&DB_INSTANCES, "sa-east-1", &[])
        .await
        .unwrap_err();
    let RdsError::Api { status, error, .. } = &e else {
        panic!("{e:?}");
    };
    assert_eq!((*status, error.code.as_str()), (403, "AccessDenied"));
    assert!(
        error.message.contains("rds:DescribeDBInstances"),
        "{}",
        error.message
    );
    assert_eq!(
        fake.count("sa-east-1", "DescribeDBInstances"),
        fleet.regions["sa-east-1"].instances.len().div_ceil(100) + 1,
        "AccessDenied is not retried"
    );
}
