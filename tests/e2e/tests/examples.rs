//! Every configuration under examples/ runs through init, validate and plan (and apply where it
//! has outputs to check).

use rdsca_e2e::{fixture, local_server_provider, required_providers, workspace, Workdir};
use rdsca_test_server::{Route, TestServer};
use serde_json::json;

/// A Registry-layout example file in a working directory, with the provider requirement added
/// when the file does not declare it (Registry examples usually do not).
fn example(rel: &str) -> Workdir {
    let text =
        std::fs::read_to_string(workspace().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let text = if text.contains("required_providers") {
        text
    } else {
        format!("{}{text}", required_providers())
    };
    let w = Workdir::raw(&text);
    w.init();
    let validate = w.validate();
    assert!(validate.success, "{rel}: {}", validate.stdout);
    w
}

#[test]
fn every_example_file_is_covered() {
    let mut found = Vec::new();
    for dir in [
        "examples/provider",
        "examples/data-sources",
        "examples/functions",
        "examples/quickstart",
    ] {
        for entry in walk(&workspace().join(dir)) {
            found.push(
                entry
                    .strip_prefix(workspace())
                    .unwrap()
                    .display()
                    .to_string(),
            );
        }
    }
    found.sort();
    assert_eq!(
        found,
        [
            "examples/data-sources/rdsca_bundle/data-source.tf",
            "examples/data-sources/rdsca_certificate_authorities/data-source.tf",
            "examples/data-sources/rdsca_engine_ca/data-source.tf",
            "examples/data-sources/rdsca_regions/data-source.tf",
            "examples/functions/bundle_url/function.tf",
            "examples/functions/ca_availability/function.tf",
            "examples/functions/ca_available/function.tf",
            "examples/functions/validate_ca/function.tf",
            "examples/provider/provider.tf",
            "examples/quickstart/main.tf",
        ],
        "a new example needs a test here"
    );
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        if e.file_type().unwrap().is_dir() {
            out.extend(walk(&e.path()));
        } else {
            out.push(e.path());
        }
    }
    out
}

#[test]
fn provider_example() {
    let w = example("examples/provider/provider.tf");
    w.plan().ok();
}

#[test]
fn data_source_examples() {
    // The bundle example downloads the global bundle: serve the real one from a local server.
    let server = TestServer::start();
    server.route(
        "/global/global-bundle.pem",
        Route::ok(fixture("global-bundle.18a8b72.pem")),
    );
    let cache = tempfile::tempdir().unwrap();
    let w = example("examples/data-sources/rdsca_bundle/data-source.tf");
    let provider = local_server_provider(&w, &server, cache.path());
    w.write("provider.tf", &provider);
    let out = w.apply_outputs();
    assert_eq!(
        out["bundle_pem_url"],
        "https://truststore.pki.rds.amazonaws.com/eu-west-1/eu-west-1-bundle.pem"
    );
    assert_eq!(out["ca_cert_identifier"], "rds-ca-ecc384-g1");
    assert_eq!(
        out["govcloud_global_p7b_url"],
        "https://truststore.pki.us-gov-west-1.rds.amazonaws.com/global/global-bundle.p7b"
    );
    assert_eq!(out["root_count"], json!(102));
    assert_eq!(
        out["trust_store_pem"]
            .as_str()
            .unwrap()
            .matches("BEGIN CERTIFICATE")
            .count(),
        102
    );
    assert_eq!(out["soonest_expiry"], "2061-05-18T21:49:45Z");
    assert_eq!(server.requests("/global/global-bundle.pem"), 1);

    let out = example("examples/data-sources/rdsca_regions/data-source.tf").apply_outputs();
    assert_eq!(out["ecc_regions"].as_array().unwrap().len(), 26);

    let out = example("examples/data-sources/rdsca_certificate_authorities/data-source.tf")
        .apply_outputs();
    assert_eq!(out["default_ca"], "rds-ca-rsa2048-g1");
    assert_eq!(
        out["ca_keys"],
        json!({"rds-ca-rsa2048-g1": "RSA 2048", "rds-ca-rsa4096-g1": "RSA 4096", "rds-ca-ecc384-g1": "P-384"})
    );
}

#[test]
fn engine_ca_example_against_a_local_rds_api() {
    // The RDS API is a local fake (tests/rds-fake), credentials come from the environment.
    let fake = rdsca_rds_fake::FakeRds::start(
        "eu-west-1",
        vec![rdsca_rds_fake::EngineVersion::new(
            "postgres",
            "16.3",
            &["rds-ca-rsa2048-g1", "rds-ca-rsa4096-g1", "rds-ca-ecc384-g1"],
            true,
        )],
    );
    fake.set_override(Some("rds-ca-rsa4096-g1"));
    let mut w = example("examples/data-sources/rdsca_engine_ca/data-source.tf");
    let path = |name: &str| w.path().join(name).display().to_string();
    let env = [
        ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE".to_string()),
        ("AWS_SECRET_ACCESS_KEY", "example-secret".to_string()),
        ("AWS_ENDPOINT_URL_RDS", fake.url()),
        ("AWS_EC2_METADATA_DISABLED", "true".to_string()),
        ("AWS_CONFIG_FILE", path("no-aws-config")),
        ("AWS_SHARED_CREDENTIALS_FILE", path("no-aws-credentials")),
    ];
    w.extra_env = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    let out = w.apply_outputs();
    assert_eq!(out["ca_cert_identifier"], "rds-ca-ecc384-g1");
    assert_eq!(
        out["supported_cas"],
        json!(["rds-ca-rsa2048-g1", "rds-ca-rsa4096-g1", "rds-ca-ecc384-g1"])
    );
    assert_eq!(out["rotation_without_restart"], json!(true));
    assert_eq!(
        out["account_default_ca"],
        "rds-ca-rsa4096-g1 (account_override)"
    );
    assert_eq!(fake.request_count(), 2);
}

#[test]
fn function_examples() {
    let out = example("examples/functions/bundle_url/function.tf").apply_outputs();
    assert_eq!(
        out["eu_west_1_pkcs7"],
        "https://truststore.pki.rds.amazonaws.com/eu-west-1/eu-west-1-bundle.p7b"
    );
    assert_eq!(
        out["govcloud_global"],
        "https://truststore.pki.us-gov-west-1.rds.amazonaws.com/global/global-bundle.pem"
    );

    let w = example("examples/functions/ca_available/function.tf");
    let out = w.apply_outputs();
    assert_eq!(out["ecc_in_zurich"], json!(false));
    assert_eq!(out["ca_cert_identifier"], "rds-ca-rsa2048-g1");
    let bad = w.run(&["plan", "-json", "-no-color", "-var", "ca=rds-ca-rsa4096-g1"]);
    assert!(!bad.success);
    assert!(bad.errors()[0]
        .detail
        .contains("RDS does not offer this CA in the chosen Region."));

    let out = example("examples/functions/validate_ca/function.tf").apply_outputs();
    assert_eq!(out["ca_cert_identifier"], "rds-ca-rsa4096-g1");

    let w = example("examples/functions/ca_availability/function.tf");
    let plan = w.plan().ok();
    let warnings: Vec<_> = plan
        .diagnostics()
        .into_iter()
        .filter(|d| d.severity == "warning")
        .collect();
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert!(
        warnings[0]
            .detail
            .contains("rds-ca-ecc384-g1 is unverified in ap-east-2"),
        "{:?}",
        warnings[0]
    );
    let out = w.apply_outputs();
    assert_eq!(out["ca_availability"], "unverified");
    assert_eq!(out["ecc_in_zurich"], "not_offered");
}

#[test]
fn quickstart_plans_with_urls_and_a_validated_ca() {
    let w = Workdir::copy_of("examples/quickstart");
    w.init();
    let plan = w.run(&["plan", "-no-color", "-input=false"]).ok();
    assert!(plan.stdout.contains("bundle_pem_url        = \"https://truststore.pki.rds.amazonaws.com/eu-west-1/eu-west-1-bundle.pem\""), "{}", plan.stdout);
    assert!(
        plan.stdout
            .contains("ca_cert_identifier    = \"rds-ca-ecc384-g1\""),
        "{}",
        plan.stdout
    );
    let bad = w.run(&["plan", "-json", "-no-color", "-var", "region=eu-central-2"]);
    assert!(!bad.success);
    assert!(
        bad.errors().iter().any(|e| e
            .detail
            .contains("RDS does not offer this CA in the chosen Region")),
        "{}",
        bad.stdout
    );
}
