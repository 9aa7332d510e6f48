//! `rdsca_bundle.certificates[*]` as Terraform sees it: the wire model of one certificate,
//! built from the trust crate's [`CertificateInfo`] (which keeps the DER and typed dates). A test
//! checks that its fields are exactly the schema's.

use rdsca_trust::certificate::rfc3339;
use rdsca_trust::CertificateInfo;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateModel {
    pub subject: String,
    pub issuer: String,
    pub common_name: String,
    pub serial_number: String,
    pub not_before: String,
    pub not_after: String,
    pub is_ca: bool,
    pub is_root: bool,
    pub version: i64,
    pub public_key_algorithm: String,
    pub key_size: Option<i64>,
    pub curve: Option<String>,
    pub signature_algorithm: String,
    pub sha1_fingerprint: String,
    pub sha256_fingerprint: String,
    /// Null unless `include_certificate_pem = true`, to keep the state lean.
    pub cert_pem: Option<String>,
    pub ca_identifier: Option<String>,
    pub region: Option<String>,
    pub compiled_in: bool,
}

impl CertificateModel {
    pub fn new(c: &CertificateInfo, include_pem: bool) -> CertificateModel {
        CertificateModel {
            subject: c.subject.clone(),
            issuer: c.issuer.clone(),
            common_name: c.common_name.clone(),
            serial_number: c.serial_number.clone(),
            not_before: rfc3339(c.not_before),
            not_after: rfc3339(c.not_after),
            is_ca: c.is_ca,
            is_root: c.is_root,
            version: c.version,
            public_key_algorithm: c.public_key_algorithm.clone(),
            key_size: c.key_size,
            curve: c.curve.clone(),
            signature_algorithm: c.signature_algorithm.clone(),
            sha1_fingerprint: c.sha1_fingerprint.clone(),
            sha256_fingerprint: c.sha256_fingerprint.clone(),
            cert_pem: include_pem.then(|| c.pem()),
            ca_identifier: c.ca_identifier.clone(),
            region: c.region.clone(),
            compiled_in: c.compiled_in,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;
    use tf_provider::schema::AttributeType;

    #[test]
    fn the_model_has_exactly_the_schema_fields() {
        let schema = crate::data_sources::bundle::schema();
        let attribute = &schema.block.attributes["certificates"];
        let AttributeType::List(element) = &attribute.attr_type else {
            panic!("certificates is a list: {:?}", attribute.attr_type);
        };
        let AttributeType::Object(fields) = &**element else {
            panic!("of objects: {element:?}");
        };
        let schema_fields: BTreeSet<&str> = fields.keys().map(String::as_str).collect();
        let bundle = rdsca_trust::compiled_bundle("aws", Some("eu-west-1")).unwrap();
        let model =
            serde_json::to_value(CertificateModel::new(&bundle.certificates[0], true)).unwrap();
        let model_fields: BTreeSet<&str> = model
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(model_fields, schema_fields);
    }
}
