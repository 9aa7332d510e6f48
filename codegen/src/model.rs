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
    pub global_p7b_url: String,
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
    pub p7b_url: String,
    /// CA ids offered in this region, in the order of the data file.
    pub cas: Vec<String>,
    pub source: String,
    pub note: Option<String>,
    pub corrections: Vec<Correction>,
}

/// The whole validated table, in data-file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub sources: Vec<Source>,
    pub partitions: Vec<Partition>,
    pub cas: Vec<Ca>,
    pub regions: Vec<Region>,
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
