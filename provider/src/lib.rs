//! terraform-provider-rdsca: the SSL/TLS certificate authorities of Amazon RDS and Aurora,
//! first-class in Terraform.
//!
//! A thin adapter, and the only crate that depends on `tf-provider`: the provider block
//! (`config`), one file per data source and function with its schema beside its read, the
//! Terraform wire models, diagnostics, the plugin's logging and socket tuning. The protocol's
//! plumbing is written once: `data_sources::Adapted` serves every data source,
//! `functions::RegionCaFunction` the three functions of `(region, ca)`. What it knows
//! comes from `rdsca-table` (the table and the rules for choosing from it), `rdsca-trust`
//! (verified certificates, trust stores) and `rdsca-aws` (the RDS API); provider data reaches
//! the data sources through `provider_data`. No rule about Regions, CAs or certificates is
//! written here.
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
