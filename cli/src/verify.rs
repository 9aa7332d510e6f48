//! `rdsca verify FILE...`: a bundle file checked certificate by certificate with the provider's
//! own verification (`rdsca_trust::verify::verify`): each certificate must be identical to one
//! compiled into rdsca, or its signature must verify against an issuer in the same file; one
//! that claims a Region and CA whose compiled-in certificate is another (an impostor), one whose
//! signature fails (altered or forged), and one naming a Region the table lacks fail, by name.

use std::io::{Read, Write};

use clap::{Args, ValueEnum};
use serde::Serialize;

use rdsca_bundle_format::certificate_ders;
use rdsca_table::KnownCertificate;
use rdsca_trust::certificate::describe;
use rdsca_trust::verify::{verify, Finding, Signatures, VerifyError};
use rdsca_trust::{sha256_hex, CertificateInfo};

use crate::{CliError, Outcome};

const EXAMPLES: &str = "\
Examples:
  rdsca verify global-bundle.pem
  rdsca verify eu-west-1-bundle.pem global-bundle.p7b --format json
  curl -fsS https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem | rdsca verify -

  # In a Dockerfile, instead of pinning the bundle's SHA-256 (which breaks each time AWS republishes it
  # and says nothing of what is inside):
  ADD https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem /etc/ssl/certs/rds-global-bundle.pem
  RUN rdsca verify --require-compiled-in /etc/ssl/certs/rds-global-bundle.pem

Each certificate passes when it is byte-identical to one compiled into rdsca (checked when rdsca was
built), or when its signature verifies against an issuer in the same file (a root against itself):
older generations (rds-ca-2019, rds-ca-2015) and AWS China's roots, of which rdsca holds no copy, pass
this way, and are marked so. A certificate fails when it claims a Region and CA whose compiled-in
certificate is another (an impostor), when its signature does not verify (altered or forged), or when
it names a Region rdsca's table lacks (upgrade rdsca if AWS added that Region). Expired certificates
are reported, not failed. With --require-compiled-in only compiled-in certificates pass: any other CA
added to the file fails, even one whose self-signature verifies (AWS's current bundles pass whole).

JSON shape (\"schema\": \"rdsca-verify/1\"): {schema, passed, files: [{name, sha256, passed, failed,
certificates: [{position, common_name, sha256, not_after, expired, status, passed, detail}]}]}; status is
compiled-in, signed-in-file, bad-signature, impostor or unknown-region (passed: compiled-in, and
signed-in-file unless --require-compiled-in).

Exit status: 0 when every certificate of every file passes, 2 when one fails, 1 when a file cannot be
read, is no bundle (PEM, PKCS#7 or DER certificates), or holds a block that is no X.509 certificate
(the message names the file and the block).";

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum VerifyFormat {
    /// One line per certificate, grouped by file.
    Text,
    /// The stable JSON report (`"schema": "rdsca-verify/1"`).
    Json,
}

/// Check bundle files certificate by certificate.
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct VerifyArgs {
    /// A bundle: PEM, PKCS#7 (`.p7b`, DER or PEM) or DER certificates; `-` reads stdin.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = VerifyFormat::Text)]
    pub format: VerifyFormat,
    /// Pass only certificates compiled into rdsca: a certificate that verifies by its signature
    /// alone (an older generation, or any self-signed CA added to the file) fails.
    #[arg(long)]
    pub require_compiled_in: bool,
}

/// What a certificate is, by the verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Byte-identical to a certificate compiled into rdsca.
    CompiledIn,
    /// Not compiled in; its signature verifies against an issuer in the file.
    SignedInFile,
    /// Its signature does not verify, or its issuer is not in the file.
    BadSignature,
    /// It claims a Region and CA whose compiled-in certificate is another.
    Impostor,
    /// It names a Region the table lacks.
    UnknownRegion,
}

impl Status {
    pub fn passed(self) -> bool {
        matches!(self, Status::CompiledIn | Status::SignedInFile)
    }
}

/// The verdict on one certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertificateCheck {
    /// 1-based, in file order.
    pub position: usize,
    pub common_name: String,
    pub sha256: String,
    pub not_after: String,
    pub expired: bool,
    pub status: Status,
    pub passed: bool,
    /// Why it passed or what is wrong, in words.
    pub detail: String,
}

#[derive(Debug, Serialize)]
struct FileReport {
    name: String,
    sha256: String,
    passed: usize,
    failed: usize,
    certificates: Vec<CertificateCheck>,
}

/// Every certificate of a bundle, checked alone against the whole file; `Err` when it is no
/// bundle (a message naming `name`).
pub fn check_bundle(name: &str, bytes: &[u8]) -> Result<Vec<CertificateCheck>, String> {
    let mut ders = certificate_ders(bytes, name).map_err(|e| e.to_string())?;
    let infos = ders
        .iter()
        .enumerate()
        .map(|(i, der)| {
            describe(der).map_err(|m| {
                rdsca_bundle_format::error(name, Some(i + 1), m.to_string()).to_string()
            })
        })
        .collect::<Result<Vec<CertificateInfo>, String>>()?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let mut checks = Vec::with_capacity(infos.len());
    for (k, info) in infos.iter().enumerate() {
        // `verify` checks the certificates it is given, with every certificate of `ders` as a
        // possible issuer: this one first, the others after it. A compiled-in certificate's
        // signature was verified when rdsca was built, so only its claim is checked (what
        // `Signatures::Unknown` does too, without parsing the whole file again).
        ders.swap(0, k);
        let mut one = [info.clone()];
        let signatures = if KnownCertificate::by_sha256(&info.sha256_fingerprint).is_some() {
            Signatures::Skip
        } else {
            Signatures::Unknown
        };
        let verdict = verify(&ders, &mut one, signatures);
        ders.swap(0, k);
        let (status, detail) = judge(&one[0], verdict.map(|v| v.findings));
        let expired = info.not_after.unix_timestamp() < now;
        let detail = if expired {
            format!(
                "{detail} (expired {})",
                rdsca_trust::certificate::rfc3339(info.not_after)
            )
        } else {
            detail
        };
        checks.push(CertificateCheck {
            position: k + 1,
            common_name: info.common_name.clone(),
            sha256: info.sha256_fingerprint.clone(),
            not_after: rdsca_trust::certificate::rfc3339(info.not_after),
            expired,
            passed: status.passed(),
            status,
            detail,
        });
    }
    Ok(checks)
}

/// The status and its words, from what `verify` said of one certificate.
fn judge(
    cert: &CertificateInfo,
    verdict: Result<Vec<Finding>, Box<VerifyError>>,
) -> (Status, String) {
    match verdict {
        Err(e) => match *e {
            VerifyError::Signature { reason, .. } => (Status::BadSignature, reason),
            VerifyError::Impostor {
                region,
                ca,
                kind,
                expected,
                ..
            } => (
                Status::Impostor,
                format!("claims to be the {ca} {kind} of {region}, but the one rdsca knows is SHA-256 {expected}: an impostor (or AWS re-issued that {kind}; then upgrade rdsca)"),
            ),
        },
        Ok(findings) => {
            if let Some(Finding::UnknownRegions(regions)) = findings
                .iter()
                .find(|f| matches!(f, Finding::UnknownRegions(_)))
            {
                let region = regions.join(", ");
                return (
                    Status::UnknownRegion,
                    format!("names {region}, a Region rdsca's table lacks, so nothing pins it (its signature verifies): if AWS added {region}, upgrade rdsca"),
                );
            }
            if cert.compiled_in {
                return (
                    Status::CompiledIn,
                    "identical to the certificate compiled into rdsca".into(),
                );
            }
            let how = if cert.subject == cert.issuer {
                "its self-signature verifies".to_string()
            } else {
                format!("its signature verifies against its issuer \"{}\" in the file", cert.issuer)
            };
            let pinned = if findings
                .iter()
                .any(|f| matches!(f, Finding::SignatureOnly(_)))
            {
                "; rdsca holds no copy of this root, so nothing pins it"
            } else {
                ""
            };
            (Status::SignedInFile, format!("{how}{pinned}"))
        }
    }
}

/// `--require-compiled-in`: a signature alone no longer passes.
fn require_compiled_in(checks: &mut [CertificateCheck]) {
    for c in checks
        .iter_mut()
        .filter(|c| c.status == Status::SignedInFile)
    {
        c.passed = false;
        c.detail
            .push_str("; --require-compiled-in: only certificates compiled into rdsca pass");
    }
}

fn read(name: &str) -> Result<Vec<u8>, CliError> {
    let mut bytes = Vec::new();
    let read = if name == "-" {
        std::io::stdin().read_to_end(&mut bytes).map(|_| ())
    } else {
        std::fs::read(name).map(|b| bytes = b)
    };
    read.map_err(|e| CliError::BadInput(format!("{}: cannot read it: {e}", display(name))))?;
    Ok(bytes)
}

fn display(name: &str) -> &str {
    if name == "-" {
        "stdin"
    } else {
        name
    }
}

pub fn run(args: &VerifyArgs, out: &mut dyn Write) -> Result<Outcome, CliError> {
    if args.files.iter().filter(|f| *f == "-").count() > 1 {
        return Err(CliError::Usage(
            "FILE: `-` (stdin) can be given once only".into(),
        ));
    }
    let mut reports = Vec::with_capacity(args.files.len());
    for name in &args.files {
        let bytes = read(name)?;
        let mut certificates = check_bundle(display(name), &bytes)
            .map_err(|e| CliError::BadInput(format!("{e}: not a certificate bundle")))?;
        if args.require_compiled_in {
            require_compiled_in(&mut certificates);
        }
        let failed = certificates.iter().filter(|c| !c.passed).count();
        reports.push(FileReport {
            name: display(name).to_string(),
            sha256: sha256_hex(&bytes),
            passed: certificates.len() - failed,
            failed,
            certificates,
        });
    }
    let passed = reports.iter().all(|r| r.failed == 0);
    match args.format {
        VerifyFormat::Text => text(&reports, out),
        VerifyFormat::Json => {
            let report = serde_json::json!({
                "schema": "rdsca-verify/1",
                "passed": passed,
                "files": reports,
            });
            serde_json::to_writer_pretty(&mut *out, &report)
                .map_err(std::io::Error::from)
                .and_then(|()| writeln!(out))
        }
    }
    .map_err(CliError::Output)?;
    Ok(if passed {
        Outcome::Clean
    } else {
        Outcome::Findings
    })
}

fn text(reports: &[FileReport], out: &mut dyn Write) -> std::io::Result<()> {
    for r in reports {
        writeln!(
            out,
            "{}: {} certificate(s), {} pass, {} fail",
            r.name,
            r.passed + r.failed,
            r.passed,
            r.failed
        )?;
        for c in &r.certificates {
            if c.passed {
                writeln!(out, "  ok    {}: {}", c.common_name, c.detail)?;
            } else {
                writeln!(
                    out,
                    "  FAIL  {} (certificate {}, SHA-256 {}): {}",
                    c.common_name, c.position, c.sha256, c.detail
                )?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compiled_pem(region: &str) -> String {
        rdsca_trust::compiled_bundle("aws", Some(region))
            .unwrap()
            .pem
    }

    #[test]
    fn a_compiled_in_set_passes_whole() {
        let checks = check_bundle("eu-west-1", compiled_pem("eu-west-1").as_bytes()).unwrap();
        assert_eq!(checks.len(), 3);
        assert!(checks
            .iter()
            .all(|c| c.status == Status::CompiledIn && c.passed && !c.expired));
    }

    #[test]
    fn each_certificate_is_judged_alone() {
        let impostor =
            rdsca_test_server::certs::self_signed_ca("Amazon RDS eu-west-1 Root CA ECC384 G1");
        let stranger = rdsca_test_server::certs::self_signed_ca("rdsca test root");
        let pem = format!("{}{impostor}{stranger}", compiled_pem("eu-west-1"));
        let checks = check_bundle("mixed", pem.as_bytes()).unwrap();
        let statuses: Vec<Status> = checks.iter().map(|c| c.status).collect();
        assert_eq!(
            statuses,
            [
                Status::CompiledIn,
                Status::CompiledIn,
                Status::CompiledIn,
                Status::Impostor,
                Status::SignedInFile
            ]
        );
        assert_eq!(checks[3].position, 4);
        assert!(checks[3]
            .detail
            .starts_with("claims to be the rds-ca-ecc384-g1 root of eu-west-1"));
        assert_eq!(checks[4].detail, "its self-signature verifies");
    }

    #[test]
    fn a_certificate_is_checked_against_its_issuer_in_the_file() {
        let ca_key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P384_SHA384).unwrap();
        let mut ca = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        ca.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        ca.distinguished_name
            .push(rcgen::DnType::CommonName, "rdsca test root");
        let ca = ca.self_signed(&ca_key).unwrap();
        let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P384_SHA384).unwrap();
        let mut inter = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        inter.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        inter
            .distinguished_name
            .push(rcgen::DnType::CommonName, "rdsca test intermediate");
        let inter = inter.signed_by(&key, &ca, &ca_key).unwrap();
        let alone = check_bundle("alone", inter.pem().as_bytes()).unwrap();
        assert_eq!(alone[0].status, Status::BadSignature);
        assert!(
            alone[0]
                .detail
                .contains("\"CN=rdsca test root\" is not in the bundle"),
            "{}",
            alone[0].detail
        );
        let both = check_bundle("both", format!("{}{}", inter.pem(), ca.pem()).as_bytes()).unwrap();
        assert_eq!(both[0].status, Status::SignedInFile);
        assert_eq!(
            both[0].detail,
            "its signature verifies against its issuer \"CN=rdsca test root\" in the file"
        );
        assert_eq!(both[1].detail, "its self-signature verifies");
    }

    #[test]
    fn no_bundle_is_an_error_naming_the_input() {
        let e = check_bundle("notes.txt", b"hello").unwrap_err();
        assert!(e.contains("notes.txt"), "{e}");
    }
}
