//! `data "rdsca_engine_ca"` against a local fake of the RDS Query API (tests/rds-fake), reached
//! through `AWS_ENDPOINT_URL_RDS`, with credentials from the environment (or the container
//! credentials endpoint, or a profile). Every run scrubs the AWS variables it inherits and turns
//! off instance metadata, so the credential chain never leaves the machine.

use rdsca_e2e::{isolate_aws, only_error, run_command, Run, Workdir};
use rdsca_rds_fake::{EngineVersion, FakeRds};
use serde_json::{json, Value};

const ALL: &[&str] = &["rds-ca-rsa2048-g1", "rds-ca-rsa4096-g1", "rds-ca-ecc384-g1"];
const NO_ECC: &[&str] = &["rds-ca-rsa2048-g1", "rds-ca-rsa4096-g1"];

fn fake() -> FakeRds {
    FakeRds::start(
        "eu-west-1",
        vec![
            EngineVersion::new("postgres", "15.7", ALL, true),
            EngineVersion::new("postgres", "16.1", ALL, true),
            EngineVersion::new("postgres", "16.3", ALL, true),
            EngineVersion::new("postgres", "16.4", ALL, true),
            EngineVersion::new("postgres", "17.2", ALL, true),
            // terraform-provider-aws issue 39371: this version lacks rds-ca-ecc384-g1.
            EngineVersion::new("sqlserver-se", "15.00.4236.7.v1", NO_ECC, false),
        ],
    )
}

/// Static credentials in the environment, and the endpoint override.
fn static_credentials(fake: &FakeRds) -> Vec<(&'static str, String)> {
    vec![
        ("AWS_ACCESS_KEY_ID", "AKIDTEST".into()),
        ("AWS_SECRET_ACCESS_KEY", "test-secret".into()),
        ("AWS_ENDPOINT_URL_RDS", fake.url()),
    ]
}

/// Terraform with no inherited AWS variable, no shared config file, no instance metadata, and
/// these variables.
fn run(w: &Workdir, args: &[&str], env: &[(&str, String)]) -> Run {
    let mut cmd = w.command(args);
    isolate_aws(&mut cmd, w.path());
    for (k, v) in env {
        cmd.env(k, v);
    }
    run_command(&mut cmd)
}

fn plan(w: &Workdir, env: &[(&str, String)]) -> Run {
    run(w, &["plan", "-json", "-no-color", "-input=false"], env)
}

/// Apply, then the outputs.
fn apply_outputs(w: &Workdir, env: &[(&str, String)]) -> serde_json::Map<String, Value> {
    run(
        w,
        &[
            "apply",
            "-json",
            "-no-color",
            "-input=false",
            "-auto-approve",
        ],
        env,
    )
    .ok();
    let out = run(w, &["output", "-json", "-no-color"], env).ok();
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    doc.as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v["value"].clone()))
        .collect()
}

fn engine_ca(engine: &str, version: &str, ca: Option<&str>) -> Workdir {
    let ca = ca.map_or(String::new(), |c| format!("  ca_identifier  = \"{c}\"\n"));
    let w = Workdir::with_provider(&format!(
        "data \"rdsca_engine_ca\" \"db\" {{\n  region         = \"eu-west-1\"\n  engine         = \"{engine}\"\n  engine_version = \"{version}\"\n{ca}}}\n\noutput \"db\" {{\n  value = data.rdsca_engine_ca.db\n}}\n"
    ));
    w.init();
    w
}

#[test]
fn a_supported_choice_passes_with_the_versions_list_and_signed_requests() {
    let fake = fake();
    let w = engine_ca("postgres", "16.3", Some("rds-ca-ecc384-g1"));
    let out = apply_outputs(&w, &static_credentials(&fake));
    assert_eq!(
        out["db"],
        json!({
            "region": "eu-west-1",
            "engine": "postgres",
            "engine_version": "16.3",
            "ca_identifier": "rds-ca-ecc384-g1",
            "id": "eu-west-1/postgres/16.3",
            "supported_ca_identifiers": ALL,
            "supports_certificate_rotation_without_restart": true,
            "default_ca_identifier": "rds-ca-rsa2048-g1",
            "default_ca_source": "aws_default",
            "ca_valid_till": {
                "rds-ca-rsa2048-g1": "2061-05-25T23:34:57Z",
                "rds-ca-rsa4096-g1": "2121-05-25T23:41:21Z",
                "rds-ca-ecc384-g1": "2121-05-25T23:43:08Z"
            }
        })
    );
    let requests = fake.requests();
    let actions: Vec<&str> = requests.iter().filter_map(|r| r.action()).collect();
    assert_eq!(
        actions,
        ["DescribeDBEngineVersions", "DescribeCertificates"],
        "{requests:#?}"
    );
    for r in &requests {
        assert_eq!(r.method, "POST");
        assert!(
            r.headers["authorization"].starts_with("AWS4-HMAC-SHA256 Credential=AKIDTEST/"),
            "{r:?}"
        );
        assert_eq!(
            r.scope,
            Some(("AKIDTEST".into(), "eu-west-1".into(), "rds".into())),
            "{r:?}"
        );
        assert_eq!(r.params["Version"], "2014-10-31");
    }
    assert_eq!(requests[0].params["Engine"], "postgres");
    assert_eq!(requests[0].params["EngineVersion"], "16.3");
}

#[test]
fn a_ca_the_version_lacks_fails_at_plan_with_the_supported_list() {
    let fake = fake();
    let w = engine_ca("sqlserver-se", "15.00.4236.7.v1", Some("rds-ca-ecc384-g1"));
    let run = plan(&w, &static_credentials(&fake));
    assert!(!run.success);
    let e = only_error(&run);
    assert_eq!(
        e.summary,
        "CA \"rds-ca-ecc384-g1\" is not supported by sqlserver-se 15.00.4236.7.v1"
    );
    assert!(
        e.detail
            .contains("CAs this version supports: rds-ca-rsa2048-g1, rds-ca-rsa4096-g1."),
        "{}",
        e.detail
    );
    assert!(e.snippet.contains("ca_identifier"), "{e:?}");
    assert_eq!(e.range.as_ref().map(|r| r.1), Some(13), "{e:?}");
}

#[test]
fn an_overridden_account_default_is_reported_and_checked() {
    let fake = fake();
    fake.set_override(Some("rds-ca-rsa4096-g1"));
    let env = static_credentials(&fake);
    let out = apply_outputs(&engine_ca("postgres", "16.3", None), &env);
    assert_eq!(out["db"]["default_ca_identifier"], "rds-ca-rsa4096-g1");
    assert_eq!(out["db"]["default_ca_source"], "account_override");
    assert_eq!(
        out["db"]["ca_identifier"], "rds-ca-rsa4096-g1",
        "unset: the account's default"
    );

    // The issue's case: the account default overridden to ECC, a SQL Server version without it.
    fake.set_override(Some("rds-ca-ecc384-g1"));
    let run = plan(&engine_ca("sqlserver-se", "15.00.4236.7.v1", None), &env);
    let e = only_error(&run);
    assert_eq!(
        e.summary,
        "The account's default CA rds-ca-ecc384-g1 is not supported by sqlserver-se 15.00.4236.7.v1"
    );
    assert!(
        e.detail
            .contains("the account's override of the default CA"),
        "{}",
        e.detail
    );
    assert!(
        e.detail
            .ends_with("one of: rds-ca-rsa2048-g1, rds-ca-rsa4096-g1."),
        "{}",
        e.detail
    );
}

#[test]
fn unknown_versions_and_engines_list_what_rds_has() {
    let fake = fake();
    let env = static_credentials(&fake);
    let e = only_error(&plan(&engine_ca("postgres", "16.99", None), &env));
    assert_eq!(
        e.summary,
        "Unknown version \"16.99\" of postgres in eu-west-1"
    );
    assert!(
        e.detail
            .ends_with("The closest it lists: 16.4, 16.3, 16.1, 17.2, 15.7."),
        "{}",
        e.detail
    );
    let e = only_error(&plan(&engine_ca("postgress", "16.3", None), &env));
    assert_eq!(e.summary, "Unknown DB engine \"postgress\" in eu-west-1");
    assert!(
        e.detail.contains("Did you mean \"postgres\"?"),
        "{}",
        e.detail
    );
}

#[test]
fn the_region_is_checked_offline_with_the_table() {
    let fake = fake();
    let w = Workdir::with_provider(
        "data \"rdsca_engine_ca\" \"db\" {\n  region         = \"eu-west-9\"\n  engine         = \"postgres\"\n  engine_version = \"16.3\"\n}\n",
    );
    w.init();
    let e = only_error(&run(
        &w,
        &["validate", "-json", "-no-color"],
        &static_credentials(&fake),
    ));
    assert_eq!(e.summary, "Unknown region \"eu-west-9\"");
    assert_eq!(fake.request_count(), 0);
}

#[test]
fn no_credentials_is_one_clear_error_and_no_request() {
    let fake = fake();
    let w = engine_ca("postgres", "16.3", Some("rds-ca-ecc384-g1"));
    let run = plan(&w, &[("AWS_ENDPOINT_URL_RDS", fake.url())]);
    let e = only_error(&run);
    assert_eq!(e.summary, "No AWS credentials for data \"rdsca_engine_ca\"");
    for needle in [
        "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
        "aws_profile in the provider \"rdsca\" block",
        "Or remove the data \"rdsca_engine_ca\" block",
    ] {
        assert!(e.detail.contains(needle), "{needle}: {}", e.detail);
    }
    assert_eq!(fake.request_count(), 0);
}

#[test]
fn without_the_data_source_nothing_calls_aws_not_even_for_credentials() {
    let fake = fake();
    let w = Workdir::with_provider(
        r#"
data "rdsca_bundle" "db" {
  region        = "eu-west-1"
  ca_identifier = "rds-ca-ecc384-g1"
  fetch_content = false
}
data "rdsca_regions" "all" {}
data "rdsca_certificate_authorities" "all" {}
output "url" { value = data.rdsca_bundle.db.pem_url }
output "count" { value = length(data.rdsca_regions.all.codes) }
output "fn" { value = provider::rdsca::validate_ca("eu-west-1", "rds-ca-rsa4096-g1") }
"#,
    );
    w.init();
    // Were the credential chain consulted, the container endpoint (the fake) would be asked.
    let env = [
        ("AWS_ENDPOINT_URL_RDS", fake.url()),
        ("AWS_ENDPOINT_URL", fake.url()),
        ("AWS_CONTAINER_CREDENTIALS_FULL_URI", fake.credentials_url()),
    ];
    plan(&w, &env).ok();
    run(
        &w,
        &[
            "apply",
            "-json",
            "-no-color",
            "-input=false",
            "-auto-approve",
        ],
        &env,
    )
    .ok();
    assert_eq!(fake.request_count(), 0, "{:#?}", fake.requests());
}

#[test]
fn credentials_from_the_container_endpoint_and_from_a_profile() {
    let fake = fake();
    let w = engine_ca("postgres", "16.3", None);
    let out = apply_outputs(
        &w,
        &[
            ("AWS_ENDPOINT_URL_RDS", fake.url()),
            ("AWS_CONTAINER_CREDENTIALS_FULL_URI", fake.credentials_url()),
        ],
    );
    assert_eq!(out["db"]["ca_identifier"], "rds-ca-rsa2048-g1");
    let requests = fake.requests();
    assert_eq!(requests[0].path, "/credentials", "{requests:#?}");
    let api: Vec<_> = requests.iter().filter(|r| r.action().is_some()).collect();
    assert_eq!(api.len(), 2);
    for r in api {
        assert_eq!(r.scope.as_ref().unwrap().0, "AKIDCONTAINER");
        assert_eq!(r.headers["x-amz-security-token"], "container-token");
    }

    // A named profile of a shared credentials file, chosen in the provider block.
    let fake = self::fake();
    let w = Workdir::with_provider(
        "provider \"rdsca\" {\n  aws_profile = \"ci\"\n}\n\ndata \"rdsca_engine_ca\" \"db\" {\n  region         = \"eu-west-1\"\n  engine         = \"postgres\"\n  engine_version = \"17.2\"\n}\n",
    );
    w.write(
        "credentials",
        "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = x\n\n[ci]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = y\n",
    );
    w.init();
    let credentials = w.path().join("credentials").display().to_string();
    plan(
        &w,
        &[
            ("AWS_ENDPOINT_URL_RDS", fake.url()),
            ("AWS_SHARED_CREDENTIALS_FILE", credentials),
        ],
    )
    .ok();
    let requests = fake.requests();
    assert!(!requests.is_empty());
    assert!(
        requests
            .iter()
            .all(|r| r.scope.as_ref().unwrap().0 == "AKIDPROFILE"),
        "{requests:#?}"
    );
}
