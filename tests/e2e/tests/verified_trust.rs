//! Verified trust through a real terraform plan: tampered, forged and newer bundles, pins, and
//! stale cache entries, served by a local HTTPS server with a CA made by the test. Each case
//! asserts the diagnostic and what the cache holds afterwards.

use std::path::Path;

use rdsca_e2e::{fixture, local_server_provider, only_error, required_providers, Workdir};
use rdsca_test_server::certs::{self_signed_ca as self_signed, tampered};
use rdsca_test_server::{Route, TestServer};

const GLOBAL: &str = "/global/global-bundle.pem";

fn workdir(server: &TestServer, cache: &Path, settings: &str, body: &str) -> Workdir {
    let w = Workdir::raw("");
    let provider = local_server_provider(&w, server, cache).replacen(
        "provider \"rdsca\" {\n",
        &format!("provider \"rdsca\" {{\n{settings}"),
        1,
    );
    w.write(
        "main.tf",
        &format!("{}{provider}{body}", required_providers()),
    );
    w.init();
    w
}

/// Bundle files in the cache directory.
fn cached_bodies(cache: &Path) -> usize {
    std::fs::read_dir(cache)
        .map(|d| {
            d.flatten()
                .filter(|e| e.path().extension().is_some_and(|x| x == "bundle"))
                .count()
        })
        .unwrap_or(0)
}

#[test]
fn a_tampered_certificate_fails_the_plan_and_is_never_cached() {
    let server = TestServer::start();
    let good = fixture("global-bundle.18a8b72.pem");
    server.route(GLOBAL, Route::ok(tampered(&good)));
    let cache = tempfile::tempdir().unwrap();
    let w = workdir(
        &server,
        cache.path(),
        "",
        "data \"rdsca_bundle\" \"g\" {\n  content_source = \"download\"\n}\noutput \"n\" { value = length(data.rdsca_bundle.g.certificates) }\noutput \"compiled\" { value = alltrue(data.rdsca_bundle.g.certificates[*].compiled_in) }\n",
    );
    let e = only_error(&w.plan());
    assert_eq!(
        e.summary,
        format!(
            "The RDS CA bundle {} failed verification",
            server.url(GLOBAL)
        )
    );
    assert!(
        e.detail.contains("certificate 1 (\"Amazon RDS sa-east-1 Root CA RSA2048 G1\") failed verification: its self-signature does not verify"),
        "{}",
        e.detail
    );
    assert!(e.detail.ends_with("Nothing was cached."), "{}", e.detail);
    assert_eq!(cached_bodies(cache.path()), 0);

    server.route(GLOBAL, Route::ok(good));
    let out = w.apply_outputs();
    assert_eq!(out["n"], 102);
    assert_eq!(out["compiled"], true);
    assert_eq!(cached_bodies(cache.path()), 1);
}

#[test]
fn an_impostor_root_names_region_and_ca() {
    let server = TestServer::start();
    let mut bundle = String::from_utf8(fixture("us-east-1-bundle.pem")).unwrap();
    // The RSA2048 root of eu-west-1, as its subject says, with another key.
    bundle.push_str(&self_signed("Amazon RDS eu-west-1 Root CA RSA2048 G1"));
    server.route("/us-east-1/us-east-1-bundle.pem", Route::ok(bundle));
    let cache = tempfile::tempdir().unwrap();
    let w = workdir(
        &server,
        cache.path(),
        "",
        "data \"rdsca_bundle\" \"u\" {\n  content_source = \"download\"\n  region = \"us-east-1\"\n}\n",
    );
    let e = only_error(&w.plan());
    assert!(e.detail.contains("certificate 6 (\"Amazon RDS eu-west-1 Root CA RSA2048 G1\") claims to be the rds-ca-rsa2048-g1 root of eu-west-1, but it is not the one this provider knows"), "{}", e.detail);
    assert_eq!(cached_bodies(cache.path()), 0);
}

#[test]
fn roots_of_regions_the_table_lacks_are_a_warning() {
    let server = TestServer::start();
    let mut bundle = String::from_utf8(fixture("us-east-1-bundle.pem")).unwrap();
    bundle.push_str(&self_signed("Amazon RDS eu-future-1 Root CA ECC384 G1"));
    server.route("/us-east-1/us-east-1-bundle.pem", Route::ok(bundle));
    let cache = tempfile::tempdir().unwrap();
    let w = workdir(
        &server,
        cache.path(),
        "  expiry_warning_days = 0\n",
        "data \"rdsca_bundle\" \"u\" {\n  content_source = \"download\"\n  region = \"us-east-1\"\n}\noutput \"future\" { value = [for c in data.rdsca_bundle.u.certificates : c.region if !c.compiled_in && c.region != null] }\n",
    );
    let plan = w.plan().ok();
    let warnings: Vec<_> = plan.warnings();
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert_eq!(
        warnings[0].summary,
        "The bundle names Regions this provider does not know: eu-future-1"
    );
    assert!(
        warnings[0]
            .detail
            .contains("the table is older than the bundle"),
        "{}",
        warnings[0].detail
    );
    assert_eq!(
        w.apply_outputs()["future"],
        serde_json::json!(["eu-future-1"])
    );
}

#[test]
fn a_pin_mismatch_caches_nothing_and_the_fixed_mirror_passes() {
    let server = TestServer::start();
    let right = fixture("ap-south-1-bundle.pem");
    let pin = "ca4a9dc14e06c3f84274eff3ffed0e5d4d3463141593e1159eb4a0904df6cd74";
    // The mirror first serves another Region's bundle.
    server.route(
        "/ap-south-1/ap-south-1-bundle.pem",
        Route::ok(fixture("us-west-1-bundle.pem")),
    );
    let cache = tempfile::tempdir().unwrap();
    let w = workdir(
        &server,
        cache.path(),
        "",
        &format!("data \"rdsca_bundle\" \"m\" {{\n  content_source = \"download\"\n  region          = \"ap-south-1\"\n  expected_sha256 = \"{pin}\"\n}}\n"),
    );
    let e = only_error(&w.plan());
    assert_eq!(e.summary, "Bundle checksum mismatch");
    assert!(e.snippet.contains("expected_sha256 ="), "{e:?}");
    assert!(
        e.detail.contains(&format!("but expected_sha256 is {pin}")),
        "{}",
        e.detail
    );
    assert_eq!(cached_bodies(cache.path()), 0);

    server.route("/ap-south-1/ap-south-1-bundle.pem", Route::ok(right));
    let plan = w.plan().ok();
    assert!(plan.errors().is_empty());
    assert_eq!(cached_bodies(cache.path()), 1);
}

#[test]
fn an_expired_entry_is_served_stale_when_the_server_fails() {
    let server = TestServer::start();
    server.route(
        "/ap-south-1/ap-south-1-bundle.pem",
        Route::ok(fixture("ap-south-1-bundle.pem")),
    );
    let cache = tempfile::tempdir().unwrap();
    let w = workdir(
        &server,
        cache.path(),
        "  cache_ttl_seconds = 0\n",
        "data \"rdsca_bundle\" \"m\" {\n  content_source = \"download\"\n  region = \"ap-south-1\"\n}\n",
    );
    assert!(w.plan().ok().errors().is_empty());
    for (route, failure) in [
        (Route::Status(503), "HTTP 503"),
        (Route::Stall, "timed out"),
    ] {
        server.route("/ap-south-1/ap-south-1-bundle.pem", route);
        let plan = w.plan().ok();
        let warnings: Vec<_> = plan.warnings();
        assert_eq!(warnings.len(), 1, "{warnings:#?}");
        assert_eq!(
            warnings[0].summary,
            "Serving a cached bundle: refreshing it failed"
        );
        assert!(
            warnings[0].detail.contains(failure),
            "{}",
            warnings[0].detail
        );
        assert!(
            warnings[0].detail.contains(" s ago"),
            "{}",
            warnings[0].detail
        );
        assert_eq!(cached_bodies(cache.path()), 1);
    }
}

#[test]
fn provider_attributes_may_be_unknown() {
    let server = TestServer::start();
    server.route(
        "/ap-south-1/ap-south-1-bundle.pem",
        Route::ok(fixture("ap-south-1-bundle.pem")),
    );
    let cache = tempfile::tempdir().unwrap();
    // A variable inside a map literal: unknown while validating.
    let w = Workdir::raw("");
    w.write("ca.pem", server.ca_pem());
    w.write(
        "main.tf",
        &format!(
            "{}variable \"mirror\" {{\n  type    = string\n  default = \"{}\"\n}}\nprovider \"rdsca\" {{\n  base_urls   = {{ aws = var.mirror }}\n  ca_cert_pem = file(\"${{path.module}}/ca.pem\")\n  cache_dir   = \"{}\"\n}}\ndata \"rdsca_bundle\" \"m\" {{\n  content_source = \"download\"\n  region = \"ap-south-1\"\n}}\noutput \"url\" {{ value = data.rdsca_bundle.m.content_url }}\n",
            required_providers(),
            server.base_url(),
            cache.path().display()
        ),
    );
    w.init();
    let v = w.validate();
    assert!(v.success && v.errors().is_empty(), "{}", v.stdout);
    assert_eq!(
        w.apply_outputs()["url"],
        server.url("/ap-south-1/ap-south-1-bundle.pem")
    );

    // A provider attribute known only after apply (terraform_data is built into Terraform).
    let later = Workdir::raw("");
    later.write("ca.pem", server.ca_pem());
    later.write(
        "main.tf",
        &format!(
            "{}resource \"terraform_data\" \"mirror\" {{\n  input = \"{}\"\n}}\nprovider \"rdsca\" {{\n  base_urls   = {{ aws = terraform_data.mirror.output }}\n  ca_cert_pem = file(\"${{path.module}}/ca.pem\")\n  cache_dir   = \"{}\"\n}}\ndata \"rdsca_bundle\" \"urls\" {{\n  region        = \"ap-south-1\"\n  content_source = \"none\"\n}}\ndata \"rdsca_bundle\" \"content\" {{\n  content_source = \"download\"\n  region     = \"ap-south-1\"\n  depends_on = [terraform_data.mirror]\n}}\noutput \"pem_url\" {{ value = data.rdsca_bundle.urls.pem_url }}\noutput \"sha\" {{ value = data.rdsca_bundle.content.content_sha256 }}\n",
            required_providers(),
            server.base_url(),
            cache.path().display()
        ),
    );
    later.init();
    let v = later.validate();
    assert!(v.success && v.errors().is_empty(), "{}", v.stdout);
    let plan = later.plan().ok();
    assert!(plan.errors().is_empty(), "{}", plan.stdout);
    let out = later.apply_outputs();
    assert_eq!(
        out["pem_url"],
        "https://truststore.pki.rds.amazonaws.com/ap-south-1/ap-south-1-bundle.pem"
    );
    assert_eq!(
        out["sha"],
        "ca4a9dc14e06c3f84274eff3ffed0e5d4d3463141593e1159eb4a0904df6cd74"
    );

    // Content that needs the unknown setting at plan time: one clear error with the remedy.
    let eager = Workdir::raw("");
    eager.write("ca.pem", server.ca_pem());
    eager.write(
        "main.tf",
        &format!(
            "{}resource \"terraform_data\" \"mirror\" {{\n  input = \"{}\"\n}}\nprovider \"rdsca\" {{\n  base_urls   = {{ aws = terraform_data.mirror.output }}\n  ca_cert_pem = file(\"${{path.module}}/ca.pem\")\n  cache_dir   = \"{}\"\n}}\ndata \"rdsca_bundle\" \"content\" {{\n  content_source = \"download\"\n  region = \"ap-south-1\"\n}}\n",
            required_providers(),
            server.base_url(),
            cache.path().display()
        ),
    );
    eager.init();
    let e = only_error(&eager.plan());
    assert_eq!(e.summary, "Provider settings are not known yet");
    assert!(
        e.detail
            .contains("base_urls will only be known after apply"),
        "{}",
        e.detail
    );
    assert!(e.detail.contains("depends_on"), "{}", e.detail);
}
