//! The RDS CA availability table, generated at build time from `data/rds-ca.toml`
//! (see `codegen/`), behind a small typed API.

use std::fmt;
use std::str::FromStr;

include!(concat!(env!("OUT_DIR"), "/table.rs"));

/// An AWS partition with its own truststore host and global bundle.
#[derive(Debug, PartialEq, Eq)]
pub struct Partition {
    pub id: &'static str,
    pub name: &'static str,
    pub truststore_host: &'static str,
    pub global_pem_url: &'static str,
    pub global_p7b_url: &'static str,
}

/// One of the RDS certificate authorities.
#[derive(Debug, PartialEq, Eq)]
pub struct CertificateAuthority {
    pub id: CaId,
    /// `RSA` or `EC`.
    pub key_algorithm: &'static str,
    pub key_size: Option<u32>,
    pub curve: Option<&'static str>,
    pub signature_algorithm: &'static str,
    /// Partitions whose roots use another signature algorithm.
    pub partition_signature_algorithms: &'static [(&'static str, &'static str)],
    pub automatic_rotation: bool,
    /// The root certificate's CN, with `{region}` for the region code.
    pub root_common_name: &'static str,
    pub is_default: bool,
}

/// An AWS Region with its regional bundles and the CAs RDS offers there.
#[derive(Debug, PartialEq, Eq)]
pub struct Region {
    pub code: &'static str,
    pub name: &'static str,
    pub partition: &'static str,
    pub pem_url: &'static str,
    pub p7b_url: &'static str,
    pub cas: &'static [CaId],
    /// Notes and corrections to the AWS page, from the data file.
    pub notes: &'static [&'static str],
}

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

impl fmt::Display for CaId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for CaId {
    type Err = crate::suggest::UnknownValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CaId::from_id(s).ok_or_else(|| {
            crate::suggest::UnknownValue::new(
                "CA identifier",
                s,
                CaId::ALL.iter().map(|c| c.as_str()),
            )
        })
    }
}

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
    pub fn lookup(code: &str) -> Result<&'static Region, crate::suggest::UnknownValue> {
        Region::get(code).ok_or_else(|| {
            crate::suggest::UnknownValue::new("region", code, Region::all().map(|r| r.code))
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
}

impl Partition {
    pub fn get(id: &str) -> Option<&'static Partition> {
        PARTITIONS.get(id)
    }
    pub fn lookup(id: &str) -> Result<&'static Partition, crate::suggest::UnknownValue> {
        Partition::get(id).ok_or_else(|| {
            crate::suggest::UnknownValue::new("partition", id, PARTITION_IDS.iter().copied())
        })
    }
    pub fn all() -> impl Iterator<Item = &'static Partition> {
        PARTITION_IDS.iter().map(|p| &PARTITIONS[*p])
    }
    /// The default partition for configurations that name no region.
    pub fn commercial() -> &'static Partition {
        &PARTITIONS["aws"]
    }
    pub fn regions(&self) -> impl Iterator<Item = &'static Region> + '_ {
        Region::all().filter(move |r| r.partition == self.id)
    }
}

/// Whether RDS offers `ca` in `region`.
pub fn offers(region: &Region, ca: CaId) -> bool {
    region.offers(ca)
}
