//! The validated table. Everything here has passed `validate`: codes are unique, URLs follow
//! the truststore layout, every CA reference resolves and exactly one CA is the default.

use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub id: String,
    pub title: String,
    pub url: String,
    pub retrieved: String,
}

/// A value the data file holds in place of what the AWS page says, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Correction {
    pub field: String,
    pub page_says: String,
    pub why: String,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partition {
    pub id: String,
    pub name: String,
    pub page_label: String,
    pub truststore_host: String,
    pub global_pem_url: String,
    /// `None` where no PKCS#7 bundle is documented.
    pub global_p7b_url: Option<String>,
    pub source: String,
    /// The partition's RDS certificates kept in the repository (`None`: no copy is known, so
    /// downloads from this partition are verified by signature alone).
    pub certificates: Option<CertificateFile>,
}

/// A PEM file of RDS certificates under `data/`, and where its certificates came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateFile {
    /// Relative to the data file's folder.
    pub file: String,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ca {
    pub id: String,
    pub key_algorithm: String,
    pub key_size: Option<u32>,
    pub curve: Option<String>,
    pub signature_algorithm: String,
    /// Partition id → signature algorithm, where a partition differs from `signature_algorithm`.
    pub partition_signature_algorithm: BTreeMap<String, String>,
    pub automatic_rotation: bool,
    /// The root certificate's CN with `{region}` standing for the region code.
    pub root_common_name: String,
    /// The CN of the CA's intermediates (GovCloud only), with `{region}`.
    pub intermediate_common_name: Option<String>,
    pub default: bool,
    pub source: String,
    pub corrections: Vec<Correction>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    pub code: String,
    pub name: String,
    pub partition: String,
    pub pem_url: String,
    /// `None` where no PKCS#7 bundle is documented.
    pub p7b_url: Option<String>,
    /// CA ids offered in this region, in the order of the data file.
    pub cas: Vec<String>,
    /// CA ids no source confirms or rules out here; every other CA is not offered.
    pub unverified_cas: Vec<String>,
    /// The source that says what was looked at for the unverified CAs.
    pub unverified_source: Option<String>,
    pub source: String,
    pub note: Option<String>,
    pub corrections: Vec<Correction>,
}

/// Certificates RDS issues for endpoints outside the ordinary Regions: their CNs carry the set's
/// name before the Region (`Amazon RDS Beta us-east-1 Root CA RSA2048 G1`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecialSet {
    pub name: String,
    pub region: String,
    pub note: String,
}

/// A CA RDS no longer offers anywhere: an identifier that still appears in old configurations
/// and states, and whose certificates have expired.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetiredCa {
    pub id: String,
    /// The last day (UTC, `YYYY-MM-DD`) AWS supported it.
    pub not_after: String,
    /// The CA AWS moved databases to: a current CA or an older retired one.
    pub replaced_by: String,
    pub source: String,
}

/// What the table says of one CA in one Region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Availability {
    Offered,
    NotOffered,
    /// No source confirms or rules it out.
    Unverified,
}

/// Root or intermediate (the identifier rules own it; the generated table uses the same type).
pub use rdsca_ids::CertKind;

/// One RDS certificate from a partition's certificate file, checked: its CN names a Region (or
/// special set) and CA of the table, its key is the CA's, its signature verifies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownCertificate {
    pub partition: String,
    /// A special set's name (`Beta`, `Preview`), or `None` for the Region's own certificate.
    pub set: Option<String>,
    pub region: String,
    pub ca: String,
    pub kind: CertKind,
    pub common_name: String,
    /// SHA-256 of the DER, lowercase hex.
    pub sha256: String,
    pub der: Vec<u8>,
    /// Unix seconds.
    pub not_after: i64,
}

/// The whole validated table, in data-file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub sources: Vec<Source>,
    pub partitions: Vec<Partition>,
    pub cas: Vec<Ca>,
    /// In data-file order.
    pub retired_cas: Vec<RetiredCa>,
    pub special_sets: Vec<SpecialSet>,
    pub regions: Vec<Region>,
    /// Sorted by partition, set, region, CA and kind.
    pub certificates: Vec<KnownCertificate>,
    /// The Amazon Trust Services roots (RDS Proxy endpoints) and their state per partition.
    pub amazon_trust: AmazonTrust,
}

impl Table {
    pub fn partition(&self, id: &str) -> Option<&Partition> {
        self.partitions.iter().find(|p| p.id == id)
    }
    pub fn region(&self, code: &str) -> Option<&Region> {
        self.regions.iter().find(|r| r.code == code)
    }
    pub fn region_by_name(&self, name: &str) -> Option<&Region> {
        self.regions.iter().find(|r| r.name == name)
    }
    pub fn ca(&self, id: &str) -> Option<&Ca> {
        self.cas.iter().find(|c| c.id == id)
    }
    /// The compiled-in certificate of `region` (or a special set's) for `ca`.
    pub fn certificate(
        &self,
        set: Option<&str>,
        region: &str,
        ca: &str,
        kind: CertKind,
    ) -> Option<&KnownCertificate> {
        self.certificates
            .iter()
            .find(|c| c.set.as_deref() == set && c.region == region && c.ca == ca && c.kind == kind)
    }
    /// Whether `ca` is offered, not offered or unverified in `region`.
    pub fn availability(&self, region: &Region, ca: &str) -> Availability {
        if region.cas.iter().any(|c| c == ca) {
            Availability::Offered
        } else if region.unverified_cas.iter().any(|c| c == ca) {
            Availability::Unverified
        } else {
            Availability::NotOffered
        }
    }
    pub fn default_ca(&self) -> &Ca {
        self.cas
            .iter()
            .find(|c| c.default)
            .expect("validated table has exactly one default CA")
    }
}

/// The URL a bundle must have on the truststore: `https://<host>/<folder>/<folder>-bundle.<ext>`.
pub fn expected_bundle_url(host: &str, folder: &str, ext: &str) -> String {
    format!("https://{host}/{folder}/{folder}-bundle.{ext}")
}

// The Amazon Trust Services roots (RDS Proxy), as `amazon_roots` checks them.

/// One checked Amazon Trust Services root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyRoot {
    /// The certificate's CN, e.g. `Amazon Root CA 1`.
    pub name: String,
    /// Relative to the data file's folder.
    pub file: String,
    /// `RSA 2048`, `EC P-256`, ...
    pub key: String,
    /// SHA-256 of the DER, lowercase hex.
    pub sha256: String,
    /// SHA-256 of the SubjectPublicKeyInfo, lowercase hex, as Amazon publishes it.
    pub spki_sha256: String,
    /// The subject, as RFC 4514 text.
    pub subject: String,
    pub der: Vec<u8>,
    /// Unix seconds.
    pub not_before: i64,
    /// Unix seconds.
    pub not_after: i64,
    pub source: String,
}

/// Whether a source says which roots a partition's RDS Proxy certificates chain to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProxyTrustState {
    /// A source confirms it.
    Confirmed,
    /// No source says; the roots are the best knowledge, to be used with a warning.
    Unverified,
}

impl ProxyTrustState {
    pub(crate) const ALL: [(&'static str, ProxyTrustState); 2] = [
        ("confirmed", ProxyTrustState::Confirmed),
        ("unverified", ProxyTrustState::Unverified),
    ];
}

/// What the table says of RDS Proxy certificates in one partition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyPartition {
    pub partition: String,
    pub state: ProxyTrustState,
    /// Names of [`ProxyRoot`]s, in the data file's order.
    pub roots: Vec<String>,
    pub source: String,
    pub note: Option<String>,
}

/// The Amazon Trust Services part of the table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AmazonTrust {
    pub roots: Vec<ProxyRoot>,
    /// One per partition of the table (when any root is declared), in the data file's order.
    pub partitions: Vec<ProxyPartition>,
}

impl AmazonTrust {
    pub fn root(&self, name: &str) -> Option<&ProxyRoot> {
        self.roots.iter().find(|r| r.name == name)
    }
    pub fn partition(&self, id: &str) -> Option<&ProxyPartition> {
        self.partitions.iter().find(|p| p.partition == id)
    }
}
