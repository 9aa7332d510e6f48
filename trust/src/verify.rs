//! Verifying a bundle before a user or the cache sees it.
//!
//! Every certificate is either byte-identical to one compiled into the provider (the generator
//! verified its signature at build time, so a SHA-256 lookup stands for that check) or its
//! signature must verify against an issuer in the same bundle (a root against itself). Then each
//! certificate's CN claim is held against the compiled-in certificates: a certificate that names a
//! Region and CA the provider holds a certificate for, but is another certificate, is an impostor.
//! Roots of Regions the table does not know, and roots the provider holds no copy of, are
//! findings, not errors: the bundle is newer than the provider, or the partition has no known
//! roots (signature alone vouches for them).
//!
//! Signatures use x509-parser's `verify` feature: the certificates are already parsed with
//! x509-parser, and its backend, ring, is already compiled in for rustls; it covers every
//! algorithm RDS uses (RSA PKCS#1 with SHA-256/384, ECDSA P-384 with SHA-384), and legacy
//! SHA-1 RSA for the expired generations old bundles still carry.

use std::collections::BTreeSet;

use x509_parser::prelude::{FromDer, X509Certificate};

use super::certificate::CertificateInfo;
use rdsca_table::{CommonNameClaim, KnownCertificate};

/// Bumped when verification changes, so cache entries verified by an older rule are re-verified.
const VERIFY_VERSION: u32 = 1;

/// Names what a cache entry was verified with: this rule and this set of compiled-in certificates.
pub fn verifier_id() -> String {
    format!("v{VERIFY_VERSION}:{}", KnownCertificate::set_digest())
}

/// Why a bundle was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("certificate {position} (\"{common_name}\") failed verification: {reason}")]
    Signature {
        /// 1-based position in the bundle.
        position: usize,
        common_name: String,
        reason: String,
    },
    #[error("certificate {position} (\"{common_name}\") claims to be the {ca} {kind} of {region}, but it is not the one this provider knows: SHA-256 {actual}, expected {expected}. It is an impostor (or AWS re-issued that {kind}; then upgrade the provider)")]
    Impostor {
        position: usize,
        common_name: String,
        /// The Region, with a special set's name before it (`Beta us-east-1`).
        region: String,
        ca: String,
        /// `root` or `intermediate`.
        kind: &'static str,
        expected: String,
        actual: String,
    },
}

/// Something about a verified bundle the user should hear, not an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// Root CNs naming Regions (or special sets) the provider's table does not know: the bundle
    /// is newer than this provider. Sorted, without duplicates.
    UnknownRegions(Vec<String>),
    /// Roots of known Regions that the provider holds no copy of: their signatures verify, but
    /// nothing pins them. Their CNs.
    SignatureOnly(Vec<String>),
}

/// Which signatures to verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signatures {
    /// Those of certificates that are not compiled in (a compiled-in certificate's signature was
    /// verified when the provider was built): a fresh download.
    Unknown,
    /// Every one, compiled in or not: for tests and benchmarks of the verifier itself.
    All,
    /// None: a body verified before by this same verifier (a cache entry); claims are still
    /// checked.
    Skip,
}

/// The outcome of verification, and how much signature work it took.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Verification {
    pub findings: Vec<Finding>,
    pub signatures_checked: usize,
}

/// Verifies `certs` (the records of `ders`, in bundle order) and marks the compiled-in ones.
pub fn verify(
    ders: &[Vec<u8>],
    certs: &mut [CertificateInfo],
    signatures: Signatures,
) -> Result<Verification, Box<VerifyError>> {
    let mut out = Verification::default();
    let mut unknown_regions = BTreeSet::new();
    let mut signature_only = Vec::new();
    let mut parsed: Vec<Option<X509Certificate>> = Vec::new();
    if signatures != Signatures::Skip {
        parsed = ders
            .iter()
            .map(|d| X509Certificate::from_der(d).ok().map(|(_, c)| c))
            .collect();
    }
    for (i, cert) in certs.iter_mut().enumerate() {
        let known = KnownCertificate::by_sha256(&cert.sha256_fingerprint);
        cert.compiled_in = known.is_some();
        let check = match signatures {
            Signatures::All => true,
            Signatures::Unknown => known.is_none(),
            Signatures::Skip => false,
        };
        if check {
            out.signatures_checked += 1;
            check_signature(&parsed, i).map_err(|reason| {
                Box::new(VerifyError::Signature {
                    position: i + 1,
                    common_name: cert.common_name.clone(),
                    reason,
                })
            })?;
        }
        let Some(claim) = CommonNameClaim::parse(&cert.common_name) else {
            continue;
        };
        let region = match claim.set {
            Some(set) => format!("{set} {}", claim.region),
            None => claim.region.to_string(),
        };
        match claim.known_certificate() {
            Some(k) if k.sha256 != cert.sha256_fingerprint => {
                return Err(Box::new(VerifyError::Impostor {
                    position: i + 1,
                    common_name: cert.common_name.clone(),
                    region,
                    ca: claim.ca.as_str().to_string(),
                    kind: kind_name(claim.kind),
                    expected: k.sha256.to_string(),
                    actual: cert.sha256_fingerprint.clone(),
                }));
            }
            Some(_) => {}
            None if !claim.is_known_to_table() => {
                unknown_regions.insert(region);
            }
            None if cert.is_root => signature_only.push(cert.common_name.clone()),
            None => {}
        }
    }
    if !unknown_regions.is_empty() {
        out.findings.push(Finding::UnknownRegions(
            unknown_regions.into_iter().collect(),
        ));
    }
    if !signature_only.is_empty() {
        out.findings.push(Finding::SignatureOnly(signature_only));
    }
    Ok(out)
}

fn kind_name(kind: rdsca_table::CertKind) -> &'static str {
    match kind {
        rdsca_table::CertKind::Root => "root",
        rdsca_table::CertKind::Intermediate => "intermediate",
    }
}

/// Certificate `i`'s signature must verify with the key of a certificate of the bundle whose
/// subject is its issuer (itself, for a root).
fn check_signature(parsed: &[Option<X509Certificate>], i: usize) -> Result<(), String> {
    let cert = parsed[i].as_ref().ok_or("it does not parse as X.509")?;
    let issuers: Vec<&X509Certificate> = parsed
        .iter()
        .flatten()
        .filter(|c| c.subject().as_raw() == cert.issuer().as_raw())
        .collect();
    if issuers.is_empty() {
        return Err(format!(
            "its issuer \"{}\" is not in the bundle, so its signature cannot be checked",
            cert.issuer()
        ));
    }
    let mut last = None;
    for issuer in issuers {
        match cert.verify_signature(Some(issuer.public_key())) {
            Ok(()) => return Ok(()),
            Err(e) => last = Some(e),
        }
    }
    let what = if cert.subject().as_raw() == cert.issuer().as_raw() {
        "its self-signature does not verify"
    } else {
        "its signature does not verify against its issuer"
    };
    Err(format!(
        "{what} ({}): the certificate was altered or is forged",
        last.map(|e| e.to_string()).unwrap_or_default()
    ))
}
