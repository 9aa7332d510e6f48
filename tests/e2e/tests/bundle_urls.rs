//! `data "rdsca_bundle"` URLs through a real `terraform apply`.

use rdsca_e2e::Workdir;
use serde_json::json;

#[test]
fn commercial_region_global_and_govcloud_urls() {
    let w = Workdir::with_provider(
        r#"
data "rdsca_bundle" "ireland" {
  region        = "eu-west-1"
  content_source = "none"
}
data "rdsca_bundle" "global" {
  content_source = "none"
}
data "rdsca_bundle" "gov_global" {
  partition     = "aws-us-gov"
  content_source = "none"
}
data "rdsca_bundle" "gov_west" {
  region        = "us-gov-west-1"
  ca_identifier = "rds-ca-ecc384-g1"
  content_source = "none"
}
data "rdsca_bundle" "thailand" {
  region        = "ap-southeast-7"
  content_source = "none"
}
output "ireland" { value = { for k, v in data.rdsca_bundle.ireland : k => v if k != "truststore_password" } }
output "global" { value = { for k, v in data.rdsca_bundle.global : k => v if k != "truststore_password" } }
output "gov_global" { value = { for k, v in data.rdsca_bundle.gov_global : k => v if k != "truststore_password" } }
output "gov_west" { value = { for k, v in data.rdsca_bundle.gov_west : k => v if k != "truststore_password" } }
output "thailand_pem" { value = data.rdsca_bundle.thailand.pem_url }
"#,
    );
    let out = w.init().apply_outputs();
    let ireland = &out["ireland"];
    assert_eq!(ireland["id"], "eu-west-1");
    assert_eq!(ireland["region_name"], "Europe (Ireland)");
    assert_eq!(ireland["partition"], "aws");
    assert_eq!(
        ireland["pem_url"],
        "https://truststore.pki.rds.amazonaws.com/eu-west-1/eu-west-1-bundle.pem"
    );
    assert_eq!(
        ireland["p7b_url"],
        "https://truststore.pki.rds.amazonaws.com/eu-west-1/eu-west-1-bundle.p7b"
    );
    assert_eq!(ireland["ca_identifier"], "rds-ca-rsa2048-g1");
    assert_eq!(ireland["default_ca_identifier"], "rds-ca-rsa2048-g1");
    assert_eq!(
        ireland["available_ca_identifiers"],
        json!(["rds-ca-rsa2048-g1", "rds-ca-rsa4096-g1", "rds-ca-ecc384-g1"])
    );

    let global = &out["global"];
    assert_eq!(global["id"], "global/aws");
    assert_eq!(global["partition"], "aws");
    assert_eq!(
        global["pem_url"],
        "https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem"
    );
    assert_eq!(
        global["p7b_url"],
        "https://truststore.pki.rds.amazonaws.com/global/global-bundle.p7b"
    );

    let gov = &out["gov_global"];
    assert_eq!(gov["id"], "global/aws-us-gov");
    assert_eq!(
        gov["pem_url"],
        "https://truststore.pki.us-gov-west-1.rds.amazonaws.com/global/global-bundle.pem"
    );
    assert_eq!(
        gov["p7b_url"],
        "https://truststore.pki.us-gov-west-1.rds.amazonaws.com/global/global-bundle.p7b"
    );

    let west = &out["gov_west"];
    assert_eq!(west["partition"], "aws-us-gov");
    assert_eq!(west["region_name"], "AWS GovCloud (US-West)");
    assert_eq!(west["ca_identifier"], "rds-ca-ecc384-g1");
    assert_eq!(west["pem_url"], "https://truststore.pki.us-gov-west-1.rds.amazonaws.com/us-gov-west-1/us-gov-west-1-bundle.pem");

    // The AWS page points this one into us-west-2/; the provider serves the corrected URL.
    assert_eq!(
        out["thailand_pem"],
        "https://truststore.pki.rds.amazonaws.com/ap-southeast-7/ap-southeast-7-bundle.pem"
    );
}

#[test]
fn a_region_unknown_until_apply_is_planned_then_read() {
    let w = Workdir::with_provider(
        r#"
resource "terraform_data" "region" {
  input = "eu-central-1"
}
data "rdsca_bundle" "late" {
  region        = terraform_data.region.output
  ca_identifier = "rds-ca-rsa4096-g1"
  content_source = "none"
}
output "pem_url" { value = data.rdsca_bundle.late.pem_url }
"#,
    );
    w.init();
    let plan = w.plan().ok();
    assert!(plan.errors().is_empty(), "{}", plan.stdout);
    let planned: Vec<_> = plan
        .json_lines()
        .into_iter()
        .filter(|l| l["type"] == "planned_change")
        .collect();
    assert!(
        planned
            .iter()
            .any(|l| l["change"]["resource"]["addr"] == "terraform_data.region"),
        "{}",
        plan.stdout
    );
    let out = w.apply_outputs();
    assert_eq!(
        out["pem_url"],
        "https://truststore.pki.rds.amazonaws.com/eu-central-1/eu-central-1-bundle.pem"
    );
}

#[test]
fn an_unknown_region_that_turns_out_wrong_fails_at_apply_with_the_same_message() {
    let w = Workdir::with_provider(
        r#"
resource "terraform_data" "region" {
  input = "ap-south-1"
}
data "rdsca_bundle" "late" {
  region        = terraform_data.region.output
  ca_identifier = "rds-ca-ecc384-g1"
  content_source = "none"
}
"#,
    );
    w.init();
    assert!(w.plan().errors().is_empty());
    let apply = w.apply();
    assert!(!apply.success);
    let e = rdsca_e2e::only_error(&apply);
    assert_eq!(
        e.summary,
        "CA \"rds-ca-ecc384-g1\" is not offered in ap-south-1"
    );
}
