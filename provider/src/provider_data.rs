//! What the provider block gives the data sources, read once per call: the settings and the
//! bundle service (set once, by ConfigureProvider), `allow_unlisted_regions` as validation saw
//! it, and the RDS API client, built by the first read that needs it. Data sources depend on
//! this module, and `provider.rs` fills it: neither imports the other.

use std::sync::{Mutex, OnceLock};

use rdsca_aws::{AwsSettings, RdsApi, RdsError};
use rdsca_trust::fetch::FetchError;
use rdsca_trust::BundleService;

use crate::config::Settings;

/// Why a data source cannot have what the provider block gives.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotConfigured {
    #[error("Terraform did not configure the provider before reading the data source.")]
    NotYet,
    #[error("The provider block is invalid: {0}")]
    Invalid(#[from] FetchError),
    #[error("The provider block's aws_profile will only be known after apply, and the engine check depends on it. Set it to a value known at plan time.")]
    AwsProfileUnknown,
    #[error(transparent)]
    RdsClient(#[from] RdsError),
}

#[derive(Default)]
pub struct ProviderData {
    configured: OnceLock<Result<(Settings, BundleService), FetchError>>,
    /// `allow_unlisted_regions` as ValidateProviderConfig saw it: Terraform validates a provider
    /// block before the data sources that use it (and without a block, validates none: the
    /// default holds). The outer `None`: not validated; `Some(None)`: unknown until plan.
    allow_unlisted: Mutex<Option<Option<bool>>>,
    /// The RDS API client, built by the first read of `rdsca_engine_ca` or `rdsca_databases`
    /// (never otherwise).
    rds: OnceLock<Result<RdsApi, RdsError>>,
}

impl ProviderData {
    /// Keeps the first configuration (Terraform sends one ConfigureProvider).
    pub fn configure(&self, configured: Result<(Settings, BundleService), FetchError>) {
        let _ = self.configured.set(configured);
    }

    /// Records `allow_unlisted_regions` from ValidateProviderConfig (`None`: unknown yet).
    pub fn validated_allow_unlisted(&self, value: Option<bool>) {
        *self
            .allow_unlisted
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = Some(value);
    }

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

    /// `allow_unlisted_regions` when a data source is read: the configured value (`false` when the
    /// provider could not be configured, so an unlisted Region is judged, not waited for).
    pub fn allow_unlisted_at_read(&self) -> bool {
        self.content()
            .map(|(s, _)| s.allow_unlisted_regions)
            .unwrap_or(false)
    }

    /// The RDS API client, built on first use from the provider's settings.
    pub fn rds_api(&self) -> Result<&RdsApi, NotConfigured> {
        let (settings, _) = self.content()?;
        if settings.aws_profile_unknown {
            return Err(NotConfigured::AwsProfileUnknown);
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
            .map_err(|e| e.clone().into())
    }

    /// The settings and bundle service, or why there are none.
    pub fn content(&self) -> Result<(&Settings, &BundleService), NotConfigured> {
        match self.configured.get() {
            Some(Ok((s, c))) => Ok((s, c)),
            Some(Err(e)) => Err(e.clone().into()),
            None => Err(NotConfigured::NotYet),
        }
    }
}
