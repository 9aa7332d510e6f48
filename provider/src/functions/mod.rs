//! Provider-defined functions (Terraform >= 1.8), one file each. They are pure and offline and
//! need no provider configuration.

pub mod bundle_url;
pub mod ca_available;
pub mod validate_ca;

use tf_provider::schema::{Description, Parameter, Type};
use tf_provider::Diagnostics;

use crate::selection::Problem;

pub fn string_param(name: &str, markdown: &str) -> Parameter {
    Parameter {
        name: name.into(),
        param_type: Type::String,
        description: Description::markdown(markdown),
        ..Default::default()
    }
}

pub const REGION_PARAM: &str = "AWS Region code, for example `eu-west-1`.";
pub const CA_PARAM: &str =
    "CA identifier: `rds-ca-rsa2048-g1`, `rds-ca-rsa4096-g1` or `rds-ca-ecc384-g1`.";

/// Reports a problem as a function error on argument `index`, with the data source's wording.
pub fn fail(diags: &mut Diagnostics, index: i64, problem: Problem) {
    diags.function_error(index, problem.message());
}
