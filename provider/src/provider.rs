//! The `rdsca` provider: its configuration schema, data sources and functions.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use async_trait::async_trait;
use tf_provider::schema::Schema;
use tf_provider::value::ValueEmpty;
use tf_provider::{map, Diagnostics, DynamicDataSource, DynamicFunction, Provider};

use crate::config::{ProviderConfig, Settings};
use crate::content::BundleService;
use crate::rds_api::{AwsSettings, RdsApi};

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

/// What the provider's configuration gives the data sources: set once, by ConfigureProvider.
#[derive(Default)]
pub struct Shared {
    configured: OnceLock<Result<(Settings, BundleService), String>>,
    /// `allow_unlisted_regions` as ValidateProviderConfig saw it: Terraform validates a provider
    /// block before the data sources that use it (and without a block, validates none: the
    /// default holds). The outer `None`: not validated; `Some(None)`: unknown until plan.
    allow_unlisted: Mutex<Option<Option<bool>>>,
    /// The RDS API client, built by the first read of `rdsca_engine_ca` (never otherwise).
    rds: OnceLock<Result<RdsApi, String>>,
}

impl Shared {
    /// The provider's `allow_unlisted_regions`: `None` while its value is unknown.
    pub fn allow_unlisted_regions(&self) -> Option<bool> {
        if let Ok((settings, _)) = self.content() {
            return Some(settings.allow_unlisted_regions);
        }
        self.allow_unlisted
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .unwrap_or(Some(false))
    }

    /// The RDS API client, built on first use from the provider's settings.
    pub fn rds_api(&self) -> Result<&RdsApi, String> {
        let (settings, _) = self.content()?;
        if settings.aws_profile_unknown {
            return Err("The provider block's aws_profile will only be known after apply, and the engine check depends on it. Set it to a value known at plan time.".into());
        }
        self.rds
            .get_or_init(|| {
                RdsApi::new(
                    &settings.content.fetch,
                    AwsSettings {
                        profile: settings.aws_profile.clone(),
                    },
                )
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The settings and bundle service, or why there are none.
    pub fn content(&self) -> Result<(&Settings, &BundleService), String> {
        match self.configured.get() {
            Some(Ok((s, c))) => Ok((s, c)),
            Some(Err(e)) => Err(e.clone()),
            None => Err(
                "Terraform did not configure the provider before reading the data source.".into(),
            ),
        }
    }
}

#[derive(Default)]
pub struct RdsCaProvider {
    shared: Arc<Shared>,
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
        *self
            .shared
            .allow_unlisted
            .lock()
            .unwrap_or_else(|p| p.into_inner()) =
            Some(known.then_some(settings.allow_unlisted_regions));
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
        let configured = BundleService::new(settings.content.clone())
            .map(|c| (settings, c))
            .map_err(|e| e.to_string());
        if let Err(e) = &configured {
            diags.root_error("Invalid provider configuration", e.clone());
        }
        // A second ConfigureProvider call keeps the first configuration (Terraform sends one).
        let _ = self.shared.configured.set(configured);
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
