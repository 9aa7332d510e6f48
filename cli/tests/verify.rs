//! `rdsca verify`, the built binary, against every real bundle in tests/fixtures/bundles (see
//! PROVENANCE.md there) and against forged ones made here: an altered byte, an impostor root
//! with a valid self-signature and a known CN, a root of a Region the table lacks.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use rdsca_test_server::certs::{self_signed_ca, tampered};

fn bundles() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/bundles")
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(bundles().join(name)).unwrap()
}

fn rdsca(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rdsca"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("rdsca starts");
    let input = child.stdin.take().unwrap();
    if let Some(bytes) = stdin {
        let mut input = input;
        input.write_all(bytes).unwrap();
    }
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&out.stdout)))
}

/// A forged bundle written to a temporary file.
fn write(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    path.display().to_string()
}

/// Every real bundle passes. Old-generation bundles pass too: their rds-ca-2019 / rds-ca-2015 /
/// GovCloud 2017 certificates, of which rdsca holds no copy, are verified by their signatures
/// against issuers in the same file (the provider's verification accepts them the same way) and
/// are all expired. (file, compiled in, signed in file, expired.)
#[test]
fn every_real_bundle_passes_with_the_expected_verdicts() {
    let expected = [
        ("ap-south-1-bundle.pem", 3, 0, 0),
        ("ap-southeast-1-bundle.pem", 3, 2, 2),
        ("eu-west-2-bundle.p7b", 3, 2, 2),
        ("global-bundle.11aac4c.pem", 72, 30, 30),
        ("global-bundle.18a8b72.pem", 102, 0, 0),
        ("global-bundle.3dbeff3.pem", 87, 28, 28),
        ("global-bundle.7f42c57.pem", 93, 28, 28),
        ("global-bundle.c145c52.p7b", 87, 28, 28),
        ("global-bundle.e5bb208.pem", 108, 0, 0),
        ("rds-ca-bundle-us-gov-west-1.dfcb5a1.pem", 0, 2, 2),
        ("rds-combined-ca-bundle.c283704.pem", 0, 30, 30),
        ("us-east-1-bundle.pem", 3, 2, 2),
        ("us-gov-global-bundle.529782d.pem", 10, 0, 0),
        ("us-west-1-bundle.pem", 3, 2, 2),
    ];
    let mut on_disk: Vec<String> = std::fs::read_dir(bundles())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".pem") || n.ends_with(".p7b"))
        .collect();
    on_disk.sort();
    let listed: Vec<&str> = expected.iter().map(|e| e.0).collect();
    assert_eq!(on_disk, listed, "every fixture bundle is checked");

    let paths: Vec<String> = listed
        .iter()
        .map(|n| bundles().join(n).display().to_string())
        .collect();
    let mut args = vec!["verify", "--format", "json"];
    args.extend(paths.iter().map(String::as_str));
    let out = rdsca(&args, None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let report = json(&out);
    assert_eq!(report["schema"], "rdsca-verify/1");
    assert_eq!(report["passed"], true);
    for (file, (name, compiled, signed, expired)) in
        report["files"].as_array().unwrap().iter().zip(expected)
    {
        assert!(file["name"].as_str().unwrap().ends_with(name));
        let certs = file["certificates"].as_array().unwrap();
        let count = |f: &dyn Fn(&serde_json::Value) -> bool| certs.iter().filter(|c| f(c)).count();
        assert_eq!(
            (
                count(&|c| c["status"] == "compiled-in"),
                count(&|c| c["status"] == "signed-in-file"),
                count(&|c| c["expired"] == true),
            ),
            (compiled, signed, expired),
            "{name}"
        );
        assert_eq!(file["failed"], 0, "{name}");
        assert_eq!(file["passed"], certs.len(), "{name}");
        let sha = rdsca_trust::sha256_hex(&fixture(name));
        assert_eq!(file["sha256"], sha.as_str(), "{name}");
        for c in certs.iter().filter(|c| c["status"] == "signed-in-file") {
            assert!(
                !c["common_name"].as_str().unwrap().ends_with(" G1"),
                "{name}: only older generations pass by signature alone: {c}"
            );
        }
    }
}

#[test]
fn an_altered_certificate_fails_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        &dir,
        "altered.pem",
        &tampered(&fixture("global-bundle.18a8b72.pem")),
    );
    let out = rdsca(&["verify", &path], None);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    assert!(
        report.starts_with(&format!("{path}: 102 certificate(s), 101 pass, 1 fail\n")),
        "{report}"
    );
    let fail: Vec<&str> = report.lines().filter(|l| l.contains("FAIL")).collect();
    assert_eq!(fail.len(), 1, "{report}");
    assert!(
        fail[0].starts_with(
            "  FAIL  Amazon RDS sa-east-1 Root CA RSA2048 G1 (certificate 1, SHA-256 "
        ),
        "{}",
        fail[0]
    );
    assert!(
        fail[0].contains("its self-signature does not verify")
            && fail[0].contains("the certificate was altered or is forged"),
        "{}",
        fail[0]
    );
}

#[test]
fn an_impostor_root_with_a_valid_self_signature_fails_by_name() {
    let cn = "Amazon RDS us-east-1 Root CA RSA2048 G1";
    let impostor = self_signed_ca(cn);
    let known = rdsca_table::KnownCertificate::all()
        .iter()
        .find(|k| k.common_name == cn)
        .unwrap();
    let bundle = [fixture("us-east-1-bundle.pem"), impostor.into_bytes()].concat();
    let out = rdsca(&["verify", "-", "--format", "json"], Some(&bundle));
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let report = json(&out);
    assert_eq!(report["passed"], false);
    let file = &report["files"][0];
    assert_eq!(file["name"], "stdin");
    assert_eq!(
        (file["passed"].as_u64(), file["failed"].as_u64()),
        (Some(5), Some(1))
    );
    let forged = &file["certificates"][5];
    assert_eq!(forged["position"], 6);
    assert_eq!(forged["common_name"], cn);
    assert_eq!(forged["status"], "impostor");
    assert_eq!(forged["passed"], false);
    assert_ne!(forged["sha256"], known.sha256);
    assert_eq!(
        forged["detail"],
        format!("claims to be the rds-ca-rsa2048-g1 root of us-east-1, but the one rdsca knows is SHA-256 {}: an impostor (or AWS re-issued that root; then upgrade rdsca)", known.sha256)
    );
}

#[test]
fn a_root_of_a_region_the_table_lacks_fails_by_name() {
    let cn = "Amazon RDS xx-nowhere-1 Root CA RSA2048 G1";
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        &dir,
        "future.pem",
        &[
            fixture("ap-south-1-bundle.pem"),
            self_signed_ca(cn).into_bytes(),
        ]
        .concat(),
    );
    let out = rdsca(&["verify", &path], None);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    let fail = report.lines().find(|l| l.contains("FAIL")).unwrap();
    assert!(
        fail.starts_with(&format!("  FAIL  {cn} (certificate 4, SHA-256 ")),
        "{fail}"
    );
    assert!(
        fail.ends_with("names xx-nowhere-1, a Region rdsca's table lacks, so nothing pins it (its signature verifies): if AWS added xx-nowhere-1, upgrade rdsca"),
        "{fail}"
    );
    assert_eq!(report.matches("  ok    ").count(), 3, "{report}");
}

#[test]
fn one_failing_file_among_good_ones_fails_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let good = bundles().join("us-west-1-bundle.pem").display().to_string();
    let bad = write(
        &dir,
        "bad.pem",
        self_signed_ca("Amazon RDS eu-west-1 Root CA ECC384 G1").as_bytes(),
    );
    let out = rdsca(&["verify", &good, &bad, "--format", "json"], None);
    assert_eq!(out.status.code(), Some(2));
    let report = json(&out);
    assert_eq!(report["files"][0]["failed"], 0);
    assert_eq!(report["files"][1]["failed"], 1);
    assert_eq!(report["files"][1]["certificates"][0]["status"], "impostor");
}

#[test]
fn unreadable_input_is_exit_1_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.pem").display().to_string();
    let out = rdsca(&["verify", &missing], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = text(&out.stderr);
    assert!(
        err.starts_with(&format!("rdsca: {missing}: cannot read it: ")),
        "{err}"
    );

    let html = write(
        &dir,
        "login.html",
        b"<html><body>Access denied</body></html>",
    );
    let out = rdsca(&["verify", &html], None);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.starts_with(&format!("rdsca: {html}"))
            && err.trim_end().ends_with("not a certificate bundle"),
        "{err}"
    );

    // A certificate broken in its first bytes no longer parses: the file and block are named.
    let pem = text(&fixture("us-east-1-bundle.pem"));
    let at = pem.find("-----BEGIN CERTIFICATE-----").unwrap() + 28;
    let mut broken = pem.into_bytes();
    broken[at] = if broken[at] == b'A' { b'B' } else { b'A' };
    let path = write(&dir, "broken.pem", &broken);
    let out = rdsca(&["verify", &path], None);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.starts_with(&format!(
            "rdsca: {path}: block 1: not a valid X.509 certificate"
        )),
        "{err}"
    );

    let out = rdsca(&["verify", "-"], Some(b""));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).starts_with("rdsca: stdin"),
        "{}",
        text(&out.stderr)
    );

    let out = rdsca(&["verify", "-", "-"], Some(b""));
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("`-` (stdin) can be given once only"));
}

#[test]
fn require_compiled_in_fails_what_passes_by_signature_alone() {
    let newest = bundles()
        .join("global-bundle.e5bb208.pem")
        .display()
        .to_string();
    let out = rdsca(&["verify", "--require-compiled-in", &newest], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(
        text(&out.stdout).starts_with(&format!("{newest}: 108 certificate(s), 108 pass, 0 fail\n"))
    );

    // A foreign CA added to a real bundle passes by its self-signature, unless compiled-in
    // certificates are required.
    let dir = tempfile::tempdir().unwrap();
    let added = write(
        &dir,
        "added.pem",
        &[
            fixture("us-east-1-bundle.pem"),
            self_signed_ca("Corporate Root CA").into_bytes(),
        ]
        .concat(),
    );
    assert_eq!(rdsca(&["verify", &added], None).status.code(), Some(0));
    let out = rdsca(
        &[
            "verify",
            "--require-compiled-in",
            &added,
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let report = json(&out);
    let file = &report["files"][0];
    // The 2019 generation's two certificates and the added CA.
    assert_eq!(
        (file["passed"].as_u64(), file["failed"].as_u64()),
        (Some(3), Some(3))
    );
    let added = &file["certificates"][5];
    assert_eq!(added["common_name"], "Corporate Root CA");
    assert_eq!(added["status"], "signed-in-file");
    assert_eq!(added["passed"], false);
    assert_eq!(
        added["detail"],
        "its self-signature verifies; --require-compiled-in: only certificates compiled into rdsca pass"
    );
}

#[test]
fn help_shows_the_dockerfile_check_and_the_exit_statuses() {
    let out = rdsca(&["verify", "--help"], None);
    assert_eq!(out.status.code(), Some(0));
    let help = text(&out.stdout);
    assert!(
        help.contains(
            "RUN rdsca verify --require-compiled-in /etc/ssl/certs/rds-global-bundle.pem"
        ),
        "{help}"
    );
    assert!(
        help.contains(
            "Exit status: 0 when every certificate of every file passes, 2 when one fails, 1 when"
        ),
        "{help}"
    );
}
