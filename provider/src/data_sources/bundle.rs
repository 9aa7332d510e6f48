//! `data "rdsca_bundle"`: the CA bundle URLs for a region (or a partition's global bundle) and
//! the CA choice, validated at plan time.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tf_provider::schema::{AttributeType, Schema};
use tf_provider::value::{Value, ValueEmpty};
use tf_provider::{DataSource, Diagnostics};

use std::sync::Arc;

use super::report;
use crate::content::bundle::{check_bundle, fetch_bundle};
use crate::content::parse::{roots_pem, soonest_not_after, CertificateInfo};
use crate::provider::Shared;
use crate::schema_util::{
    block, computed, computed_object_list, optional, optional_computed, strings,
};
use crate::selection::{select, Problem, Selection};

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct BundleState {
    pub region: Value<String>,
    pub partition: Value<String>,
    pub ca_identifier: Value<String>,
    pub id: Value<String>,
    pub region_name: Value<String>,
    pub pem_url: Value<String>,
    pub p7b_url: Value<String>,
    pub available_ca_identifiers: Value<Vec<Value<String>>>,
    pub default_ca_identifier: Value<String>,
    pub fetch_content: Value<bool>,
    pub expected_sha256: Value<String>,
    pub content_url: Value<String>,
    pub content: Value<String>,
    pub content_sha256: Value<String>,
    pub certificates: Value<Vec<CertificateInfo>>,
    pub roots_pem: Value<String>,
    pub soonest_not_after: Value<String>,
}

/// A known string, `None` when null; `Err(())` while unknown (plan time).
fn known(v: &Value<String>) -> Result<Option<&str>, ()> {
    match v {
        Value::Value(s) => Ok(Some(s.as_str())),
        Value::Null => Ok(None),
        Value::Unknown => Err(()),
    }
}

impl BundleState {
    /// The selection, or `None` when problems were reported (or an input is still unknown).
    fn selection(&self, diags: &mut Diagnostics) -> Option<Selection> {
        let region = known(&self.region);
        let partition = known(&self.partition);
        let ca = known(&self.ca_identifier);
        // Check what is known already; the rest is checked again when it is known.
        let result = select(
            region.unwrap_or(None),
            partition.unwrap_or(None),
            ca.unwrap_or(None),
        );
        match result {
            Err(problems) => {
                report(diags, problems);
                None
            }
            Ok(s) if region.is_ok() && partition.is_ok() && ca.is_ok() => Some(s),
            Ok(_) => None,
        }
    }

    /// `expected_sha256` must look like a SHA-256 and needs content to check.
    fn pin_problems(&self) -> Vec<Problem> {
        let Value::Value(pin) = &self.expected_sha256 else {
            return Vec::new();
        };
        let mut problems = Vec::new();
        let pin = pin.trim();
        if pin.len() != 64 || !pin.bytes().all(|b| b.is_ascii_hexdigit()) {
            problems.push(Problem {
                attribute: "expected_sha256",
                summary: "Invalid expected_sha256".into(),
                detail: format!("expected_sha256 = \"{pin}\" is not a SHA-256: 64 hexadecimal digits, as `sha256sum` prints them."),
            });
        }
        if matches!(self.fetch_content, Value::Value(false)) {
            problems.push(Problem {
                attribute: "expected_sha256",
                summary: "expected_sha256 needs the bundle content".into(),
                detail: "expected_sha256 pins the fetched bundle, but fetch_content = false fetches nothing: remove one of them.".into(),
            });
        }
        problems
    }

    fn fill(mut self, s: &Selection) -> Self {
        self.id = Value::Value(match s.region {
            Some(r) => r.code.to_string(),
            None => format!("global/{}", s.partition.id),
        });
        self.region_name = Value::Value(match s.region {
            Some(r) => r.name.to_string(),
            None => format!("Global ({})", s.partition.name),
        });
        self.partition = Value::Value(s.partition.id.to_string());
        self.ca_identifier = Value::Value(s.ca.as_str().to_string());
        self.pem_url = Value::Value(s.pem_url().to_string());
        self.p7b_url = Value::Value(s.p7b_url().to_string());
        self.available_ca_identifiers = Value::Value(
            s.available_cas()
                .iter()
                .map(|c| Value::Value(c.as_str().to_string()))
                .collect(),
        );
        self.default_ca_identifier = Value::Value(crate::table::CaId::DEFAULT.as_str().to_string());
        self
    }
}

pub struct BundleDataSource {
    pub shared: Arc<Shared>,
}

fn certificates_attribute() -> tf_provider::schema::Attribute {
    let s = || AttributeType::String;
    computed_object_list(
        "Every certificate of the bundle, in bundle order.",
        vec![
            ("subject", s(), "Subject DN, as `tls_certificate` prints it."),
            ("issuer", s(), "Issuer DN."),
            ("common_name", s(), "Subject CN."),
            ("serial_number", s(), "Serial number, decimal."),
            ("not_before", s(), "Start of validity (RFC 3339)."),
            ("not_after", s(), "End of validity (RFC 3339)."),
            ("is_ca", AttributeType::Bool, "Whether the certificate is a CA (basic constraints)."),
            ("is_root", AttributeType::Bool, "Whether it is self-signed (a root)."),
            ("version", AttributeType::Number, "X.509 version."),
            ("public_key_algorithm", s(), "`RSA`, `ECDSA` or `ED25519`."),
            ("key_size", AttributeType::Number, "Key size in bits (RSA modulus, or the EC curve size)."),
            ("curve", s(), "EC curve, e.g. `P-384`; null for RSA."),
            ("signature_algorithm", s(), "Signature algorithm, e.g. `SHA384-RSA`."),
            ("sha1_fingerprint", s(), "SHA-1 fingerprint of the DER, lowercase hex."),
            ("sha256_fingerprint", s(), "SHA-256 fingerprint of the DER, lowercase hex."),
            ("cert_pem", s(), "The certificate alone, PEM."),
            ("ca_identifier", s(), "The RDS CA (`rds-ca-rsa2048-g1`, ...) when the CN names one of a known Region; else null."),
            ("region", s(), "The Region of that CA; else null."),
        ],
    )
}

pub fn schema() -> Schema {
    block(
        "The Amazon RDS / Aurora CA bundle for a Region, or a partition's global bundle, and a CA choice checked against what RDS offers there.\n\n\
         A CA the Region does not offer (for example `rds-ca-ecc384-g1` in `ap-south-1`) fails `terraform validate` and `terraform plan` on `ca_identifier`, long before AWS would reject it at apply time.",
        vec![
            ("region", optional(AttributeType::String, "AWS Region code, for example `eu-west-1` or `us-gov-west-1`. Unset: the global bundle of `partition`, which holds the roots of every Region in it.")),
            ("partition", optional_computed(AttributeType::String, "AWS partition: `aws` or `aws-us-gov`. Derived from `region` when unset (`aws` when both are unset); setting it to another partition than the region's is an error.")),
            ("ca_identifier", optional_computed(AttributeType::String, "The CA the database will use (`ca_cert_identifier`): `rds-ca-rsa2048-g1`, `rds-ca-rsa4096-g1` or `rds-ca-ecc384-g1`. Must be offered in `region`. Unset: the RDS default, `rds-ca-rsa2048-g1`.")),
            ("id", computed(AttributeType::String, "The Region code, or `global/<partition>` for a global bundle.")),
            ("region_name", computed(AttributeType::String, "The Region's display name, for example `Europe (Ireland)`.")),
            ("pem_url", computed(AttributeType::String, "HTTPS URL of the PEM bundle.")),
            ("p7b_url", computed(AttributeType::String, "HTTPS URL of the PKCS#7 bundle.")),
            ("available_ca_identifiers", computed(strings(), "The CAs RDS offers in the Region (every CA for a global bundle).")),
            ("default_ca_identifier", computed(AttributeType::String, "The CA RDS uses when none is chosen.")),
            ("fetch_content", optional(AttributeType::Bool, "Fetch and parse the PEM bundle (default `true`). `false` gives the URLs and the CA check only, with no network access.")),
            ("expected_sha256", optional(AttributeType::String, "Pin: the SHA-256 (hex) the fetched bundle must have. A mismatch is an error naming both hashes.")),
            ("content_url", computed(AttributeType::String, "The URL the content was fetched from: `pem_url`, or its mirror from the provider's `base_urls`. Null when `fetch_content = false`.")),
            ("content", computed(AttributeType::String, "The PEM bundle as served. Null when `fetch_content = false`.")),
            ("content_sha256", computed(AttributeType::String, "SHA-256 of `content`, lowercase hex.")),
            ("certificates", certificates_attribute()),
            ("roots_pem", computed(AttributeType::String, "Only the root (self-signed) certificates of the bundle, PEM: what a trust store should register, per AWS.")),
            ("soonest_not_after", computed(AttributeType::String, "The earliest `not_after` among the bundle's certificates (RFC 3339).")),
        ],
    )
}

#[async_trait]
impl DataSource for BundleDataSource {
    type State<'a> = BundleState;
    type ProviderMetaState<'a> = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(schema())
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: Self::State<'a>) -> Option<()> {
        config.selection(diags);
        report(diags, config.pin_problems());
        Some(())
    }

    async fn read<'a>(
        &self,
        diags: &mut Diagnostics,
        config: Self::State<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<Self::State<'a>> {
        let selection = config.selection(diags)?;
        let pin_problems = config.pin_problems();
        if !pin_problems.is_empty() {
            report(diags, pin_problems);
            return None;
        }
        let fetch = !matches!(config.fetch_content, Value::Value(false));
        let expected = config
            .expected_sha256
            .as_ref_option()
            .map(|s| s.trim().to_ascii_lowercase());
        let mut state = config.fill(&selection);
        if fetch {
            let bundle = fetch_bundle(&self.shared, &selection, diags).await?;
            check_bundle(
                &bundle,
                &selection,
                expected.as_deref(),
                self.shared.expiry_warning_days(),
                diags,
            );
            if !diags.errors.is_empty() {
                return None;
            }
            state.content_url = Value::Value(bundle.url.clone());
            state.content =
                Value::Value(String::from_utf8_lossy(&bundle.fetched.body).into_owned());
            state.content_sha256 = Value::Value(bundle.fetched.sha256.clone());
            state.roots_pem = Value::Value(roots_pem(&bundle.certificates));
            state.soonest_not_after = soonest_not_after(&bundle.certificates)
                .map(|c| c.not_after.clone())
                .into();
            state.certificates = Value::Value(bundle.certificates.as_ref().clone());
        }
        Some(state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_must_be_sha256_and_need_content() {
        let state = |pin: &str, fetch: Value<bool>| BundleState {
            expected_sha256: Value::Value(pin.into()),
            fetch_content: fetch,
            ..Default::default()
        };
        let good = "05c6b4a9bf4daa95c888711481e19cc8e2e11aed4de8db759f51f4a6fce64917";
        assert!(state(good, Value::Null).pin_problems().is_empty());
        assert!(state(&good.to_uppercase(), Value::Value(true))
            .pin_problems()
            .is_empty());
        let bad = state("0000", Value::Null).pin_problems();
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].detail, "expected_sha256 = \"0000\" is not a SHA-256: 64 hexadecimal digits, as `sha256sum` prints them.");
        let unfetched = state(good, Value::Value(false)).pin_problems();
        assert_eq!(
            unfetched[0].summary,
            "expected_sha256 needs the bundle content"
        );
        assert!(BundleState::default().pin_problems().is_empty());
    }
}
