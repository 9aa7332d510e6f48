//! The RDS certificates the table compiles in: reading a partition's PEM file and checking every
//! certificate in it before the provider trusts it.
//!
//! Rules, each failure naming the file, the line of the certificate's BEGIN line and its CN:
//! the block is an X.509 certificate; its CN has the form of a CA of the table (root or
//! intermediate) for a Region of this partition, or for a declared special set; its key is that
//! CA's; a root is self-issued and its signature verifies with its own key, an intermediate's with
//! its Region's root in the same file; no certificate appears twice, nor two for one Region, CA and
//! kind; and every Region of the partition has a root for every CA (the bundles carry all three
//! everywhere, even where RDS does not offer a CA).

use std::collections::BTreeMap;
use std::path::Path;

use x509_parser::prelude::X509Certificate;

use crate::error::TableError;
use crate::model::{
    Ca, CertKind, CertificateFile, KnownCertificate, Partition, Region, SpecialSet,
};
use rdsca_bundle_format::{located_pem_certificates, LocatedCertificate};
use rdsca_ids::parse_common_name;

use crate::x509::{certificate, key_description, sha256_hex};

/// What an RDS certificate's CN claims: the CA, root or intermediate, and the Region (with a
/// special set's name before it, if any). The Region is whatever the CN says, known or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim<'a> {
    pub set: Option<&'a str>,
    pub region: &'a str,
    pub ca: &'a Ca,
    pub kind: CertKind,
}

/// Reads `common_name` against the CN forms of `cas` (the identifier rules' reader):
/// `Amazon RDS [<Set> ]<region> Root CA RSA2048 G1` and, for CAs with intermediates,
/// `Amazon RDS <region> RSA2048 G1`.
pub fn recognise<'a>(cas: &'a [Ca], common_name: &'a str) -> Option<Claim<'a>> {
    let forms = cas.iter().map(|ca| {
        (
            ca,
            ca.root_common_name.as_str(),
            ca.intermediate_common_name.as_deref(),
        )
    });
    parse_common_name(common_name, forms).map(|c| Claim {
        set: c.set,
        region: c.region,
        ca: c.ca,
        kind: c.kind,
    })
}

/// A certificate's subject CN, or "" when it has none.
pub fn common_name(cert: &X509Certificate) -> String {
    cert.subject()
        .iter_common_name()
        .next()
        .and_then(|a| a.as_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// The table as far as certificates need it.
pub struct Context<'a> {
    pub cas: &'a [Ca],
    pub regions: &'a [Region],
    pub special_sets: &'a [SpecialSet],
}

/// The certificates of a PEM file with the line of each BEGIN line (the bundle parser's reader);
/// a block that is not a certificate is an error on its line, and the file is not checked further.
fn blocks(path: &str, text: &str, errors: &mut Vec<TableError>) -> Option<Vec<LocatedCertificate>> {
    located_pem_certificates(text.as_bytes(), path)
        .map_err(|e| {
            errors.push(TableError {
                file: path.into(),
                line: e.line.unwrap_or(0),
                field: "(certificate)".into(),
                message: e.message,
            })
        })
        .ok()
}

/// The key a CA's certificates must have, as read from a certificate.
fn key_matches(ca: &Ca, cert: &X509Certificate) -> Result<(), String> {
    let have = key_description(cert);
    let want = match (&ca.key_size, &ca.curve) {
        (Some(bits), _) => format!("RSA {bits}"),
        (None, Some(curve)) => format!("EC {curve}"),
        (None, None) => return Ok(()),
    };
    if have == want {
        Ok(())
    } else {
        Err(format!("{} needs an {want} key, this one is {have}", ca.id))
    }
}

/// Reads and checks `file` (relative to `base`) for `partition`.
pub fn check_file(
    ctx: &Context,
    partition: &Partition,
    file: &CertificateFile,
    base: &Path,
    errors: &mut Vec<TableError>,
) -> Vec<KnownCertificate> {
    let path = base.join(&file.file);
    let shown = path.display().to_string();
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            errors.push(TableError {
                file: shown,
                line: 0,
                field: "(file)".into(),
                message: format!(
                    "cannot read the certificates of partition {:?}: {e}",
                    partition.id
                ),
            });
            return Vec::new();
        }
    };
    let mut found: Vec<(KnownCertificate, usize)> = Vec::new();
    let mut by_sha: BTreeMap<String, usize> = BTreeMap::new();
    let Some(blocks) = blocks(&shown, &text, errors) else {
        return Vec::new();
    };
    for block in blocks {
        let mut fail = |field: String, message: String| {
            errors.push(TableError {
                file: shown.clone(),
                line: block.line,
                field,
                message,
            })
        };
        let cert = match certificate(&block.der) {
            Ok(cert) => cert,
            Err(message) => {
                fail("(certificate)".into(), message);
                continue;
            }
        };
        let cn = common_name(&cert);
        let field = format!("certificate {cn:?}");
        let Some(claim) = recognise(ctx.cas, &cn) else {
            let forms: Vec<&str> = ctx
                .cas
                .iter()
                .map(|c| c.root_common_name.as_str())
                .collect();
            fail(
                field,
                format!(
                    "the CN names no CA of the table; root CNs look like {}",
                    forms.join(", ")
                ),
            );
            continue;
        };
        match claim.set {
            None => match ctx.regions.iter().find(|r| r.code == claim.region) {
                None => {
                    fail(
                        field,
                        format!("Region {:?} is not in the table", claim.region),
                    );
                    continue;
                }
                Some(r) if r.partition != partition.id => {
                    fail(
                        field,
                        format!(
                            "Region {} is in partition {:?}, not {:?}",
                            r.code, r.partition, partition.id
                        ),
                    );
                    continue;
                }
                Some(_) => {}
            },
            Some(set) => {
                if !ctx
                    .special_sets
                    .iter()
                    .any(|s| s.name == set && s.region == claim.region)
                {
                    fail(
                        field,
                        format!("{set} {} is not a declared [[special_set]]", claim.region),
                    );
                    continue;
                }
            }
        }
        if let Err(m) = key_matches(claim.ca, &cert) {
            fail(field, m);
            continue;
        }
        let sha256 = sha256_hex(&block.der);
        if let Some(first) = by_sha.get(&sha256) {
            fail(
                field,
                format!("the same certificate as the one on line {first}"),
            );
            continue;
        }
        by_sha.insert(sha256.clone(), block.line);
        let record = KnownCertificate {
            partition: partition.id.clone(),
            set: claim.set.map(str::to_string),
            region: claim.region.to_string(),
            ca: claim.ca.id.clone(),
            kind: claim.kind,
            common_name: cn.clone(),
            sha256,
            not_after: cert.validity().not_after.timestamp(),
            der: block.der.clone(),
        };
        if let Some((twin, line)) = found.iter().find(|(c, _)| {
            (&c.set, &c.region, &c.ca, c.kind)
                == (&record.set, &record.region, &record.ca, record.kind)
        }) {
            fail(
                field,
                format!(
                    "a second {:?} certificate for {} {} (the first, {}, is on line {line})",
                    record.kind, record.region, record.ca, twin.sha256
                ),
            );
            continue;
        }
        found.push((record, block.line));
    }
    // Signatures, once every certificate of the file is known (intermediates need their root).
    for (record, line) in &found {
        let cert = certificate(&record.der).expect("parsed above");
        let issuer_der = match record.kind {
            CertKind::Root => {
                if cert.subject().as_raw() != cert.issuer().as_raw() {
                    Err("a root must be self-issued (subject = issuer)".to_string())
                } else {
                    Ok(record.der.clone())
                }
            }
            CertKind::Intermediate => found
                .iter()
                .find(|(c, _)| {
                    c.kind == CertKind::Root
                        && (&c.set, &c.region, &c.ca) == (&record.set, &record.region, &record.ca)
                })
                .map(|(c, _)| c.der.clone())
                .ok_or_else(|| {
                    format!(
                        "its root (the {} root of {}) is not in the file",
                        record.ca, record.region
                    )
                }),
        };
        let verdict = issuer_der.and_then(|der| {
            let issuer = certificate(&der).expect("parsed above");
            if cert.issuer().as_raw() != issuer.subject().as_raw() {
                return Err(format!(
                    "its issuer is not {:?}",
                    issuer.subject().to_string()
                ));
            }
            cert.verify_signature(Some(issuer.public_key()))
                .map_err(|e| format!("the signature does not verify ({e})"))
        });
        if let Err(message) = verdict {
            errors.push(TableError {
                file: shown.clone(),
                line: *line,
                field: format!("certificate {:?}", record.common_name),
                message,
            });
        }
    }
    // Completeness: every Region of the partition, every CA.
    for region in ctx.regions.iter().filter(|r| r.partition == partition.id) {
        let missing: Vec<&str> = ctx
            .cas
            .iter()
            .filter(|ca| {
                !found.iter().any(|(c, _)| {
                    c.set.is_none()
                        && c.region == region.code
                        && c.ca == ca.id
                        && c.kind == CertKind::Root
                })
            })
            .map(|ca| ca.id.as_str())
            .collect();
        if !missing.is_empty() {
            errors.push(TableError {
                file: shown.clone(),
                line: 0,
                field: format!("region {}", region.code),
                message: format!("no root for {}: every Region of a partition with a certificate file needs all of its CAs' roots", missing.join(", ")),
            });
        }
    }
    let mut out: Vec<KnownCertificate> = found.into_iter().map(|(c, _)| c).collect();
    out.sort_by(|a, b| (&a.set, &a.region, &a.ca, a.kind).cmp(&(&b.set, &b.region, &b.ca, b.kind)));
    out
}
