//! terraform-provider-rdsca: the SSL/TLS certificate authorities of Amazon RDS and Aurora,
//! first-class in Terraform.

pub mod config;
pub mod data_sources;
pub mod docs;
pub mod functions;
pub mod logging;
pub mod provider;
pub mod provider_data;
pub mod schema_util;
pub mod socket_tuning;

pub use rdsca_table::{CaId, CertificateAuthority, Partition, Region};
