//! Every form an RDS bundle comes in, on the real bundles of tests/fixtures/bundles, and the
//! errors for everything that is not a bundle.

use std::path::PathBuf;

use base64::Engine as _;
use rdsca_bundle_format::{certificate_ders, error, ParseError};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/bundles")
}

fn read(name: &str) -> Vec<u8> {
    let path = fixtures().join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn ders(name: &str) -> Vec<Vec<u8>> {
    certificate_ders(&read(name), name).unwrap_or_else(|e| panic!("{e}"))
}

/// The base64 body of a PEM-armoured file's single block, decoded.
fn unarmour(text: &[u8]) -> Vec<u8> {
    let body: Vec<u8> = String::from_utf8_lossy(text)
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .flat_map(|l| l.trim().bytes().collect::<Vec<_>>())
        .collect();
    base64::engine::general_purpose::STANDARD
        .decode(body)
        .unwrap()
}

fn err(bytes: &[u8]) -> String {
    certificate_ders(bytes, "https://example.test/b.pem")
        .unwrap_err()
        .to_string()
}

#[test]
fn every_fixture_yields_the_certificates_of_the_index() {
    let index = std::fs::read_to_string(fixtures().join("INDEX.tsv")).unwrap();
    let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
    for line in index.lines().skip(1) {
        *counts.entry(line.split('\t').next().unwrap()).or_default() += 1;
    }
    assert_eq!(counts.len(), 14, "{counts:?}");
    for (name, count) in counts {
        let got = ders(name);
        assert_eq!(got.len(), count, "{name}");
        // Each DER is one whole SEQUENCE: its length header covers it exactly.
        for der in &got {
            assert_eq!(der[0], 0x30, "{name}");
        }
    }
}

#[test]
fn pem_pkcs7_and_der_pkcs7_forms_of_one_version_are_identical() {
    let pem = ders("global-bundle.3dbeff3.pem");
    let armoured = ders("global-bundle.c145c52.p7b");
    assert_eq!(pem.len(), 115);
    assert_eq!(armoured, pem, "same certificates in the same order");
    let der = unarmour(&read("global-bundle.c145c52.p7b"));
    assert_eq!(der[0], 0x30);
    assert_eq!(certificate_ders(&der, "global-bundle.p7b").unwrap(), pem);
    // A regional PKCS#7 too.
    let regional = unarmour(&read("eu-west-2-bundle.p7b"));
    assert_eq!(certificate_ders(&regional, "eu-west-2").unwrap().len(), 5);
}

#[test]
fn crlf_no_final_newline_and_text_between_blocks() {
    let crlf = read("global-bundle.7f42c57.pem");
    assert!(crlf.windows(2).any(|w| w == b"\r\n"));
    let lf: Vec<u8> = String::from_utf8(crlf.clone())
        .unwrap()
        .replace("\r\n", "\n")
        .into_bytes();
    let from_crlf = certificate_ders(&crlf, "crlf").unwrap();
    assert_eq!(from_crlf.len(), 121);
    assert_eq!(certificate_ders(&lf, "lf").unwrap(), from_crlf);

    let no_newline = read("ap-southeast-1-bundle.pem");
    assert_ne!(no_newline.last(), Some(&b'\n'));
    assert_eq!(ders("ap-southeast-1-bundle.pem").len(), 5);

    let text = String::from_utf8(read("global-bundle.e5bb208.pem")).unwrap();
    let commented = format!(
        "# RDS global bundle\n{}",
        text.replace(
            "-----END CERTIFICATE-----\n",
            "-----END CERTIFICATE-----\nsubject=CN = something\n\n"
        )
    );
    assert_eq!(
        certificate_ders(commented.as_bytes(), "commented").unwrap(),
        ders("global-bundle.e5bb208.pem")
    );
    assert_eq!(
        certificate_ders(text.trim_end().as_bytes(), "trimmed").unwrap(),
        ders("global-bundle.e5bb208.pem")
    );
}

#[test]
fn a_single_der_certificate() {
    let first = ders("us-east-1-bundle.pem").remove(0);
    assert_eq!(
        certificate_ders(&first, "der").unwrap(),
        vec![first.clone()]
    );
}

#[test]
fn precise_errors() {
    assert_eq!(
        err(b""),
        "https://example.test/b.pem: the body is empty: expected a PEM or PKCS#7 certificate bundle"
    );
    assert_eq!(err(b" \r\n\t"), err(b""));
    let html = err(b"\n<!DOCTYPE html><html><body>Access denied</body></html>");
    assert!(html.contains("looks like an HTML or XML page"), "{html}");
    assert!(
        html.contains("it starts with \"<!DOCTYPE html><html><body>Access denied</body></html>\""),
        "{html}"
    );
    let junk = err(b"hello world");
    assert!(junk.contains("no PEM certificate"), "{junk}");

    let good = String::from_utf8(read("us-east-1-bundle.pem")).unwrap();
    let key = format!("{good}-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n");
    assert_eq!(
        err(key.as_bytes()),
        "https://example.test/b.pem: block 6: a \"PRIVATE KEY\" block, not a certificate (a private key must never be published in a trust bundle)"
    );
    let truncated = &good[..good.len() - 40];
    assert_eq!(
        err(truncated.as_bytes()),
        "https://example.test/b.pem: block 5: the CERTIFICATE block has no END line (truncated bundle?)"
    );
    assert!(err(b"-----BEGIN CERTIFI").contains("block 1: a BEGIN line without its closing dashes"));
    let broken = good.replacen("MII", "M!I", 1);
    assert!(
        err(broken.as_bytes()).starts_with(
            "https://example.test/b.pem: block 1: the CERTIFICATE block is not valid base64"
        ),
        "{}",
        err(broken.as_bytes())
    );
    let headers =
        "-----BEGIN CERTIFICATE-----\nProc-Type: 4,ENCRYPTED\n\nMIIB\n-----END CERTIFICATE-----\n";
    assert!(err(headers.as_bytes()).contains("block 1: the CERTIFICATE block has headers"));
    let not_pkcs7 = format!(
        "-----BEGIN PKCS7-----\n{}\n-----END PKCS7-----\n",
        good.lines().nth(1).unwrap()
    );
    assert!(
        err(not_pkcs7.as_bytes()).contains("block 1: the PKCS7 block is not a PKCS#7 SignedData"),
        "{}",
        err(not_pkcs7.as_bytes())
    );
}

#[test]
fn the_error_type_formats_with_and_without_a_block() {
    let e: ParseError = error("origin", Some(3), "bad");
    assert_eq!(e.to_string(), "origin: block 3: bad");
    assert_eq!(error("origin", None, "bad").to_string(), "origin: bad");
    assert_eq!(e.block, Some(3));
}

#[test]
fn cut_and_flipped_real_bundles_never_panic() {
    for name in ["us-east-1-bundle.pem", "eu-west-2-bundle.p7b"] {
        let bytes = read(name);
        let der = if name.ends_with(".p7b") {
            unarmour(&bytes)
        } else {
            ders(name).remove(0)
        };
        for input in [&bytes, &der] {
            for cut in (0..input.len()).step_by(7) {
                let _ = certificate_ders(&input[..cut], name);
                let mut flipped = input.clone();
                flipped[cut] ^= 0x5a;
                let _ = certificate_ders(&flipped, name);
            }
        }
    }
}

#[test]
fn located_certificates_name_their_begin_lines() {
    let pem = String::from_utf8(read("us-east-1-bundle.pem")).unwrap();
    let text = format!("# a comment\n\n{pem}");
    let located = rdsca_bundle_format::located_pem_certificates(text.as_bytes(), "x.pem").unwrap();
    let begin_lines: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.starts_with("-----BEGIN CERTIFICATE-----"))
        .map(|(i, _)| i + 1)
        .collect();
    assert_eq!(
        located.iter().map(|c| c.line).collect::<Vec<_>>(),
        begin_lines
    );
    assert_eq!(
        located.into_iter().map(|c| c.der).collect::<Vec<_>>(),
        ders("us-east-1-bundle.pem")
    );
    let broken = format!("{pem}-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
    let e = rdsca_bundle_format::located_pem_certificates(broken.as_bytes(), "x.pem").unwrap_err();
    assert_eq!(e.line, Some(pem.lines().count() + 1));
    assert!(e.message.contains("\"PRIVATE KEY\" block"), "{e}");
}
