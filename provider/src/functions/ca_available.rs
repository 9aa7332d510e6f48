//! `provider::rdsca::ca_available(region, ca)`: whether RDS offers a CA in a Region.

use async_trait::async_trait;
use tf_provider::schema::{FunctionSchema, Type};
use tf_provider::{Diagnostics, Function};

use super::{region_and_ca, region_and_ca_schema};

pub struct CaAvailable;

#[async_trait]
impl Function for CaAvailable {
    type Input<'a> = (String, String);
    type Output<'a> = bool;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<FunctionSchema> {
        Some(region_and_ca_schema(
            Type::Bool,
            "Whether RDS offers a CA in a Region",
                "Returns `true` when RDS offers the CA in the Region, `false` when it does not \
                 (for example `rds-ca-ecc384-g1` in `ap-south-1`) and also when no source confirms it (`unverified`: \
                 `provider::rdsca::ca_availability` tells the two apart). An unknown Region or CA identifier is an error, not `false`.",
        ))
    }

    async fn call<'a>(
        &self,
        diags: &mut Diagnostics,
        (region, ca): Self::Input<'a>,
    ) -> Option<Self::Output<'a>> {
        let (region, ca) = region_and_ca(diags, &region, &ca)?;
        Some(region.offers(ca))
    }
}
