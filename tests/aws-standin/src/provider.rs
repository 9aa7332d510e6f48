//! The provider block of the stand-in: `region`, as in the real provider (aliases are
//! Terraform's: each `provider "aws"` block is its own plugin process, configured once).

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tf_provider::schema::{AttributeType, Schema};
use tf_provider::value::{Value, ValueEmpty};
use tf_provider::{map, AttributePath, Diagnostics, DynamicResource, Provider};

use crate::naming::region_problem;
use crate::resources::{
    certificate::RdsCertificate, cluster::RdsCluster, cluster_instance::RdsClusterInstance,
    db_instance::DbInstance, optional, schema, StandinResource,
};

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct ProviderConfig {
    pub region: Value<String>,
}

/// What the provider block gives the resources.
#[derive(Default)]
pub struct Shared {
    /// The block's `region` once configured: `Null` when the block sets none, `Unknown` when
    /// Terraform configured the provider with a value known only after apply.
    region: OnceLock<Value<String>>,
}

impl Shared {
    /// The provider's Region; `None` when the block sets none (or was never configured).
    pub fn region(&self) -> Option<&str> {
        match self.region.get() {
            Some(Value::Value(r)) => Some(r),
            _ => None,
        }
    }
}

#[derive(Default)]
pub struct AwsProvider {
    shared: Arc<Shared>,
}

/// An error on `attribute` when `region` is known and not shaped like a Region code.
pub fn check_region(diags: &mut Diagnostics, region: &Value<String>) {
    if let Value::Value(r) = region {
        if let Some(problem) = region_problem(r) {
            diags.error("Invalid AWS Region", problem, AttributePath::new("region"));
        }
    }
}

#[async_trait]
impl Provider for AwsProvider {
    type Config<'a> = ProviderConfig;
    type MetaState<'a> = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(schema(
            "A stand-in for the `hashicorp/aws` provider's RDS resources, for the rdsca tests: no AWS call is ever made.",
            vec![(
                "region",
                optional(
                    AttributeType::String,
                    "The AWS Region of the resources that set none themselves.",
                ),
            )],
        ))
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: Self::Config<'a>) -> Option<()> {
        check_region(diags, &config.region);
        Some(())
    }

    async fn configure<'a>(
        &self,
        diags: &mut Diagnostics,
        _terraform_version: String,
        config: Self::Config<'a>,
    ) -> Option<()> {
        check_region(diags, &config.region);
        // Terraform configures each provider process once.
        let _ = self.shared.region.set(config.region);
        Some(())
    }

    fn get_resources(
        &self,
        _diags: &mut Diagnostics,
    ) -> Option<HashMap<String, Box<dyn DynamicResource>>> {
        Some(map! {
            "db_instance" => StandinResource::<DbInstance>::new(self.shared.clone()),
            "rds_cluster" => StandinResource::<RdsCluster>::new(self.shared.clone()),
            "rds_cluster_instance" => StandinResource::<RdsClusterInstance>::new(self.shared.clone()),
            "rds_certificate" => StandinResource::<RdsCertificate>::new(self.shared.clone()),
        })
    }
}
