//! `diff-bundle` (codegen/src/bundle_diff.rs) on every real global bundle of
//! tests/fixtures/bundles, each against an exact list of expected differences, and on edited
//! copies of the newest one for the kinds of difference no real bundle shows.

use std::path::{Path, PathBuf};

use base64::Engine as _;
use rdsca_codegen::bundle_diff::{diff, CertId, Difference, Report};
use rdsca_codegen::{CertKind, Table};
use x509_parser::prelude::{FromDer, X509Certificate};

// =================================================================================================
// Expected result per real global bundle, against the table AS IT IS IN THIS COMMIT
// (data/rds-ca.toml: 32 commercial Regions without ap-east-2 and ap-southeast-6, 2 GovCloud ones).
//
// When the table changes, update this table only. Adding ap-east-2 and ap-southeast-6 to the
// commercial partition (with their roots from global-bundle.e5bb208.pem in data/roots/aws.pem)
// turns, for global-bundle.e5bb208.pem, `matching: 96` into `102` and its differences into none;
// every older commercial bundle (18a8b72 included) then lacks those two Regions: add `missing("ap-east-2")` and
// `missing("ap-southeast-6")` to each of their lists. A partition without a certificate file
// (aws-cn) changes nothing here: no bundle below names its Regions.
// The command's exit code follows: 0 exactly where `differences` is empty.
// =================================================================================================

struct Expected {
    file: &'static str,
    /// The partitions inferred from the file's CNs.
    partitions: &'static [&'static str],
    /// Region certificates equal to the compiled-in ones.
    matching: usize,
    /// Beta / Preview certificates, listed apart.
    special: usize,
    /// rds-ca-2019, rds-ca-2015 and GovCloud 2017 certificates, counted apart.
    older: usize,
    differences: fn() -> Vec<Difference>,
}

const EXPECTED: &[Expected] = &[
    Expected {
        file: "global-bundle.e5bb208.pem", // newest commercial (2025)
        partitions: &["aws"],
        matching: 102,
        special: 6,
        older: 0,
        differences: Vec::new,
    },
    Expected {
        file: "global-bundle.18a8b72.pem", // 2025-01 .. 2026
        partitions: &["aws"],
        matching: 96,
        special: 6,
        older: 0,
        differences: || vec![missing("ap-east-2"), missing("ap-southeast-6")],
    },
    Expected {
        file: "global-bundle.7f42c57.pem", // mid-2024, CRLF
        partitions: &["aws"],
        matching: 87,
        special: 6,
        older: 28,
        differences: || {
            vec![
                missing("ap-east-2"),
                missing("ap-southeast-6"),
                missing("ap-southeast-5"),
                missing("ap-southeast-7"),
                missing("mx-central-1"),
            ]
        },
    },
    Expected {
        file: "global-bundle.3dbeff3.pem", // mid-2023
        partitions: &["aws"],
        matching: 81,
        special: 6,
        older: 28,
        differences: || {
            vec![
                missing("ap-east-2"),
                missing("ap-southeast-6"),
                missing("ap-southeast-5"),
                missing("ap-southeast-7"),
                missing("ca-west-1"),
                missing("il-central-1"),
                missing("mx-central-1"),
            ]
        },
    },
    Expected {
        file: "global-bundle.c145c52.p7b", // PKCS#7 form of 3dbeff3
        partitions: &["aws"],
        matching: 81,
        special: 6,
        older: 28,
        differences: || {
            vec![
                missing("ap-east-2"),
                missing("ap-southeast-6"),
                missing("ap-southeast-5"),
                missing("ap-southeast-7"),
                missing("ca-west-1"),
                missing("il-central-1"),
                missing("mx-central-1"),
            ]
        },
    },
    Expected {
        file: "global-bundle.11aac4c.pem", // early 2022, oldest
        partitions: &["aws"],
        matching: 66,
        special: 6,
        older: 30,
        differences: || {
            vec![
                missing("ap-east-2"),
                missing("ap-southeast-6"),
                missing("ap-south-2"),
                missing("ap-southeast-4"),
                missing("ap-southeast-5"),
                missing("ap-southeast-7"),
                missing("ca-west-1"),
                missing("eu-central-2"),
                missing("eu-south-2"),
                missing("il-central-1"),
                missing("me-central-1"),
                missing("mx-central-1"),
            ]
        },
    },
    Expected {
        file: "us-gov-global-bundle.529782d.pem", // GovCloud: 6 roots, 4 intermediates
        partitions: &["aws-us-gov"],
        matching: 10,
        special: 0,
        older: 0,
        differences: Vec::new,
    },
];

/// The newest real bundle, which the closing step of scripts/test.sh also runs.
const NEWEST: &str = "global-bundle.e5bb208.pem";

// =================================================================================================

const ALL_CAS: [&str; 3] = ["rds-ca-rsa2048-g1", "rds-ca-rsa4096-g1", "rds-ca-ecc384-g1"];

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// A Region the table lacks, with the roots of all three CAs in the bundle.
fn unknown(region: &str) -> Difference {
    Difference::UnknownRegion {
        set: None,
        region: region.into(),
        roots: strings(&ALL_CAS),
        intermediates: vec![],
    }
}

/// A commercial Region of the table with no root in the bundle.
fn missing(region: &str) -> Difference {
    Difference::Missing {
        set: None,
        region: region.into(),
        partition: "aws".into(),
        cas: strings(&ALL_CAS),
        all: true,
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures/bundles").join(name)
}

fn table() -> Table {
    rdsca_codegen::load(&root().join(rdsca_codegen::DATA_FILE)).unwrap()
}

fn report(table: &Table, name: &str) -> Report {
    let bytes = std::fs::read(fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    diff(table, &bytes, name).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn every_real_global_bundle_has_exactly_its_expected_differences() {
    // Every global bundle fixture is in the table above.
    let mut names: Vec<String> = std::fs::read_dir(root().join("tests/fixtures/bundles"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("global-bundle"))
        .collect();
    names.sort();
    let mut listed: Vec<String> = EXPECTED.iter().map(|e| e.file.to_string()).collect();
    listed.sort();
    assert_eq!(names, listed);

    let table = table();
    for want in EXPECTED {
        let got = report(&table, want.file);
        let rendered: Vec<String> = got.differences.iter().map(|d| d.to_string()).collect();
        let mut differences = (want.differences)();
        differences.sort();
        assert_eq!(got.differences, differences, "{}: {rendered:#?}", want.file);
        assert_eq!(got.partitions, strings(want.partitions), "{}", want.file);
        assert_eq!(got.matching, want.matching, "{}", want.file);
        assert_eq!(got.special.len(), want.special, "{}", want.file);
        assert_eq!(got.other_generations.len(), want.older, "{}", want.file);
        assert_eq!(got.unchecked, 0, "{}", want.file);
        // Nothing falls through the cracks: each certificate is counted once.
        let changed = got
            .differences
            .iter()
            .filter(|d| matches!(d, Difference::Changed { .. }))
            .count();
        let unknown_certs: usize = got
            .differences
            .iter()
            .map(|d| match d {
                Difference::UnknownRegion {
                    roots,
                    intermediates,
                    ..
                } => roots.len() + intermediates.len(),
                Difference::NotCompiledIn { .. }
                | Difference::Unrecognised { .. }
                | Difference::Unreadable { .. } => 1,
                _ => 0,
            })
            .sum();
        let special_changed = got
            .differences
            .iter()
            .filter(|d| matches!(d, Difference::Changed { id, .. } if id.set.is_some()))
            .count();
        assert_eq!(
            got.certificates,
            got.matching
                + got.special.len()
                + got.other_generations.len()
                + unknown_certs
                + changed
                - special_changed,
            "{}",
            want.file
        );
    }
}

#[test]
fn special_sets_are_listed_apart() {
    let got = report(&table(), NEWEST);
    let ids: Vec<String> = got.special.iter().map(|id| id.to_string()).collect();
    assert_eq!(
        ids,
        [
            "Beta us-east-1 rds-ca-rsa2048-g1 root",
            "Beta us-east-1 rds-ca-rsa4096-g1 root",
            "Beta us-east-1 rds-ca-ecc384-g1 root",
            "Preview us-east-2 rds-ca-rsa2048-g1 root",
            "Preview us-east-2 rds-ca-rsa4096-g1 root",
            "Preview us-east-2 rds-ca-ecc384-g1 root",
        ]
    );
    assert_eq!(
        got.special_lines(),
        [
            "= Beta us-east-1: special set, not a Region: roots of rds-ca-rsa2048-g1, rds-ca-rsa4096-g1, rds-ca-ecc384-g1",
            "= Preview us-east-2: special set, not a Region: roots of rds-ca-rsa2048-g1, rds-ca-rsa4096-g1, rds-ca-ecc384-g1",
        ]
    );
    let older = report(&table(), "global-bundle.3dbeff3.pem");
    assert!(older
        .other_generations
        .iter()
        .any(|cn| cn == "Amazon RDS Root 2019 CA"));
    assert!(older
        .other_generations
        .iter()
        .any(|cn| cn == "Amazon RDS Beta Root 2019 CA"));
}

fn run(files: &[&str]) -> (i32, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_rdsca-codegen"))
        .args(["--root", root().to_str().unwrap(), "diff-bundle"])
        .args(files.iter().map(|f| fixture(f)))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap(), stdout)
}

/// The command's exit code and output for one file: the differences, the special sets, and the
/// closing line, with the exit code and counts of the expected table.
fn check_command(name: &str) {
    let want = EXPECTED.iter().find(|e| e.file == name).unwrap();
    let (code, stdout) = run(&[name]);
    let got = report(&table(), name);
    let mut lines: Vec<String> = got.differences.iter().map(|d| d.to_string()).collect();
    lines.extend(got.special_lines());
    lines.push(got.summary(&fixture(name).display().to_string()));
    assert_eq!(stdout, lines.join("\n") + "\n");
    let n = (want.differences)().len();
    let closing = format!(
        "{}: {} certificates, partition {}: {} Region certificates as the table compiles them in, {} of special sets, {} of older generations (not compared); {n} difference{}\n",
        fixture(name).display(),
        got.certificates,
        want.partitions.join(", "),
        want.matching,
        want.special,
        want.older,
        if n == 1 { "" } else { "s" }
    );
    assert!(stdout.ends_with(&closing), "{stdout}");
    assert_eq!(code, if n == 0 { 0 } else { 1 }, "{stdout}");
}

#[test]
fn the_command_on_the_newest_bundle() {
    check_command(NEWEST);
}

#[test]
fn the_command_on_older_bundles() {
    check_command("global-bundle.3dbeff3.pem");
    check_command("global-bundle.c145c52.p7b");
    check_command("global-bundle.11aac4c.pem");
    check_command("us-gov-global-bundle.529782d.pem");
    let (code, stdout) = run(&["global-bundle.3dbeff3.pem"]);
    assert_eq!(code, 1);
    assert!(
        stdout.contains("- ca-west-1 (aws): in the table, no root in the bundle\n"),
        "{stdout}"
    );
}

#[test]
fn how_differences_read() {
    assert_eq!(
        unknown("ap-east-2").to_string(),
        "+ ap-east-2: in the bundle (roots of rds-ca-rsa2048-g1, rds-ca-rsa4096-g1, rds-ca-ecc384-g1), not a Region of the table"
    );
    assert_eq!(
        missing("ca-west-1").to_string(),
        "- ca-west-1 (aws): in the table, no root in the bundle"
    );
}

#[test]
fn the_command_over_several_files_fails_if_one_differs() {
    let all: Vec<&str> = EXPECTED.iter().map(|e| e.file).collect();
    let (code, stdout) = run(&all);
    assert_eq!(
        stdout.matches(" certificates, partition ").count(),
        all.len(),
        "{stdout}"
    );
    let clean: Vec<&str> = EXPECTED
        .iter()
        .filter(|e| (e.differences)().is_empty())
        .map(|e| e.file)
        .collect();
    assert!(clean.len() >= 2, "{clean:?}");
    assert_eq!(code, if clean.len() == all.len() { 0 } else { 1 });
    let (code, _) = run(&clean);
    assert_eq!(code, 0);
}

#[test]
fn a_file_that_is_no_bundle_is_an_error() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_rdsca-codegen"))
        .args(["--root", root().to_str().unwrap(), "diff-bundle"])
        .arg(fixture("PROVENANCE.md"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("error: ") && stderr.contains("PROVENANCE.md: "),
        "{stderr}"
    );
    let usage = std::process::Command::new(env!("CARGO_BIN_EXE_rdsca-codegen"))
        .args(["--root", root().to_str().unwrap(), "diff-bundle"])
        .output()
        .unwrap();
    assert_eq!(usage.status.code(), Some(2));
}

// ---- Edited copies of the newest bundle: the kinds of difference no real bundle shows ----------

fn ders(name: &str) -> Vec<Vec<u8>> {
    rdsca_bundle_format::certificate_ders(&std::fs::read(fixture(name)).unwrap(), name).unwrap()
}

fn cn(der: &[u8]) -> String {
    let (_, cert) = X509Certificate::from_der(der).unwrap();
    let name = cert
        .subject()
        .iter_common_name()
        .next()
        .unwrap()
        .as_str()
        .unwrap()
        .to_string();
    name
}

fn pem(ders: &[Vec<u8>]) -> Vec<u8> {
    let mut out = String::new();
    for der in ders {
        let b64 = base64::engine::general_purpose::STANDARD.encode(der);
        out.push_str("-----BEGIN CERTIFICATE-----\n");
        for chunk in b64.as_bytes().chunks(64) {
            out.push_str(std::str::from_utf8(chunk).unwrap());
            out.push('\n');
        }
        out.push_str("-----END CERTIFICATE-----\n");
    }
    out.into_bytes()
}

/// A self-signed certificate with this CN (not AWS's: made here).
fn made(common_name: &str) -> Vec<u8> {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P384_SHA384).unwrap();
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, common_name);
    params.self_signed(&key).unwrap().der().to_vec()
}

fn sha256(der: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(der)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn id(set: Option<&str>, region: &str, ca: &str, kind: CertKind) -> CertId {
    CertId {
        set: set.map(str::to_string),
        region: region.into(),
        ca: ca.into(),
        kind,
    }
}

#[test]
fn every_other_kind_of_difference() {
    let table = table();
    let removed = [
        "Amazon RDS eu-west-1 Root CA ECC384 G1",
        "Amazon RDS eu-west-3 Root CA ECC384 G1",
        "Amazon RDS Beta us-east-1 Root CA RSA4096 G1",
    ];
    let mut certs: Vec<Vec<u8>> = ders(NEWEST)
        .into_iter()
        .filter(|d| !removed.iter().any(|r| cn(d).contains(r)))
        .collect();
    let impostor = made("Amazon RDS eu-west-1 Root CA ECC384 G1");
    let g2 = made("Amazon RDS us-east-1 Root CA RSA2048 G2");
    let gamma = made("Amazon RDS Gamma us-east-1 Root CA ECC384 G1");
    let intermediate = made("Amazon RDS eu-west-1 RSA2048 G1");
    let older = made("Amazon RDS Root 2019 CA");
    certs.extend([
        impostor.clone(),
        g2.clone(),
        gamma,
        intermediate.clone(),
        older,
    ]);
    // A CERTIFICATE block holding a DER SEQUENCE that is no certificate.
    let mut bytes = pem(&certs);
    bytes.extend(b"-----BEGIN CERTIFICATE-----\nMAMCAQE=\n-----END CERTIFICATE-----\n");
    let got = diff(&table, &bytes, "edited").unwrap();
    let real = table
        .certificate(None, "eu-west-1", "rds-ca-ecc384-g1", CertKind::Root)
        .unwrap();
    let mut want = vec![
        Difference::UnknownRegion {
            set: Some("Gamma".into()),
            region: "us-east-1".into(),
            roots: strings(&["rds-ca-ecc384-g1"]),
            intermediates: vec![],
        },
        Difference::Changed {
            id: id(None, "eu-west-1", "rds-ca-ecc384-g1", CertKind::Root),
            common_name: "Amazon RDS eu-west-1 Root CA ECC384 G1".into(),
            bundle_sha256: sha256(&impostor),
            table_sha256: real.sha256.clone(),
        },
        Difference::NotCompiledIn {
            id: id(
                None,
                "eu-west-1",
                "rds-ca-rsa2048-g1",
                CertKind::Intermediate,
            ),
            partition: "aws".into(),
            common_name: "Amazon RDS eu-west-1 RSA2048 G1".into(),
            sha256: sha256(&intermediate),
        },
        Difference::Unrecognised {
            common_name: "Amazon RDS us-east-1 Root CA RSA2048 G2".into(),
            sha256: sha256(&g2),
        },
        Difference::Unreadable {
            index: certs.len() + 1,
            message: got
                .differences
                .iter()
                .find_map(|d| match d {
                    Difference::Unreadable { message, .. } => Some(message.clone()),
                    _ => None,
                })
                .expect("an unreadable certificate is reported"),
        },
        Difference::Missing {
            set: None,
            region: "eu-west-3".into(),
            partition: "aws".into(),
            cas: strings(&["rds-ca-ecc384-g1"]),
            all: false,
        },
        Difference::Missing {
            set: Some("Beta".into()),
            region: "us-east-1".into(),
            partition: "aws".into(),
            cas: strings(&["rds-ca-rsa4096-g1"]),
            all: false,
        },
    ];
    // What the unedited bundle shows (see the expected table) comes on top.
    let baseline = (EXPECTED
        .iter()
        .find(|e| e.file == NEWEST)
        .unwrap()
        .differences)();
    want.extend(baseline.iter().cloned());
    want.sort();
    let rendered: Vec<String> = got.differences.iter().map(|d| d.to_string()).collect();
    assert_eq!(got.differences, want, "{rendered:#?}");
    assert_eq!(got.other_generations, ["Amazon RDS Root 2019 CA"]);
    assert_eq!(got.special.len(), 5);
    let unreadable = got
        .differences
        .iter()
        .find_map(|d| match d {
            Difference::Unreadable { message, .. } => Some(message.clone()),
            _ => None,
        })
        .unwrap();
    let edits: Vec<String> = got
        .differences
        .iter()
        .filter(|d| !baseline.contains(d))
        .map(|d| d.to_string())
        .collect();
    assert_eq!(
        edits,
        [
            "+ Gamma us-east-1: in the bundle (roots of rds-ca-ecc384-g1), not a declared special set".to_string(),
            format!("~ eu-west-1 rds-ca-ecc384-g1 root (\"Amazon RDS eu-west-1 Root CA ECC384 G1\"): the bundle's has sha256 {}, the table compiles in {}", sha256(&impostor), real.sha256),
            format!("+ eu-west-1 rds-ca-rsa2048-g1 intermediate (\"Amazon RDS eu-west-1 RSA2048 G1\", sha256 {}): in the bundle, not among the certificates of partition aws", sha256(&intermediate)),
            format!("? \"Amazon RDS us-east-1 Root CA RSA2048 G2\" (sha256 {}): no CN form of the table's CAs, nor of an older RDS generation", sha256(&g2)),
            format!("? certificate {}: not a readable X.509 certificate ({unreadable})", certs.len() + 1),
            "- eu-west-3 (aws): no root of rds-ca-ecc384-g1 in the bundle".to_string(),
            "- Beta us-east-1 (aws): no root of rds-ca-rsa4096-g1 in the bundle".to_string(),
        ]
    );
    assert!(got
        .summary("edited")
        .ends_with(&format!("; {} differences", 7 + baseline.len())));
}

#[test]
fn a_partition_without_a_certificate_file_is_checked_for_regions_only() {
    // As the China partition will be: Regions in the table, no certificates to compare with. Every
    // certificate that matched is now unchecked; the Region differences stay.
    let mut table = table();
    for p in &mut table.partitions {
        p.certificates = None;
    }
    table.certificates.clear();
    for want in EXPECTED {
        let got = report(&table, want.file);
        let mut differences = (want.differences)();
        differences.sort();
        assert_eq!(got.differences, differences, "{}", want.file);
        assert_eq!(
            (got.matching, got.unchecked, got.special.len()),
            (0, want.matching, want.special),
            "{}",
            want.file
        );
    }
    let got = report(&table, "global-bundle.18a8b72.pem");
    assert!(got.summary("f").contains(
        ": 0 Region certificates as the table compiles them in, 96 with nothing compiled in to compare, "
    ));
}
