//! `provider::rdsca::validate_ca(region, ca)`: the CA, or an error when the Region does not offer it.

use tf_provider::schema::Type;

use super::{fail, RegionCaFunction};
use rdsca_table::selection::{self, Place};

pub const VALIDATE_CA: RegionCaFunction<String> = RegionCaFunction {
    return_type: Type::String,
    summary: "Checks a CA choice for a Region",
    description: "Returns `ca` unchanged when RDS offers it in `region`, so it can wrap a `ca_cert_identifier` value: \
                 `ca_cert_identifier = provider::rdsca::validate_ca(var.region, var.ca)`. When the Region does not offer it, the call fails with the same message \
                 as `data.rdsca_bundle`, naming the Region, the CA and the CAs the Region offers. A CA whose availability is `unverified` \
                 (see `ca_availability`) passes: a function cannot warn, and `data.rdsca_bundle` does.",
    // An unverified CA passes: a function cannot warn (rdsca_bundle does), and must not fail what
    // may be valid.
    answer: |diags, region, id, ca| {
        selection::offered("ca", &Place::Listed(region), id)
            .map_err(|p| fail(diags, 1, p))
            .ok()?;
        Some(ca)
    },
};
