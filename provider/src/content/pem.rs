//! Extracting the certificates of an RDS CA bundle, as served: the shared parser of the
//! workspace crate `rdsca-bundle-format` (bundle-format/), which the codegen uses too. Re-exported
//! whole so that every `content::pem::...` path keeps working.

pub use rdsca_bundle_format::*;
