//! The Amazon Trust Services rules of the data file (codegen/src/amazon_roots.rs): the real roots
//! pass, and each rule has a broken input, made here with rcgen, whose message is asserted.

use std::path::Path;

use rdsca_codegen::amazon_roots::ProxyTrustState;
use rdsca_codegen::{load, TableError};
use sha2::Digest;
use x509_parser::prelude::{FromDer, X509Certificate};

/// A partition, a CA and the sources the records below refer to; `{roots}` and `{partitions}`
/// are filled by each test.
const HEAD: &str = r#"
[[source]]
id = "page"
title = "t"
url = "https://example.invalid/page"
retrieved = "today"

[[source]]
id = "ats"
title = "Amazon Trust Services"
url = "https://example.invalid/ats"
retrieved = "today"

[[partition]]
id = "aws"
name = "AWS"
page_label = "Any commercial AWS Region"
truststore_host = "truststore.pki.rds.amazonaws.com"
global_pem_url = "https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem"
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
"#;

/// A forged root: its PEM, and the declarations that match it.
struct Forged {
    pem: String,
    sha256: String,
    spki_sha256: String,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn forged_from_der(der: &[u8]) -> Forged {
    let (_, cert) = X509Certificate::from_der(der).unwrap();
    Forged {
        pem: pem(der),
        sha256: hex(&sha2::Sha256::digest(der)),
        spki_sha256: hex(&sha2::Sha256::digest(cert.public_key().raw)),
    }
}

fn pem(der: &[u8]) -> String {
    use base64::Engine as _;
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

/// Parameters of a P-256 CA named `cn`, valid from 2015 to 2040 unless changed.
fn params(cn: &str) -> rcgen::CertificateParams {
    let mut p = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    p.distinguished_name.push(rcgen::DnType::CommonName, cn);
    p.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    p.not_before = rcgen::date_time_ymd(2015, 5, 26);
    p.not_after = rcgen::date_time_ymd(2040, 5, 26);
    p
}

fn self_signed(p: rcgen::CertificateParams) -> Forged {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    forged_from_der(p.self_signed(&key).unwrap().der())
}

fn root(cn: &str) -> Forged {
    self_signed(params(cn))
}

/// A `[[proxy_root]]` record for `forged`, in `file`, declared as an EC P-256 key.
fn record(name: &str, file: &str, f: &Forged) -> String {
    format!(
        "[[proxy_root]]\nname = {name:?}\nfile = {file:?}\nkey_algorithm = \"EC\"\ncurve = \"P-256\"\nsha256 = {:?}\npublished_spki_sha256 = {:?}\nsource = \"ats\"\n\n",
        f.sha256, f.spki_sha256
    )
}

fn partition(roots: &[&str]) -> String {
    format!(
        "[[proxy_partition]]\npartition = \"aws\"\nstate = \"confirmed\"\nroots = {roots:?}\nsource = \"ats\"\n\n"
    )
}

/// Writes the data file (HEAD + `records`) and the `files` beside it, and loads it.
fn run(records: &str, files: &[(&str, &str)]) -> Result<rdsca_codegen::Table, Vec<TableError>> {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let data = dir.path().join("rds-ca.toml");
    std::fs::write(&data, format!("{HEAD}\n{records}")).unwrap();
    load(&data)
}

/// The single error of a load that must fail.
fn one_error(result: Result<rdsca_codegen::Table, Vec<TableError>>) -> TableError {
    let errors = result.expect_err("the data file must be rejected");
    assert_eq!(errors.len(), 1, "exactly one error expected: {errors:#?}");
    errors.into_iter().next().unwrap()
}

/// One forged root named `cn`, its record and a partition, with `edit` applied to the record text.
fn single(cn: &str, f: &Forged, edit: impl Fn(String) -> String) -> TableError {
    let records = edit(record(cn, "a.pem", f)) + &partition(&[cn]);
    one_error(run(&records, &[("a.pem", &f.pem)]))
}

#[test]
fn the_real_roots_pass_and_every_partition_has_a_state() {
    let table = load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/rds-ca.toml"))
        .unwrap_or_else(|e| panic!("{e:#?}"));
    let trust = &table.amazon_trust;
    let names: Vec<&str> = trust.roots.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Amazon Root CA 1",
            "Amazon Root CA 2",
            "Amazon Root CA 3",
            "Amazon Root CA 4",
            "Starfield Services Root Certificate Authority - G2"
        ]
    );
    let keys: Vec<&str> = trust.roots.iter().map(|r| r.key.as_str()).collect();
    assert_eq!(
        keys,
        ["RSA 2048", "RSA 4096", "EC P-256", "EC P-384", "RSA 2048"]
    );
    assert_eq!(
        trust.root("Amazon Root CA 1").unwrap().spki_sha256,
        "fbe3018031f9586bcbf41727e417b7d1c45c2f47f93be372a17b96b50757d5a2"
    );
    let states: Vec<(&str, ProxyTrustState, usize)> = trust
        .partitions
        .iter()
        .map(|p| (p.partition.as_str(), p.state, p.roots.len()))
        .collect();
    assert_eq!(
        states,
        [
            ("aws", ProxyTrustState::Confirmed, 5),
            ("aws-us-gov", ProxyTrustState::Unverified, 5),
            ("aws-cn", ProxyTrustState::Unverified, 5)
        ]
    );
}

#[test]
fn the_generated_rust_holds_the_roots_and_the_states() {
    let table = load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/rds-ca.toml")).unwrap();
    let rust = rdsca_codegen::rust::generate(&table);
    assert!(rust.contains("pub static AMAZON_TRUST_ROOTS: &[TrustRoot] = &["));
    assert!(rust.contains("TrustRoot { name: \"Amazon Root CA 4\", subject: \"C=US, O=Amazon, CN=Amazon Root CA 4\", key: \"EC P-384\", sha256: \"e35d28419ed02025cfa69038cd623962458da5c695fbdea3c22b0bfb25897092\""));
    assert!(rust.contains("ProxyTrust { partition: \"aws-cn\", state: ProxyTrustState::Unverified, roots: &[0, 1, 2, 3, 4], source_url: \"https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-proxy.howitworks.html#rds-proxy-security.tls\""));
    assert!(rust.contains("ProxyTrust { partition: \"aws\", state: ProxyTrustState::Confirmed, roots: &[0, 1, 2, 3, 4]"));
}

#[test]
fn a_forged_root_that_keeps_every_rule_passes() {
    let f = root("Forged Root CA");
    let records = record("Forged Root CA", "a.pem", &f) + &partition(&["Forged Root CA"]);
    let table = run(&records, &[("a.pem", &f.pem)]).unwrap_or_else(|e| panic!("{e:#?}"));
    assert_eq!(table.amazon_trust.roots[0].key, "EC P-256");
    assert_eq!(table.amazon_trust.roots[0].sha256, f.sha256);
}

#[test]
fn a_file_with_two_certificates_is_rejected() {
    let f = root("Forged Root CA");
    let g = root("Other Root CA");
    let records = record("Forged Root CA", "a.pem", &f) + &partition(&["Forged Root CA"]);
    let e = one_error(run(&records, &[("a.pem", &(f.pem.clone() + &g.pem))]));
    assert!(e.file.ends_with("a.pem"), "{e}");
    assert_eq!(e.field, "proxy_root[0] (Forged Root CA).file");
    assert!(e.message.contains("holds 2 certificates"), "{e}");
}

#[test]
fn a_file_that_is_no_certificate_is_rejected() {
    let f = root("Forged Root CA");
    let records = record("Forged Root CA", "a.pem", &f) + &partition(&["Forged Root CA"]);
    let e = one_error(run(
        &records,
        &[(
            "a.pem",
            "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
        )],
    ));
    assert!(e.message.contains("PRIVATE KEY"), "{e}");
}

#[test]
fn a_missing_file_is_rejected_with_its_path() {
    let f = root("Forged Root CA");
    let records = record("Forged Root CA", "absent.pem", &f) + &partition(&["Forged Root CA"]);
    let e = one_error(run(&records, &[]));
    assert!(e.file.ends_with("rds-ca.toml"), "{e}");
    assert!(
        e.message.starts_with("cannot read ") && e.message.contains("absent.pem"),
        "{e}"
    );
}

#[test]
fn a_name_other_than_the_cn_is_rejected() {
    let f = root("Forged Root CA");
    let records = record("Amazon Root CA 9", "a.pem", &f) + &partition(&["Amazon Root CA 9"]);
    let e = one_error(run(&records, &[("a.pem", &f.pem)]));
    assert_eq!(e.field, "proxy_root[0] (Amazon Root CA 9).name");
    assert!(
        e.message
            .contains("CN is \"Forged Root CA\", the data file names it \"Amazon Root CA 9\""),
        "{e}"
    );
}

#[test]
fn a_certificate_that_is_not_a_ca_is_rejected() {
    let mut p = params("Forged Root CA");
    p.is_ca = rcgen::IsCa::ExplicitNoCa;
    let f = self_signed(p);
    let e = single("Forged Root CA", &f, |r| r);
    assert!(e.message.contains("not a CA certificate"), "{e}");
}

#[test]
fn a_root_issued_by_another_ca_is_rejected() {
    let issuer_key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let issuer = params("Some Other CA").self_signed(&issuer_key).unwrap();
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let cert = params("Forged Root CA")
        .signed_by(&key, &issuer, &issuer_key)
        .unwrap();
    let f = forged_from_der(cert.der());
    let e = single("Forged Root CA", &f, |r| r);
    assert!(e.message.contains("not self-issued"), "{e}");
    assert!(e.message.contains("Some Other CA"), "{e}");
}

#[test]
fn a_self_signature_that_does_not_verify_is_rejected() {
    // The same certificate with one byte of its signature changed: it parses, names itself,
    // and its signature no longer verifies with its own key.
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let mut der = params("Forged Root CA")
        .self_signed(&key)
        .unwrap()
        .der()
        .to_vec();
    let last = der.len() - 1;
    der[last] ^= 0x01;
    let f = forged_from_der(&der);
    let e = single("Forged Root CA", &f, |r| r);
    assert!(
        e.message.contains("the self-signature does not verify"),
        "{e}"
    );
}

#[test]
fn a_key_other_than_the_declared_one_is_rejected() {
    let f = root("Forged Root CA");
    let e = single("Forged Root CA", &f, |r| r.replace("P-256", "P-384"));
    assert_eq!(e.field, "proxy_root[0] (Forged Root CA).key_algorithm");
    assert!(
        e.message
            .contains("declares an EC P-384 key, the certificate's is EC P-256"),
        "{e}"
    );
}

#[test]
fn a_malformed_key_declaration_is_rejected() {
    let f = root("Forged Root CA");
    let e = single("Forged Root CA", &f, |r| {
        r.replace("key_algorithm = \"EC\"", "key_algorithm = \"RSA\"")
    });
    assert!(e.file.ends_with("rds-ca.toml"), "{e}");
    assert!(
        e.message
            .contains("expected key_algorithm \"RSA\" with key_size, or \"EC\" with curve"),
        "{e}"
    );
}

#[test]
fn an_expired_root_is_rejected() {
    let mut p = params("Forged Root CA");
    p.not_before = rcgen::date_time_ymd(2005, 1, 1);
    p.not_after = rcgen::date_time_ymd(2015, 1, 1);
    let e = single("Forged Root CA", &self_signed(p), |r| r);
    assert!(e.message.starts_with("expired on "), "{e}");
    assert!(e.message.contains("2015"), "{e}");
}

#[test]
fn a_root_not_valid_yet_is_rejected() {
    let mut p = params("Forged Root CA");
    p.not_before = rcgen::date_time_ymd(2090, 1, 1);
    p.not_after = rcgen::date_time_ymd(2095, 1, 1);
    let e = single("Forged Root CA", &self_signed(p), |r| r);
    assert!(e.message.starts_with("not valid yet: notBefore "), "{e}");
}

#[test]
fn an_inverted_validity_window_is_rejected() {
    let mut p = params("Forged Root CA");
    p.not_before = rcgen::date_time_ymd(2040, 1, 1);
    p.not_after = rcgen::date_time_ymd(2030, 1, 1);
    let e = single("Forged Root CA", &self_signed(p), |r| r);
    assert!(e.message.contains("validity window is inverted"), "{e}");
}

#[test]
fn a_certificate_fingerprint_other_than_the_declared_one_is_rejected() {
    let f = root("Forged Root CA");
    let wrong = "0".repeat(64);
    let e = single("Forged Root CA", &f, |r| r.replace(&f.sha256, &wrong));
    assert_eq!(e.field, "proxy_root[0] (Forged Root CA).sha256");
    assert!(
        e.message.contains(&format!(
            "the certificate's SHA-256 is {}, the data file declares {wrong}",
            f.sha256
        )),
        "{e}"
    );
}

#[test]
fn a_fingerprint_that_is_not_lowercase_hex_is_rejected() {
    let f = root("Forged Root CA");
    let upper = f.sha256.to_uppercase();
    let e = single("Forged Root CA", &f, |r| r.replace(&f.sha256, &upper));
    assert!(e.file.ends_with("rds-ca.toml"), "{e}");
    assert!(
        e.message.contains("is not a SHA-256 in lowercase hex"),
        "{e}"
    );
}

#[test]
fn a_public_key_hash_other_than_the_published_one_is_rejected() {
    let f = root("Forged Root CA");
    let published = "fbe3018031f9586bcbf41727e417b7d1c45c2f47f93be372a17b96b50757d5a2";
    let e = single("Forged Root CA", &f, |r| {
        r.replace(&f.spki_sha256, published)
    });
    assert_eq!(
        e.field,
        "proxy_root[0] (Forged Root CA).published_spki_sha256"
    );
    assert!(
        e.message.contains(&format!("Amazon publishes {published}")),
        "{e}"
    );
}

#[test]
fn the_same_certificate_declared_twice_is_rejected() {
    // A name is the certificate's CN, so a second record of one certificate repeats the name.
    let f = root("Forged Root CA");
    let records = record("Forged Root CA", "a.pem", &f)
        + &record("Forged Root CA", "b.pem", &f)
        + &partition(&["Forged Root CA"]);
    let e = one_error(run(&records, &[("a.pem", &f.pem), ("b.pem", &f.pem)]));
    assert_eq!(e.field, "proxy_root[1] (Forged Root CA).name");
    assert!(
        e.message
            .contains("duplicate proxy root \"Forged Root CA\""),
        "{e}"
    );
}

#[test]
fn one_file_for_two_roots_is_rejected() {
    let f = root("Forged Root CA");
    let records = record("Forged Root CA", "a.pem", &f)
        + &record("Other Root CA", "a.pem", &f)
        + &partition(&["Forged Root CA"]);
    let e = one_error(run(&records, &[("a.pem", &f.pem)]));
    assert_eq!(e.field, "proxy_root[1] (Other Root CA).file");
    assert!(
        e.message
            .contains("\"a.pem\" is already the file of another proxy root"),
        "{e}"
    );
}

#[test]
fn an_unknown_source_is_rejected() {
    let f = root("Forged Root CA");
    let e = single("Forged Root CA", &f, |r| {
        r.replace("source = \"ats\"", "source = \"atz\"")
    });
    assert_eq!(e.field, "proxy_root[0] (Forged Root CA).source");
    assert!(
        e.message
            .contains("unknown source \"atz\"; declared sources: ats, page"),
        "{e}"
    );
}

/// One forged root and the `[[proxy_partition]]` text given.
fn with_partitions(partitions: &str) -> Result<rdsca_codegen::Table, Vec<TableError>> {
    let f = root("Forged Root CA");
    let records = record("Forged Root CA", "a.pem", &f) + partitions;
    run(&records, &[("a.pem", &f.pem)])
}

#[test]
fn a_partition_without_a_proxy_state_is_rejected() {
    let e = one_error(with_partitions(""));
    assert_eq!(e.field, "proxy_partition");
    assert!(
        e.message.starts_with("no [[proxy_partition]] for aws:"),
        "{e}"
    );
}

#[test]
fn an_unknown_partition_is_rejected() {
    let text =
        partition(&["Forged Root CA"]).replace("partition = \"aws\"", "partition = \"aws-cm\"");
    let errors = with_partitions(&text).unwrap_err();
    assert!(
        errors.iter().any(|e| e
            .message
            .contains("unknown partition \"aws-cm\"; declared partitions: aws")),
        "{errors:#?}"
    );
}

#[test]
fn a_partition_stated_twice_is_rejected() {
    let text = partition(&["Forged Root CA"]).repeat(2);
    let e = one_error(with_partitions(&text));
    assert_eq!(e.field, "proxy_partition[1] (aws).partition");
    assert!(e.message.contains("a second [[proxy_partition]]"), "{e}");
}

#[test]
fn a_state_other_than_confirmed_or_unverified_is_rejected() {
    let text = partition(&["Forged Root CA"]).replace("\"confirmed\"", "\"confirmd\"");
    let errors = with_partitions(&text).unwrap_err();
    let e = errors
        .iter()
        .find(|e| e.field == "proxy_partition[0] (aws).state")
        .unwrap_or_else(|| panic!("{errors:#?}"));
    assert!(
        e.message
            .contains("\"confirmd\" is not a state; allowed: \"confirmed\", \"unverified\""),
        "{e}"
    );
}

#[test]
fn an_unknown_root_in_a_partition_is_rejected() {
    let e = one_error(with_partitions(&partition(&[
        "Forged Root CA",
        "Amazon Root CA 5",
    ])));
    assert_eq!(e.field, "proxy_partition[0] (aws).roots");
    assert!(
        e.message
            .contains("unknown proxy root \"Amazon Root CA 5\"; declared: Forged Root CA"),
        "{e}"
    );
}

#[test]
fn a_root_listed_twice_in_a_partition_is_rejected() {
    let e = one_error(with_partitions(&partition(&[
        "Forged Root CA",
        "Forged Root CA",
    ])));
    assert!(
        e.message.contains("\"Forged Root CA\" is listed twice"),
        "{e}"
    );
}

#[test]
fn a_partition_with_no_root_is_rejected() {
    let e = one_error(with_partitions(&partition(&[])));
    assert!(e.message.starts_with("lists no root"), "{e}");
}

#[test]
fn an_unverified_partition_is_accepted_with_its_note() {
    let text = partition(&["Forged Root CA"]).replace("\"confirmed\"", "\"unverified\"");
    let text = text.trim_end().to_string() + "\nnote = \"no source says\"\n";
    let table = with_partitions(&text).unwrap_or_else(|e| panic!("{e:#?}"));
    let p = table.amazon_trust.partition("aws").unwrap();
    assert_eq!(p.state, ProxyTrustState::Unverified);
    assert_eq!(p.note.as_deref(), Some("no source says"));
}
