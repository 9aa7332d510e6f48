//! The Amazon Trust Services roots: the `[[proxy_root]]` and `[[proxy_partition]]` tables of the
//! data file, the certificates they name under `data/amazon-trust/`, and the typed Rust emitted for
//! them.
//!
//! RDS Proxy endpoints present ACM certificates, which chain to these roots and not to the RDS CAs.
//! This module owns the rules a root must pass before the provider trusts it, each failure naming the
//! file, the line and the field: the file holds exactly one X.509 certificate; its CN is the declared
//! name; it is a CA, self-issued, and its signature verifies with its own key; its key is the declared
//! one; it is valid now (not before its start, not expired, and the window is not inverted); its
//! SHA-256 is the declared one and the SHA-256 of its public key (SubjectPublicKeyInfo) is the one
//! Amazon publishes; no name or file appears twice (a name is the certificate's CN, so one
//! certificate cannot be declared twice either). Each partition of the table says once
//! whether a source confirms which roots its proxies chain to, or whether that is unverified.
//!
//! It depends on the table's model (partitions, sources) and on nothing of the provider.

use std::collections::BTreeSet;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::check::{named_records, Identifiers, Reporter};
use crate::error::TableError;
use crate::model::Partition;
pub use crate::model::{AmazonTrust, ProxyPartition, ProxyRoot, ProxyTrustState};
use crate::rust::{byte_lit, opt_lit, phf_map, slice_lines, static_item};
pub use crate::x509::key_description;
use crate::x509::{certificate, sha256_hex};

// ---------------------------------------------------------------------------------------------
// Raw records, as written in the data file.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawProxyRoot {
    name: Spanned<String>,
    file: Spanned<String>,
    key_algorithm: Spanned<String>,
    key_size: Option<u32>,
    curve: Option<String>,
    sha256: Spanned<String>,
    published_spki_sha256: Spanned<String>,
    source: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawProxyPartition {
    partition: Spanned<String>,
    state: Spanned<String>,
    roots: Spanned<Vec<Spanned<String>>>,
    source: Spanned<String>,
    note: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Checks.

/// The build's clock, in Unix seconds (0 if the clock is before 1970).
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// What the checks need from the rest of the data file.
pub struct Context<'a> {
    /// The data file's name, for error messages; certificate files are relative to `base`.
    pub file: &'a str,
    pub text: &'a str,
    pub base: &'a Path,
    pub sources: &'a BTreeSet<String>,
    pub partitions: &'a [Partition],
    /// Unix seconds: roots must be valid at this time (the build's clock).
    pub now: i64,
}

struct Checker<'a> {
    ctx: &'a Context<'a>,
    report: Reporter<'a>,
}

/// Checks the `[[proxy_root]]` and `[[proxy_partition]]` records, pushing every failure to `errors`.
pub fn check(
    ctx: &Context,
    raw_roots: Vec<Spanned<RawProxyRoot>>,
    raw_partitions: Vec<Spanned<RawProxyPartition>>,
    errors: &mut Vec<TableError>,
) -> AmazonTrust {
    let mut c = Checker {
        ctx,
        report: Reporter {
            file: ctx.file,
            text: ctx.text,
            errors,
        },
    };
    let mut roots: Vec<ProxyRoot> = Vec::new();
    // A root's name is its certificate's CN: unique, so one certificate is not declared twice.
    let mut names = Identifiers::new("proxy root");
    let mut files = BTreeSet::new();
    for (owner, raw) in named_records("proxy_root", raw_roots, |r| r.name.get_ref()) {
        if !c
            .report
            .unique_id(&mut names, &raw.name, format!("{owner}.name"))
        {
            continue;
        }
        if !files.insert(raw.file.get_ref().clone()) {
            c.report.err(
                raw.file.span(),
                format!("{owner}.file"),
                format!(
                    "{:?} is already the file of another proxy root",
                    raw.file.get_ref()
                ),
            );
            continue;
        }
        c.report
            .source_ref(ctx.sources, &raw.source, format!("{owner}.source"));
        if let Some(root) = check_root(&mut c, &owner, raw) {
            roots.push(root);
        }
    }
    let partitions = check_partitions(&mut c, raw_partitions, &names.seen);
    AmazonTrust { roots, partitions }
}

fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The key a `[[proxy_root]]` declares, or why the declaration is malformed.
fn declared_key(raw: &RawProxyRoot) -> Result<String, String> {
    match (
        raw.key_algorithm.get_ref().as_str(),
        raw.key_size,
        raw.curve.as_deref(),
    ) {
        ("RSA", Some(bits), None) => Ok(format!("RSA {bits}")),
        ("EC", None, Some(curve)) => Ok(format!("EC {curve}")),
        (alg, _, _) => Err(format!(
            "{alg:?} with key_size {:?} and curve {:?}: expected key_algorithm \"RSA\" with key_size, or \"EC\" with curve (\"P-256\", \"P-384\")",
            raw.key_size, raw.curve
        )),
    }
}

/// Why a certificate valid from `not_before` to `not_after` (Unix seconds) cannot be trusted at
/// `now`, if it cannot: its window is inverted, it has expired, or it is not valid yet.
fn validity_fault(not_before: i64, not_after: i64, now: i64) -> Option<String> {
    let when = |t: i64| {
        x509_parser::time::ASN1Time::from_timestamp(t)
            .map(|t| t.to_string())
            .unwrap_or_else(|_| t.to_string())
    };
    let (start, end, now_text) = (when(not_before), when(not_after), when(now));
    if not_before >= not_after {
        Some(format!(
            "the validity window is inverted: notBefore {start} is not before notAfter {end}"
        ))
    } else if not_after <= now {
        Some(format!(
            "expired on {end} (now {now_text}): replace it with Amazon's current certificate for this root"
        ))
    } else if not_before > now {
        Some(format!(
            "not valid yet: notBefore {start} is after now ({now_text})"
        ))
    } else {
        None
    }
}

fn check_root(c: &mut Checker, owner: &str, raw: RawProxyRoot) -> Option<ProxyRoot> {
    let path = c.ctx.base.join(raw.file.get_ref());
    let shown = path.display().to_string();
    // Errors about the certificate itself name its file; errors about declarations name the data file.
    let cert_err = |c: &mut Checker, field: &str, message: String| {
        c.report.errors.push(TableError {
            file: shown.clone(),
            line: 1,
            field: format!("{owner}.{field}"),
            message,
        })
    };
    let want_key = match declared_key(&raw) {
        Ok(k) => Some(k),
        Err(m) => {
            c.report.err(
                raw.key_algorithm.span(),
                format!("{owner}.key_algorithm"),
                m,
            );
            None
        }
    };
    for (field, value) in [
        ("sha256", &raw.sha256),
        ("published_spki_sha256", &raw.published_spki_sha256),
    ] {
        if !is_sha256_hex(value.get_ref()) {
            c.report.err(
                value.span(),
                format!("{owner}.{field}"),
                format!(
                    "{:?} is not a SHA-256 in lowercase hex (64 characters 0-9a-f)",
                    value.get_ref()
                ),
            );
        }
    }
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            c.report.err(
                raw.file.span(),
                format!("{owner}.file"),
                format!("cannot read {shown}: {e}"),
            );
            return None;
        }
    };
    let der = match rdsca_bundle_format::certificate_ders(&bytes, &shown) {
        Ok(mut ders) if ders.len() == 1 => ders.remove(0),
        Ok(ders) => {
            cert_err(
                c,
                "file",
                format!(
                    "holds {} certificates: a proxy root's file holds exactly one",
                    ders.len()
                ),
            );
            return None;
        }
        Err(e) => {
            cert_err(c, "file", e.to_string());
            return None;
        }
    };
    let cert = match certificate(&der) {
        Ok(cert) => cert,
        Err(message) => {
            cert_err(c, "file", message);
            return None;
        }
    };
    // What is wrong with the certificate itself, as (field, message): any of it, and the root is
    // not kept. Reported after every check has run, in this order.
    let mut faults: Vec<(&str, String)> = Vec::new();
    let cn = crate::certificates::common_name(&cert);
    if &cn != raw.name.get_ref() {
        faults.push((
            "name",
            format!(
                "the certificate's CN is {cn:?}, the data file names it {:?}",
                raw.name.get_ref()
            ),
        ));
    }
    if !cert.is_ca() {
        faults.push((
            "file",
            "not a CA certificate (basicConstraints cA is not true): a root must be a CA".into(),
        ));
    }
    if cert.subject().as_raw() != cert.issuer().as_raw() {
        faults.push((
            "file",
            format!(
                "not self-issued: issuer {:?} differs from subject {:?}",
                cert.issuer().to_string(),
                cert.subject().to_string()
            ),
        ));
    } else if let Err(e) = cert.verify_signature(None) {
        faults.push((
            "file",
            format!("the self-signature does not verify with the certificate's own key ({e})"),
        ));
    }
    let have_key = key_description(&cert);
    if let Some(want) = &want_key {
        if &have_key != want {
            faults.push((
                "key_algorithm",
                format!("the data file declares an {want} key, the certificate's is {have_key}"),
            ));
        }
    }
    let not_before = cert.validity().not_before.timestamp();
    let not_after = cert.validity().not_after.timestamp();
    if let Some(fault) = validity_fault(not_before, not_after, c.ctx.now) {
        faults.push(("file", fault));
    }
    let sha256 = sha256_hex(&der);
    if is_sha256_hex(raw.sha256.get_ref()) && &sha256 != raw.sha256.get_ref() {
        faults.push((
            "sha256",
            format!(
                "the certificate's SHA-256 is {sha256}, the data file declares {}",
                raw.sha256.get_ref()
            ),
        ));
    }
    let spki_sha256 = sha256_hex(cert.public_key().raw);
    if is_sha256_hex(raw.published_spki_sha256.get_ref())
        && &spki_sha256 != raw.published_spki_sha256.get_ref()
    {
        faults.push((
            "published_spki_sha256",
            format!(
                "the SHA-256 of the certificate's public key is {spki_sha256}, Amazon publishes {} for {:?}",
                raw.published_spki_sha256.get_ref(),
                raw.name.get_ref()
            ),
        ));
    }
    let ok = faults.is_empty();
    for (field, message) in faults {
        cert_err(c, field, message);
    }
    let valid_declarations = want_key.is_some()
        && is_sha256_hex(raw.sha256.get_ref())
        && is_sha256_hex(raw.published_spki_sha256.get_ref());
    (ok && valid_declarations).then(|| ProxyRoot {
        name: cn,
        file: raw.file.into_inner(),
        key: have_key,
        sha256,
        spki_sha256,
        subject: cert.subject().to_string(),
        not_before,
        not_after,
        der: der.clone(),
        source: raw.source.into_inner(),
    })
}

fn check_partitions(
    c: &mut Checker,
    raw: Vec<Spanned<RawProxyPartition>>,
    root_names: &BTreeSet<String>,
) -> Vec<ProxyPartition> {
    let mut out: Vec<ProxyPartition> = Vec::new();
    let whole = raw.first().map(|p| p.span()).unwrap_or(0..0);
    for (owner, p) in named_records("proxy_partition", raw, |p| p.partition.get_ref()) {
        let id = p.partition.get_ref().clone();
        if !c.ctx.partitions.iter().any(|x| x.id == id) {
            let known: Vec<&str> = c.ctx.partitions.iter().map(|x| x.id.as_str()).collect();
            c.report.err(
                p.partition.span(),
                format!("{owner}.partition"),
                format!(
                    "unknown partition {id:?}; declared partitions: {}",
                    known.join(", ")
                ),
            );
            continue;
        }
        if out.iter().any(|x| x.partition == id) {
            c.report.err(
                p.partition.span(),
                format!("{owner}.partition"),
                format!("partition {id:?} has a second [[proxy_partition]]: one per partition"),
            );
            continue;
        }
        let state = match ProxyTrustState::ALL
            .iter()
            .find(|(name, _)| name == p.state.get_ref())
        {
            Some((_, s)) => *s,
            None => {
                let allowed: Vec<String> = ProxyTrustState::ALL
                    .iter()
                    .map(|(n, _)| format!("{n:?}"))
                    .collect();
                c.report.err(
                    p.state.span(),
                    format!("{owner}.state"),
                    format!(
                        "{:?} is not a state; allowed: {}",
                        p.state.get_ref(),
                        allowed.join(", ")
                    ),
                );
                continue;
            }
        };
        c.report.not_empty(
            &p.roots,
            format!("{owner}.roots"),
            "lists no root: name the [[proxy_root]]s a proxy's certificate may chain to",
        );
        let mut roots: Vec<String> = Vec::new();
        for r in p.roots.get_ref() {
            if !root_names.contains(r.get_ref()) {
                let known: Vec<&str> = root_names.iter().map(String::as_str).collect();
                c.report.err(
                    r.span(),
                    format!("{owner}.roots"),
                    format!(
                        "unknown proxy root {:?}; declared: {}",
                        r.get_ref(),
                        known.join(", ")
                    ),
                );
            } else if roots.contains(r.get_ref()) {
                c.report.err(
                    r.span(),
                    format!("{owner}.roots"),
                    format!("{:?} is listed twice", r.get_ref()),
                );
            } else {
                roots.push(r.get_ref().clone());
            }
        }
        c.report
            .source_ref(c.ctx.sources, &p.source, format!("{owner}.source"));
        out.push(ProxyPartition {
            partition: id,
            state,
            roots,
            source: p.source.into_inner(),
            note: p.note,
        });
    }
    if !root_names.is_empty() {
        let missing: Vec<&str> = c
            .ctx
            .partitions
            .iter()
            .filter(|p| !out.iter().any(|x| x.partition == p.id))
            .map(|p| p.id.as_str())
            .collect();
        if !missing.is_empty() {
            c.report.err(
                whole,
                "proxy_partition",
                format!(
                    "no [[proxy_partition]] for {}: every partition says whether its proxies' roots are confirmed or unverified",
                    missing.join(", ")
                ),
            );
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Rust.

/// The record types of the generated Amazon Trust Services statics. The generator owns them.
const TYPES: &str = r#"
/// An Amazon Trust Services root, from `data/amazon-trust/`, checked by the generator (CN, CA,
/// self-signature, key, validity, certificate and published key fingerprints).
#[derive(Debug, PartialEq, Eq)]
pub struct TrustRoot {
    /// The certificate's CN, e.g. `Amazon Root CA 1`.
    pub name: &'static str,
    /// The subject, as RFC 4514 text.
    pub subject: &'static str,
    /// `RSA 2048`, `EC P-256`, ...
    pub key: &'static str,
    /// SHA-256 of the DER, lowercase hex.
    pub sha256: &'static str,
    /// SHA-256 of the SubjectPublicKeyInfo, lowercase hex, as Amazon publishes it.
    pub spki_sha256: &'static str,
    pub der: &'static [u8],
    /// Unix seconds.
    pub not_before: i64,
    /// Unix seconds.
    pub not_after: i64,
}

/// Whether a source says which roots a partition's RDS Proxy certificates chain to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProxyTrustState {
    /// A source confirms it.
    Confirmed,
    /// No source says: the roots are the best knowledge, to be handed out with a warning.
    Unverified,
}

/// What the table says of RDS Proxy (ACM) certificates in one partition.
#[derive(Debug, PartialEq, Eq)]
pub struct ProxyTrust {
    pub partition: &'static str,
    pub state: ProxyTrustState,
    /// Indexes into `AMAZON_TRUST_ROOTS`, in the data file's order.
    pub roots: &'static [usize],
    /// The URL of the source behind `state`.
    pub source_url: &'static str,
    pub note: Option<&'static str>,
}
"#;

/// The Rust source for the Amazon Trust Services roots and the per-partition proxy trust;
/// `source_url` maps a source id to its URL.
pub fn rust(trust: &AmazonTrust, source_url: impl Fn(&str) -> String) -> String {
    let mut out = String::from(TYPES);
    let roots = trust.roots.iter().map(|r| {
        format!(
            "TrustRoot {{ name: {:?}, subject: {:?}, key: {:?}, sha256: {:?}, spki_sha256: {:?}, der: {}, not_before: {}, not_after: {} }}",
            r.name,
            r.subject,
            r.key,
            r.sha256,
            r.spki_sha256,
            byte_lit(&r.der),
            r.not_before,
            r.not_after
        )
    });
    static_item(
        &mut out,
        "The Amazon Trust Services roots ACM public certificates (and so RDS Proxy endpoints) chain to.",
        "AMAZON_TRUST_ROOTS",
        "&[TrustRoot]",
        &slice_lines(roots),
    );
    let partitions = phf_map(trust.partitions.iter().map(|p| {
        let indexes: Vec<String> = p
            .roots
            .iter()
            .filter_map(|n| trust.roots.iter().position(|r| &r.name == n))
            .map(|i| i.to_string())
            .collect();
        (
            p.partition.as_str(),
            format!(
                "ProxyTrust {{ partition: {:?}, state: ProxyTrustState::{:?}, roots: &[{}], source_url: {:?}, note: {} }}",
                p.partition,
                p.state,
                indexes.join(", "),
                source_url(&p.source),
                opt_lit(&p.note)
            ),
        )
    }));
    static_item(
        &mut out,
        "Partition id → what the table says of its RDS Proxy certificates' roots.",
        "PROXY_TRUST",
        "phf::Map<&'static str, ProxyTrust>",
        &partitions,
    );
    out
}
