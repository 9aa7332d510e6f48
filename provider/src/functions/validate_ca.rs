//! `provider::rdsca::validate_ca(region, ca)`: the CA, or an error when the Region does not offer it.

use async_trait::async_trait;
use tf_provider::schema::{FunctionSchema, Type};
use tf_provider::{Diagnostics, Function};

use super::{fail, region_and_ca, region_and_ca_schema};
use rdsca_table::selection::{self, Place};

pub struct ValidateCa;

#[async_trait]
impl Function for ValidateCa {
    type Input<'a> = (String, String);
    type Output<'a> = String;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<FunctionSchema> {
        Some(region_and_ca_schema(
            Type::String,
            "Checks a CA choice for a Region",
                "Returns `ca` unchanged when RDS offers it in `region`, so it can wrap a `ca_cert_identifier` value: \
                 `ca_cert_identifier = provider::rdsca::validate_ca(var.region, var.ca)`. When the Region does not offer it, the call fails with the same message \
                 as `data.rdsca_bundle`, naming the Region, the CA and the CAs the Region offers. A CA whose availability is `unverified` \
                 (see `ca_availability`) passes: a function cannot warn, and `data.rdsca_bundle` does.",
        ))
    }

    async fn call<'a>(
        &self,
        diags: &mut Diagnostics,
        (region, ca): Self::Input<'a>,
    ) -> Option<Self::Output<'a>> {
        let (region, id) = region_and_ca(diags, &region, &ca)?;
        // An unverified CA passes: a function cannot warn (rdsca_bundle does), and must not fail
        // what may be valid.
        selection::offered("ca", &Place::Listed(region), id)
            .map_err(|p| fail(diags, 1, p))
            .ok()?;
        Some(ca)
    }
}
