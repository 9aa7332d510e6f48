//! The provider's data sources, one file each.

pub mod bundle;
pub mod certificate_authorities;
pub mod certificate_model;
pub mod engine_ca;
pub mod regions;

use tf_provider::value::Value;
use tf_provider::{AttributePath, Diagnostics};

use rdsca_table::selection::Problem;

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
