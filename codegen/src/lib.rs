//! The RDS CA availability table: parsing and validation of `data/rds-ca.toml`, and the
//! generators that turn it into typed Rust (for the provider's `build.rs`) and into
//! the Registry guide `docs/guides/regions.md`, plus a diff against a fresh copy of the AWS documentation page and one against real bundles.

pub mod amazon_roots;
pub mod bundle_diff;
pub mod certificates;
pub mod error;
pub mod markdown;
pub mod model;
pub mod page;
pub mod rust;
pub mod validate;
pub mod x509;

pub use error::TableError;
pub use model::{
    Availability, Ca, CertKind, CertificateFile, Correction, KnownCertificate, Partition, Region,
    RetiredCa, Source, SpecialSet, Table,
};
pub use validate::{load, parse};

/// The data file, relative to the workspace root.
pub const DATA_FILE: &str = "data/rds-ca.toml";
/// The generated region table, a Registry guide, relative to the workspace root.
pub const REGIONS_DOC: &str = "docs/guides/regions.md";
