//! The RDS CA table: Regions, partitions, CAs and their availability, bundle URLs and the RDS
//! certificates compiled in, generated at build time from `data/rds-ca.toml` and `data/roots/`
//! by `rdsca-codegen` (which defines the record types it emits), behind a small typed API; and
//! the rules for choosing from it (`selection`, and `endpoint`: which roots a client of the
//! database, of RDS Proxy or of both needs), shared by every front end.
//!
//! It owns no I/O and must not depend on HTTP, on Terraform or on any front end: the trust
//! crate, the provider and the command line all build on it. The identifier rules it applies
//! (Region codes, CN forms, "did you mean") live in `rdsca-ids`, which the generator uses too.

/// `Display` as its name (`as_str`) and `FromStr` from the name, with a "did you mean" among the
/// names of `ALL` for a value that is none of them (an [`UnknownValue`] of `$kind`): for the
/// table's closed sets of named values. Defined before the modules so that they can use it.
macro_rules! named_values {
    ($type:ty, $kind:literal) => {
        impl std::fmt::Display for $type {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $type {
            type Err = $crate::UnknownValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let all = <$type>::ALL.iter().copied();
                all.clone()
                    .find(|v| v.as_str() == s)
                    .ok_or_else(|| $crate::UnknownValue::new($kind, s, all.map(|v| v.as_str())))
            }
        }
    };
}

pub mod endpoint;
pub mod selection;

pub use endpoint::Endpoint;

pub use rdsca_ids::{is_region_code, UnknownValue};

include!(concat!(env!("OUT_DIR"), "/table.rs"));

impl CaId {
    /// Looks up a CA by its exact identifier.
    pub fn from_id(id: &str) -> Option<CaId> {
        CaId::ALL.iter().copied().find(|c| c.as_str() == id)
    }
    pub fn authority(self) -> &'static CertificateAuthority {
        CAS.get(self.as_str())
            .expect("every CaId has a CAS entry (generated together)")
    }
}

impl RetiredCa {
    /// The retired CA with this exact identifier (`rds-ca-2019`), if it is one.
    pub fn get(id: &str) -> Option<&'static RetiredCa> {
        RETIRED_CAS.iter().find(|r| r.id == id)
    }
    /// Every retired CA, oldest first as the data file lists them.
    pub fn all() -> &'static [RetiredCa] {
        RETIRED_CAS
    }
}

named_values!(CaId, "CA identifier");

impl CertificateAuthority {
    /// The signature algorithm of this CA's roots in `partition`.
    pub fn signature_algorithm_in(&self, partition: &str) -> &'static str {
        self.partition_signature_algorithms
            .iter()
            .find(|(p, _)| *p == partition)
            .map(|(_, a)| *a)
            .unwrap_or(self.signature_algorithm)
    }
    /// The root certificate's CN in `region`.
    pub fn root_common_name_in(&self, region: &str) -> String {
        self.root_common_name.replace("{region}", region)
    }
}

impl Region {
    /// Looks up a region by its exact code.
    pub fn get(code: &str) -> Option<&'static Region> {
        REGIONS.get(code)
    }
    /// Looks up a region, or explains what was meant.
    pub fn lookup(code: &str) -> Result<&'static Region, UnknownValue> {
        Region::get(code).ok_or_else(|| {
            UnknownValue::new("region", code, Region::all().map(|r| r.code))
                .with_names(Region::all().map(|r| (r.name, r.code)))
        })
    }
    /// Every region, sorted by code.
    pub fn all() -> impl Iterator<Item = &'static Region> {
        REGION_CODES.iter().map(|c| &REGIONS[*c])
    }
    pub fn partition(&self) -> &'static Partition {
        &PARTITIONS[self.partition]
    }
    pub fn offers(&self, ca: CaId) -> bool {
        self.cas.contains(&ca)
    }
    /// What the table says of `ca` here.
    pub fn availability(&self, ca: CaId) -> Availability {
        if self.cas.contains(&ca) {
            Availability::Offered
        } else if self.unverified.contains(&ca) {
            Availability::Unverified
        } else {
            Availability::NotOffered
        }
    }
}

/// What the table says of one CA in one Region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Availability {
    Offered,
    NotOffered,
    /// No source confirms or rules it out: a warning, never an error.
    Unverified,
}

impl Availability {
    /// `offered`, `not_offered`, `unverified`: the values Terraform sees.
    pub fn as_str(self) -> &'static str {
        match self {
            Availability::Offered => "offered",
            Availability::NotOffered => "not_offered",
            Availability::Unverified => "unverified",
        }
    }
}

impl Partition {
    pub fn get(id: &str) -> Option<&'static Partition> {
        PARTITIONS.get(id)
    }
    pub fn lookup(id: &str) -> Result<&'static Partition, UnknownValue> {
        Partition::get(id)
            .ok_or_else(|| UnknownValue::new("partition", id, PARTITION_IDS.iter().copied()))
    }
    pub fn all() -> impl Iterator<Item = &'static Partition> {
        PARTITION_IDS.iter().map(|p| &PARTITIONS[*p])
    }
    /// The default partition for configurations that name no region.
    pub fn commercial() -> &'static Partition {
        &PARTITIONS["aws"]
    }
    /// The partition a well-formed Region code belongs to by its prefix (`cn-…` is AWS China,
    /// `us-gov-…` GovCloud, the rest commercial), if the table knows that partition.
    pub fn for_region_code(code: &str) -> Option<&'static Partition> {
        rdsca_ids::partition_of_region_code(code).and_then(Partition::get)
    }
    /// A bundle URL of this partition's truststore layout: `https://<host>/<folder>/<folder>-bundle.<ext>`.
    pub fn layout_url(&self, folder: &str, ext: &str) -> String {
        format!(
            "https://{}/{folder}/{folder}-bundle.{ext}",
            self.truststore_host
        )
    }
    /// `aws_url` (one of this partition's truststore URLs) on a mirror: `base` replaces
    /// `https://<truststore host>`; without a mirror, `aws_url` itself.
    pub fn mirrored_url(&self, aws_url: &str, base: Option<&str>) -> String {
        match base {
            Some(base) => {
                let host = format!("https://{}", self.truststore_host);
                format!("{base}{}", aws_url.strip_prefix(&host).unwrap_or(aws_url))
            }
            None => aws_url.to_string(),
        }
    }
    pub fn regions(&self) -> impl Iterator<Item = &'static Region> + '_ {
        Region::all().filter(move |r| r.partition == self.id)
    }
}

/// What an RDS certificate's CN claims: `Amazon RDS [<Set> ]<region> Root CA <type> G1` (root)
/// or `Amazon RDS <region> <type> G1` (intermediate). The Region is what the CN says, known to
/// the table or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommonNameClaim<'a> {
    /// `Beta`, `Preview`, ... or `None` for a Region's own certificate.
    pub set: Option<&'a str>,
    pub region: &'a str,
    pub ca: CaId,
    pub kind: CertKind,
}

impl<'a> CommonNameClaim<'a> {
    /// Reads a CN against the CN forms of the table's CAs.
    pub fn parse(common_name: &'a str) -> Option<CommonNameClaim<'a>> {
        let forms = CaId::ALL.iter().map(|&ca| {
            let authority = ca.authority();
            (
                ca,
                authority.root_common_name,
                authority.intermediate_common_name,
            )
        });
        rdsca_ids::parse_common_name(common_name, forms).map(|c| CommonNameClaim {
            set: c.set,
            region: c.region,
            ca: c.ca,
            kind: c.kind,
        })
    }

    /// The certificate the provider holds for this claim, if any.
    pub fn known_certificate(&self) -> Option<&'static KnownCertificate> {
        KNOWN_CERTIFICATES.iter().find(|c| {
            c.set == self.set && c.region == self.region && c.ca == self.ca && c.kind == self.kind
        })
    }

    /// Whether the table knows the Region (or the special set) this CN names.
    pub fn is_known_to_table(&self) -> bool {
        match self.set {
            None => Region::get(self.region).is_some(),
            Some(set) => SPECIAL_SETS
                .iter()
                .any(|s| s.name == set && s.region == self.region),
        }
    }
}

impl KnownCertificate {
    /// The compiled-in certificate with this SHA-256 (lowercase hex).
    pub fn by_sha256(sha256: &str) -> Option<&'static KnownCertificate> {
        KNOWN_BY_SHA256.get(sha256).map(|&i| &KNOWN_CERTIFICATES[i])
    }
    pub fn all() -> &'static [KnownCertificate] {
        KNOWN_CERTIFICATES
    }
    /// Names the set of compiled-in certificates: a cache entry verified against another set is
    /// verified again.
    pub fn set_digest() -> &'static str {
        KNOWN_CERTIFICATES_DIGEST
    }
}
