//! Provider-defined functions in outputs, variable validation and preconditions (Terraform >= 1.8).

use rdsca_e2e::{only_error, terraform_at_least, terraform_version, Workdir};
use serde_json::json;

#[test]
fn functions_in_outputs() {
    let w = Workdir::with_provider(
        r#"
output "pem" { value = provider::rdsca::bundle_url("eu-west-1") }
output "p7b" { value = provider::rdsca::bundle_url("eu-west-1", "p7b") }
output "gov_global" { value = provider::rdsca::bundle_url("aws-us-gov") }
output "mumbai_ecc" { value = provider::rdsca::ca_available("ap-south-1", "rds-ca-ecc384-g1") }
output "ireland_ecc" { value = provider::rdsca::ca_available("eu-west-1", "rds-ca-ecc384-g1") }
output "validated" { value = provider::rdsca::validate_ca("ca-central-1", "rds-ca-rsa4096-g1") }
"#,
    );
    let out = w.init().apply_outputs();
    assert_eq!(
        out["pem"],
        "https://truststore.pki.rds.amazonaws.com/eu-west-1/eu-west-1-bundle.pem"
    );
    assert_eq!(
        out["p7b"],
        "https://truststore.pki.rds.amazonaws.com/eu-west-1/eu-west-1-bundle.p7b"
    );
    assert_eq!(
        out["gov_global"],
        "https://truststore.pki.us-gov-west-1.rds.amazonaws.com/global/global-bundle.pem"
    );
    assert_eq!(out["mumbai_ecc"], json!(false));
    assert_eq!(out["ireland_ecc"], json!(true));
    assert_eq!(out["validated"], "rds-ca-rsa4096-g1");
}

#[test]
fn validate_ca_fails_the_plan_with_the_data_source_message() {
    let w = Workdir::with_provider("output \"ca\" { value = provider::rdsca::validate_ca(\"eu-south-2\", \"rds-ca-rsa4096-g1\") }\n");
    let run = w.init().plan();
    assert!(!run.success);
    let e = only_error(&run);
    let text = format!("{} {}", e.summary, e.detail);
    assert!(
        text.contains("CA \"rds-ca-rsa4096-g1\" is not offered in eu-south-2"),
        "{text}"
    );
    assert!(
        text.contains("CAs offered in eu-south-2: rds-ca-rsa2048-g1."),
        "{text}"
    );
}

#[test]
fn unknown_region_in_a_function_suggests() {
    let w = Workdir::with_provider(
        "output \"u\" { value = provider::rdsca::bundle_url(\"us-east1\") }\n",
    );
    let run = w.init().plan();
    let e = only_error(&run);
    let text = format!("{} {}", e.summary, e.detail);
    assert!(text.contains("Unknown region \"us-east1\""), "{text}");
    assert!(text.contains("Did you mean \"us-east-1\"?"), "{text}");
}

/// A validation that refers only to its own variable: Terraform >= 1.8.
const OBJECT_VARIABLE: &str = r#"
variable "db" {
  type = object({ region = string, ca = string })
  validation {
    condition     = provider::rdsca::ca_available(var.db.region, var.db.ca)
    error_message = "This CA is not offered in the chosen region."
  }
}
output "ca" { value = var.db.ca }
"#;

#[test]
fn functions_in_variable_validation() {
    let w = Workdir::with_provider(OBJECT_VARIABLE);
    w.init();
    let bad = w.run(&[
        "plan",
        "-json",
        "-no-color",
        "-var",
        r#"db={ region = "ca-west-1", ca = "rds-ca-ecc384-g1" }"#,
    ]);
    assert!(!bad.success);
    let e = only_error(&bad);
    assert_eq!(e.summary, "Invalid value for variable");
    assert!(
        e.detail
            .contains("This CA is not offered in the chosen region."),
        "{}",
        e.detail
    );
    let good = w.run(&[
        "plan",
        "-json",
        "-no-color",
        "-var",
        r#"db={ region = "ca-central-1", ca = "rds-ca-ecc384-g1" }"#,
    ]);
    assert!(good.success && good.errors().is_empty(), "{}", good.stdout);
}

/// A validation of one variable that refers to another: Terraform >= 1.9.
const CROSS_VARIABLE: &str = r#"
variable "region" {
  type = string
}
variable "ca" {
  type = string
  validation {
    condition     = provider::rdsca::ca_available(var.region, var.ca)
    error_message = "This CA is not offered in the chosen region."
  }
}
output "ca" { value = var.ca }
"#;

#[test]
fn functions_in_a_validation_referring_to_another_variable() {
    let w = Workdir::with_provider(CROSS_VARIABLE);
    if !terraform_at_least(1, 9) {
        // Terraform 1.8 rejects the configuration itself, at init, before any function runs.
        let init = w.run(&["init", "-no-color", "-input=false"]);
        assert!(
            !init.success,
            "Terraform {:?} accepted a cross-variable validation:\n{}",
            terraform_version(),
            init.stdout
        );
        assert!(
            init.stderr
                .contains("Invalid reference in variable validation")
                && init
                    .stderr
                    .contains("can only refer to the variable itself"),
            "{}",
            init.stderr
        );
        return;
    }
    w.init();
    let bad = w.run(&[
        "plan",
        "-json",
        "-no-color",
        "-var",
        "region=ca-west-1",
        "-var",
        "ca=rds-ca-ecc384-g1",
    ]);
    assert!(!bad.success);
    let e = only_error(&bad);
    assert_eq!(e.summary, "Invalid value for variable");
    assert!(
        e.detail
            .contains("This CA is not offered in the chosen region."),
        "{}",
        e.detail
    );
    let good = w.run(&[
        "plan",
        "-json",
        "-no-color",
        "-var",
        "region=ca-central-1",
        "-var",
        "ca=rds-ca-ecc384-g1",
    ]);
    assert!(good.success && good.errors().is_empty(), "{}", good.stdout);
}

#[test]
fn functions_in_preconditions() {
    // A precondition must refer to something outside itself: the Region comes from a variable.
    const BODY: &str = r#"
variable "region" {
  type = string
}
resource "terraform_data" "db" {
  input = var.region
  lifecycle {
    precondition {
      condition     = provider::rdsca::ca_available(var.region, "rds-ca-rsa4096-g1")
      error_message = "rds-ca-rsa4096-g1 is not offered in this Region."
    }
  }
}
output "url" {
  value = provider::rdsca::bundle_url(terraform_data.db.output)
  precondition {
    condition     = startswith(provider::rdsca::bundle_url(var.region), "https://")
    error_message = "bundle URLs are HTTPS."
  }
}
"#;
    let w = Workdir::with_provider(BODY);
    w.init();
    let run = w.run(&["plan", "-json", "-no-color", "-var", "region=il-central-1"]);
    assert!(!run.success);
    let e = only_error(&run);
    assert_eq!(e.summary, "Resource precondition failed");
    assert!(
        e.detail
            .contains("rds-ca-rsa4096-g1 is not offered in this Region."),
        "{}",
        e.detail
    );

    w.run(&[
        "apply",
        "-json",
        "-no-color",
        "-auto-approve",
        "-var",
        "region=sa-east-1",
    ])
    .ok();
    let out = w.outputs();
    assert_eq!(
        out["url"],
        "https://truststore.pki.rds.amazonaws.com/sa-east-1/sa-east-1-bundle.pem"
    );
}
