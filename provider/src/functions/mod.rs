//! Provider-defined functions (Terraform >= 1.8), one file each. They are pure and offline and
//! need no provider configuration.

pub mod bundle_url;
pub mod ca_availability;
pub mod ca_available;
pub mod validate_ca;

use async_trait::async_trait;
use serde::Serialize;
use tf_provider::schema::{Description, FunctionSchema, Parameter, Type};
use tf_provider::{Diagnostics, Function};

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

/// A function of `(region, ca)`: `ca_available`, `ca_availability`, `validate_ca`. Each file
/// declares one as a constant, with its texts and its answer; resolving the two arguments (an
/// unknown one is an error on it) and the schema's parameters are written once, here.
pub struct RegionCaFunction<Output> {
    pub return_type: Type,
    pub summary: &'static str,
    pub description: &'static str,
    /// The answer for a Region and CA of the table; the last argument is `ca` as given.
    pub answer: fn(&mut Diagnostics, &'static Region, CaId, String) -> Option<Output>,
}

#[async_trait]
impl<Output: Serialize + Send + Sync + 'static> Function for RegionCaFunction<Output> {
    type Input<'a> = (String, String);
    type Output<'a> = Output;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<FunctionSchema> {
        Some(FunctionSchema {
            parameters: vec![
                string_param("region", REGION_PARAM),
                string_param("ca", CA_PARAM),
            ],
            return_type: self.return_type.clone(),
            summary: self.summary.into(),
            description: Description::markdown(self.description),
            ..Default::default()
        })
    }

    async fn call<'a>(
        &self,
        diags: &mut Diagnostics,
        (region, ca): Self::Input<'a>,
    ) -> Option<Output> {
        let (table_region, id) = region_and_ca(diags, &region, &ca)?;
        (self.answer)(diags, table_region, id, ca)
    }
}

/// Resolves `(region, ca)` arguments; each unknown one is a function error on its argument.
fn region_and_ca(
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
