//! `data "rdsca_certificate_authorities"`: the RDS CA table.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tf_provider::schema::{AttributeType, Schema};
use tf_provider::value::Value;
use tf_provider::Diagnostics;

use super::RdscaDataSource;
use crate::schema_util::{block, computed, ObjectList};
use rdsca_table::CaId;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CaEntry {
    pub id: String,
    pub key_algorithm: String,
    pub key_size: Option<i64>,
    pub curve: Option<String>,
    pub signature_algorithm: String,
    pub govcloud_signature_algorithm: String,
    pub automatic_rotation: bool,
    pub root_common_name_template: String,
    pub is_default: bool,
}

impl From<CaId> for CaEntry {
    fn from(id: CaId) -> Self {
        let ca = id.authority();
        CaEntry {
            id: id.as_str().into(),
            key_algorithm: ca.key_algorithm.into(),
            key_size: ca.key_size.map(i64::from),
            curve: ca.curve.map(String::from),
            signature_algorithm: ca.signature_algorithm.into(),
            govcloud_signature_algorithm: ca.signature_algorithm_in("aws-us-gov").into(),
            automatic_rotation: ca.automatic_rotation,
            root_common_name_template: ca.root_common_name.into(),
            is_default: ca.is_default,
        }
    }
}

/// The fields of each element of `certificate_authorities`; [`CaEntry`] is their model.
pub fn certificate_authorities_object() -> ObjectList {
    ObjectList::new(
        "Every CA.",
        vec![
            (
                "id",
                AttributeType::String,
                "The CA identifier, as `ca_cert_identifier` takes it.",
            ),
            ("key_algorithm", AttributeType::String, "`RSA` or `EC`."),
            (
                "key_size",
                AttributeType::Number,
                "RSA key size in bits; null for EC.",
            ),
            (
                "curve",
                AttributeType::String,
                "EC curve (`P-384`); null for RSA.",
            ),
            (
                "signature_algorithm",
                AttributeType::String,
                "Signature algorithm of the CA in commercial Regions.",
            ),
            (
                "govcloud_signature_algorithm",
                AttributeType::String,
                "Signature algorithm in the AWS GovCloud (US) Regions.",
            ),
            (
                "automatic_rotation",
                AttributeType::Bool,
                "Whether RDS rotates the DB server certificate automatically.",
            ),
            (
                "root_common_name_template",
                AttributeType::String,
                "CN of the root certificate, `{region}` standing for the Region code.",
            ),
            (
                "is_default",
                AttributeType::Bool,
                "Whether RDS uses this CA when none is chosen.",
            ),
        ],
    )
}

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct CasState {
    pub id: Value<String>,
    pub default_ca_identifier: Value<String>,
    pub certificate_authorities: Value<Vec<CaEntry>>,
}

/// The data source's name in the provider (`rdsca_certificate_authorities` in configurations).
pub const NAME: &str = "certificate_authorities";

pub struct CertificateAuthoritiesDataSource;

pub fn schema() -> Schema {
    block(
        "The certificate authorities RDS offers to sign DB server certificates, with their keys and algorithms.",
        vec![
            ("id", computed(AttributeType::String, "Always `certificate_authorities`.")),
            ("default_ca_identifier", computed(AttributeType::String, "The CA RDS uses when none is chosen.")),
            ("certificate_authorities", certificate_authorities_object().attribute()),
        ],
    )
}

#[async_trait]
impl RdscaDataSource for CertificateAuthoritiesDataSource {
    type State = CasState;
    const SCHEMA: fn() -> Schema = schema;

    async fn read(&self, _diags: &mut Diagnostics, _config: CasState) -> Option<CasState> {
        let entries = CaId::ALL.iter().map(|&id| CaEntry::from(id)).collect();
        Some(CasState {
            id: Value::Value("certificate_authorities".into()),
            default_ca_identifier: Value::Value(CaId::DEFAULT.as_str().into()),
            certificate_authorities: Value::Value(entries),
        })
    }
}
