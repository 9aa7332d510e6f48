//! `data "rdsca_bundle"`: the CA bundle URLs for a region (or a partition's global bundle) and
//! the CA choice, validated at plan time.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tf_provider::schema::{AttributeType, Schema};
use tf_provider::value::{Value, ValueEmpty};
use tf_provider::{DataSource, Diagnostics};

use super::report;
use crate::schema_util::{block, computed, optional, optional_computed, strings};
use crate::selection::{select, Selection};

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct BundleState {
    pub region: Value<String>,
    pub partition: Value<String>,
    pub ca_identifier: Value<String>,
    pub id: Value<String>,
    pub region_name: Value<String>,
    pub pem_url: Value<String>,
    pub p7b_url: Value<String>,
    pub available_ca_identifiers: Value<Vec<Value<String>>>,
    pub default_ca_identifier: Value<String>,
}

/// A known string, `None` when null; `Err(())` while unknown (plan time).
fn known(v: &Value<String>) -> Result<Option<&str>, ()> {
    match v {
        Value::Value(s) => Ok(Some(s.as_str())),
        Value::Null => Ok(None),
        Value::Unknown => Err(()),
    }
}

impl BundleState {
    /// The selection, or `None` when problems were reported (or an input is still unknown).
    fn selection(&self, diags: &mut Diagnostics) -> Option<Selection> {
        let region = known(&self.region);
        let partition = known(&self.partition);
        let ca = known(&self.ca_identifier);
        // Check what is known already; the rest is checked again when it is known.
        let result = select(
            region.unwrap_or(None),
            partition.unwrap_or(None),
            ca.unwrap_or(None),
        );
        match result {
            Err(problems) => {
                report(diags, problems);
                None
            }
            Ok(s) if region.is_ok() && partition.is_ok() && ca.is_ok() => Some(s),
            Ok(_) => None,
        }
    }

    fn fill(mut self, s: &Selection) -> Self {
        self.id = Value::Value(match s.region {
            Some(r) => r.code.to_string(),
            None => format!("global/{}", s.partition.id),
        });
        self.region_name = Value::Value(match s.region {
            Some(r) => r.name.to_string(),
            None => format!("Global ({})", s.partition.name),
        });
        self.partition = Value::Value(s.partition.id.to_string());
        self.ca_identifier = Value::Value(s.ca.as_str().to_string());
        self.pem_url = Value::Value(s.pem_url().to_string());
        self.p7b_url = Value::Value(s.p7b_url().to_string());
        self.available_ca_identifiers = Value::Value(
            s.available_cas()
                .iter()
                .map(|c| Value::Value(c.as_str().to_string()))
                .collect(),
        );
        self.default_ca_identifier = Value::Value(crate::table::CaId::DEFAULT.as_str().to_string());
        self
    }
}

pub struct BundleDataSource;

pub fn schema() -> Schema {
    block(
        "The Amazon RDS / Aurora CA bundle for a Region, or a partition's global bundle, and a CA choice checked against what RDS offers there.\n\n\
         A CA the Region does not offer (for example `rds-ca-ecc384-g1` in `ap-south-1`) fails `terraform validate` and `terraform plan` on `ca_identifier`, long before AWS would reject it at apply time.",
        vec![
            ("region", optional(AttributeType::String, "AWS Region code, for example `eu-west-1` or `us-gov-west-1`. Unset: the global bundle of `partition`, which holds the roots of every Region in it.")),
            ("partition", optional_computed(AttributeType::String, "AWS partition: `aws` or `aws-us-gov`. Derived from `region` when unset (`aws` when both are unset); setting it to another partition than the region's is an error.")),
            ("ca_identifier", optional_computed(AttributeType::String, "The CA the database will use (`ca_cert_identifier`): `rds-ca-rsa2048-g1`, `rds-ca-rsa4096-g1` or `rds-ca-ecc384-g1`. Must be offered in `region`. Unset: the RDS default, `rds-ca-rsa2048-g1`.")),
            ("id", computed(AttributeType::String, "The Region code, or `global/<partition>` for a global bundle.")),
            ("region_name", computed(AttributeType::String, "The Region's display name, for example `Europe (Ireland)`.")),
            ("pem_url", computed(AttributeType::String, "HTTPS URL of the PEM bundle.")),
            ("p7b_url", computed(AttributeType::String, "HTTPS URL of the PKCS#7 bundle.")),
            ("available_ca_identifiers", computed(strings(), "The CAs RDS offers in the Region (every CA for a global bundle).")),
            ("default_ca_identifier", computed(AttributeType::String, "The CA RDS uses when none is chosen.")),
        ],
    )
}

#[async_trait]
impl DataSource for BundleDataSource {
    type State<'a> = BundleState;
    type ProviderMetaState<'a> = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(schema())
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: Self::State<'a>) -> Option<()> {
        config.selection(diags);
        Some(())
    }

    async fn read<'a>(
        &self,
        diags: &mut Diagnostics,
        config: Self::State<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<Self::State<'a>> {
        let selection = config.selection(diags)?;
        Some(config.fill(&selection))
    }
}
