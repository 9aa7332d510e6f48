//! The endpoint choice on `rdsca_bundle` through a real `terraform`: what lands in state for
//! `database` (the default), `proxy` and `both`, the PKCS#12 stores as a real JDK's `keytool`
//! lists them, a typo at `terraform validate`, and the warning where no source confirms the
//! Amazon roots (GovCloud, China).

use std::path::Path;
use std::process::{Command, Stdio};

use rdsca_e2e::{local_server_provider, only_error, required_providers, Workdir};
use rdsca_test_server::TestServer;
use serde_json::Value;

/// SHA-256 of the Amazon Trust Services roots' certificates (Amazon Root CA 1 to 4, Starfield
/// Services Root Certificate Authority - G2), as the Mozilla store and Amazon's repository have
/// them.
const AMAZON_ROOTS: [&str; 5] = [
    "8ecde6884f3d87b1125ba31ac3fcb13d7016de7f57cc904fe1cb97c6ae98196e",
    "1ba5b2aa8c65401a82960118f80bec4f62304d83cec4713a19c39c011ea46db4",
    "18ce6cfe7bf14e60b2e347b8dfe868cb31d02ebb3ada271569f50343b46db3a4",
    "e35d28419ed02025cfa69038cd623962458da5c695fbdea3c22b0bfb25897092",
    "568d6905a2c88708a4b3025190edcfedb1974a606a13c6e5290fcb2ae63edab5",
];

const AMAZON_ALIASES: [&str; 5] = [
    "amazon root ca 1",
    "amazon root ca 2",
    "amazon root ca 3",
    "amazon root ca 4",
    "starfield services root certificate authority - g2",
];

/// One `rdsca_bundle` block per endpoint choice in eu-west-1 (`default` sets none), each with a
/// trust store.
const EVERY_CHOICE: &str = r#"
data "rdsca_bundle" "default" {
  region              = "eu-west-1"
  truststore_password = "changeit"
}

data "rdsca_bundle" "database" {
  region              = "eu-west-1"
  endpoint            = "database"
  truststore_password = "changeit"
}

data "rdsca_bundle" "proxy" {
  region              = "eu-west-1"
  endpoint            = "proxy"
  truststore_password = "changeit"
}

data "rdsca_bundle" "both" {
  region              = "eu-west-1"
  endpoint            = "both"
  truststore_password = "changeit"
}
"#;

/// The state values of `data.rdsca_bundle.<name>`, from `terraform show -json`.
fn bundle_values<'a>(state: &'a Value, name: &str) -> &'a Value {
    let address = format!("data.rdsca_bundle.{name}");
    state["values"]["root_module"]["resources"]
        .as_array()
        .expect("resources in state")
        .iter()
        .find(|r| r["address"] == address.as_str())
        .map(|r| &r["values"])
        .unwrap_or_else(|| panic!("{address} is not in state: {state}"))
}

fn fingerprints(values: &Value) -> Vec<&str> {
    values["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["sha256_fingerprint"].as_str().unwrap())
        .collect()
}

fn pem_count(v: &Value) -> usize {
    v.as_str()
        .unwrap_or_else(|| panic!("not a string: {v}"))
        .matches("-----BEGIN CERTIFICATE-----")
        .count()
}

/// `keytool -list` of the base64 PKCS#12 store in `values`: the aliases of its
/// `trustedCertEntry`s, lower-cased and in keytool's order; every entry must be one.
fn keytool_aliases(values: &Value, dir: &Path, name: &str) -> Vec<String> {
    let b64 = values["truststore_pkcs12"].as_str().unwrap();
    let mut child = Command::new("base64")
        .arg("-d")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("base64 (coreutils)");
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), b64.as_bytes()).unwrap();
    let decoded = child.wait_with_output().unwrap();
    assert!(decoded.status.success());
    let store = dir.join(format!("{name}.p12"));
    std::fs::write(&store, &decoded.stdout).unwrap();
    let list = Command::new("keytool")
        .args([
            "-J-Duser.language=en",
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
    let listing = String::from_utf8_lossy(&list.stdout).into_owned();
    assert!(list.status.success(), "{listing}");
    let entries: Vec<&str> = listing
        .lines()
        .map(str::trim_end)
        .filter(|l| l.contains(", "))
        .filter(|l| !l.starts_with("Keystore") && !l.starts_with("Your keystore"))
        .collect();
    assert!(
        entries.iter().all(|l| l.ends_with("trustedCertEntry,")),
        "{listing}"
    );
    let count = format!("Your keystore contains {} entr", entries.len());
    assert!(listing.contains(&count), "{listing}");
    let mut aliases: Vec<String> = entries
        .iter()
        .map(|l| {
            // `<alias>, <date>, trustedCertEntry,`: the alias may itself hold ", ".
            let mut parts: Vec<&str> = l.rsplitn(4, ", ").collect();
            parts.pop().unwrap().to_lowercase()
        })
        .collect();
    aliases.sort();
    aliases
}

#[test]
fn each_endpoint_choice_lands_in_state() {
    // Everything comes from the compiled-in certificates: the local mirror must see no request.
    let server = TestServer::start();
    let cache = tempfile::tempdir().unwrap();
    let w = Workdir::raw("");
    let provider = local_server_provider(&w, &server, cache.path());
    w.write(
        "main.tf",
        &format!("{}{provider}{EVERY_CHOICE}", required_providers()),
    );
    w.init();
    let plan = w.plan().ok();
    assert!(plan.diagnostics().is_empty(), "{:?}", plan.diagnostics());
    w.apply().ok();
    let state = w.state_json();
    assert_eq!(server.total_requests(), 0, "{:?}", server.request_log());

    let default = bundle_values(&state, "default");
    let database = bundle_values(&state, "database");
    let proxy = bundle_values(&state, "proxy");
    let both = bundle_values(&state, "both");

    // database: today's behaviour, and what an unset endpoint gives.
    assert_eq!(default["endpoint"], "database");
    for key in [
        "root_pem",
        "root_sha256_fingerprint",
        "offered_roots_pem",
        "roots_pem",
        "certificates",
        "content_sha256",
    ] {
        assert_eq!(default[key], database[key], "{key}");
    }
    assert_eq!(pem_count(&database["root_pem"]), 1);
    assert_eq!(pem_count(&database["offered_roots_pem"]), 3);
    let rds = fingerprints(database);
    assert_eq!(rds.len(), 3);
    assert!(rds.iter().all(|f| !AMAZON_ROOTS.contains(f)));

    // proxy: the Amazon roots alone, and no single root.
    assert_eq!(proxy["endpoint"], "proxy");
    assert_eq!(proxy["root_pem"], Value::Null);
    assert_eq!(proxy["root_sha256_fingerprint"], Value::Null);
    assert_eq!(fingerprints(proxy), AMAZON_ROOTS);
    for c in proxy["certificates"].as_array().unwrap() {
        assert_eq!(c["is_root"], true, "{c}");
        assert_eq!(c["compiled_in"], true, "{c}");
        assert_eq!(c["region"], Value::Null, "{c}");
        assert_eq!(c["ca_identifier"], Value::Null, "{c}");
    }
    assert_eq!(proxy["certificates"][0]["common_name"], "Amazon Root CA 1");
    assert_eq!(pem_count(&proxy["roots_pem"]), 5);
    assert_eq!(proxy["offered_roots_pem"], proxy["roots_pem"]);
    assert_eq!(proxy["soonest_not_after"], "2037-12-31T23:59:59Z");
    assert_eq!(proxy["content_url"], Value::Null);

    // both: the RDS material, then the Amazon roots.
    assert_eq!(both["root_pem"], database["root_pem"]);
    assert_eq!(
        both["root_sha256_fingerprint"],
        database["root_sha256_fingerprint"]
    );
    assert_eq!(
        fingerprints(both),
        [rds.clone(), AMAZON_ROOTS.to_vec()].concat()
    );
    let offered = both["offered_roots_pem"].as_str().unwrap();
    assert_eq!(pem_count(&both["offered_roots_pem"]), 3 + 5);
    assert!(offered.starts_with(database["offered_roots_pem"].as_str().unwrap()));
    assert!(offered.ends_with(proxy["offered_roots_pem"].as_str().unwrap()));
    assert_eq!(both["content_sha256"], database["content_sha256"]);

    // The Java trust stores follow the choice.
    let rds_aliases: Vec<String> = ["rds-ca-ecc384-g1", "rds-ca-rsa2048-g1", "rds-ca-rsa4096-g1"]
        .iter()
        .map(|ca| format!("eu-west-1-{ca}"))
        .collect();
    let amazon_aliases: Vec<String> = AMAZON_ALIASES.iter().map(|a| a.to_string()).collect();
    assert_eq!(keytool_aliases(database, w.path(), "database"), rds_aliases);
    assert_eq!(keytool_aliases(proxy, w.path(), "proxy"), amazon_aliases);
    let mut every = [rds_aliases, amazon_aliases].concat();
    every.sort();
    assert_eq!(keytool_aliases(both, w.path(), "both"), every);
}

/// `both` with `content_source = "download"`: the bundle served by a local HTTPS mirror (a real
/// AWS bundle), verified, then the Amazon roots; `content` stays the served file.
#[test]
fn both_adds_the_amazon_roots_to_a_downloaded_bundle() {
    let server = TestServer::start();
    server.route(
        "/us-east-1/us-east-1-bundle.pem",
        rdsca_test_server::Route::ok(rdsca_e2e::fixture("us-east-1-bundle.pem")),
    );
    let cache = tempfile::tempdir().unwrap();
    let w = Workdir::raw("");
    let provider = local_server_provider(&w, &server, cache.path());
    let body = r#"
data "rdsca_bundle" "database" {
  region         = "us-east-1"
  content_source = "download"
}

data "rdsca_bundle" "both" {
  region         = "us-east-1"
  content_source = "download"
  endpoint       = "both"
}
"#;
    w.write(
        "main.tf",
        &format!("{}{provider}{body}", required_providers()),
    );
    w.init();
    w.apply().ok();
    let state = w.state_json();
    assert!(server.total_requests() >= 1, "the bundle was downloaded");
    let database = bundle_values(&state, "database");
    let both = bundle_values(&state, "both");
    assert_eq!(
        database["content_url"],
        server.url("/us-east-1/us-east-1-bundle.pem")
    );
    assert_eq!(both["content_url"], database["content_url"]);
    assert_eq!(both["content_sha256"], database["content_sha256"]);
    assert_eq!(both["root_pem"], database["root_pem"]);
    let served = fingerprints(database);
    assert!(!served.is_empty());
    assert_eq!(fingerprints(both), [served, AMAZON_ROOTS.to_vec()].concat());
    assert_eq!(
        pem_count(&both["roots_pem"]),
        pem_count(&database["roots_pem"]) + 5
    );
}

#[test]
fn an_unknown_endpoint_fails_validate_with_a_suggestion() {
    let w = Workdir::with_provider(
        "data \"rdsca_bundle\" \"db\" {\n  region   = \"eu-west-1\"\n  endpoint = \"proxi\"\n}\n",
    );
    let run = w.init().validate();
    assert!(!run.success);
    let e = only_error(&run);
    assert_eq!(e.summary, "Unknown endpoint \"proxi\"");
    assert_eq!(
        e.detail,
        "\"proxi\" is not a known endpoint. Did you mean \"proxy\"? Allowed values: both, database, proxy."
    );
    // On the endpoint line (line 3 of the block, after the 8-line header).
    assert_eq!(e.range, Some(("main.tf".to_string(), 11)), "{e:?}");
    assert!(e.snippet.contains("endpoint"), "{e:?}");
}

#[test]
fn a_proxy_with_a_download_fails_validate() {
    let w = Workdir::with_provider(
        "data \"rdsca_bundle\" \"db\" {\n  region         = \"eu-west-1\"\n  endpoint       = \"proxy\"\n  content_source = \"download\"\n}\n",
    );
    let run = w.init().validate();
    let e = only_error(&run);
    assert_eq!(e.summary, "endpoint = \"proxy\" downloads nothing");
    assert!(e.detail.contains("Use endpoint = \"both\""), "{}", e.detail);
    assert!(e.snippet.contains("endpoint"), "{e:?}");
}

/// GovCloud and China: no source says which roots RDS Proxy certificates chain to there. The
/// Amazon roots come with a warning on `endpoint`, never an error; `database` does not warn.
#[test]
fn unverified_proxy_trust_is_a_warning() {
    let w = Workdir::with_provider(
        r#"
data "rdsca_bundle" "gov_proxy" {
  region   = "us-gov-west-1"
  endpoint = "proxy"
}

data "rdsca_bundle" "gov_database" {
  region = "us-gov-west-1"
}

data "rdsca_bundle" "china_proxy" {
  region   = "cn-north-1"
  endpoint = "proxy"
}

output "gov" {
  value = [for c in data.rdsca_bundle.gov_proxy.certificates : c.sha256_fingerprint]
}

output "china" {
  value = [for c in data.rdsca_bundle.china_proxy.certificates : c.sha256_fingerprint]
}
"#,
    );
    let plan = w.init().plan().ok();
    assert!(plan.errors().is_empty(), "{:?}", plan.errors());
    let mut warnings = plan.warnings();
    warnings.sort_by(|a, b| a.summary.cmp(&b.summary));
    assert_eq!(warnings.len(), 2, "{warnings:#?}");
    assert_eq!(
        warnings[0].summary,
        "RDS Proxy trust is unverified in aws-cn"
    );
    assert_eq!(
        warnings[1].summary,
        "RDS Proxy trust is unverified in aws-us-gov"
    );
    for w in &warnings {
        assert!(w.snippet.contains("endpoint = \"proxy\""), "{w:?}");
        assert!(w.detail.contains("openssl s_client"), "{}", w.detail);
    }
    let out = w.apply_outputs();
    assert_eq!(out["gov"], serde_json::json!(AMAZON_ROOTS));
    assert_eq!(out["china"], serde_json::json!(AMAZON_ROOTS));
}
