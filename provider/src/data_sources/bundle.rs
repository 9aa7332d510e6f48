//! `data "rdsca_bundle"`: the CA bundle URLs for a region (or a partition's global bundle), the
//! CA choice validated at plan time, and the certificates themselves: compiled in (the default,
//! no network), or downloaded and verified.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tf_provider::schema::{AttributeType, Schema};
use tf_provider::value::{Value, ValueEmpty};
use tf_provider::{DataSource, Diagnostics};

use std::sync::Arc;

use tf_provider::AttributePath;

use super::certificate_model::CertificateModel;
use super::{known, report};
use base64::Engine as _;

use crate::provider_data::ProviderData;
use crate::schema_util::{
    block, computed, computed_object_list, deprecated, optional, optional_computed, sensitive,
    strings,
};
use rdsca_table::selection::{select, Problem, Selection};
use rdsca_table::Availability;
use rdsca_trust::{
    certificate::rfc3339, compiled_bundle, roots_pem, soonest_not_after, stable_pkcs12_truststore,
    CertificateInfo, ContentError, Finding, Origin, VerifiedBundle,
};

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

/// The certificates a read produced, from either source.
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

    /// `expected_sha256` must look like a SHA-256 and needs a download to check.
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

    fn fill(mut self, s: &Selection) -> Self {
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

pub struct BundleDataSource {
    pub shared: Arc<ProviderData>,
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
            ("cert_pem", s(), "The certificate alone, PEM; null unless `include_certificate_pem = true`."),
            ("ca_identifier", s(), "The RDS CA (`rds-ca-rsa2048-g1`, ...) the CN names (`Amazon RDS <region> Root CA <type> G1`); else null. Beta and Preview certificates name none."),
            ("region", s(), "The Region the CN names, whether or not this provider's table knows it yet (a warning lists unknown ones); else null."),
            ("compiled_in", AttributeType::Bool, "Whether the certificate is byte-identical to one of the RDS certificates compiled into the provider (checked at build time). Every other certificate was accepted because its signature verifies against an issuer in the bundle."),
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
            ("content", computed(AttributeType::String, "The PEM bundle: as served (`download`), or the compiled-in set. Null unless `include_content = true`.")),
            ("content_sha256", computed(AttributeType::String, "SHA-256 of the bundle, lowercase hex. For a compiled-in set it is the hash of that set's PEM, not of any file AWS serves.")),
            ("certificates", certificates_attribute()),
            ("roots_pem", computed(AttributeType::String, "Only the root (self-signed) certificates of the bundle, PEM: what a trust store should register, per AWS.")),
            ("root_pem", computed(AttributeType::String, "The one root `ca_identifier` chains to in `region`, PEM: all a database client needs to trust. Null for a global bundle.")),
            ("root_sha256_fingerprint", computed(AttributeType::String, "SHA-256 fingerprint of `root_pem`'s DER, lowercase hex.")),
            ("offered_roots_pem", computed(AttributeType::String, "The roots of the CAs RDS offers in `region`, PEM: a trust store that keeps working when the database changes CA. Null for a global bundle: `roots_pem` holds them.")),
            ("truststore_password", sensitive(optional(AttributeType::String, "Set it to get `truststore_pkcs12`: the password of that Java trust store (not empty: Java would ignore the store's certificates). Sensitive, so an output of the whole data source object must be `sensitive = true` (or leave this attribute out with a `for` expression)."))),
            ("truststore_pkcs12", computed(AttributeType::String, "A PKCS#12 trust store of the roots in `offered_roots_pem` (for a global bundle, of every root), base64: each a `trustedCertEntry` (alias `<region>-<ca identifier>`) as Java's `keytool` and `KeyStore` expect. Use it with `-Djavax.net.ssl.trustStore=rds.p12 -Djavax.net.ssl.trustStoreType=PKCS12 -Djavax.net.ssl.trustStorePassword=…` after `terraform output -raw … | base64 -d > rds.p12`. PKCS#12 files carry random salts: the provider keeps the last store in its cache folder and returns the same bytes while the certificates and password stay the same. Null unless `truststore_password` is set.")),
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
        // Warnings wait for the read: `terraform plan` validates too, and would show them twice.
        config.selection(diags, self.shared.allow_unlisted_regions());
        if let Err(problems) = config.content_source() {
            report(diags, problems);
        }
        report(diags, config.pin_problems());
        Some(())
    }

    async fn read<'a>(
        &self,
        diags: &mut Diagnostics,
        config: Self::State<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<Self::State<'a>> {
        let allow_unlisted = self
            .shared
            .content()
            .ok()
            .map(|(s, _)| s.allow_unlisted_regions);
        let selection = config.selection(diags, allow_unlisted.or(Some(false)))?;
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
        let mut state = config.fill(&selection);
        let downloaded;
        let compiled;
        let content = match source {
            ContentSource::None => return Some(state),
            ContentSource::Download => {
                let (bundle, expiry_warning_days) =
                    self.fetch(&selection, expected.as_deref(), diags).await?;
                report_findings(&bundle, diags);
                downloaded = (bundle, expiry_warning_days);
                let bundle = &downloaded.0;
                Content {
                    origin: bundle.url.clone(),
                    url: Some(bundle.url.clone()),
                    body: std::str::from_utf8(&bundle.body).unwrap_or_default(),
                    sha256: &bundle.sha256,
                    certificates: bundle.certificates(),
                }
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
                Content {
                    origin: format!("the compiled-in set of {}", selection.id()),
                    url: None,
                    body: &compiled.pem,
                    sha256: &compiled.sha256,
                    certificates: &compiled.certificates,
                }
            }
        };
        let expiry_warning_days = self
            .shared
            .content()
            .map_or(crate::config::EXPIRY_WARNING_DAYS.default, |(s, _)| {
                s.expiry_warning_days
            });
        let root = check_chosen_root(&content, &selection, diags);
        warn_expiring(&content, expiry_warning_days, diags);
        if !diags.errors.is_empty() {
            return None;
        }
        let certificates = content.certificates;
        state.content_url = content.url.clone().into();
        if include_content {
            state.content = Value::Value(content.body.to_string());
        }
        state.content_sha256 = Value::Value(content.sha256.to_string());
        state.roots_pem = Value::Value(roots_pem(certificates));
        if selection.region.is_some() {
            state.root_pem = root.map(CertificateInfo::pem).into();
            state.root_sha256_fingerprint = root.map(|r| r.sha256_fingerprint.clone()).into();
        }
        let offered: Vec<&CertificateInfo> = offered_roots(certificates, &selection).collect();
        if selection.region.is_some() {
            // For a global bundle it would repeat roots_pem.
            state.offered_roots_pem = Value::Value(offered.iter().map(|c| c.pem()).collect());
        }
        if let Value::Value(password) = &state.truststore_password {
            state.truststore_pkcs12 = self
                .truststore(&offered, password, diags)
                .map(|p12| base64::engine::general_purpose::STANDARD.encode(p12))
                .into();
            if !diags.errors.is_empty() {
                return None;
            }
        }
        state.soonest_not_after = soonest_not_after(certificates)
            .map(|c| rfc3339(c.not_after))
            .into();
        state.certificates = Value::Value(
            certificates
                .iter()
                .map(|c| CertificateModel::new(c, include_pem))
                .collect(),
        );
        Some(state)
    }
}

/// The roots of the CAs offered in the selection's Region (every root for a global bundle).
fn offered_roots<'a>(
    certificates: &'a [CertificateInfo],
    selection: &'a Selection,
) -> impl Iterator<Item = &'a CertificateInfo> {
    certificates.iter().filter(move |c| {
        c.is_root
            && match &selection.region {
                None => true,
                Some(place) => {
                    c.region.as_deref() == Some(place.code())
                        && c.ca_identifier.as_deref().is_some_and(|ca| {
                            selection
                                .available_cas()
                                .iter()
                                .any(|offered| offered.as_str() == ca)
                        })
                }
            }
    })
}

impl BundleDataSource {
    /// The PKCS#12 trust store of `roots`, kept stable across plans in the cache folder.
    fn truststore(
        &self,
        roots: &[&CertificateInfo],
        password: &str,
        diags: &mut Diagnostics,
    ) -> Option<Vec<u8>> {
        let mut aliases: Vec<String> = Vec::new();
        let mut ders: Vec<Vec<u8>> = Vec::new();
        for c in roots {
            let alias = match (&c.region, &c.ca_identifier) {
                (Some(region), Some(ca)) => format!("{region}-{ca}"),
                _ => c.common_name.to_lowercase(),
            };
            let alias = match aliases.iter().filter(|a| a.starts_with(&alias)).count() {
                0 => alias,
                n => format!("{alias}-{}", n + 1),
            };
            aliases.push(alias);
            ders.push(c.der.clone());
        }
        let entries: Vec<(&str, &[u8])> = aliases
            .iter()
            .map(String::as_str)
            .zip(ders.iter().map(Vec::as_slice))
            .collect();
        let dir = self
            .shared
            .content()
            .ok()
            .and_then(|(s, _)| s.content.cache.as_ref().map(|c| c.dir.clone()));
        match stable_pkcs12_truststore(dir.as_deref(), &entries, password) {
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

/// The chosen CA's root must be in the bundle, or a client trusting it could not verify the
/// database. Returns it (the first one, for a global bundle).
fn check_chosen_root<'a>(
    content: &Content<'a>,
    selection: &Selection,
    diags: &mut Diagnostics,
) -> Option<&'a CertificateInfo> {
    let ca = selection.ca.as_str();
    let certificates = content.certificates;
    let root = certificates.iter().find(|c| {
        c.is_root
            && c.ca_identifier.as_deref() == Some(ca)
            && selection
                .region
                .as_ref()
                .is_none_or(|r| c.region.as_deref() == Some(r.code()))
    });
    if root.is_some() {
        return root;
    }
    let want = match &selection.region {
        Some(r) => selection.ca.authority().root_common_name_in(r.code()),
        None => selection
            .ca
            .authority()
            .root_common_name
            .replace("{region}", "<region>"),
    };
    diags.error(
        format!("The bundle has no root for {ca}"),
        format!(
            "{} holds {} certificate(s), none of them the root \"{want}\". A client trusting this bundle could not verify a database that uses {ca}.",
            content.origin,
            certificates.len()
        ),
        AttributePath::new("ca_identifier"),
    );
    None
}

/// Warns of certificates that expire within `days` (or have expired).
fn warn_expiring(content: &Content, days: i64, diags: &mut Diagnostics) {
    if days <= 0 {
        return;
    }
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let horizon = now + days * 86_400;
    let expiring: Vec<String> = content
        .certificates
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
            format!("{}: {}.", content.origin, expiring.join(", ")),
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

    /// `root_pem` is right for every Region and every CA it offers: the very certificate the
    /// table pins for that Region and CA.
    #[test]
    fn the_single_root_is_the_pinned_one_everywhere() {
        use rdsca_table::{CertKind, KnownCertificate, Region};
        let mut checked = 0;
        for region in Region::all().filter(|r| r.partition().has_known_certificates) {
            let set = compiled_bundle(region.partition, Some(region.code)).unwrap();
            for ca in region.cas {
                let selection = select(Some(region.code), None, Some(ca.as_str()), false).unwrap();
                let content = Content {
                    origin: "test".into(),
                    url: None,
                    body: &set.pem,
                    sha256: &set.sha256,
                    certificates: &set.certificates,
                };
                let mut diags = Diagnostics::default();
                let root = check_chosen_root(&content, &selection, &mut diags).unwrap();
                let pinned = KnownCertificate::all()
                    .iter()
                    .find(|k| {
                        k.set.is_none()
                            && k.region == region.code
                            && k.ca == *ca
                            && k.kind == CertKind::Root
                    })
                    .unwrap();
                assert_eq!(
                    root.sha256_fingerprint, pinned.sha256,
                    "{} {ca}",
                    region.code
                );
                let offered: Vec<&str> = offered_roots(&set.certificates, &selection)
                    .map(|c| c.ca_identifier.as_deref().unwrap())
                    .collect();
                let want: Vec<&str> = region.cas.iter().map(|c| c.as_str()).collect();
                assert_eq!(offered, want, "{}", region.code);
                checked += 1;
            }
        }
        // 28 Regions offer all three CAs (26 commercial, 2 GovCloud), 8 only rsa2048.
        assert_eq!(checked, 28 * 3 + 8, "Regions × offered CAs");
    }
}
