//! The provider's data sources, one file each.

pub mod bundle;
pub mod certificate_authorities;
pub mod certificate_model;
pub mod databases;
pub mod engine_ca;
pub mod regions;

use tf_provider::value::Value;
use tf_provider::{AttributePath, Diagnostics};

use rdsca_table::selection::Problem;

use crate::schema_util::ObjectList;

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
