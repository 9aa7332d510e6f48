//! The certificate rules of the data file (codegen/src/certificates.rs): one broken file per rule,
//! each with its message asserted, built from the real RDS roots in data/roots/ and certificates
//! made by the test.

use std::path::Path;

use base64::Engine as _;
use rdsca_codegen::{load, CertKind, TableError};
use x509_parser::prelude::{FromDer, X509Certificate};

/// Two Regions, two CAs (one RSA, one EC), and a certificate file for the partition.
const DATA: &str = r#"
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
certificates = { file = "roots.pem", source = "page" }

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

[[special_set]]
name = "Beta"
region = "us-east-1"
note = "beta"

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

/// The real certificate with this CN, from data/roots/aws.pem, as PEM.
fn real(cn: &str) -> String {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/roots/aws.pem"),
    )
    .unwrap();
    text.split_inclusive("-----END CERTIFICATE-----\n")
        .filter_map(|chunk| chunk.find("-----BEGIN").map(|i| chunk[i..].to_string()))
        .find(|pem| common_name(&der(pem)) == cn)
        .unwrap_or_else(|| panic!("{cn} is not in data/roots/aws.pem"))
}

fn der(pem: &str) -> Vec<u8> {
    let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap()
}

fn pem(der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let lines: Vec<&str> = b64
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    format!(
        "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
        lines.join("\n")
    )
}

fn common_name(der: &[u8]) -> String {
    let (_, cert) = X509Certificate::from_der(der).unwrap();
    let cn = cert.subject().iter_common_name().next().unwrap();
    cn.as_str().unwrap().to_string()
}

/// A self-signed CA with this CN and curve.
fn made(cn: &str, alg: &'static rcgen::SignatureAlgorithm) -> String {
    let key = rcgen::KeyPair::generate_for(alg).unwrap();
    let mut p = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    p.distinguished_name.push(rcgen::DnType::CommonName, cn);
    p.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    p.self_signed(&key).unwrap().pem()
}

/// The four roots the table needs, real.
fn good_roots() -> Vec<String> {
    [
        "Amazon RDS us-east-1 Root CA RSA2048 G1",
        "Amazon RDS us-east-1 Root CA ECC384 G1",
        "Amazon RDS eu-west-1 Root CA RSA2048 G1",
        "Amazon RDS eu-west-1 Root CA ECC384 G1",
    ]
    .iter()
    .map(|cn| real(cn))
    .collect()
}

/// Loads the data file with `roots` as its certificate file.
fn load_with(roots: &[String]) -> Result<rdsca_codegen::Table, Vec<TableError>> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("rds-ca.toml"), DATA).unwrap();
    let text: String = roots
        .iter()
        .enumerate()
        .map(|(i, r)| format!("certificate {i}\n{r}"))
        .collect();
    std::fs::write(dir.path().join("roots.pem"), text).unwrap();
    load(&dir.path().join("rds-ca.toml"))
}

/// The errors, as `line: field: message` (the temporary file name left out).
fn errors(roots: &[String]) -> Vec<String> {
    load_with(roots)
        .expect_err("the broken file must be rejected")
        .into_iter()
        .map(|e| format!("{}: {}: {}", e.line, e.field, e.message))
        .collect()
}

/// The line of the BEGIN line of certificate `i` in the file `load_with` writes.
fn begin_line(roots: &[String], i: usize) -> usize {
    roots[..i]
        .iter()
        .map(|r| r.lines().count() + 1)
        .sum::<usize>()
        + 2
}

#[test]
fn real_roots_load_with_fingerprints_and_kinds() {
    let table = load_with(&good_roots()).unwrap();
    assert_eq!(table.certificates.len(), 4);
    let c = &table.certificates[0];
    assert_eq!(
        (c.region.as_str(), c.ca.as_str()),
        ("eu-west-1", "rds-ca-ecc384-g1")
    );
    assert_eq!(c.kind, CertKind::Root);
    assert_eq!(c.set, None);
    assert_eq!(c.sha256.len(), 64);
    assert!(c.not_after > 4_000_000_000, "G1 roots live for decades");
}

#[test]
fn a_special_sets_root_loads() {
    let mut roots = good_roots();
    roots.push(real("Amazon RDS Beta us-east-1 Root CA ECC384 G1"));
    let table = load_with(&roots).unwrap();
    let beta = table
        .certificate(
            Some("Beta"),
            "us-east-1",
            "rds-ca-ecc384-g1",
            CertKind::Root,
        )
        .unwrap();
    assert_eq!(
        beta.common_name,
        "Amazon RDS Beta us-east-1 Root CA ECC384 G1"
    );
}

#[test]
fn the_cn_must_name_a_ca_of_the_table() {
    let mut roots = good_roots();
    roots.push(made("Some Other Root", &rcgen::PKCS_ECDSA_P384_SHA384));
    assert_eq!(
        errors(&roots),
        [format!("{}: certificate \"Some Other Root\": the CN names no CA of the table; root CNs look like Amazon RDS {{region}} Root CA RSA2048 G1, Amazon RDS {{region}} Root CA ECC384 G1", begin_line(&roots, 4))]
    );
}

#[test]
fn the_region_must_be_in_the_table() {
    let mut roots = good_roots();
    roots.push(made(
        "Amazon RDS eu-future-1 Root CA ECC384 G1",
        &rcgen::PKCS_ECDSA_P384_SHA384,
    ));
    assert_eq!(
        errors(&roots),
        [format!("{}: certificate \"Amazon RDS eu-future-1 Root CA ECC384 G1\": Region \"eu-future-1\" is not in the table", begin_line(&roots, 4))]
    );
}

#[test]
fn a_special_set_must_be_declared() {
    let mut roots = good_roots();
    roots.push(made(
        "Amazon RDS Gamma us-east-1 Root CA ECC384 G1",
        &rcgen::PKCS_ECDSA_P384_SHA384,
    ));
    assert_eq!(
        errors(&roots),
        [format!("{}: certificate \"Amazon RDS Gamma us-east-1 Root CA ECC384 G1\": Gamma us-east-1 is not a declared [[special_set]]", begin_line(&roots, 4))]
    );
}

#[test]
fn the_key_must_be_the_cas() {
    let mut roots = good_roots();
    roots[1] = made(
        "Amazon RDS us-east-1 Root CA ECC384 G1",
        &rcgen::PKCS_ECDSA_P256_SHA256,
    );
    assert_eq!(
        errors(&roots),
        [
            format!("{}: certificate \"Amazon RDS us-east-1 Root CA ECC384 G1\": rds-ca-ecc384-g1 needs an EC P-384 key, this one is EC P-256", begin_line(&roots, 1)),
            "0: region us-east-1: no root for rds-ca-ecc384-g1: every Region of a partition with a certificate file needs all of its CAs' roots".to_string(),
        ]
    );
}

#[test]
fn the_signature_must_verify() {
    let mut roots = good_roots();
    let mut bytes = der(&roots[0]);
    let last = bytes.len() - 1;
    bytes[last] ^= 0x01; // inside the signature: the certificate still parses
    roots[0] = pem(&bytes);
    let errs = errors(&roots);
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert!(
        errs[0].starts_with(&format!("{}: certificate \"Amazon RDS us-east-1 Root CA RSA2048 G1\": the signature does not verify", begin_line(&roots, 0))),
        "{}",
        errs[0]
    );
}

#[test]
fn no_certificate_twice() {
    let mut roots = good_roots();
    roots.push(roots[2].clone());
    assert_eq!(
        errors(&roots),
        [format!(
            "{}: certificate \"Amazon RDS eu-west-1 Root CA RSA2048 G1\": the same certificate as the one on line {}",
            begin_line(&roots, 4),
            begin_line(&roots, 2)
        )]
    );
}

#[test]
fn no_two_roots_for_one_region_and_ca() {
    let mut roots = good_roots();
    roots.push(made(
        "Amazon RDS eu-west-1 Root CA ECC384 G1",
        &rcgen::PKCS_ECDSA_P384_SHA384,
    ));
    let errs = errors(&roots);
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert!(
        errs[0].starts_with(&format!("{}: certificate \"Amazon RDS eu-west-1 Root CA ECC384 G1\": a second Root certificate for eu-west-1 rds-ca-ecc384-g1", begin_line(&roots, 4))),
        "{}",
        errs[0]
    );
}

#[test]
fn every_region_needs_every_root() {
    let roots: Vec<String> = good_roots().into_iter().take(3).collect();
    assert_eq!(
        errors(&roots),
        ["0: region eu-west-1: no root for rds-ca-ecc384-g1: every Region of a partition with a certificate file needs all of its CAs' roots"]
    );
}

#[test]
fn only_certificate_blocks() {
    let mut roots = good_roots();
    roots.push("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n".into());
    assert_eq!(
        errors(&roots),
        [format!(
            "{}: (certificate): a \"PRIVATE KEY\" block, not a certificate (a private key must never be published in a trust bundle)",
            begin_line(&roots, 4)
        )]
    );
}

#[test]
fn the_repositorys_data_compiles_every_root() {
    let table = load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/rds-ca.toml")).unwrap();
    let regions = table
        .regions
        .iter()
        .filter(|r| {
            table
                .partition(&r.partition)
                .unwrap()
                .certificates
                .is_some()
        })
        .count();
    assert_eq!(regions, table.regions.len() - 2, "all but China's two");
    let roots = table
        .certificates
        .iter()
        .filter(|c| c.kind == CertKind::Root && c.set.is_none())
        .count();
    assert_eq!(roots, regions * table.cas.len());
    let intermediates = table
        .certificates
        .iter()
        .filter(|c| c.kind == CertKind::Intermediate)
        .count();
    assert_eq!(intermediates, 4, "GovCloud's RSA intermediates");
}
