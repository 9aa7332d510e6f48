//! `provider::rdsca::ca_availability(region, ca)`: what the table says of a CA in a Region.

use async_trait::async_trait;
use tf_provider::schema::{FunctionSchema, Type};
use tf_provider::{Diagnostics, Function};

use super::{region_and_ca, region_and_ca_schema};

pub struct CaAvailability;

#[async_trait]
impl Function for CaAvailability {
    type Input<'a> = (String, String);
    type Output<'a> = String;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<FunctionSchema> {
        Some(region_and_ca_schema(
            Type::String,
            "Whether RDS offers a CA in a Region, as the provider's table knows it",
                "Returns `offered`, `not_offered`, or `unverified` when no source confirms or rules it out \
                 (check with `aws rds describe-certificates --region <region>`). Use it in a `precondition` or `check` \
                 to treat `unverified` as you choose; `ca_available` is `true` only for `offered`. \
                 An unknown Region or CA identifier is an error.",
        ))
    }

    async fn call<'a>(
        &self,
        diags: &mut Diagnostics,
        (region, ca): Self::Input<'a>,
    ) -> Option<Self::Output<'a>> {
        let (region, ca) = region_and_ca(diags, &region, &ca)?;
        Some(region.availability(ca).as_str().to_string())
    }
}
