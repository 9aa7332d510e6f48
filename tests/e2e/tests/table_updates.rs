//! The table keeps up with AWS, through a real terraform: the Regions added after the AWS page,
//! the China partition, unverified CAs (a warning, never an error), and Regions the table does not
//! list yet (an error with the remedy by default, accepted with allow_unlisted_regions).

use rdsca_e2e::{only_error, Workdir};
use serde_json::json;

#[test]
fn new_regions_and_china_plan_with_their_urls() {
    let w = Workdir::with_provider(
        r#"
data "rdsca_bundle" "r" {
  for_each      = toset(["ap-east-2", "ap-southeast-6", "cn-north-1", "cn-northwest-1"])
  region        = each.value
  content_source = "none"
}
data "rdsca_bundle" "china_global" {
  partition     = "aws-cn"
  content_source = "none"
}
output "urls" {
  value = { for k, b in data.rdsca_bundle.r : k => [b.pem_url, b.p7b_url, b.region_name, b.partition, b.ca_availability] }
}
output "china_global" {
  value = [data.rdsca_bundle.china_global.pem_url, data.rdsca_bundle.china_global.p7b_url]
}
"#,
    );
    w.init();
    let plan = w.plan().ok();
    assert!(plan.errors().is_empty(), "{}", plan.stdout);
    assert!(plan.warnings().is_empty(), "{:#?}", plan.warnings());
    let out = w.apply_outputs();
    assert_eq!(
        out["urls"],
        json!({
            "ap-east-2": ["https://truststore.pki.rds.amazonaws.com/ap-east-2/ap-east-2-bundle.pem", "https://truststore.pki.rds.amazonaws.com/ap-east-2/ap-east-2-bundle.p7b", "Asia Pacific (Taipei)", "aws", "offered"],
            "ap-southeast-6": ["https://truststore.pki.rds.amazonaws.com/ap-southeast-6/ap-southeast-6-bundle.pem", "https://truststore.pki.rds.amazonaws.com/ap-southeast-6/ap-southeast-6-bundle.p7b", "Asia Pacific (New Zealand)", "aws", "offered"],
            "cn-north-1": ["https://rds-truststore.s3.cn-north-1.amazonaws.com.cn/cn-north-1/cn-north-1-bundle.pem", null, "China (Beijing)", "aws-cn", "offered"],
            "cn-northwest-1": ["https://rds-truststore.s3.cn-north-1.amazonaws.com.cn/cn-northwest-1/cn-northwest-1-bundle.pem", null, "China (Ningxia)", "aws-cn", "offered"],
        })
    );
    assert_eq!(
        out["china_global"],
        json!([
            "https://rds-truststore.s3.cn-north-1.amazonaws.com.cn/global/global-bundle.pem",
            null
        ])
    );
}

#[test]
fn an_unverified_ca_warns_and_the_plan_succeeds() {
    let w = Workdir::with_provider(
        "data \"rdsca_bundle\" \"t\" {\n  region        = \"ap-east-2\"\n  ca_identifier = \"rds-ca-ecc384-g1\"\n  content_source = \"none\"\n}\noutput \"state\" { value = data.rdsca_bundle.t.ca_availability }\n",
    );
    w.init();
    let v = w.validate();
    assert!(v.success && v.diagnostics().is_empty(), "{}", v.stdout);
    let plan = w.plan().ok();
    let warns = plan.warnings();
    assert_eq!(warns.len(), 1, "{warns:#?}");
    assert_eq!(
        warns[0].summary,
        "CA \"rds-ca-ecc384-g1\" is unverified in ap-east-2"
    );
    assert!(
        warns[0]
            .detail
            .contains("aws rds describe-certificates --region ap-east-2"),
        "{}",
        warns[0].detail
    );
    assert!(warns[0].snippet.contains("ca_identifier"), "{:?}", warns[0]);
    assert_eq!(w.apply_outputs()["state"], "unverified");
}

#[test]
fn an_unlisted_region_fails_by_default_and_works_with_the_setting() {
    let body = "data \"rdsca_bundle\" \"n\" {\n  region        = \"eu-west-4\"\n  content_source = \"none\"\n}\noutput \"url\" { value = data.rdsca_bundle.n.pem_url }\noutput \"state\" { value = data.rdsca_bundle.n.ca_availability }\n";
    let strict = Workdir::with_provider(body);
    let e = only_error(&strict.init().validate());
    assert_eq!(e.summary, "Unknown region \"eu-west-4\"");
    assert!(
        e.detail
            .contains("set allow_unlisted_regions = true in the provider block"),
        "{}",
        e.detail
    );
    assert!(e.snippet.contains("region"), "{e:?}");

    let open = Workdir::with_provider(&format!(
        "provider \"rdsca\" {{\n  allow_unlisted_regions = true\n}}\n{body}"
    ));
    open.init();
    let v = open.validate();
    assert!(v.success && v.errors().is_empty(), "{}", v.stdout);
    let plan = open.plan().ok();
    let summaries: Vec<String> = plan.warnings().into_iter().map(|w| w.summary).collect();
    assert_eq!(
        summaries,
        [
            "Region eu-west-4 is not in this provider's table",
            "CA \"rds-ca-rsa2048-g1\" is unverified in eu-west-4"
        ]
    );
    // The setting from a variable: unknown while validating, so the Region waits for the plan.
    let from_var = Workdir::with_provider(&format!(
        "variable \"open\" {{\n  type    = bool\n  default = true\n}}\nprovider \"rdsca\" {{\n  allow_unlisted_regions = var.open\n}}\n{body}"
    ));
    from_var.init();
    let v = from_var.validate();
    assert!(v.success && v.errors().is_empty(), "{}", v.stdout);
    assert!(from_var.plan().ok().errors().is_empty());
    let e = only_error(&from_var.run(&["plan", "-json", "-no-color", "-var", "open=false"]));
    assert_eq!(e.summary, "Unknown region \"eu-west-4\"");

    let out = open.apply_outputs();
    assert_eq!(
        out["url"],
        "https://truststore.pki.rds.amazonaws.com/eu-west-4/eu-west-4-bundle.pem"
    );
    assert_eq!(out["state"], "unverified");

    // A typo still gets its "did you mean", with or without the setting.
    let typo = Workdir::with_provider(
        "provider \"rdsca\" {\n  allow_unlisted_regions = true\n}\ndata \"rdsca_bundle\" \"t\" {\n  region = \"euwest1\"\n}\n",
    );
    let e = only_error(&typo.init().validate());
    assert!(
        e.detail.contains("Did you mean \"eu-west-1\"?"),
        "{}",
        e.detail
    );
    let nine =
        Workdir::with_provider("data \"rdsca_bundle\" \"t\" {\n  region = \"eu-west-9\"\n}\n");
    let e = only_error(&nine.init().validate());
    assert!(
        e.detail.contains("Did you mean \"eu-west-1\""),
        "{}",
        e.detail
    );
    assert!(e.detail.contains("allow_unlisted_regions"), "{}", e.detail);
}

#[test]
fn the_regions_data_source_and_function_expose_the_state() {
    let w = Workdir::with_provider(
        r#"
data "rdsca_regions" "cn" {
  partition = "aws-cn"
}
output "cn" { value = data.rdsca_regions.cn.regions[0] }
output "taipei_ecc" { value = provider::rdsca::ca_availability("ap-east-2", "rds-ca-ecc384-g1") }
output "taipei_ecc_available" { value = provider::rdsca::ca_available("ap-east-2", "rds-ca-ecc384-g1") }
output "taipei_ecc_validated" { value = provider::rdsca::validate_ca("ap-east-2", "rds-ca-ecc384-g1") }
"#,
    );
    w.init();
    let out = w.apply_outputs();
    assert_eq!(out["cn"]["code"], "cn-north-1");
    assert_eq!(out["cn"]["p7b_url"], serde_json::Value::Null);
    assert_eq!(out["cn"]["roots_compiled_in"], false);
    assert_eq!(
        out["cn"]["ca_availability"],
        json!({"rds-ca-rsa2048-g1": "offered", "rds-ca-rsa4096-g1": "unverified", "rds-ca-ecc384-g1": "unverified"})
    );
    assert_eq!(out["taipei_ecc"], "unverified");
    assert_eq!(out["taipei_ecc_available"], false);
    assert_eq!(out["taipei_ecc_validated"], "rds-ca-ecc384-g1");
}

#[test]
fn a_content_source_typo_fails_validate_with_a_suggestion() {
    let w = Workdir::with_provider(
        "data \"rdsca_bundle\" \"t\" {\n  region         = \"eu-west-1\"\n  content_source = \"downlaod\"\n}\n",
    );
    let e = only_error(&w.init().validate());
    assert_eq!(e.summary, "Unknown content source \"downlaod\"");
    assert!(
        e.detail.contains("Did you mean \"download\"?"),
        "{}",
        e.detail
    );
    assert!(e.snippet.contains("content_source"), "{e:?}");
}
