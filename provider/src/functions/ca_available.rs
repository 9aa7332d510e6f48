//! `provider::rdsca::ca_available(region, ca)`: whether RDS offers a CA in a Region.

use tf_provider::schema::Type;

use super::RegionCaFunction;

pub const CA_AVAILABLE: RegionCaFunction<bool> = RegionCaFunction {
    return_type: Type::Bool,
    summary: "Whether RDS offers a CA in a Region",
    description: "Returns `true` when RDS offers the CA in the Region, `false` when it does not \
                 (for example `rds-ca-ecc384-g1` in `ap-south-1`) and also when no source confirms it (`unverified`: \
                 `provider::rdsca::ca_availability` tells the two apart). An unknown Region or CA identifier is an error, not `false`.",
    answer: |_, region, ca, _| Some(region.offers(ca)),
};
