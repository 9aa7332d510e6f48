//! The `rdsca` provider: its configuration schema, data sources and functions.

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use tf_provider::schema::Schema;
use tf_provider::value::ValueEmpty;
use tf_provider::{map, Diagnostics, DynamicDataSource, DynamicFunction, Provider};

use crate::config::ProviderConfig;
use crate::provider_data::ProviderData;
use rdsca_trust::BundleService;

use crate::data_sources::{
    bundle::BundleDataSource, certificate_authorities::CertificateAuthoritiesDataSource,
    engine_ca::EngineCaDataSource, regions::RegionsDataSource,
};
use crate::functions::{
    bundle_url::BundleUrl, ca_availability::CaAvailability, ca_available::CaAvailable,
    validate_ca::ValidateCa,
};

/// The provider's type name: data sources are `rdsca_*`, functions `provider::rdsca::*`.
pub const NAME: &str = "rdsca";

#[derive(Default)]
pub struct RdsCaProvider {
    shared: Arc<ProviderData>,
}

#[async_trait]
impl Provider for RdsCaProvider {
    type Config<'a> = ProviderConfig;
    type MetaState<'a> = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(crate::config::schema())
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: Self::Config<'a>) -> Option<()> {
        let settings = config.settings(diags);
        let known = !settings.unknown.contains(&"allow_unlisted_regions");
        self.shared
            .validated_allow_unlisted(known.then_some(settings.allow_unlisted_regions));
        Some(())
    }

    async fn configure<'a>(
        &self,
        diags: &mut Diagnostics,
        _terraform_version: String,
        config: Self::Config<'a>,
    ) -> Option<()> {
        let settings = config.settings(diags);
        if !diags.errors.is_empty() {
            return Some(());
        }
        let configured = BundleService::new(settings.content.clone()).map(|c| (settings, c));
        if let Err(e) = &configured {
            diags.root_error("Invalid provider configuration", e.to_string());
        }
        self.shared.configure(configured);
        Some(())
    }

    fn get_data_sources(
        &self,
        _diags: &mut Diagnostics,
    ) -> Option<HashMap<String, Box<dyn DynamicDataSource>>> {
        Some(map! {
            "bundle" => BundleDataSource { shared: self.shared.clone() },
            "regions" => RegionsDataSource,
            "certificate_authorities" => CertificateAuthoritiesDataSource,
            "engine_ca" => EngineCaDataSource { shared: self.shared.clone() },
        })
    }

    fn get_functions(
        &self,
        _diags: &mut Diagnostics,
    ) -> Option<HashMap<String, Box<dyn DynamicFunction>>> {
        Some(map! {
            "bundle_url" => BundleUrl,
            "ca_available" => CaAvailable,
            "ca_availability" => CaAvailability,
            "validate_ca" => ValidateCa,
        })
    }
}
