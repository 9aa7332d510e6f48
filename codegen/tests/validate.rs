//! One bad data file per validation rule, each with its message asserted; and the real file.

use rdsca_codegen::{parse, TableError};

/// A small valid table; each test breaks one thing in it.
const GOOD: &str = r#"
[[source]]
id = "page"
title = "t"
url = "https://example.invalid/"
retrieved = "today"

[[partition]]
id = "aws"
name = "AWS"
page_label = "Any commercial AWS Region"
truststore_host = "truststore.pki.rds.amazonaws.com"
global_pem_url = "https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem"
global_p7b_url = "https://truststore.pki.rds.amazonaws.com/global/global-bundle.p7b"
source = "page"

[[ca]]
id = "rds-ca-rsa2048-g1"
key_algorithm = "RSA"
key_size = 2048
signature_algorithm = "SHA256withRSA"
automatic_rotation = true
root_common_name = "Amazon RDS {region} Root CA RSA2048 G1"
default = true
source = "page"

[[ca]]
id = "rds-ca-ecc384-g1"
key_algorithm = "EC"
curve = "P-384"
signature_algorithm = "SHA384withECDSA"
automatic_rotation = true
root_common_name = "Amazon RDS {region} Root CA ECC384 G1"
default = false
source = "page"

[[region]]
code = "us-east-1"
name = "US East (N. Virginia)"
partition = "aws"
pem_url = "https://truststore.pki.rds.amazonaws.com/us-east-1/us-east-1-bundle.pem"
p7b_url = "https://truststore.pki.rds.amazonaws.com/us-east-1/us-east-1-bundle.p7b"
cas = ["rds-ca-rsa2048-g1", "rds-ca-ecc384-g1"]
source = "page"

[[region]]
code = "eu-west-1"
name = "Europe (Ireland)"
partition = "aws"
pem_url = "https://truststore.pki.rds.amazonaws.com/eu-west-1/eu-west-1-bundle.pem"
p7b_url = "https://truststore.pki.rds.amazonaws.com/eu-west-1/eu-west-1-bundle.p7b"
cas = ["rds-ca-rsa2048-g1"]
source = "page"
"#;

fn errors(text: &str) -> Vec<TableError> {
    parse("test.toml", text).expect_err("the broken file must be rejected")
}

/// The single error of a broken file, as `file:line: field: message`.
fn only_error(text: &str) -> String {
    let errs = errors(text);
    assert_eq!(errs.len(), 1, "expected one error, got: {errs:#?}");
    errs[0].to_string()
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .expect("needle in text")
        + 1
}

#[test]
fn the_good_file_parses() {
    let t = parse("test.toml", GOOD).unwrap();
    assert_eq!(t.regions.len(), 2);
    assert_eq!(t.default_ca().id, "rds-ca-rsa2048-g1");
}

#[test]
fn duplicate_region_code() {
    let bad = GOOD
        .replacen("code = \"eu-west-1\"", "code = \"us-east-1\"", 1)
        .replace("/eu-west-1/eu-west-1-bundle", "/us-east-1/us-east-1-bundle");
    let e = only_error(&bad);
    let line = bad
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains("code = \"us-east-1\""))
        .nth(1)
        .unwrap()
        .0
        + 1;
    assert_eq!(
        e,
        format!(
            "test.toml:{line}: region[1] (us-east-1).code: duplicate region code \"us-east-1\""
        )
    );
}

#[test]
fn region_code_syntax() {
    let bad = GOOD.replace("eu-west-1", "EU_West-1");
    let e = only_error(&bad);
    assert!(
        e.starts_with(&format!(
            "test.toml:{}: region[1] (EU_West-1).code: \"EU_West-1\" is not an AWS region code",
            line_of(&bad, "code = \"EU_West-1\"")
        )),
        "{e}"
    );
}

#[test]
fn url_must_follow_the_truststore_layout() {
    let bad = GOOD.replace(
        "p7b_url = \"https://truststore.pki.rds.amazonaws.com/eu-west-1/eu-west-1-bundle.p7b\"",
        "p7b_url = \"https://truststore.pki.rds.amazonaws.com/us-west-2/eu-west-1-bundle.p7b\"",
    );
    let e = only_error(&bad);
    assert_eq!(
        e,
        format!(
            "test.toml:{}: region[1] (eu-west-1).p7b_url: expected \"https://truststore.pki.rds.amazonaws.com/eu-west-1/eu-west-1-bundle.p7b\" (the truststore layout), found \"https://truststore.pki.rds.amazonaws.com/us-west-2/eu-west-1-bundle.p7b\"",
            line_of(&bad, "us-west-2/eu-west-1")
        )
    );
}

#[test]
fn global_url_must_follow_the_truststore_layout() {
    let bad = GOOD.replace("/global/global-bundle.pem", "/global-bundle.pem");
    let e = only_error(&bad);
    assert!(e.contains("partition[0].global_pem_url: expected \"https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem\""), "{e}");
}

#[test]
fn every_referenced_ca_exists() {
    let bad = GOOD.replace(
        "cas = [\"rds-ca-rsa2048-g1\"]",
        "cas = [\"rds-ca-rsa2048-g2\"]",
    );
    let e = only_error(&bad);
    assert_eq!(
        e,
        format!(
            "test.toml:{}: region[1] (eu-west-1).cas: unknown CA \"rds-ca-rsa2048-g2\"; declared CAs: rds-ca-rsa2048-g1, rds-ca-ecc384-g1",
            line_of(&bad, "rds-ca-rsa2048-g2")
        )
    );
}

#[test]
fn unknown_partition() {
    let bad = GOOD.replacen(
        "partition = \"aws\"\npem_url = \"https://truststore.pki.rds.amazonaws.com/eu-west-1",
        "partition = \"aws-cn\"\npem_url = \"https://truststore.pki.rds.amazonaws.com/eu-west-1",
        1,
    );
    let e = only_error(&bad);
    assert!(
        e.contains("region[1] (eu-west-1).partition: unknown partition \"aws-cn\"; declared: aws"),
        "{e}"
    );
}

#[test]
fn exactly_one_default_ca() {
    let none = GOOD.replace("default = true", "default = false");
    assert!(only_error(&none)
        .ends_with("ca.default: no CA is marked `default = true`; exactly one must be"));
    let two = GOOD.replace("default = false", "default = true");
    let e = only_error(&two);
    assert_eq!(
        e,
        format!(
            "test.toml:{}: ca[1].default: exactly one CA may be the default, found 2: rds-ca-rsa2048-g1, rds-ca-ecc384-g1",
            two.lines().enumerate().filter(|(_, l)| l.contains("default = true")).nth(1).unwrap().0 + 1
        )
    );
}

#[test]
fn unknown_source() {
    let bad = GOOD.replacen(
        "source = \"page\"\n\n[[region]]\ncode = \"eu-west-1\"",
        "source = \"blog\"\n\n[[region]]\ncode = \"eu-west-1\"",
        1,
    );
    let e = only_error(&bad);
    assert!(
        e.contains("region[0] (us-east-1).source: unknown source \"blog\"; declared sources: page"),
        "{e}"
    );
}

#[test]
fn unknown_field_and_syntax_errors_name_the_line() {
    let bad = GOOD.replace("name = \"Europe (Ireland)\"", "nmae = \"Europe (Ireland)\"");
    let e = only_error(&bad);
    assert!(e.starts_with("test.toml:"), "{e}");
    assert!(e.contains("unknown field `nmae`"), "{e}");
    let bad = GOOD.replace("name = \"Europe (Ireland)\"", "name = \"Europe (Ireland)");
    let e = only_error(&bad);
    assert!(
        e.starts_with(&format!(
            "test.toml:{}: (syntax):",
            line_of(&bad, "name = \"Europe (Ireland)")
        )),
        "{e}"
    );
}

#[test]
fn correction_must_name_a_correctable_field() {
    let bad = format!("{GOOD}\n[[region.correction]]\nfield = \"colour\"\npage_says = \"x\"\nwhy = \"y\"\nsource = \"page\"\n");
    let e = only_error(&bad);
    assert!(
        e.contains(
            "region[1] (eu-west-1).correction[0].field: \"colour\" is not a correctable field"
        ),
        "{e}"
    );
}

#[test]
fn all_problems_are_reported_at_once() {
    let bad = GOOD
        .replace("cas = [\"rds-ca-rsa2048-g1\"]", "cas = [\"nope\"]")
        .replace("default = true", "default = false");
    assert_eq!(errors(&bad).len(), 2);
}

#[test]
fn the_repository_data_file_is_valid() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let t =
        rdsca_codegen::load(&std::path::Path::new(root).join(rdsca_codegen::DATA_FILE)).unwrap();
    assert_eq!(t.regions.len(), 38);
    for (partition, count) in [("aws", 34), ("aws-us-gov", 2), ("aws-cn", 2)] {
        assert_eq!(
            t.regions
                .iter()
                .filter(|r| r.partition == partition)
                .count(),
            count,
            "{partition}"
        );
    }
    let corrected: Vec<(&str, &str)> = t
        .regions
        .iter()
        .flat_map(|r| {
            r.corrections
                .iter()
                .map(move |c| (r.code.as_str(), c.field.as_str()))
        })
        .collect();
    assert_eq!(
        corrected,
        [
            ("ap-southeast-7", "pem_url"),
            ("ap-southeast-7", "p7b_url"),
            ("mx-central-1", "pem_url"),
            ("mx-central-1", "p7b_url"),
            ("sa-east-1", "name")
        ]
    );
}

#[test]
fn unverified_cas_are_a_third_state_with_a_source() {
    let good = GOOD.replace(
        "cas = [\"rds-ca-rsa2048-g1\"]\nsource = \"page\"",
        "cas = [\"rds-ca-rsa2048-g1\"]\nunverified_cas = [\"rds-ca-ecc384-g1\"]\nunverified_source = \"page\"\nsource = \"page\"",
    );
    let t = parse("test.toml", &good).unwrap();
    let ireland = t.region("eu-west-1").unwrap();
    assert_eq!(
        t.availability(ireland, "rds-ca-ecc384-g1"),
        rdsca_codegen::Availability::Unverified
    );
    assert_eq!(
        t.availability(ireland, "rds-ca-rsa2048-g1"),
        rdsca_codegen::Availability::Offered
    );
    let virginia = t.region("us-east-1").unwrap();
    assert_eq!(
        t.availability(virginia, "rds-ca-rsa4096-g1"),
        rdsca_codegen::Availability::NotOffered
    );

    let no_source = good.replace("unverified_source = \"page\"\n", "");
    let e = only_error(&no_source);
    assert!(
        e.ends_with("region[1] (eu-west-1).unverified_source: unverified_cas needs an unverified_source saying what was looked at"),
        "{e}"
    );
    let both = good.replace(
        "unverified_cas = [\"rds-ca-ecc384-g1\"]",
        "unverified_cas = [\"rds-ca-ecc384-g1\", \"rds-ca-rsa2048-g1\"]",
    );
    let e = only_error(&both);
    assert!(
        e.ends_with("region[1] (eu-west-1).unverified_cas: CA \"rds-ca-rsa2048-g1\" is listed twice (a CA is offered, unverified, or neither)"),
        "{e}"
    );
    let unknown_source = good.replace(
        "unverified_source = \"page\"",
        "unverified_source = \"rumour\"",
    );
    let e = only_error(&unknown_source);
    assert!(
        e.contains("region[1] (eu-west-1).unverified_source: unknown source \"rumour\""),
        "{e}"
    );
    let stray = GOOD.replace(
        "cas = [\"rds-ca-rsa2048-g1\"]\nsource = \"page\"",
        "cas = [\"rds-ca-rsa2048-g1\"]\nunverified_source = \"page\"\nsource = \"page\"",
    );
    let e = only_error(&stray);
    assert!(
        e.ends_with("unverified_source without unverified_cas"),
        "{e}"
    );
}

#[test]
fn pkcs7_urls_are_optional_but_follow_the_layout_when_given() {
    let without = GOOD.replace(
        "p7b_url = \"https://truststore.pki.rds.amazonaws.com/eu-west-1/eu-west-1-bundle.p7b\"\n",
        "",
    );
    let t = parse("test.toml", &without).unwrap();
    assert_eq!(t.region("eu-west-1").unwrap().p7b_url, None);
    let global = GOOD.replace(
        "global_p7b_url = \"https://truststore.pki.rds.amazonaws.com/global/global-bundle.p7b\"\n",
        "",
    );
    assert_eq!(
        parse("test.toml", &global).unwrap().partitions[0].global_p7b_url,
        None
    );
}

/// The good file with retired CAs appended: `rds-ca-2015` replaced by `rds-ca-2019`, itself
/// replaced by a current CA.
fn with_retired(first: &str) -> String {
    format!(
        "{GOOD}\n{first}\n[[retired_ca]]\nid = \"rds-ca-2019\"\nnot_after = \"2024-08-22\"\nreplaced_by = \"rds-ca-rsa2048-g1\"\nsource = \"page\"\n"
    )
}

const RETIRED_2015: &str = "[[retired_ca]]\nid = \"rds-ca-2015\"\nnot_after = \"2020-03-05\"\nreplaced_by = \"rds-ca-2019\"\nsource = \"page\"\n";

#[test]
fn retired_cas_parse_and_may_be_replaced_by_a_later_retired_ca() {
    let t = parse("test.toml", &with_retired(RETIRED_2015)).unwrap();
    let ids: Vec<(&str, &str, &str)> = t
        .retired_cas
        .iter()
        .map(|r| (r.id.as_str(), r.not_after.as_str(), r.replaced_by.as_str()))
        .collect();
    assert_eq!(
        ids,
        [
            ("rds-ca-2015", "2020-03-05", "rds-ca-2019"),
            ("rds-ca-2019", "2024-08-22", "rds-ca-rsa2048-g1")
        ]
    );
}

#[test]
fn retired_ca_must_not_be_a_current_ca() {
    let bad =
        with_retired(&RETIRED_2015.replace("id = \"rds-ca-2015\"", "id = \"rds-ca-ecc384-g1\""));
    let e = only_error(&bad);
    assert!(
        e.contains("retired_ca[0].id: \"rds-ca-ecc384-g1\" is also a current [[ca]]"),
        "{e}"
    );
}

#[test]
fn retired_ca_not_after_must_be_a_calendar_date() {
    let bad = with_retired(&RETIRED_2015.replace("2020-03-05", "2020-02-30"));
    let e = only_error(&bad);
    assert_eq!(
        e,
        format!(
            "test.toml:{}: retired_ca[0].not_after: \"2020-02-30\" is not a date of the form YYYY-MM-DD",
            line_of(&bad, "not_after = \"2020-02-30\"")
        )
    );
}

#[test]
fn retired_ca_replacement_must_be_known() {
    let bad = with_retired(&RETIRED_2015.replace(
        "replaced_by = \"rds-ca-2019\"",
        "replaced_by = \"rds-ca-2017\"",
    ));
    let e = only_error(&bad);
    assert!(
        e.contains("retired_ca[0].replaced_by: \"rds-ca-2017\" is neither a [[ca]] nor another [[retired_ca]]; known: rds-ca-rsa2048-g1, rds-ca-ecc384-g1, rds-ca-2015, rds-ca-2019"),
        "{e}"
    );
}

#[test]
fn retired_ca_id_must_be_unique_and_well_formed() {
    let dup = with_retired(
        &RETIRED_2015
            .replace("id = \"rds-ca-2015\"", "id = \"rds-ca-2019\"")
            .replace(
                "replaced_by = \"rds-ca-2019\"",
                "replaced_by = \"rds-ca-rsa2048-g1\"",
            ),
    );
    let e = only_error(&dup);
    assert!(
        e.contains("retired_ca[1].id: duplicate retired CA id \"rds-ca-2019\""),
        "{e}"
    );
    let malformed = with_retired(
        &RETIRED_2015
            .replace("id = \"rds-ca-2015\"", "id = \"RDS 2015\"")
            .replace(
                "replaced_by = \"rds-ca-2019\"",
                "replaced_by = \"rds-ca-rsa2048-g1\"",
            ),
    );
    let e = only_error(&malformed);
    assert!(
        e.contains("retired_ca[0].id: \"RDS 2015\" is not a CA identifier"),
        "{e}"
    );
}

#[test]
fn retired_ca_source_must_be_declared() {
    let bad = with_retired(&RETIRED_2015.replace("source = \"page\"", "source = \"rumour\""));
    let e = only_error(&bad);
    assert!(
        e.contains("retired_ca[0].source: unknown source \"rumour\"; declared sources: page"),
        "{e}"
    );
}
