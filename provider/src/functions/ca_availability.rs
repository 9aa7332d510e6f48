//! `provider::rdsca::ca_availability(region, ca)`: what the table says of a CA in a Region.

use tf_provider::schema::Type;

use super::RegionCaFunction;

pub const CA_AVAILABILITY: RegionCaFunction<String> = RegionCaFunction {
    return_type: Type::String,
    summary: "Whether RDS offers a CA in a Region, as the provider's table knows it",
    description: "Returns `offered`, `not_offered`, or `unverified` when no source confirms or rules it out \
                 (check with `aws rds describe-certificates --region <region>`). Use it in a `precondition` or `check` \
                 to treat `unverified` as you choose; `ca_available` is `true` only for `offered`. \
                 An unknown Region or CA identifier is an error.",
    answer: |_, region, ca, _| Some(region.availability(ca).as_str().to_string()),
};
