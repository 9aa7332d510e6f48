//! The parser on real RDS bundles (tests/fixtures/bundles, see PROVENANCE.md there), each
//! certificate cross-checked against openssl run by the test, and against INDEX.tsv.

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use rdsca_trust::certificate::rfc3339;
use rdsca_trust::{
    parse_bundle, roots_pem, soonest_not_after, verified_content, CertificateInfo, Finding,
    Signatures,
};

fn fixtures() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/bundles");
    assert!(
        dir.join("INDEX.tsv").is_file(),
        "the real-bundle fixtures are missing at {}",
        dir.display()
    );
    dir
}

const FILES: [(&str, usize); 14] = [
    ("global-bundle.e5bb208.pem", 108),
    ("global-bundle.18a8b72.pem", 102),
    ("global-bundle.3dbeff3.pem", 115),
    ("global-bundle.c145c52.p7b", 115),
    ("global-bundle.11aac4c.pem", 102),
    ("global-bundle.7f42c57.pem", 121),
    ("us-east-1-bundle.pem", 5),
    ("us-west-1-bundle.pem", 5),
    ("ap-southeast-1-bundle.pem", 5),
    ("ap-south-1-bundle.pem", 3),
    ("eu-west-2-bundle.p7b", 5),
    ("us-gov-global-bundle.529782d.pem", 10),
    ("rds-ca-bundle-us-gov-west-1.dfcb5a1.pem", 2),
    ("rds-combined-ca-bundle.c283704.pem", 30),
];

fn parse(name: &str) -> Vec<CertificateInfo> {
    let bytes = std::fs::read(fixtures().join(name)).unwrap();
    parse_bundle(&bytes, name).unwrap_or_else(|e| panic!("{e}"))
}

fn openssl(args: &[&str], stdin: &[u8]) -> String {
    let mut child = Command::new("openssl")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("openssl must be installed");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Every certificate of a file as PEM, split by openssl itself.
fn openssl_certs(name: &str) -> Vec<String> {
    let bytes = std::fs::read(fixtures().join(name)).unwrap();
    let pkcs7 = if name.ends_with(".p7b") {
        bytes
    } else {
        openssl(&["crl2pkcs7", "-nocrl", "-certfile", "/dev/stdin"], &bytes).into_bytes()
    };
    let text = openssl(&["pkcs7", "-print_certs"], &pkcs7);
    text.split_inclusive("-----END CERTIFICATE-----")
        .filter(|c| c.contains("BEGIN CERTIFICATE"))
        .map(|c| c[c.find("-----BEGIN").unwrap()..].to_string())
        .collect()
}

fn openssl_time(s: &str) -> String {
    // "May 25 22:34:57 2021 GMT" → "2021-05-25T22:34:57Z"
    let parts: Vec<&str> = s.split_whitespace().collect();
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    .iter()
    .position(|m| *m == parts[0])
    .unwrap()
        + 1;
    format!(
        "{}-{month:02}-{:02}T{}Z",
        parts[3],
        parts[1].parse::<u32>().unwrap(),
        parts[2]
    )
}

fn go_signature_name(openssl_name: &str) -> &str {
    match openssl_name {
        "sha256WithRSAEncryption" => "SHA256-RSA",
        "sha384WithRSAEncryption" => "SHA384-RSA",
        "sha1WithRSAEncryption" => "SHA1-RSA",
        "ecdsa-with-SHA384" => "ECDSA-SHA384",
        "ecdsa-with-SHA256" => "ECDSA-SHA256",
        other => panic!("unexpected signature algorithm {other}"),
    }
}

#[test]
fn every_certificate_matches_openssl() {
    // One thread per file: ~600 openssl runs.
    std::thread::scope(|scope| {
        for (name, count) in FILES {
            scope.spawn(move || check_file_against_openssl(name, count));
        }
    });
}

fn check_file_against_openssl(name: &str, count: usize) {
    let ours = parse(name);
    assert_eq!(ours.len(), count, "{name}");
    let theirs = openssl_certs(name);
    assert_eq!(theirs.len(), count, "{name}: openssl count");
    for (i, (c, pem)) in ours.iter().zip(&theirs).enumerate() {
        let ctx = format!("{name} #{}", i + 1);
        assert_eq!(c.pem().trim(), pem.trim(), "{ctx}: PEM");
        let out = openssl(
            &[
                "x509",
                "-noout",
                "-subject",
                "-issuer",
                "-startdate",
                "-enddate",
                "-fingerprint",
                "-sha256",
                "-nameopt",
                "RFC2253",
                "-text",
            ],
            pem.as_bytes(),
        );
        let field = |prefix: &str| {
            out.lines()
                .find_map(|l| l.trim().strip_prefix(prefix))
                .unwrap_or_else(|| panic!("{ctx}: no {prefix} in openssl output"))
                .trim()
                .to_string()
        };
        let cn_of = |dn: &str| {
            dn.split(',')
                .find_map(|p| p.strip_prefix("CN="))
                .unwrap_or_default()
                .to_string()
        };
        assert_eq!(c.common_name, cn_of(&field("subject=")), "{ctx}");
        assert_eq!(cn_of(&c.issuer), cn_of(&field("issuer=")), "{ctx}");
        assert_eq!(
            rfc3339(c.not_before),
            openssl_time(&field("notBefore=")),
            "{ctx}"
        );
        assert_eq!(
            rfc3339(c.not_after),
            openssl_time(&field("notAfter=")),
            "{ctx}"
        );
        assert_eq!(
            c.sha256_fingerprint,
            field("sha256 Fingerprint=").replace(':', "").to_lowercase(),
            "{ctx}"
        );
        assert_eq!(
            c.signature_algorithm,
            go_signature_name(&field("Signature Algorithm:")),
            "{ctx}"
        );
        let bits: i64 = field("Public-Key: (")
            .trim_end_matches(" bit)")
            .parse()
            .unwrap();
        assert_eq!(c.key_size, Some(bits), "{ctx}");
        if c.public_key_algorithm == "ECDSA" {
            assert_eq!(
                c.curve.as_deref(),
                Some(field("NIST CURVE:").as_str()),
                "{ctx}"
            );
        } else {
            assert_eq!(c.public_key_algorithm, "RSA", "{ctx}");
        }
    }
}

#[test]
fn every_certificate_matches_the_index() {
    let index = std::fs::read_to_string(fixtures().join("INDEX.tsv")).unwrap();
    let mut by_file: HashMap<&str, Vec<Vec<&str>>> = HashMap::new();
    for line in index.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        by_file.entry(cols[0]).or_default().push(cols);
    }
    let mut checked = 0;
    for (name, _) in FILES {
        let ours = parse(name);
        let rows = &by_file[name];
        assert_eq!(ours.len(), rows.len(), "{name}");
        for (c, row) in ours.iter().zip(rows) {
            assert_eq!(c.common_name, row[2]);
            assert_eq!(
                c.issuer
                    .split(',')
                    .find_map(|p| p.strip_prefix("CN="))
                    .unwrap(),
                row[3]
            );
            assert_eq!(c.is_root, row[4] == "root", "{name} {}", row[2]);
            assert_eq!(rfc3339(c.not_before), row[5]);
            assert_eq!(rfc3339(c.not_after), row[6]);
            assert_eq!(c.sha256_fingerprint, row[10]);
            checked += 1;
        }
    }
    assert_eq!(
        checked,
        index.lines().count() - 1,
        "every INDEX.tsv row is checked"
    );
}

#[test]
fn pem_and_pkcs7_forms_of_one_version_are_identical() {
    assert_eq!(
        parse("global-bundle.3dbeff3.pem"),
        parse("global-bundle.c145c52.p7b")
    );
}

#[test]
fn crlf_bundle_equals_its_lf_form() {
    let crlf = std::fs::read(fixtures().join("global-bundle.7f42c57.pem")).unwrap();
    let lf: Vec<u8> = String::from_utf8(crlf.clone())
        .unwrap()
        .replace("\r\n", "\n")
        .into_bytes();
    assert_eq!(
        parse_bundle(&crlf, "crlf").unwrap(),
        parse_bundle(&lf, "lf").unwrap()
    );
}

#[test]
fn newest_global_bundle_roots_and_ca_mapping() {
    let certs = parse("global-bundle.18a8b72.pem");
    let roots = roots_pem(&certs);
    assert_eq!(roots.matches("-----BEGIN CERTIFICATE-----").count(), 102);
    let mumbai_ecc = certs
        .iter()
        .find(|c| c.common_name == "Amazon RDS ap-south-1 Root CA ECC384 G1")
        .unwrap();
    assert_eq!(
        mumbai_ecc.ca_identifier.as_deref(),
        Some("rds-ca-ecc384-g1")
    );
    assert_eq!(mumbai_ecc.region.as_deref(), Some("ap-south-1"));
    let mapped = certs.iter().filter(|c| c.ca_identifier.is_some()).count();
    assert_eq!(
        mapped, 96,
        "32 regions x 3 CAs; Beta and Preview roots map to none"
    );
    for c in certs
        .iter()
        .filter(|c| c.common_name.contains("Beta") || c.common_name.contains("Preview"))
    {
        assert_eq!(c.ca_identifier, None, "{}", c.common_name);
    }
    assert_eq!(
        rfc3339(soonest_not_after(&certs).unwrap().not_after),
        "2061-05-18T21:49:45Z"
    );
}

#[test]
fn old_era_and_govcloud_bundles() {
    for c in parse("rds-combined-ca-bundle.c283704.pem") {
        assert_eq!(
            c.ca_identifier, None,
            "2019-era CN {} maps to no G1 CA",
            c.common_name
        );
    }
    let gov = parse("us-gov-global-bundle.529782d.pem");
    let intermediates: Vec<_> = gov.iter().filter(|c| !c.is_root).collect();
    assert_eq!(intermediates.len(), 4);
    for c in intermediates {
        assert!(c.is_ca);
        assert!(
            c.ca_identifier.is_some()
                && c.region
                    .as_deref()
                    .is_some_and(|r| r.starts_with("us-gov-")),
            "{}",
            c.common_name
        );
    }
    let rsa_root = gov
        .iter()
        .find(|c| c.common_name == "Amazon RDS us-gov-west-1 Root CA RSA2048 G1")
        .unwrap();
    assert_eq!(
        rsa_root.signature_algorithm, "SHA384-RSA",
        "GovCloud rsa2048 roots are signed with SHA-384"
    );
    assert_eq!(roots_pem(&gov).matches("BEGIN CERTIFICATE").count(), 6);
}

/// Every real bundle passes verification with every signature checked at run time (RSA 2048 and
/// 4096, ECDSA P-384, the SHA-1 and 2019 generations, GovCloud intermediates), and the
/// compiled-in certificates are recognised.
#[test]
fn every_real_bundle_verifies() {
    std::thread::scope(|s| {
        for (name, count) in FILES {
            s.spawn(move || {
                let bytes = std::fs::read(fixtures().join(name)).unwrap();
                let all = verified_content(name, &bytes, Signatures::All)
                    .unwrap_or_else(|e| panic!("{e}"));
                assert_eq!(all.signatures_checked, count, "{name}");
                let fresh = verified_content(name, &bytes, Signatures::Unknown).unwrap();
                assert_eq!(fresh.certificates, all.certificates, "{name}");
                let compiled = all.certificates.iter().filter(|c| c.compiled_in).count();
                assert_eq!(fresh.signatures_checked, count - compiled, "{name}");
                // Every G1 root of a Region the table knows is compiled in.
                for c in &all.certificates {
                    let g1 = c.common_name.ends_with(" G1");
                    let known_region = c
                        .region
                        .as_deref()
                        .is_some_and(|r| rdsca_table::Region::get(r).is_some());
                    if g1 && known_region {
                        assert!(c.compiled_in, "{name}: {}", c.common_name);
                    }
                }
            });
        }
    });
}

/// The newest global bundle is all compiled in: no finding, no signature to check. Every
/// non-Beta/Preview root is tagged with its Region and CA.
#[test]
fn findings_of_the_real_global_bundles() {
    let bytes = std::fs::read(fixtures().join("global-bundle.e5bb208.pem")).unwrap();
    let newest = verified_content("e5bb208", &bytes, Signatures::Unknown).unwrap();
    assert_eq!(newest.findings, Vec::<Finding>::new());
    assert_eq!(newest.signatures_checked, 0);
    let tagged = newest
        .certificates
        .iter()
        .filter(|c| c.region.is_some() && c.ca_identifier.is_some())
        .count();
    assert_eq!(tagged, 102);
    for c in newest.certificates.iter().filter(|c| c.region.is_none()) {
        assert!(
            c.common_name.contains(" Beta ") || c.common_name.contains(" Preview "),
            "{}",
            c.common_name
        );
    }
    let taipei = newest
        .certificates
        .iter()
        .find(|c| c.common_name == "Amazon RDS ap-east-2 Root CA ECC384 G1")
        .unwrap();
    assert_eq!(taipei.region.as_deref(), Some("ap-east-2"));
    assert_eq!(taipei.ca_identifier.as_deref(), Some("rds-ca-ecc384-g1"));
    assert!(taipei.compiled_in);
    let bytes = std::fs::read(fixtures().join("global-bundle.18a8b72.pem")).unwrap();
    let older = verified_content("18a8b72", &bytes, Signatures::Unknown).unwrap();
    assert!(older.findings.is_empty(), "{:?}", older.findings);
    assert_eq!(older.signatures_checked, 0);
}
