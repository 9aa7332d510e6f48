//! `data "rdsca_bundle"`: the CA bundle URLs for a region (or a partition's global bundle), the
//! CA choice validated at plan time, and the certificates themselves: compiled in (the default,
//! no network), or downloaded and verified.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tf_provider::schema::{AttributeType, Schema};
use tf_provider::value::Value;
use tf_provider::Diagnostics;

use std::sync::Arc;

use tf_provider::AttributePath;

use super::certificate_model::CertificateModel;
use super::{known, report, RdscaDataSource};
use base64::Engine as _;

use crate::provider_data::ProviderData;
use crate::schema_util::{
    block, computed, deprecated, optional, optional_computed, sensitive, strings, ObjectList,
};
use rdsca_table::selection::{self, select, Problem, Selection};
use rdsca_table::{Availability, Endpoint};
use rdsca_trust::{
    certificate::rfc3339, compiled_bundle, sha256_hex, trust_material, CertificateInfo,
    ContentError, Finding, Origin, TrustMaterial, VerifiedBundle,
};

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct BundleState {
    pub region: Value<String>,
    pub partition: Value<String>,
    pub ca_identifier: Value<String>,
    pub endpoint: Value<String>,
    pub id: Value<String>,
    pub region_name: Value<String>,
    pub pem_url: Value<String>,
    pub p7b_url: Value<String>,
    pub available_ca_identifiers: Value<Vec<Value<String>>>,
    pub ca_availability: Value<String>,
    pub default_ca_identifier: Value<String>,
    pub content_source: Value<String>,
    pub fetch_content: Value<bool>,
    pub expected_sha256: Value<String>,
    pub include_content: Value<bool>,
    pub include_certificate_pem: Value<bool>,
    pub content_url: Value<String>,
    pub content: Value<String>,
    pub content_sha256: Value<String>,
    pub certificates: Value<Vec<CertificateModel>>,
    pub roots_pem: Value<String>,
    pub root_pem: Value<String>,
    pub root_sha256_fingerprint: Value<String>,
    pub offered_roots_pem: Value<String>,
    pub truststore_password: Value<String>,
    pub truststore_pkcs12: Value<String>,
    pub soonest_not_after: Value<String>,
}

/// Where `rdsca_bundle` takes its certificates from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContentSource {
    /// The RDS certificates compiled into the provider: no network.
    Compiled,
    /// The bundle from the truststore (or a mirror), verified and cached.
    Download,
    /// URLs and the CA check only.
    None,
}

impl ContentSource {
    const ALL: [(&'static str, ContentSource); 3] = [
        ("compiled", ContentSource::Compiled),
        ("download", ContentSource::Download),
        ("none", ContentSource::None),
    ];
}

/// The RDS set a read produced, from either source.
struct Content<'a> {
    /// The URL it came from, or what it is for a compiled set.
    origin: String,
    url: Option<String>,
    body: &'a str,
    sha256: &'a str,
    certificates: &'a [CertificateInfo],
}

impl BundleState {
    /// The selection, or `None` when problems were reported (or an input is still unknown).
    /// `allow_unlisted`: the provider's `allow_unlisted_regions`, `None` while it is unknown
    /// (then an unlisted but well-formed Region waits for the read to be judged).
    fn selection(
        &self,
        diags: &mut Diagnostics,
        allow_unlisted: Option<bool>,
    ) -> Option<Selection> {
        let region = known(&self.region);
        let partition = known(&self.partition);
        let ca = known(&self.ca_identifier);
        // Check what is known already; the rest is checked again when it is known.
        let result = select(
            region.unwrap_or(None),
            partition.unwrap_or(None),
            ca.unwrap_or(None),
            allow_unlisted.unwrap_or(true),
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

    /// `content_source`, or what the deprecated `fetch_content` says; `Err` with the problems.
    fn content_source(&self) -> Result<ContentSource, Vec<Problem>> {
        let named = match &self.content_source {
            Value::Value(s) => match ContentSource::ALL.iter().find(|(n, _)| n == s) {
                Some((_, c)) => Some(*c),
                None => {
                    let u = rdsca_table::UnknownValue::new(
                        "content source",
                        s,
                        ContentSource::ALL.iter().map(|(n, _)| *n),
                    );
                    return Err(vec![Problem {
                        attribute: "content_source",
                        summary: u.summary(),
                        detail: u.detail(),
                    }]);
                }
            },
            _ => None,
        };
        let legacy = match self.fetch_content {
            Value::Value(true) => Some(ContentSource::Download),
            Value::Value(false) => Some(ContentSource::None),
            _ => None,
        };
        match (named, legacy) {
            (Some(_), Some(_)) => Err(vec![Problem {
                attribute: "fetch_content",
                summary: "fetch_content and content_source both set".into(),
                detail: "fetch_content is the older form of content_source (true = \"download\", false = \"none\"): keep content_source only.".into(),
            }]),
            (Some(c), None) | (None, Some(c)) => Ok(c),
            (None, None) => Ok(ContentSource::Compiled),
        }
    }

    /// `endpoint` (`database` when unset; `None` while unknown), and whether it fits
    /// `content_source`; `Err` with the problems.
    fn endpoint(&self) -> Result<Option<Endpoint>, Vec<Problem>> {
        let endpoint = match &self.endpoint {
            Value::Value(s) => selection::endpoint("endpoint", s).map_err(|p| vec![p])?,
            Value::Null => Endpoint::default(),
            Value::Unknown => return Ok(None),
        };
        if endpoint == Endpoint::Proxy && self.content_source() == Ok(ContentSource::Download) {
            return Err(vec![Problem {
                attribute: "endpoint",
                summary: "endpoint = \"proxy\" downloads nothing".into(),
                detail: "content_source = \"download\" fetches the RDS bundle, which an RDS Proxy endpoint does not use: its ACM certificate chains to the Amazon Trust Services roots, compiled into the provider. Use endpoint = \"both\" to add the downloaded RDS roots, or drop content_source.".into(),
            }]);
        }
        Ok(Some(endpoint))
    }

    /// `expected_sha256` must look like a SHA-256 and needs a download to check.
    fn pin_problems(&self) -> Vec<Problem> {
        let Value::Value(pin) = &self.expected_sha256 else {
            return Vec::new();
        };
        let mut problems = Vec::new();
        let pin = pin.trim();
        if rdsca_trust::parse_sha256_pin(pin).is_none() {
            problems.push(Problem {
                attribute: "expected_sha256",
                summary: "Invalid expected_sha256".into(),
                detail: format!("expected_sha256 = \"{pin}\" is not a SHA-256: 64 hexadecimal digits, as `sha256sum` prints them."),
            });
        }
        match self.content_source() {
            Ok(ContentSource::Download) | Err(_) => {}
            Ok(source) => problems.push(Problem {
                attribute: "expected_sha256",
                summary: "expected_sha256 needs a downloaded bundle".into(),
                detail: format!(
                    "expected_sha256 pins the file AWS (or a mirror) serves, but this data source {}: set content_source = \"download\", or remove the pin.",
                    if source == ContentSource::None {
                        "fetches nothing"
                    } else {
                        "uses the certificates compiled into the provider"
                    }
                ),
            }),
        }
        problems
    }

    fn fill(mut self, s: &Selection, endpoint: Endpoint) -> Self {
        self.endpoint = Value::Value(endpoint.as_str().to_string());
        self.id = Value::Value(s.id());
        self.region_name = Value::Value(match &s.region {
            Some(r) => r.name(),
            None => format!("Global ({})", s.partition.name),
        });
        self.partition = Value::Value(s.partition.id.to_string());
        self.ca_identifier = Value::Value(s.ca.as_str().to_string());
        self.ca_availability = Value::Value(
            s.region
                .as_ref()
                .map_or(Availability::Offered, |r| r.availability(s.ca))
                .as_str()
                .to_string(),
        );
        self.pem_url = Value::Value(s.pem_url());
        self.p7b_url = s.p7b_url().into();
        self.available_ca_identifiers = Value::Value(
            s.available_cas()
                .iter()
                .map(|c| Value::Value(c.as_str().to_string()))
                .collect(),
        );
        self.default_ca_identifier = Value::Value(rdsca_table::CaId::DEFAULT.as_str().to_string());
        self
    }
}

/// The data source's name in the provider (`rdsca_bundle` in configurations).
pub const NAME: &str = "bundle";

pub struct BundleDataSource {
    pub shared: Arc<ProviderData>,
}

/// The fields of each element of `certificates`; [`CertificateModel`] is their model.
pub fn certificates_object() -> ObjectList {
    let s = || AttributeType::String;
    ObjectList::new(
        "The certificates of the trust material, in order: the RDS bundle's, in bundle order (`endpoint` `database` and `both`), then the Amazon Trust Services roots (`proxy` and `both`).",
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
            ("cert_pem", s(), "The certificate alone, PEM; null unless `include_certificate_pem = true`."),
            ("ca_identifier", s(), "The RDS CA (`rds-ca-rsa2048-g1`, ...) the CN names (`Amazon RDS <region> Root CA <type> G1`); else null. Beta and Preview certificates, and the Amazon Trust Services roots, name none."),
            ("region", s(), "The Region the CN names, whether or not this provider's table knows it yet (a warning lists unknown ones); else null."),
            ("compiled_in", AttributeType::Bool, "Whether the certificate is byte-identical to one of the certificates compiled into the provider (checked at build time): the RDS certificates, and the Amazon Trust Services roots (always `true` for those). Every other certificate was accepted because its signature verifies against an issuer in the bundle."),
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
            ("endpoint", optional_computed(AttributeType::String, "The endpoint the client connects to, which decides the roots it must trust. `database` (the default): the database's own instance, cluster and reader endpoints, whose certificates the RDS CA `ca_identifier` issues: the RDS roots. `proxy`: an RDS Proxy endpoint (or an Aurora Serverless v1 cluster), whose certificate comes from AWS Certificate Manager and chains to the Amazon Trust Services roots (Amazon Root CA 1, 2, 3 and 4, and Starfield Services Root Certificate Authority - G2), compiled into the provider and checked when it was built; no RDS bundle is read, so `content_source = \"download\"` is an error with it. `both`: one trust store for an application that connects both ways: the RDS roots, then the Amazon roots. Outside the commercial partition (GovCloud, China) no source confirms which roots proxy certificates chain to: `proxy` and `both` warn there, and still return the Amazon roots. Any other value fails `terraform validate`, naming the closest valid one.")),
            ("id", computed(AttributeType::String, "The Region code, or `global/<partition>` for a global bundle.")),
            ("region_name", computed(AttributeType::String, "The Region's display name, for example `Europe (Ireland)`.")),
            ("pem_url", computed(AttributeType::String, "HTTPS URL of the PEM bundle.")),
            ("p7b_url", computed(AttributeType::String, "HTTPS URL of the PKCS#7 bundle; null where none is documented (AWS China).")),
            ("available_ca_identifiers", computed(strings(), "The CAs RDS offers in the Region (every CA for a global bundle).")),
            ("ca_availability", computed(AttributeType::String, "What the provider's table says of `ca_identifier` in the Region: `offered`, or `unverified` when no source confirms or rules it out (the plan warns; check with `aws rds describe-certificates --region <region>`). A CA the Region does not offer is an error, never a value here. `offered` for a global bundle.")),
            ("default_ca_identifier", computed(AttributeType::String, "The CA RDS uses when none is chosen.")),
            ("content_source", optional(AttributeType::String, "Where the certificates come from. `compiled` (the default): the RDS certificates compiled into the provider, checked when it was built (signatures, CNs, keys); no network, the same answer everywhere. A Region's set is its root for each of the three CAs (and, in GovCloud, its intermediates); a global set is every certificate of the partition, as in AWS's global bundle (Beta and Preview roots included). AWS China has none: use `download` there. `download`: the PEM bundle from the truststore (or the provider's `base_urls` mirror), cached; every certificate's signature must verify against an issuer in the bundle, and one that names a Region and CA whose root is compiled in must be that root; a bundle that fails is an error and is never cached. `none`: URLs and the CA check only.")),
            ("fetch_content", deprecated(optional(AttributeType::Bool, "Deprecated: use `content_source`. `true` is `download`, `false` is `none`."))),
            ("expected_sha256", optional(AttributeType::String, "Pin for `content_source = \"download\"`: the SHA-256 (hex) the downloaded bundle must have. A mismatch is an error naming both hashes, checked before anything is cached.")),
            ("include_content", optional(AttributeType::Bool, "Also set `content`, the whole bundle (default `false`: it would repeat `roots_pem` in the state).")),
            ("include_certificate_pem", optional(AttributeType::Bool, "Also set each certificate's `cert_pem` (default `false`, to keep the state lean).")),
            ("content_url", computed(AttributeType::String, "The URL the content was downloaded from: `pem_url`, or its mirror from the provider's `base_urls`. Null unless `content_source = \"download\"`.")),
            ("content", computed(AttributeType::String, "The RDS PEM bundle: as served (`download`), or the compiled-in set; for `endpoint = \"proxy\"`, which reads no RDS bundle, the Amazon Trust Services roots' PEM. Null unless `include_content = true`.")),
            ("content_sha256", computed(AttributeType::String, "SHA-256 of `content`, lowercase hex. For a compiled-in set (and the Amazon roots of `proxy`) it is the hash of that set's PEM, not of any file AWS serves.")),
            ("certificates", certificates_object().attribute()),
            ("roots_pem", computed(AttributeType::String, "Only the root (self-signed) certificates of `certificates`, PEM: what a trust store should register, per AWS. `database`: the RDS bundle's roots (for a global bundle, every Region's); `proxy`: the five Amazon Trust Services roots; `both`: the RDS roots, then the Amazon roots.")),
            ("root_pem", computed(AttributeType::String, "`database` and `both`: the one RDS root `ca_identifier` chains to in `region`, PEM: all a client of the database's own endpoints needs to trust. Null for a global bundle, and for `proxy`: a proxy's ACM certificate chains to one of the Amazon Trust Services roots, which one being AWS's choice, so there is no single root to name: use `offered_roots_pem`.")),
            ("root_sha256_fingerprint", computed(AttributeType::String, "SHA-256 fingerprint of `root_pem`'s DER, lowercase hex; null when `root_pem` is.")),
            ("offered_roots_pem", computed(AttributeType::String, "The roots a client in `region` should trust, PEM. `database`: the roots of the CAs RDS offers in `region`, a trust store that keeps working when the database changes CA; `proxy`: the five Amazon Trust Services roots; `both`: those RDS roots, then the Amazon roots. Null for a global bundle: `roots_pem` holds them.")),
            ("truststore_password", sensitive(optional(AttributeType::String, "Set it to get `truststore_pkcs12`: the password of that Java trust store (not empty: Java would ignore the store's certificates). Sensitive, so an output of the whole data source object must be `sensitive = true` (or leave this attribute out with a `for` expression)."))),
            ("truststore_pkcs12", computed(AttributeType::String, "A PKCS#12 trust store of the roots in `offered_roots_pem` (for a global bundle, of every root in `roots_pem`), so it follows `endpoint`: the RDS roots (`database`), the Amazon Trust Services roots (`proxy`), or both. Base64; each root a `trustedCertEntry` as Java's `keytool` and `KeyStore` expect, aliased `<region>-<ca identifier>` for an RDS root and by lower-cased CN for an Amazon root (`amazon root ca 1`, ..., `starfield services root certificate authority - g2`). Use it with `-Djavax.net.ssl.trustStore=rds.p12 -Djavax.net.ssl.trustStoreType=PKCS12 -Djavax.net.ssl.trustStorePassword=…` after `terraform output -raw … | base64 -d > rds.p12`. PKCS#12 files carry random salts: the provider keeps the last store in its cache folder and returns the same bytes while the certificates and password stay the same. Null unless `truststore_password` is set.")),
            ("soonest_not_after", computed(AttributeType::String, "The earliest `not_after` among `certificates` (RFC 3339).")),
        ],
    )
}

#[async_trait]
impl RdscaDataSource for BundleDataSource {
    type State = BundleState;
    const SCHEMA: fn() -> Schema = schema;

    async fn validate(&self, diags: &mut Diagnostics, config: BundleState) {
        // Warnings wait for the read: `terraform plan` validates too, and would show them twice.
        config.selection(diags, self.shared.allow_unlisted_regions());
        if let Err(problems) = config.content_source() {
            report(diags, problems);
        }
        if let Err(problems) = config.endpoint() {
            report(diags, problems);
        }
        report(diags, config.pin_problems());
    }

    async fn read(&self, diags: &mut Diagnostics, config: BundleState) -> Option<BundleState> {
        let selection = config.selection(diags, Some(self.shared.allow_unlisted_at_read()))?;
        for w in &selection.warnings {
            diags.warning(
                w.summary.clone(),
                w.detail.clone(),
                AttributePath::new(w.attribute),
            );
        }
        let source = match config.content_source() {
            Ok(source) => source,
            Err(problems) => {
                report(diags, problems);
                return None;
            }
        };
        let endpoint = match config.endpoint() {
            Ok(Some(endpoint)) => endpoint,
            Ok(None) => Endpoint::default(),
            Err(problems) => {
                report(diags, problems);
                return None;
            }
        };
        let pin_problems = config.pin_problems();
        if !pin_problems.is_empty() {
            report(diags, pin_problems);
            return None;
        }
        let expected = config
            .expected_sha256
            .as_ref_option()
            .map(|s| s.trim().to_ascii_lowercase());
        let include_content = matches!(config.include_content, Value::Value(true));
        let include_pem = matches!(config.include_certificate_pem, Value::Value(true));
        let mut state = config.fill(&selection, endpoint);
        let downloaded;
        let compiled;
        let content = match source {
            ContentSource::None => return Some(state),
            // A proxy's trust is the Amazon roots alone: no RDS set to read.
            _ if !endpoint.needs_rds_roots() => None,
            ContentSource::Download => {
                let (bundle, expiry_warning_days) =
                    self.fetch(&selection, expected.as_deref(), diags).await?;
                report_findings(&bundle, diags);
                downloaded = (bundle, expiry_warning_days);
                let bundle = &downloaded.0;
                Some(Content {
                    origin: bundle.url.clone(),
                    url: Some(bundle.url.clone()),
                    body: std::str::from_utf8(&bundle.body).unwrap_or_default(),
                    sha256: &bundle.sha256,
                    certificates: bundle.certificates(),
                })
            }
            ContentSource::Compiled => {
                let region = selection.region.as_ref().map(|r| r.code());
                compiled = match compiled_bundle(selection.partition.id, region) {
                    Ok(c) => c,
                    Err(e) => {
                        diags.error(
                            "No compiled-in certificates here",
                            format!("{}: {e}.", selection.id()),
                            AttributePath::new("content_source"),
                        );
                        return None;
                    }
                };
                Some(Content {
                    origin: format!("the compiled-in set of {}", selection.id()),
                    url: None,
                    body: &compiled.pem,
                    sha256: &compiled.sha256,
                    certificates: &compiled.certificates,
                })
            }
        };
        let origin = content.as_ref().map_or_else(
            || "the compiled-in Amazon Trust Services roots".to_string(),
            |c| c.origin.clone(),
        );
        let rds = content.as_ref().map_or(&[][..], |c| c.certificates);
        let material = match trust_material(&selection, endpoint, &origin, rds) {
            Ok(material) => material,
            Err(e) => {
                diags.error(
                    format!("The bundle has no root for {}", e.ca),
                    e.to_string(),
                    AttributePath::new("ca_identifier"),
                );
                return None;
            }
        };
        for w in &material.warnings {
            diags.warning(
                w.summary.clone(),
                w.detail.clone(),
                AttributePath::new(w.attribute),
            );
        }
        let expiry_warning_days = self
            .shared
            .content()
            .map_or(crate::config::EXPIRY_WARNING_DAYS.default, |(s, _)| {
                s.expiry_warning_days
            });
        warn_expiring(&origin, &material.certificates, expiry_warning_days, diags);
        // `content` is the RDS bundle; for a proxy, which reads none, the Amazon roots' PEM.
        let (body, sha256) = match &content {
            Some(c) => (c.body.to_string(), c.sha256.to_string()),
            None => (
                material.roots_pem.clone(),
                sha256_hex(material.roots_pem.as_bytes()),
            ),
        };
        state.content_url = content.and_then(|c| c.url).into();
        if include_content {
            state.content = Value::Value(body);
        }
        state.content_sha256 = Value::Value(sha256);
        state.roots_pem = Value::Value(material.roots_pem.clone());
        state.root_pem = material.root.as_ref().map(CertificateInfo::pem).into();
        state.root_sha256_fingerprint = material
            .root
            .as_ref()
            .map(|r| r.sha256_fingerprint.clone())
            .into();
        state.offered_roots_pem = material.offered_roots_pem.clone().into();
        if let Value::Value(password) = &state.truststore_password {
            state.truststore_pkcs12 = self
                .truststore(&material, password, diags)
                .map(|p12| base64::engine::general_purpose::STANDARD.encode(p12))
                .into();
            if !diags.errors.is_empty() {
                return None;
            }
        }
        state.soonest_not_after = material
            .soonest_not_after()
            .map(|c| rfc3339(c.not_after))
            .into();
        state.certificates = Value::Value(
            material
                .certificates
                .iter()
                .map(|c| CertificateModel::new(c, include_pem))
                .collect(),
        );
        Some(state)
    }
}

impl BundleDataSource {
    /// The material's PKCS#12 trust store, kept stable across plans in the cache folder.
    fn truststore(
        &self,
        material: &TrustMaterial,
        password: &str,
        diags: &mut Diagnostics,
    ) -> Option<Vec<u8>> {
        let dir = self
            .shared
            .content()
            .ok()
            .and_then(|(s, _)| s.content.cache.as_ref().map(|c| c.dir.clone()));
        match material.pkcs12(dir.as_deref(), password) {
            Ok(p12) => Some(p12),
            Err(e) => {
                diags.error(
                    "Cannot write the PKCS#12 trust store",
                    e.to_string(),
                    AttributePath::new("truststore_password"),
                );
                None
            }
        }
    }

    /// The selection's verified PEM bundle from the bundle service; failures become errors.
    async fn fetch(
        &self,
        selection: &Selection,
        pin: Option<&str>,
        diags: &mut Diagnostics,
    ) -> Option<(Arc<VerifiedBundle>, i64)> {
        let (settings, service) = match self.shared.content() {
            Ok(pair) => pair,
            Err(e) => {
                diags.root_error(
                    "The rdsca provider is not configured for fetching",
                    e.to_string(),
                );
                return None;
            }
        };
        if !settings.unknown.is_empty() {
            diags.root_error(
                "Provider settings are not known yet",
                format!(
                    "The provider block's {} will only be known after apply, and fetching this bundle depends on them. Let Terraform read this data source during apply instead (`depends_on` the resources those values come from), set them to values known at plan time, or set fetch_content = false.",
                    settings.unknown.join(", ")
                ),
            );
            return None;
        }
        let url = settings.content_url(selection.partition, &selection.pem_url());
        match service.bundle(&url, pin).await {
            Ok(bundle) => Some((bundle, settings.expiry_warning_days)),
            Err(e) => {
                let (summary, attribute) = match &e {
                    ContentError::PinMismatch { .. } => (
                        "Bundle checksum mismatch".to_string(),
                        Some("expected_sha256"),
                    ),
                    ContentError::Rejected { .. } => {
                        (format!("The RDS CA bundle {url} failed verification"), None)
                    }
                    ContentError::NotABundle { .. } => (
                        format!("The RDS CA bundle {url} is not a valid bundle"),
                        None,
                    ),
                    _ => (format!("Cannot fetch the RDS CA bundle {url}"), None),
                };
                match attribute {
                    Some(a) => diags.error(summary, e.to_string(), AttributePath::new(a)),
                    None => diags.root_error(summary, e.to_string()),
                }
                None
            }
        }
    }
}

/// What verification and the cache found, as warnings.
fn report_findings(bundle: &VerifiedBundle, diags: &mut Diagnostics) {
    let url = &bundle.url;
    for finding in &bundle.content.findings {
        match finding {
            Finding::UnknownRegions(regions) => diags.root_warning(
                format!("The bundle names Regions this provider does not know: {}", regions.join(", ")),
                format!(
                    "{url} holds roots for {}, which this provider's Region table lacks: the table is older than the bundle. Their signatures verify and they are returned with the rest; upgrade terraform-provider-rdsca to validate CA choices there.",
                    regions.join(", ")
                ),
            ),
            Finding::SignatureOnly(names) => diags.root_warning(
                "Roots verified by signature alone",
                format!(
                    "{url}: this provider holds no copy of {}, so nothing pins them; their signatures verify.",
                    names.iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(", ")
                ),
            ),
        }
    }
    if let Origin::Stale {
        age_seconds,
        failure,
    } = &bundle.origin
    {
        diags.root_warning(
            "Serving a cached bundle: refreshing it failed",
            format!(
                "{url}: refreshing the cached copy failed ({failure}). The copy verified when it was fetched, {} ago, is used instead, as stale_if_error_seconds allows.",
                human_age(*age_seconds)
            ),
        );
    }
}

fn human_age(seconds: i64) -> String {
    match seconds {
        s if s < 120 => format!("{s} s"),
        s if s < 2 * 3600 => format!("{} min", s / 60),
        s if s < 2 * 86_400 => format!("{} h", s / 3600),
        s => format!("{} days", s / 86_400),
    }
}

/// Warns of certificates that expire within `days` (or have expired).
fn warn_expiring(
    origin: &str,
    certificates: &[CertificateInfo],
    days: i64,
    diags: &mut Diagnostics,
) {
    if days <= 0 {
        return;
    }
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let horizon = now + days * 86_400;
    let expiring: Vec<String> = certificates
        .iter()
        .filter(|c| c.not_after.unix_timestamp() <= horizon)
        .map(|c| {
            let verb = if c.not_after.unix_timestamp() <= now {
                "expired"
            } else {
                "expires"
            };
            format!("\"{}\" ({verb} {})", c.common_name, rfc3339(c.not_after))
        })
        .collect();
    if !expiring.is_empty() {
        diags.root_warning(
            format!(
                "{} certificate(s) in the bundle expire within {days} days",
                expiring.len()
            ),
            format!("{origin}: {}.", expiring.join(", ")),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_must_be_sha256_and_need_a_download() {
        let state = |pin: &str, source: &str| BundleState {
            expected_sha256: Value::Value(pin.into()),
            content_source: Value::Value(source.into()),
            ..Default::default()
        };
        let good = "05c6b4a9bf4daa95c888711481e19cc8e2e11aed4de8db759f51f4a6fce64917";
        assert!(state(good, "download").pin_problems().is_empty());
        assert!(state(&good.to_uppercase(), "download")
            .pin_problems()
            .is_empty());
        let bad = state("0000", "download").pin_problems();
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].detail, "expected_sha256 = \"0000\" is not a SHA-256: 64 hexadecimal digits, as `sha256sum` prints them.");
        for source in ["compiled", "none"] {
            let p = state(good, source).pin_problems();
            assert_eq!(
                p[0].summary, "expected_sha256 needs a downloaded bundle",
                "{source}"
            );
        }
        let default = BundleState {
            expected_sha256: Value::Value(good.into()),
            ..Default::default()
        };
        assert_eq!(
            default.pin_problems().len(),
            1,
            "the default source is compiled"
        );
        assert!(BundleState::default().pin_problems().is_empty());
    }

    #[test]
    fn content_source_names_and_the_old_flag() {
        let source = |s: Value<String>, f: Value<bool>| {
            BundleState {
                content_source: s,
                fetch_content: f,
                ..Default::default()
            }
            .content_source()
        };
        assert_eq!(
            source(Value::Null, Value::Null),
            Ok(ContentSource::Compiled)
        );
        assert_eq!(
            source(Value::Null, Value::Value(true)),
            Ok(ContentSource::Download)
        );
        assert_eq!(
            source(Value::Null, Value::Value(false)),
            Ok(ContentSource::None)
        );
        assert_eq!(
            source(Value::Value("download".into()), Value::Null),
            Ok(ContentSource::Download)
        );
        let e = source(Value::Value("downlaod".into()), Value::Null).unwrap_err();
        assert_eq!(e[0].attribute, "content_source");
        assert!(
            e[0].detail.contains("Did you mean \"download\"?"),
            "{}",
            e[0].detail
        );
        let e = source(Value::Value("none".into()), Value::Value(false)).unwrap_err();
        assert_eq!(e[0].summary, "fetch_content and content_source both set");
    }

    #[test]
    fn endpoint_names_default_and_the_download_conflict() {
        let endpoint = |e: Value<String>, source: Value<String>| {
            BundleState {
                endpoint: e,
                content_source: source,
                ..Default::default()
            }
            .endpoint()
        };
        assert_eq!(
            endpoint(Value::Null, Value::Null),
            Ok(Some(Endpoint::Database))
        );
        assert_eq!(endpoint(Value::Unknown, Value::Null), Ok(None));
        assert_eq!(
            endpoint(Value::Value("both".into()), Value::Value("download".into())),
            Ok(Some(Endpoint::Both))
        );
        let e = endpoint(Value::Value("prxy".into()), Value::Null).unwrap_err();
        assert_eq!(e[0].attribute, "endpoint");
        assert_eq!(e[0].summary, "Unknown endpoint \"prxy\"");
        assert!(
            e[0].detail.contains("Did you mean \"proxy\"?"),
            "{}",
            e[0].detail
        );
        let e = endpoint(
            Value::Value("proxy".into()),
            Value::Value("download".into()),
        )
        .unwrap_err();
        assert_eq!(e[0].attribute, "endpoint");
        assert_eq!(e[0].summary, "endpoint = \"proxy\" downloads nothing");
    }
}
