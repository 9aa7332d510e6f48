//! terraform-provider-rdsca: the SSL/TLS certificate authorities of Amazon RDS and Aurora,
//! first-class in Terraform.

pub mod config;
pub mod content;
pub mod data_sources;
pub mod docs;
pub mod functions;
pub mod logging;
pub mod provider;
pub mod rds_api;
pub mod schema_util;
pub mod selection;
pub mod socket_tuning;
pub mod suggest;
pub mod table;

pub use table::{CaId, CertificateAuthority, Partition, Region};
