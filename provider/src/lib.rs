//! terraform-provider-rdsca: the SSL/TLS certificate authorities of Amazon RDS and Aurora,
//! first-class in Terraform.
//!
//! No docs code here: the Registry docs are written by `rdsca-docs` (docs-gen/), which reads the
//! schemas and [`data_sources::nested_object_docs`] from this library; this crate must never
//! depend on it.

pub mod config;
pub mod data_sources;
pub mod functions;
pub mod logging;
pub mod provider;
pub mod provider_data;
pub mod schema_util;
pub mod socket_tuning;

pub use rdsca_table::{CaId, CertificateAuthority, Partition, Region};
/// For the docs generator (`rdsca-docs`), which reads the schemas through tf-provider's types:
/// this crate stays the only one that depends on tf-provider.
pub use tf_provider;
