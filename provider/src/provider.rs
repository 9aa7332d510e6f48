//! The `rdsca` provider: its configuration schema, data sources and functions.

use std::collections::HashMap;

use async_trait::async_trait;
use tf_provider::schema::Schema;
use tf_provider::value::ValueEmpty;
use tf_provider::{map, Diagnostics, DynamicDataSource, DynamicFunction, Provider};

use crate::data_sources::{
    bundle::BundleDataSource, certificate_authorities::CertificateAuthoritiesDataSource,
    regions::RegionsDataSource,
};
use crate::functions::{bundle_url::BundleUrl, ca_available::CaAvailable, validate_ca::ValidateCa};
use crate::schema_util::block;

/// The provider's type name: data sources are `rdsca_*`, functions `provider::rdsca::*`.
pub const NAME: &str = "rdsca";

#[derive(Debug, Default)]
pub struct RdsCaProvider;

pub fn schema() -> Schema {
    block(
        "The `rdsca` provider makes the SSL/TLS certificate authorities of Amazon RDS and Aurora first-class in Terraform: \
         the CA bundle URLs for every Region (and the global bundles of the commercial and GovCloud partitions), \
         and plan-time validation of a CA choice against the CAs RDS offers in a Region.\n\n\
         The Region table is built into the provider, so the data sources and functions work offline and need no configuration.",
        vec![],
    )
}

#[async_trait]
impl Provider for RdsCaProvider {
    type Config<'a> = ValueEmpty;
    type MetaState<'a> = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(schema())
    }

    fn get_data_sources(
        &self,
        _diags: &mut Diagnostics,
    ) -> Option<HashMap<String, Box<dyn DynamicDataSource>>> {
        Some(map! {
            "bundle" => BundleDataSource,
            "regions" => RegionsDataSource,
            "certificate_authorities" => CertificateAuthoritiesDataSource,
        })
    }

    fn get_functions(
        &self,
        _diags: &mut Diagnostics,
    ) -> Option<HashMap<String, Box<dyn DynamicFunction>>> {
        Some(map! {
            "bundle_url" => BundleUrl,
            "ca_available" => CaAvailable,
            "validate_ca" => ValidateCa,
        })
    }
}
