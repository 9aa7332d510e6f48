//! The RDS CA table's generator: parsing and validation of `data/rds-ca.toml` and the
//! certificates under `data/` (`validate`, `certificates`, `amazon_roots`; what their checks of
//! the data file share is in `check`), the generators that turn it into typed Rust (`rust`, for
//! `rdsca-table`'s `build.rs`; it owns the types it emits) and into the Registry guide
//! `docs/guides/regions.md` (`markdown`), plus a diff against a fresh copy of the AWS
//! documentation page (`page`) and one against real bundles (`bundle_diff`).
//!
//! It runs at build time and in maintenance commands: it must not depend on `rdsca-table` (which
//! it generates) or on any front end; the identifier rules it checks with are `rdsca-ids`'.

pub mod amazon_roots;
pub mod bundle_diff;
pub mod certificates;
mod check;
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
