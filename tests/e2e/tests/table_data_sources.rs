//! `data "rdsca_regions"` and `data "rdsca_certificate_authorities"`.

use rdsca_e2e::{only_error, Workdir};
use serde_json::json;

#[test]
fn regions_filtered_by_partition_and_ca() {
    let w = Workdir::with_provider(
        r#"
data "rdsca_regions" "all" {}
data "rdsca_regions" "gov" {
  partition = "aws-us-gov"
}
data "rdsca_regions" "ecc" {
  partition     = "aws"
  ca_identifier = "rds-ca-ecc384-g1"
}
output "all_count" { value = length(data.rdsca_regions.all.codes) }
output "gov" { value = data.rdsca_regions.gov.regions }
output "ecc_codes" { value = data.rdsca_regions.ecc.codes }
"#,
    );
    let out = w.init().apply_outputs();
    assert_eq!(out["all_count"], json!(38));
    assert_eq!(
        out["gov"][1],
        json!({
            "code": "us-gov-west-1",
            "name": "AWS GovCloud (US-West)",
            "partition": "aws-us-gov",
            "pem_url": "https://truststore.pki.us-gov-west-1.rds.amazonaws.com/us-gov-west-1/us-gov-west-1-bundle.pem",
            "p7b_url": "https://truststore.pki.us-gov-west-1.rds.amazonaws.com/us-gov-west-1/us-gov-west-1-bundle.p7b",
            "ca_identifiers": ["rds-ca-rsa2048-g1", "rds-ca-rsa4096-g1", "rds-ca-ecc384-g1"],
            "ca_availability": {"rds-ca-rsa2048-g1": "offered", "rds-ca-rsa4096-g1": "offered", "rds-ca-ecc384-g1": "offered"},
            "roots_compiled_in": true
        })
    );
    let ecc: Vec<String> = serde_json::from_value(out["ecc_codes"].clone()).unwrap();
    assert_eq!(
        ecc.len(),
        26,
        "34 commercial Regions, less the six without it and the two unverified"
    );
    for limited in [
        "ap-south-1",
        "ap-southeast-4",
        "ca-west-1",
        "eu-central-2",
        "eu-south-2",
        "il-central-1",
    ] {
        assert!(
            !ecc.iter().any(|c| c == limited),
            "{limited} must be filtered out"
        );
    }
    assert!(ecc.iter().any(|c| c == "us-east-1"));
}

#[test]
fn regions_filter_typo_is_an_error() {
    let w = Workdir::with_provider(
        "data \"rdsca_regions\" \"x\" {\n  ca_identifier = \"rds-ca-ecc-384-g1\"\n}\n",
    );
    let e = only_error(&w.init().validate());
    assert_eq!(e.summary, "Unknown CA identifier \"rds-ca-ecc-384-g1\"");
    assert!(
        e.detail.contains("Did you mean \"rds-ca-ecc384-g1\"?"),
        "{}",
        e.detail
    );
}

#[test]
fn certificate_authorities_table() {
    let w = Workdir::with_provider(
        "data \"rdsca_certificate_authorities\" \"all\" {}\noutput \"cas\" { value = data.rdsca_certificate_authorities.all }\n",
    );
    let out = w.init().apply_outputs();
    let cas = &out["cas"];
    assert_eq!(cas["default_ca_identifier"], "rds-ca-rsa2048-g1");
    let list = cas["certificate_authorities"].as_array().unwrap();
    assert_eq!(list.len(), 3);
    assert_eq!(
        list[0],
        json!({
            "id": "rds-ca-rsa2048-g1", "key_algorithm": "RSA", "key_size": 2048, "curve": null,
            "signature_algorithm": "SHA256withRSA", "govcloud_signature_algorithm": "SHA384withRSA",
            "automatic_rotation": true, "root_common_name_template": "Amazon RDS {region} Root CA RSA2048 G1", "is_default": true
        })
    );
    assert_eq!(list[2]["curve"], "P-384");
    assert_eq!(list[2]["key_size"], json!(null));
}
