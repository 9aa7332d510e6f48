//! `provider::rdsca::ca_available(region, ca)`: whether RDS offers a CA in a Region.

use async_trait::async_trait;
use tf_provider::schema::{Description, FunctionSchema, Type};
use tf_provider::{Diagnostics, Function};

use super::{fail, string_param, CA_PARAM, REGION_PARAM};
use crate::selection;

pub struct CaAvailable;

#[async_trait]
impl Function for CaAvailable {
    type Input<'a> = (String, String);
    type Output<'a> = bool;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<FunctionSchema> {
        Some(FunctionSchema {
            parameters: vec![string_param("region", REGION_PARAM), string_param("ca", CA_PARAM)],
            return_type: Type::Bool,
            summary: "Whether RDS offers a CA in a Region".into(),
            description: Description::markdown(
                "Returns `true` when RDS offers the CA in the Region, `false` when it does not \
                 (for example `rds-ca-ecc384-g1` in `ap-south-1`). An unknown Region or CA identifier is an error, not `false`.",
            ),
            ..Default::default()
        })
    }

    async fn call<'a>(
        &self,
        diags: &mut Diagnostics,
        (region, ca): Self::Input<'a>,
    ) -> Option<Self::Output<'a>> {
        let region = selection::region("region", &region).map_err(|p| fail(diags, 0, p));
        let ca = selection::ca("ca", &ca).map_err(|p| fail(diags, 1, p));
        Some(region.ok()?.offers(ca.ok()?))
    }
}
