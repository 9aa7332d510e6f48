//! Provider-defined functions (Terraform >= 1.8), one file each. They are pure and offline and
//! need no provider configuration.

pub mod bundle_url;
pub mod ca_availability;
pub mod ca_available;
pub mod validate_ca;

use tf_provider::schema::{Description, FunctionSchema, Parameter, Type};
use tf_provider::Diagnostics;

use rdsca_table::selection::{self, Problem};
use rdsca_table::{CaId, Region};

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

/// The schema of a function of `(region, ca)`: `ca_available`, `ca_availability`, `validate_ca`.
pub fn region_and_ca_schema(return_type: Type, summary: &str, markdown: &str) -> FunctionSchema {
    FunctionSchema {
        parameters: vec![
            string_param("region", REGION_PARAM),
            string_param("ca", CA_PARAM),
        ],
        return_type,
        summary: summary.into(),
        description: Description::markdown(markdown),
        ..Default::default()
    }
}

/// Resolves `(region, ca)` arguments; each unknown one is a function error on its argument.
pub fn region_and_ca(
    diags: &mut Diagnostics,
    region: &str,
    ca: &str,
) -> Option<(&'static Region, CaId)> {
    let region = selection::region("region", region).map_err(|p| fail(diags, 0, p));
    let ca = selection::ca("ca", ca).map_err(|p| fail(diags, 1, p));
    Some((region.ok()?, ca.ok()?))
}

/// Reports a problem as a function error on argument `index`, with the data source's wording.
pub fn fail(diags: &mut Diagnostics, index: i64, problem: Problem) {
    diags.function_error(index, problem.message());
}
