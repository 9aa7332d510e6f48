//! Comparing a real RDS bundle (as the truststore serves it: PEM or PKCS#7) with the table and the
//! certificates it compiles in, so a maintainer sees what AWS changed: a Region the table lacks, a
//! Region the bundle no longer carries, a root that is not the one compiled in.
//!
//! Not differences, and reported apart: the roots of special sets (Beta, Preview), and certificates
//! of older generations (rds-ca-2019, rds-ca-2015, GovCloud 2017), which the table does not model.
//! The file's partitions are inferred from the Regions its G1 certificates name.

use std::collections::BTreeSet;
use std::fmt;

use x509_parser::prelude::{FromDer, X509Certificate};

use crate::certificates::{common_name, recognise};
use crate::model::{Ca, CertKind, Table};
use crate::x509::sha256_hex;

pub use rdsca_bundle_format::ParseError;

/// Which certificate of the table a G1 certificate stands for.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct CertId {
    /// A special set's name (`Beta`, `Preview`), `None` for a Region's own certificate.
    pub set: Option<String>,
    pub region: String,
    pub ca: String,
    pub kind: CertKind,
}

impl fmt::Display for CertId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(set) = &self.set {
            write!(f, "{set} ")?;
        }
        let kind = match self.kind {
            CertKind::Root => "root",
            CertKind::Intermediate => "intermediate",
        };
        write!(f, "{} {} {kind}", self.region, self.ca)
    }
}

/// One way a bundle and the table disagree. Every one is unexplained: a bundle that matches the
/// table has none.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Difference {
    /// G1 certificates for a Region (or, with `set`, a special set) the table does not have:
    /// AWS added one. The CA ids of its roots and intermediates, in the table's CA order.
    UnknownRegion {
        set: Option<String>,
        region: String,
        roots: Vec<String>,
        intermediates: Vec<String>,
    },
    /// The bundle's certificate for a Region, CA and kind is not the one the table compiles in.
    Changed {
        id: CertId,
        common_name: String,
        bundle_sha256: String,
        table_sha256: String,
    },
    /// A certificate for a known Region (or special set) of a partition with a certificate file,
    /// which that file does not hold.
    NotCompiledIn {
        id: CertId,
        partition: String,
        common_name: String,
        sha256: String,
    },
    /// A certificate that is neither of a G1 CN form nor of an older RDS generation (a new
    /// generation, or not an RDS certificate at all).
    Unrecognised { common_name: String, sha256: String },
    /// A block that is not an X.509 certificate (1-based index in the bundle).
    Unreadable { index: usize, message: String },
    /// A Region of the file's partition (or a special set) without the roots of `cas` in the
    /// bundle; all of its CAs when the bundle does not carry the Region at all.
    Missing {
        set: Option<String>,
        region: String,
        partition: String,
        cas: Vec<String>,
        all: bool,
    },
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let named = |set: &Option<String>, region: &str| match set {
            Some(set) => format!("{set} {region}"),
            None => region.to_string(),
        };
        match self {
            Difference::UnknownRegion {
                set,
                region,
                roots,
                intermediates,
            } => {
                write!(f, "+ {}: in the bundle (", named(set, region))?;
                let mut parts = Vec::new();
                if !roots.is_empty() {
                    parts.push(format!("roots of {}", roots.join(", ")));
                }
                if !intermediates.is_empty() {
                    parts.push(format!("intermediates of {}", intermediates.join(", ")));
                }
                let what = if set.is_some() {
                    "a declared special set"
                } else {
                    "a Region of the table"
                };
                write!(f, "{}), not {what}", parts.join("; "))
            }
            Difference::Changed {
                id,
                common_name,
                bundle_sha256,
                table_sha256,
            } => write!(
                f,
                "~ {id} ({common_name:?}): the bundle's has sha256 {bundle_sha256}, the table compiles in {table_sha256}"
            ),
            Difference::NotCompiledIn {
                id,
                partition,
                common_name,
                sha256,
            } => write!(
                f,
                "+ {id} ({common_name:?}, sha256 {sha256}): in the bundle, not among the certificates of partition {partition}"
            ),
            Difference::Unrecognised {
                common_name,
                sha256,
            } => write!(
                f,
                "? {common_name:?} (sha256 {sha256}): no CN form of the table's CAs, nor of an older RDS generation"
            ),
            Difference::Unreadable { index, message } => {
                write!(f, "? certificate {index}: not a readable X.509 certificate ({message})")
            }
            Difference::Missing {
                set,
                region,
                partition,
                cas,
                all,
            } => {
                if *all {
                    write!(
                        f,
                        "- {} ({partition}): in the table, no root in the bundle",
                        named(set, region)
                    )
                } else {
                    write!(
                        f,
                        "- {} ({partition}): no root of {} in the bundle",
                        named(set, region),
                        cas.join(", ")
                    )
                }
            }
        }
    }
}

/// What a bundle holds, measured against the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Certificates in the bundle.
    pub certificates: usize,
    /// The partitions of the Regions its G1 certificates name, in table order.
    pub partitions: Vec<String>,
    /// Region certificates equal to the ones the table compiles in.
    pub matching: usize,
    /// Region certificates of partitions without a certificate file (nothing to compare them
    /// with; not differences).
    pub unchecked: usize,
    /// Special-set certificates (Beta, Preview) of declared sets, by set, Region and table CA
    /// order; listed apart. One that
    /// differs from the compiled-in one is also a [`Difference::Changed`].
    pub special: Vec<CertId>,
    /// CNs of certificates of older generations (rds-ca-2019, rds-ca-2015, GovCloud 2017), in
    /// bundle order: not compared.
    pub other_generations: Vec<String>,
    /// Sorted: unknown Regions, changed, not compiled in, unrecognised, unreadable, missing.
    pub differences: Vec<Difference>,
}

impl Report {
    /// One line per special set: its certificates, listed apart from the differences.
    pub fn special_lines(&self) -> Vec<String> {
        let mut sets: Vec<(Option<&str>, &str)> = self
            .special
            .iter()
            .map(|id| (id.set.as_deref(), id.region.as_str()))
            .collect();
        sets.dedup();
        sets.into_iter()
            .map(|(set, region)| {
                let of = |kind: CertKind| {
                    self.special
                        .iter()
                        .filter(|id| {
                            id.set.as_deref() == set && id.region == region && id.kind == kind
                        })
                        .map(|id| id.ca.as_str())
                        .collect::<Vec<_>>()
                };
                let mut parts = Vec::new();
                for (kind, word) in [
                    (CertKind::Root, "roots"),
                    (CertKind::Intermediate, "intermediates"),
                ] {
                    let cas = of(kind);
                    if !cas.is_empty() {
                        parts.push(format!("{word} of {}", cas.join(", ")));
                    }
                }
                format!(
                    "= {} {region}: special set, not a Region: {}",
                    set.unwrap_or_default(),
                    parts.join("; ")
                )
            })
            .collect()
    }

    /// The closing line for `file`.
    pub fn summary(&self, file: &str) -> String {
        let partitions = if self.partitions.is_empty() {
            "no partition of the table".to_string()
        } else {
            format!("partition {}", self.partitions.join(", "))
        };
        let unchecked = if self.unchecked > 0 {
            format!(", {} with nothing compiled in to compare", self.unchecked)
        } else {
            String::new()
        };
        let n = self.differences.len();
        format!(
            "{file}: {} certificates, {partitions}: {} Region certificates as the table compiles them in{unchecked}, {} of special sets, {} of older generations (not compared); {n} difference{}",
            self.certificates,
            self.matching,
            self.special.len(),
            self.other_generations.len(),
            if n == 1 { "" } else { "s" }
        )
    }
}

/// A CN of an older RDS generation: `Amazon RDS Root 2019 CA`, `Amazon RDS <region> 2019 CA`,
/// `Amazon RDS <region> Root CA`, `Amazon RDS <region> CA`, `Amazon RDS Root CA`, `Amazon RDS
/// GovCloud Root CA` (and the Beta / Preview 2019 ones). A G1 CN ends in `G1` instead.
fn older_generation(common_name: &str) -> bool {
    common_name.starts_with("Amazon RDS ") && common_name.ends_with(" CA")
}

/// Compares the bundle `bytes` (any form [`rdsca_bundle_format::certificate_ders`] reads; `origin`
/// names it in errors) with `table`.
pub fn diff(table: &Table, bytes: &[u8], origin: &str) -> Result<Report, ParseError> {
    let ders = rdsca_bundle_format::certificate_ders(bytes, origin)?;
    let mut report = Report {
        certificates: ders.len(),
        partitions: Vec::new(),
        matching: 0,
        unchecked: 0,
        special: Vec::new(),
        other_generations: Vec::new(),
        differences: Vec::new(),
    };
    // Certificates of Regions (or sets) the table lacks, gathered per Region.
    let mut unknown: BTreeSet<CertId> = BTreeSet::new();
    // Every G1 certificate id the bundle holds, for the missing-root check.
    let mut present: BTreeSet<CertId> = BTreeSet::new();
    let mut partitions: BTreeSet<&str> = BTreeSet::new();
    for (i, der) in ders.iter().enumerate() {
        let sha256 = sha256_hex(der);
        let cert = match X509Certificate::from_der(der) {
            Ok((_, cert)) => cert,
            Err(e) => {
                report.differences.push(Difference::Unreadable {
                    index: i + 1,
                    message: e.to_string(),
                });
                continue;
            }
        };
        let cn = common_name(&cert);
        let Some(claim) = recognise(&table.cas, &cn) else {
            if older_generation(&cn) {
                report.other_generations.push(cn);
            } else {
                report.differences.push(Difference::Unrecognised {
                    common_name: cn,
                    sha256,
                });
            }
            continue;
        };
        let id = CertId {
            set: claim.set.map(str::to_string),
            region: claim.region.to_string(),
            ca: claim.ca.id.clone(),
            kind: claim.kind,
        };
        let partition = match claim.set {
            None => table.region(claim.region).map(|r| r.partition.as_str()),
            Some(set) => table
                .special_sets
                .iter()
                .find(|s| s.name == set && s.region == claim.region)
                .and_then(|s| table.region(&s.region))
                .map(|r| r.partition.as_str()),
        };
        let Some(partition) = partition else {
            unknown.insert(id);
            continue;
        };
        partitions.insert(partition);
        present.insert(id.clone());
        if claim.set.is_some() {
            report.special.push(id.clone());
        }
        let has_file = table
            .partition(partition)
            .is_some_and(|p| p.certificates.is_some());
        match table.certificate(claim.set, claim.region, &claim.ca.id, claim.kind) {
            // Special sets' certificates are counted in `special`, not here.
            Some(known) if known.sha256 == sha256 && claim.set.is_none() => report.matching += 1,
            Some(known) if known.sha256 == sha256 => {}
            Some(known) => report.differences.push(Difference::Changed {
                id,
                common_name: cn,
                bundle_sha256: sha256,
                table_sha256: known.sha256.clone(),
            }),
            None if has_file => report.differences.push(Difference::NotCompiledIn {
                id,
                partition: partition.to_string(),
                common_name: cn,
                sha256,
            }),
            None if claim.set.is_none() => report.unchecked += 1,
            None => {}
        }
    }
    // Unknown Regions and sets, one difference each.
    let mut groups: Vec<(Option<String>, String)> = unknown
        .iter()
        .map(|id| (id.set.clone(), id.region.clone()))
        .collect();
    groups.dedup();
    for (set, region) in groups {
        let cas_of = |kind: CertKind| -> Vec<String> {
            table
                .cas
                .iter()
                .filter(|ca| {
                    unknown.iter().any(|id| {
                        id.set == set && id.region == region && id.ca == ca.id && id.kind == kind
                    })
                })
                .map(|ca| ca.id.clone())
                .collect()
        };
        report.differences.push(Difference::UnknownRegion {
            roots: cas_of(CertKind::Root),
            intermediates: cas_of(CertKind::Intermediate),
            set,
            region,
        });
    }
    // Regions of the file's partitions without their roots: every CA's, as certificates.rs
    // requires of a partition's certificate file.
    // The CAs (of those `expected`) whose root for `set` and `region` the bundle lacks.
    let missing_roots = |set: Option<&str>, region: &str, expected: &dyn Fn(&Ca) -> bool| {
        table
            .cas
            .iter()
            .filter(|ca| expected(ca))
            .filter(|ca| {
                !present.contains(&CertId {
                    set: set.map(str::to_string),
                    region: region.to_string(),
                    ca: ca.id.clone(),
                    kind: CertKind::Root,
                })
            })
            .map(|ca| ca.id.clone())
            .collect::<Vec<String>>()
    };
    for region in table
        .regions
        .iter()
        .filter(|r| partitions.contains(r.partition.as_str()))
    {
        let missing = missing_roots(None, &region.code, &|_| true);
        if !missing.is_empty() {
            report.differences.push(Difference::Missing {
                set: None,
                region: region.code.clone(),
                partition: region.partition.clone(),
                all: missing.len() == table.cas.len(),
                cas: missing,
            });
        }
    }
    // Special sets of those partitions: the roots the table compiles in for them.
    for set in &table.special_sets {
        let Some(partition) = table.region(&set.region).map(|r| r.partition.as_str()) else {
            continue;
        };
        if !partitions.contains(partition) {
            continue;
        }
        let compiled: Vec<&str> = table
            .certificates
            .iter()
            .filter(|c| {
                c.set.as_deref() == Some(set.name.as_str())
                    && c.region == set.region
                    && c.kind == CertKind::Root
            })
            .map(|c| c.ca.as_str())
            .collect();
        let missing = missing_roots(Some(&set.name), &set.region, &|ca| {
            compiled.contains(&ca.id.as_str())
        });
        if !missing.is_empty() {
            report.differences.push(Difference::Missing {
                set: Some(set.name.clone()),
                region: set.region.clone(),
                partition: partition.to_string(),
                all: missing.len() == compiled.len(),
                cas: missing,
            });
        }
    }
    report.partitions = table
        .partitions
        .iter()
        .filter(|p| partitions.contains(p.id.as_str()))
        .map(|p| p.id.clone())
        .collect();
    let ca_rank = |ca: &str| table.cas.iter().position(|c| c.id == ca);
    report
        .special
        .sort_by_key(|id| (id.set.clone(), id.region.clone(), ca_rank(&id.ca), id.kind));
    report.differences.sort();
    Ok(report)
}
