//! The provider's data sources, one file each.

pub mod bundle;
pub mod certificate_authorities;
pub mod engine_ca;
pub mod regions;

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
