//! `resource "aws_rds_certificate"`: the account's default CA for new DB instances in a Region
//! (the override `aws rds modify-certificates` sets).

use serde::{Deserialize, Serialize};
use tf_provider::schema::{AttributeType, Schema};
use tf_provider::value::Value;
use tf_provider::Diagnostics;

use super::{
    changed, computed, optional_computed, required, resolve_with, schema, unknown_if_null, Kind,
    REGION_DOC,
};

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct CertificateState {
    pub certificate_identifier: Value<String>,
    pub region: Value<String>,
    pub id: Value<String>,
}

pub struct RdsCertificate;

impl Kind for RdsCertificate {
    type State = CertificateState;

    fn schema() -> Schema {
        let s = || AttributeType::String;
        schema(
            "The account's default CA certificate for new DB instances in the Region (stand-in: nothing is changed in AWS).",
            vec![
                ("certificate_identifier", required(s(), "The CA certificate new DB instances get, such as `rds-ca-rsa4096-g1`.")),
                ("region", optional_computed(s(), REGION_DOC)),
                ("id", computed(s(), "The Region.")),
            ],
        )
    }

    fn region(state: &mut CertificateState) -> &mut Value<String> {
        &mut state.region
    }

    fn validate(_state: &CertificateState, _diags: &mut Diagnostics) {
        // Like the real provider, any identifier is accepted here: AWS judges it (and `rdsca
        // check` is what the tests exercise on bad ones).
    }

    fn plan_unknowns(s: &mut CertificateState) {
        unknown_if_null(&mut s.region);
        unknown_if_null(&mut s.id);
    }

    fn replaced_by(prior: &CertificateState, planned: &CertificateState) -> Vec<&'static str> {
        if changed(&prior.region, &planned.region) {
            vec!["region"]
        } else {
            Vec::new()
        }
    }

    fn plan_update_unknowns(_prior: &CertificateState, _planned: &mut CertificateState) {
        // Changing the identifier updates the override in place; the ID is the Region.
    }

    fn resolve(s: &mut CertificateState, region: &str, _diags: &mut Diagnostics) -> Option<()> {
        resolve_with(&mut s.id, || region.to_string());
        Some(())
    }
}
