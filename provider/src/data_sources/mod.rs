//! The provider's data sources, one file each.

pub mod bundle;
pub mod certificate_authorities;
pub mod certificate_model;
pub mod databases;
pub mod engine_ca;
pub mod regions;

use async_trait::async_trait;
use serde::de::DeserializeOwned;
use serde::Serialize;
use tf_provider::schema::Schema;
use tf_provider::value::{Value, ValueEmpty};
use tf_provider::{AttributePath, DataSource, Diagnostics};

use rdsca_table::selection::Problem;

use crate::provider_data::ProviderData;
use crate::schema_util::ObjectList;
use rdsca_aws::RdsApi;

/// One of the provider's data sources, as its file declares it: its values' model, its schema,
/// its offline checks and its read. [`Adapted`] makes each a tf-provider `DataSource`, so the
/// protocol's plumbing (the provider-meta state this provider does not use, wrapping the schema
/// and the validate result) is written once.
#[async_trait]
pub trait RdscaDataSource: Send + Sync + 'static {
    /// The model of the data source's values (a test checks it against the schema).
    type State: Serialize + DeserializeOwned + Send;
    const SCHEMA: fn() -> Schema;

    /// Checks what can be checked offline, as errors on their attributes. Warnings wait for the
    /// read: `terraform plan` validates too, and would show them twice.
    async fn validate(&self, _diags: &mut Diagnostics, _config: Self::State) {}

    async fn read(&self, diags: &mut Diagnostics, config: Self::State) -> Option<Self::State>;
}

/// A data source of this provider, as tf-provider serves it.
pub struct Adapted<T>(pub T);

#[async_trait]
impl<T: RdscaDataSource> DataSource for Adapted<T> {
    type State<'a> = T::State;
    type ProviderMetaState<'a> = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some((T::SCHEMA)())
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: T::State) -> Option<()> {
        self.0.validate(diags, config).await;
        Some(())
    }

    async fn read<'a>(
        &self,
        diags: &mut Diagnostics,
        config: T::State,
        _meta: ValueEmpty,
    ) -> Option<T::State> {
        self.0.read(diags, config).await
    }
}

/// A list-of-objects attribute of a data source, with the one declaration of its fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NestedObject {
    /// The data source's name in the provider (`bundle` for `rdsca_bundle`).
    pub data_source: &'static str,
    /// The top-level attribute holding the list.
    pub attribute: &'static str,
    pub object: ObjectList,
}

/// Every list-of-objects attribute of every data source, from the same declarations that build
/// the schemas: what the docs generator documents field by field (the wire schema carries the
/// fields' docs only as description text). Pure: nothing is registered as a side effect.
pub fn nested_object_docs() -> Vec<NestedObject> {
    vec![
        NestedObject {
            data_source: bundle::NAME,
            attribute: "certificates",
            object: bundle::certificates_object(),
        },
        NestedObject {
            data_source: certificate_authorities::NAME,
            attribute: "certificate_authorities",
            object: certificate_authorities::certificate_authorities_object(),
        },
        NestedObject {
            data_source: databases::NAME,
            attribute: "databases",
            object: databases::databases_object(),
        },
        NestedObject {
            data_source: databases::NAME,
            attribute: "summary",
            object: databases::summary_object(),
        },
        NestedObject {
            data_source: databases::NAME,
            attribute: "failed_regions",
            object: databases::failed_regions_object(),
        },
        NestedObject {
            data_source: regions::NAME,
            attribute: "regions",
            object: regions::regions_object(),
        },
    ]
}

/// Reports problems as errors on their attributes.
pub fn report(diags: &mut Diagnostics, problems: Vec<Problem>) {
    for p in problems {
        diags.error(p.summary, p.detail, AttributePath::new(p.attribute));
    }
}

/// The checked inputs when the offline checks found no problem; otherwise reports the problems
/// as errors on their attributes.
pub fn without_problems<T>(
    diags: &mut Diagnostics,
    (checked, problems): (T, Vec<Problem>),
) -> Option<T> {
    if problems.is_empty() {
        Some(checked)
    } else {
        report(diags, problems);
        None
    }
}

/// The RDS API client, or an error saying why the provider cannot call it.
pub fn rds_api<'a>(shared: &'a ProviderData, diags: &mut Diagnostics) -> Option<&'a RdsApi> {
    shared
        .rds_api()
        .map_err(|e| diags.root_error("The rdsca provider cannot call the RDS API", e.to_string()))
        .ok()
}

/// A value Terraform will know only after apply (plan time).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unknown;

/// A string input: `Ok(Some)` when set, `Ok(None)` when null, `Err(Unknown)` while unknown.
pub fn known(v: &Value<String>) -> Result<Option<&str>, Unknown> {
    match v {
        Value::Value(s) => Ok(Some(s.as_str())),
        Value::Null => Ok(None),
        Value::Unknown => Err(Unknown),
    }
}

/// A set string input, or `None` while it is null or unknown (validate time).
pub fn known_set(v: &Value<String>) -> Option<&str> {
    known(v).ok().flatten()
}
