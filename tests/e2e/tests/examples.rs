//! Every configuration under examples/ runs through init, validate and plan (and apply where it
//! has outputs to check).

use rdsca_e2e::{local_server_provider, required_providers, workspace, Workdir};
use rdsca_test_server::TestServer;
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
        "examples/trust-material",
        "examples/module-test",
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
            "examples/data-sources/rdsca_databases/data-source.tf",
            "examples/data-sources/rdsca_engine_ca/data-source.tf",
            "examples/data-sources/rdsca_regions/data-source.tf",
            "examples/functions/bundle_url/function.tf",
            "examples/functions/ca_availability/function.tf",
            "examples/functions/ca_available/function.tf",
            "examples/functions/validate_ca/function.tf",
            "examples/module-test/main.tf",
            "examples/module-test/tests/rds_ca.tftest.hcl",
            "examples/provider/provider.tf",
            "examples/quickstart/main.tf",
            "examples/trust-material/main.tf",
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
    // Every example reads the compiled-in certificates: the provider points at a local mirror
    // that must see no request at all.
    let server = TestServer::start();
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
    assert_eq!(out["root_count"], json!(108));
    let root = out["root_pem"].as_str().unwrap();
    assert_eq!(root.matches("BEGIN CERTIFICATE").count(), 1);
    assert_eq!(
        out["offered_roots_pem"]
            .as_str()
            .unwrap()
            .matches("BEGIN CERTIFICATE")
            .count(),
        3
    );
    assert!(out["offered_roots_pem"].as_str().unwrap().contains(root));
    assert_eq!(out["soonest_expiry"], "2061-05-18T21:49:45Z");
    // endpoint = "both": the Region's three RDS roots, then the five Amazon Trust Services roots.
    assert_eq!(
        out["app_trusted_root_names"],
        json!([
            "Amazon RDS eu-west-1 Root CA RSA2048 G1",
            "Amazon RDS eu-west-1 Root CA RSA4096 G1",
            "Amazon RDS eu-west-1 Root CA ECC384 G1",
            "Amazon Root CA 1",
            "Amazon Root CA 2",
            "Amazon Root CA 3",
            "Amazon Root CA 4",
            "Starfield Services Root Certificate Authority - G2"
        ])
    );
    let app = out["app_trusted_roots_pem"].as_str().unwrap();
    assert_eq!(app.matches("BEGIN CERTIFICATE").count(), 8);
    assert!(app.starts_with(out["offered_roots_pem"].as_str().unwrap()));
    assert_eq!(server.total_requests(), 0, "{:?}", server.request_log());

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
    w.extra_env = fake_aws_env(&w, &fake);
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
fn databases_example_against_a_local_rds_api() {
    // A clean fleet in the example's two Regions, but one database of eu-west-1 on a CA
    // outside allowed_cas: the check block reports it as a warning, and the plan goes on.
    let mut fleet = rdsca_e2e::settled_fleet(&["eu-west-1", "us-east-1"], 24);
    let odd = fleet.regions.get_mut("us-east-1").unwrap();
    let odd = odd
        .instances
        .iter_mut()
        .find(|i| i.cluster.is_none())
        .unwrap();
    odd.ca = "rds-ca-2019".into();
    let odd = odd.identifier.clone();
    // And one standalone PostgreSQL 16.3 of the payments team in eu-west-1, the example's filter.
    let eu = fleet.regions.get_mut("eu-west-1").unwrap();
    let payments = eu
        .instances
        .iter_mut()
        .find(|i| i.cluster.is_none())
        .unwrap();
    payments.engine = "postgres".into();
    payments.engine_version = "16.3".into();
    payments.tags.retain(|t| t.key != "Team");
    payments.tags.push(rdsca_rds_fake::Tag {
        key: "Team".into(),
        value: "payments".into(),
    });
    // Standalone instances and Multi-AZ DB clusters (Aurora is engine aurora-postgresql).
    let payments_team = |tags: &[rdsca_rds_fake::Tag]| {
        tags.iter()
            .any(|t| t.key == "Team" && t.value == "payments")
    };
    let eu = &fleet.regions["eu-west-1"];
    let expected = eu
        .instances
        .iter()
        .filter(|i| i.engine == "postgres" && i.cluster.is_none() && payments_team(&i.tags))
        .count()
        + eu.clusters
            .iter()
            .filter(|c| c.engine == "postgres" && payments_team(&c.tags))
            .count();
    let fake = rdsca_rds_fake::FakeRds::start_fleet(fleet);
    let mut w = example("examples/data-sources/rdsca_databases/data-source.tf");
    w.extra_env = fake_aws_env(&w, &fake);
    let apply = w.apply().ok();
    assert!(
        apply.warnings().iter().any(|d| d.detail.contains(&odd)),
        "{:#?}",
        apply.warnings()
    );
    let out = w.outputs();
    assert_eq!(out["rotations"], json!({}));
    assert!(
        expected > 0,
        "the generated fleet has payments' PostgreSQL in eu-west-1"
    );
    assert_eq!(
        out["databases_per_ca"],
        json!({"rds-ca-rsa2048-g1": expected})
    );
    assert!(out["soonest_deadline"]["database"]
        .as_str()
        .unwrap()
        .starts_with("eu-west-1/"));
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
    let warnings: Vec<_> = plan.warnings();
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
    // Output lines with the alignment padding folded.
    let lines: Vec<String> = plan
        .stdout
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    for want in [
        "+ bundle_pem_url = \"https://truststore.pki.rds.amazonaws.com/eu-west-1/eu-west-1-bundle.pem\"",
        "+ ca_cert_identifier = \"rds-ca-ecc384-g1\"",
        // eu-west-1's ECC384 root, as INDEX.tsv lists it in AWS's global bundle.
        "+ root_sha256_fingerprint = \"88ecf027448f7198f3c1a6762474c4658dab35a18686af6b65de3c4023c6d0b2\"",
    ] {
        assert!(lines.iter().any(|l| l == want), "{want}\n{}", plan.stdout);
    }
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

/// The trust-material example, as a user runs it: the root into a file with `terraform output
/// -raw`, the expiry check (a warning when it fails), the precondition on the CA choice.
#[test]
fn trust_material_example() {
    let w = Workdir::copy_of("examples/trust-material");
    w.init();
    let plan = w.plan().ok();
    assert!(plan.diagnostics().is_empty(), "{:?}", plan.diagnostics());
    w.apply().ok();
    let root = w.run(&["output", "-raw", "root_pem"]).ok().stdout;
    assert_eq!(root.matches("-----BEGIN CERTIFICATE-----").count(), 1);
    let fingerprint = w
        .run(&["output", "-raw", "root_sha256_fingerprint"])
        .ok()
        .stdout;
    // eu-central-1's RSA4096 root, as INDEX.tsv lists it in AWS's global bundle.
    assert_eq!(
        fingerprint,
        "3111f322e448c26ea2722c02e29714dace16d5c39336cdf6dfbffbc0368d5332"
    );
    let offered = w.run(&["output", "-raw", "offered_roots_pem"]).ok().stdout;
    assert_eq!(offered.matches("-----BEGIN CERTIFICATE-----").count(), 3);
    assert!(offered.contains(&root));

    // The Java trust store, base64-decoded into a file, lists as trusted certificates; a second
    // apply (a new provider process) returns the same bytes.
    let p12_b64 = w.run(&["output", "-raw", "truststore_pkcs12"]).ok().stdout;
    let p12 = decode_base64(&p12_b64);
    let store = w.path().join("rds-truststore.p12");
    std::fs::write(&store, &p12).unwrap();
    let list = std::process::Command::new("keytool")
        .args([
            "-list",
            "-storetype",
            "PKCS12",
            "-storepass",
            "changeit",
            "-keystore",
        ])
        .arg(&store)
        .output()
        .expect("keytool (a JDK; scripts/setup.sh installs one)");
    let listing = String::from_utf8_lossy(&list.stdout);
    assert!(list.status.success(), "{listing}");
    assert_eq!(listing.matches("trustedCertEntry").count(), 3, "{listing}");
    for ca in ["rds-ca-rsa2048-g1", "rds-ca-rsa4096-g1", "rds-ca-ecc384-g1"] {
        assert!(
            listing.contains(&format!("eu-central-1-{ca},")),
            "{listing}"
        );
    }
    w.apply().ok();
    assert_eq!(
        w.run(&["output", "-raw", "truststore_pkcs12"]).ok().stdout,
        p12_b64,
        "the store must not change between plans"
    );

    // The roots live until 2061 and later: a 40,000-day horizon fails the check, as a warning.
    let far = w
        .run(&[
            "plan",
            "-json",
            "-no-color",
            "-var",
            "expiry_warning_days=40000",
        ])
        .ok();
    let warnings: Vec<_> = far.warnings();
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert!(
        warnings[0].summary.contains("Check block assertion failed"),
        "{:?}",
        warnings[0]
    );
    assert!(
        warnings[0].detail.contains("within 40000 days"),
        "{:?}",
        warnings[0]
    );

    // An unverified CA passes the provider (with a warning) but not this precondition.
    let bad = w.run(&[
        "plan",
        "-json",
        "-no-color",
        "-var",
        "db={region=\"ap-east-2\", ca=\"rds-ca-ecc384-g1\"}",
    ]);
    assert!(!bad.success);
    let errors = bad.errors();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        errors[0]
            .detail
            .contains("Choose a CA that RDS is known to offer in ap-east-2."),
        "{:?}",
        errors[0]
    );
}

/// The `terraform test` file a user can copy into their module passes under the real CLI.
#[test]
fn module_test_example_passes_terraform_test() {
    let w = Workdir::copy_of("examples/module-test");
    std::fs::create_dir_all(w.path().join("tests")).unwrap();
    std::fs::copy(
        workspace().join("examples/module-test/tests/rds_ca.tftest.hcl"),
        w.path().join("tests/rds_ca.tftest.hcl"),
    )
    .unwrap();
    w.init();
    let run = w.run(&["test", "-no-color"]);
    assert!(run.success, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("Success! 2 passed, 0 failed."),
        "{}",
        run.stdout
    );
}

fn decode_base64(text: &str) -> Vec<u8> {
    let out = std::process::Command::new("base64")
        .arg("-d")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(text.as_bytes())?;
            child.wait_with_output()
        })
        .unwrap();
    assert!(out.status.success());
    out.stdout
}

/// Static example credentials and the fake's endpoint, with no shared config file or instance
/// metadata, for an example that reads the RDS API.
fn fake_aws_env(w: &Workdir, fake: &rdsca_rds_fake::FakeRds) -> Vec<(String, String)> {
    let path = |name: &str| w.path().join(name).display().to_string();
    [
        ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE".to_string()),
        ("AWS_SECRET_ACCESS_KEY", "example-secret".to_string()),
        ("AWS_ENDPOINT_URL_RDS", fake.url()),
        ("AWS_EC2_METADATA_DISABLED", "true".to_string()),
        ("AWS_CONFIG_FILE", path("no-aws-config")),
        ("AWS_SHARED_CREDENTIALS_FILE", path("no-aws-credentials")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}
