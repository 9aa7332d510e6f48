//! Bundle content through a real terraform plan/apply, served by a local HTTPS server with a CA
//! made by the test, using the real RDS bundles from tests/fixtures/bundles.

use rdsca_e2e::{fixture, local_server_provider, only_error, required_providers, Workdir};
use rdsca_test_server::{Route, TestServer};
use serde_json::Value;

/// SHA-256 of global-bundle.18a8b72.pem, from PROVENANCE.md (and pinned by public Dockerfiles).
const GLOBAL_SHA256: &str = "05c6b4a9bf4daa95c888711481e19cc8e2e11aed4de8db759f51f4a6fce64917";

fn workdir(server: &TestServer, cache: &tempfile::TempDir, body: &str) -> Workdir {
    let w = Workdir::raw("");
    let provider = local_server_provider(&w, server, cache.path());
    w.write(
        "main.tf",
        &format!("{}{provider}{body}", required_providers()),
    );
    w.init();
    w
}

#[test]
fn certificates_and_roots_then_a_plan_served_from_the_cache() {
    let server = TestServer::start();
    server.route(
        "/global/global-bundle.pem",
        Route::ok(fixture("global-bundle.18a8b72.pem")).etag("\"g\""),
    );
    server.route(
        "/ap-south-1/ap-south-1-bundle.pem",
        Route::ok(fixture("ap-south-1-bundle.pem")),
    );
    let cache = tempfile::tempdir().unwrap();
    let w = workdir(
        &server,
        &cache,
        r#"
data "rdsca_bundle" "global" {
  content_source = "download"
  expected_sha256 = "05c6b4a9bf4daa95c888711481e19cc8e2e11aed4de8db759f51f4a6fce64917"
}
data "rdsca_bundle" "mumbai" {
  content_source = "download"
  include_content = true
  include_certificate_pem = true
  region = "ap-south-1"
}
output "global_sha" { value = data.rdsca_bundle.global.content_sha256 }
output "global_certificates" { value = data.rdsca_bundle.global.certificates }
output "global_roots" { value = data.rdsca_bundle.global.roots_pem }
output "global_soonest" { value = data.rdsca_bundle.global.soonest_not_after }
output "mumbai" { value = { for k, v in data.rdsca_bundle.mumbai : k => v if k != "truststore_password" } }
"#,
    );
    let plan = w.plan().ok();
    assert!(plan.errors().is_empty(), "{}", plan.stdout);
    assert_eq!(server.requests("/global/global-bundle.pem"), 1);
    assert_eq!(server.requests("/ap-south-1/ap-south-1-bundle.pem"), 1);

    let out = w.apply_outputs();
    assert_eq!(out["global_sha"], GLOBAL_SHA256);
    let certs = out["global_certificates"].as_array().unwrap();
    assert_eq!(certs.len(), 102);
    let ecc = certs
        .iter()
        .find(|c| c["common_name"] == "Amazon RDS ap-south-1 Root CA ECC384 G1")
        .unwrap();
    assert_eq!(
        ecc["sha256_fingerprint"],
        "333de57f904b25d90b1ea19730ab91c495adbaf1480b0f2bbaf17d2e21af52bf"
    );
    assert_eq!(ecc["not_after"], "2121-05-19T18:50:59Z");
    assert_eq!(ecc["ca_identifier"], "rds-ca-ecc384-g1");
    assert_eq!(ecc["region"], "ap-south-1");
    assert_eq!(ecc["is_root"], Value::Bool(true));
    assert_eq!(ecc["public_key_algorithm"], "ECDSA");
    assert_eq!(ecc["curve"], "P-384");
    assert_eq!(ecc["signature_algorithm"], "ECDSA-SHA384");
    assert_eq!(
        out["global_roots"]
            .as_str()
            .unwrap()
            .matches("-----BEGIN CERTIFICATE-----")
            .count(),
        102
    );
    assert_eq!(out["global_soonest"], "2061-05-18T21:49:45Z");
    let mumbai = &out["mumbai"];
    assert_eq!(
        mumbai["content_url"],
        server.url("/ap-south-1/ap-south-1-bundle.pem")
    );
    assert_eq!(
        mumbai["pem_url"],
        "https://truststore.pki.rds.amazonaws.com/ap-south-1/ap-south-1-bundle.pem"
    );
    assert_eq!(
        mumbai["content"].as_str().unwrap().as_bytes(),
        fixture("ap-south-1-bundle.pem")
    );
    assert_eq!(mumbai["certificates"].as_array().unwrap().len(), 3);

    // apply and a second plan run new provider processes: both were served from the disk cache.
    let again = w.plan().ok();
    assert!(again.errors().is_empty());
    assert_eq!(server.total_requests(), 2, "{:?}", server.request_log());
}

#[test]
fn pin_mismatch_missing_root_http_errors_and_expiry_warnings() {
    let server = TestServer::start();
    server.route(
        "/ap-south-1/ap-south-1-bundle.pem",
        Route::ok(fixture("ap-south-1-bundle.pem")),
    );
    // eu-west-1's path serves us-east-1's bundle: it has no eu-west-1 root.
    server.route(
        "/eu-west-1/eu-west-1-bundle.pem",
        Route::ok(fixture("us-east-1-bundle.pem")),
    );
    server.route(
        "/us-east-1/us-east-1-bundle.pem",
        Route::ok(fixture("us-east-1-bundle.pem")),
    );
    let cache = tempfile::tempdir().unwrap();

    let pin = workdir(&server, &cache, "data \"rdsca_bundle\" \"m\" {\n  content_source = \"download\"\n  region          = \"ap-south-1\"\n  expected_sha256 = \"0000000000000000000000000000000000000000000000000000000000000000\"\n}\n");
    let e = only_error(&pin.plan());
    assert_eq!(e.summary, "Bundle checksum mismatch");
    assert!(e.detail.contains("has SHA-256 ca4a9dc14e06c3f84274eff3ffed0e5d4d3463141593e1159eb4a0904df6cd74, but expected_sha256 is 0000000000000000000000000000000000000000000000000000000000000000"), "{}", e.detail);

    let missing = workdir(
        &server,
        &cache,
        "data \"rdsca_bundle\" \"w\" {\n  content_source = \"download\"\n  region = \"eu-west-1\"\n}\n",
    );
    let e = only_error(&missing.plan());
    assert_eq!(e.summary, "The bundle has no root for rds-ca-rsa2048-g1");
    assert!(
        e.detail
            .contains("none of them the root \"Amazon RDS eu-west-1 Root CA RSA2048 G1\""),
        "{}",
        e.detail
    );

    let not_found = workdir(
        &server,
        &cache,
        "data \"rdsca_bundle\" \"x\" {\n  content_source = \"download\"\n  region = \"eu-west-3\"\n}\n",
    );
    let e = only_error(&not_found.plan());
    assert_eq!(
        e.summary,
        format!(
            "Cannot fetch the RDS CA bundle {}",
            server.url("/eu-west-3/eu-west-3-bundle.pem")
        )
    );
    assert!(e.detail.contains("HTTP 404 Not Found"), "{}", e.detail);

    // The old-era us-east-1 bundle still carries the expired rds-ca-2019 certificates.
    let old = workdir(
        &server,
        &cache,
        "data \"rdsca_bundle\" \"o\" {\n  content_source = \"download\"\n  region = \"us-east-1\"\n}\n",
    );
    let plan = old.plan().ok();
    let warnings: Vec<_> = plan.warnings();
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert_eq!(
        warnings[0].summary,
        "2 certificate(s) in the bundle expire within 30 days"
    );
    assert!(
        warnings[0]
            .detail
            .contains("\"Amazon RDS Root 2019 CA\" (expired 2024-08-22T17:08:50Z)"),
        "{}",
        warnings[0].detail
    );
}

#[test]
fn hundreds_of_data_sources_fetch_each_url_once() {
    let server = TestServer::start();
    for region in ["ap-south-1", "us-east-1", "us-west-1"] {
        let file = format!("{region}-bundle.pem");
        server.route(&format!("/{region}/{file}"), Route::ok(fixture(&file)));
    }
    let cache = tempfile::tempdir().unwrap();
    let w = workdir(
        &server,
        &cache,
        r#"
data "rdsca_bundle" "many" {
  content_source = "download"
  count  = 300
  region = element(["ap-south-1", "us-east-1", "us-west-1"], count.index)
}
output "roots" { value = distinct([for b in data.rdsca_bundle.many : length(b.roots_pem)]) }
"#,
    );
    let plan = w
        .run(&["plan", "-json", "-no-color", "-parallelism=32"])
        .ok();
    assert!(plan.errors().is_empty(), "{}", plan.stdout);
    for region in ["ap-south-1", "us-east-1", "us-west-1"] {
        assert_eq!(
            server.requests(&format!("/{region}/{region}-bundle.pem")),
            1,
            "{region}"
        );
    }
}

#[test]
fn provider_settings_are_validated_and_offline_mode_says_so() {
    let bad = Workdir::with_provider(
        "provider \"rdsca\" {\n  base_urls = { aws = \"http://mirror.example.com\" }\n}\ndata \"rdsca_bundle\" \"g\" {\n  content_source = \"download\"\n}\n",
    );
    let run = bad.init().validate();
    let e = only_error(&run);
    assert_eq!(e.summary, "Invalid base URL for aws");
    assert!(
        e.detail
            .contains("plain http:// is refused unless allow_insecure_http = true"),
        "{}",
        e.detail
    );

    let cache = tempfile::tempdir().unwrap();
    let offline = Workdir::with_provider(&format!(
        "provider \"rdsca\" {{\n  offline   = true\n  cache_dir = \"{}\"\n}}\ndata \"rdsca_bundle\" \"g\" {{\n  content_source = \"download\"\n}}\n",
        cache.path().display()
    ));
    let run = offline.init().plan();
    let e = only_error(&run);
    assert_eq!(e.summary, "Cannot fetch the RDS CA bundle https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem");
    assert!(e.detail.starts_with("offline mode (offline = true): https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem is not in the cache"), "{}", e.detail);
}

/// A mirror behind a private CA is reached without ca_cert_pem when the CA is in the trust store
/// the provider process sees (here through SSL_CERT_FILE, which the OS trust store loader
/// honours), and refused when it is not.
#[test]
fn the_platform_trust_store_is_used() {
    let server = TestServer::start();
    server.route(
        "/ap-south-1/ap-south-1-bundle.pem",
        Route::ok(fixture("ap-south-1-bundle.pem")),
    );
    let cache = tempfile::tempdir().unwrap();
    let config = format!(
        "{}provider \"rdsca\" {{\n  base_urls = {{ aws = \"{}\" }}\n  cache_dir = \"{}\"\n}}\ndata \"rdsca_bundle\" \"m\" {{\n  region         = \"ap-south-1\"\n  content_source = \"download\"\n}}\n",
        required_providers(),
        server.base_url(),
        cache.path().display()
    );
    let untrusted = Workdir::raw(&config);
    untrusted.init();
    let e = only_error(&untrusted.plan());
    assert!(e.detail.contains("not trusted"), "{}", e.detail);
    assert!(e.detail.contains("SSL_CERT_FILE"), "{}", e.detail);

    let mut trusted = Workdir::raw(&config);
    trusted.write("system-ca.pem", server.ca_pem());
    let ca_file = trusted.path().join("system-ca.pem");
    trusted
        .extra_env
        .push(("SSL_CERT_FILE".into(), ca_file.display().to_string()));
    trusted.init();
    let plan = trusted.plan().ok();
    assert!(plan.errors().is_empty(), "{}", plan.stdout);
    assert_eq!(server.requests("/ap-south-1/ap-south-1-bundle.pem"), 1);
}
