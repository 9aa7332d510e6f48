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
    self, bundle::BundleDataSource, certificate_authorities::CertificateAuthoritiesDataSource,
    databases::DatabasesDataSource, engine_ca::EngineCaDataSource, regions::RegionsDataSource,
    Adapted,
};
use crate::functions::{
    bundle_url::BundleUrl, ca_availability::CA_AVAILABILITY, ca_available::CA_AVAILABLE,
    validate_ca::VALIDATE_CA,
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
            data_sources::bundle::NAME => Adapted(BundleDataSource { shared: self.shared.clone() }),
            data_sources::regions::NAME => Adapted(RegionsDataSource),
            data_sources::certificate_authorities::NAME => Adapted(CertificateAuthoritiesDataSource),
            data_sources::engine_ca::NAME => Adapted(EngineCaDataSource { shared: self.shared.clone() }),
            data_sources::databases::NAME => Adapted(DatabasesDataSource { shared: self.shared.clone() }),
        })
    }

    fn get_functions(
        &self,
        _diags: &mut Diagnostics,
    ) -> Option<HashMap<String, Box<dyn DynamicFunction>>> {
        Some(map! {
            "bundle_url" => BundleUrl,
            "ca_available" => CA_AVAILABLE,
            "ca_availability" => CA_AVAILABILITY,
            "validate_ca" => VALIDATE_CA,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use serde::Serialize;
    use tf_provider::schema::{AttributeType, Schema};

    use super::*;
    use crate::config::ProviderConfig;
    use crate::data_sources::{
        bundle::BundleState,
        certificate_authorities::CaEntry,
        certificate_authorities::CasState,
        certificate_model::CertificateModel,
        databases::{CaSummaryEntry, DatabaseEntry, DatabasesState, FailedRegionEntry},
        engine_ca::EngineCaState,
        nested_object_docs,
        regions::RegionEntry,
        regions::RegionsState,
    };
    use crate::schema_util::ObjectList;

    fn data_source_schemas() -> BTreeMap<String, Schema> {
        let mut diags = Diagnostics::default();
        RdsCaProvider::default()
            .get_data_sources(&mut diags)
            .unwrap()
            .into_iter()
            .map(|(name, ds)| (name, ds.schema(&mut diags).unwrap()))
            .collect()
    }

    fn schema_names(schema: &Schema) -> BTreeSet<String> {
        schema.block.attributes.keys().cloned().collect()
    }

    fn field_names(object: &ObjectList) -> BTreeSet<String> {
        object.fields.iter().map(|f| f.name.to_string()).collect()
    }

    /// The keys a model struct sends to Terraform.
    fn model_keys<T: Serialize>(model: &T) -> BTreeSet<String> {
        let value = serde_json::to_value(model).unwrap();
        value.as_object().unwrap().keys().cloned().collect()
    }

    #[test]
    fn nested_object_docs_declare_exactly_the_schemas_object_lists() {
        let schemas = data_source_schemas();
        let declared = nested_object_docs();
        for nested in &declared {
            let schema = &schemas[nested.data_source];
            assert_eq!(
                schema.block.attributes.get(nested.attribute),
                Some(&nested.object.attribute()),
                "{}.{}",
                nested.data_source,
                nested.attribute
            );
        }
        // And every object in a data source's schema has its declaration.
        for (name, schema) in &schemas {
            for (attribute, a) in &schema.block.attributes {
                let holds_objects = match &a.attr_type {
                    AttributeType::Object(_) => true,
                    AttributeType::List(i) | AttributeType::Set(i) | AttributeType::Map(i) => {
                        matches!(**i, AttributeType::Object(_))
                    }
                    _ => false,
                };
                let documented = declared
                    .iter()
                    .any(|n| n.data_source == name && n.attribute == attribute);
                assert_eq!(holds_objects, documented, "{name}.{attribute}");
            }
        }
    }

    #[test]
    fn every_model_struct_has_exactly_its_schemas_attributes() {
        let schemas = data_source_schemas();
        assert_eq!(
            model_keys(&ProviderConfig::default()),
            schema_names(&crate::config::schema())
        );
        let states = [
            (
                data_sources::bundle::NAME,
                model_keys(&BundleState::default()),
            ),
            (
                data_sources::regions::NAME,
                model_keys(&RegionsState::default()),
            ),
            (
                data_sources::certificate_authorities::NAME,
                model_keys(&CasState::default()),
            ),
            (
                data_sources::engine_ca::NAME,
                model_keys(&EngineCaState::default()),
            ),
            (
                data_sources::databases::NAME,
                model_keys(&DatabasesState::default()),
            ),
        ];
        assert_eq!(states.len(), schemas.len(), "a data source without a check");
        for (name, keys) in states {
            assert_eq!(keys, schema_names(&schemas[name]), "{name}");
        }

        let nested: BTreeMap<_, _> = nested_object_docs()
            .into_iter()
            .map(|n| (n.attribute, field_names(&n.object)))
            .collect();
        let certificate = &rdsca_trust::compiled_bundle("aws", Some("eu-west-1"))
            .unwrap()
            .certificates[0];
        let certificate = CertificateModel::new(certificate, true);
        assert_eq!(model_keys(&certificate), nested["certificates"]);
        let region = rdsca_table::Region::all().next().unwrap();
        assert_eq!(model_keys(&RegionEntry::from(region)), nested["regions"]);
        assert_eq!(
            model_keys(&CaEntry::from(rdsca_table::CaId::DEFAULT)),
            nested["certificate_authorities"]
        );
        assert_eq!(model_keys(&DatabaseEntry::default()), nested["databases"]);
        assert_eq!(model_keys(&CaSummaryEntry::default()), nested["summary"]);
        assert_eq!(
            model_keys(&FailedRegionEntry::default()),
            nested["failed_regions"]
        );
        assert_eq!(nested.len(), 6, "a nested object without a check");
    }
}
