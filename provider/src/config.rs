//! The provider block: how bundles are fetched and cached. Every setting is optional, with its
//! default declared once, beside its documentation; the URL and validation features need none
//! of them. Any setting may be unknown while Terraform validates or plans (a variable inside a
//! map, a value known only after apply): what is known is validated, the rest is recorded and
//! only a read that needs it reports it.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tf_provider::schema::{AttributeType, Schema};
use tf_provider::value::Value;
use tf_provider::{AttributePath, Diagnostics};

use crate::schema_util::{block, optional};
use rdsca_http::defaults;
use rdsca_http::HttpSettings;
use rdsca_table::Partition;
use rdsca_trust::cache::{default_cache_dir, CacheSettings};
use rdsca_trust::ContentSettings;

/// Declares `NumberSetting` constants, one line each: the doc comment is the setting's
/// documentation in the schema too. `bounds`: values below its start are an error, values above
/// its end are lowered to it.
macro_rules! number_settings {
    ($(#[doc = $doc:literal] $id:ident = $name:literal, default $default:expr, bounds $bounds:expr;)*) => {$(
        #[doc = $doc]
        pub const $id: NumberSetting = NumberSetting {
            name: $name,
            doc: $doc.trim_ascii(),
            default: $default,
            min: *$bounds.start(),
            max: *$bounds.end(),
        };
    )*};
}

/// Declares `BoolSetting` constants, like `number_settings!`.
macro_rules! bool_settings {
    ($(#[doc = $doc:literal] $id:ident = $name:literal, default $default:literal;)*) => {$(
        #[doc = $doc]
        pub const $id: BoolSetting = BoolSetting { name: $name, doc: $doc.trim_ascii(), default: $default };
    )*};
}

/// A numeric provider setting: its name, documentation, default and bounds, in one place.
pub struct NumberSetting {
    pub name: &'static str,
    pub doc: &'static str,
    pub default: i64,
    pub min: i64,
    /// Larger values are lowered to this.
    pub max: i64,
}

number_settings! {
    /// Timeout of one HTTP request (connecting, sending, reading the whole body), in seconds.
    TIMEOUT_SECONDS = "timeout_seconds", default defaults::REQUEST_TIMEOUT.as_secs() as i64, bounds 1..=3600;
    /// Connection timeout, in seconds.
    CONNECT_TIMEOUT_SECONDS = "connect_timeout_seconds", default defaults::CONNECT_TIMEOUT.as_secs() as i64, bounds 1..=3600;
    /// Retries after a 5xx answer, a timeout or a connection error, with exponential backoff (never after a 4xx or a TLS trust error); at most `10`. With the defaults a server that never answers fails the read within about 31 s: `(max_retries + 1) × timeout_seconds` plus under a second of backoff.
    MAX_RETRIES = "max_retries", default defaults::RETRIES as i64, bounds 0..=10;
    /// Largest bundle accepted, in bytes; the global bundle is about 165 KB.
    MAX_BUNDLE_BYTES = "max_bundle_bytes", default defaults::MAX_BODY_BYTES as i64, bounds 1024..=i64::MAX;
    /// How long a cached bundle is used without asking the server, in seconds. Afterwards it is revalidated with `If-None-Match` / `If-Modified-Since`.
    CACHE_TTL_SECONDS = "cache_ttl_seconds", default CacheSettings::DEFAULT_TTL.as_secs() as i64, bounds 0..=i64::MAX;
    /// When revalidating an expired cache entry fails (connection error, timeout, an HTTP error, a body that is no bundle), the last verified copy is served, with a warning giving its age and the failure, for up to this many seconds past its `cache_ttl_seconds`; `0` turns it off. A body that fails verification or the pin is an error, never a reason to serve the old copy.
    STALE_IF_ERROR_SECONDS = "stale_if_error_seconds", default CacheSettings::DEFAULT_STALE_IF_ERROR.as_secs() as i64, bounds 0..=i64::MAX;
    /// Warn when a certificate in a bundle expires within this many days (or has expired); `0` turns the warning off.
    EXPIRY_WARNING_DAYS = "expiry_warning_days", default 30, bounds 0..=36500;
}

/// A boolean provider setting: its name, documentation and default, in one place.
pub struct BoolSetting {
    pub name: &'static str,
    pub doc: &'static str,
    pub default: bool,
}

impl BoolSetting {
    /// The configured value, else the default (also while unknown).
    fn value(&self, v: &Value<bool>) -> bool {
        match v {
            Value::Value(b) => *b,
            _ => self.default,
        }
    }
}

bool_settings! {
    /// Allow `http://` base URLs. Bundles are trust anchors: by default only HTTPS is used.
    ALLOW_INSECURE_HTTP = "allow_insecure_http", default false;
    /// Never read or write the disk cache.
    DISABLE_CACHE = "disable_cache", default false;
    /// Serve bundles from the cache only, never from the network; a bundle missing from the cache is an error.
    OFFLINE = "offline", default false;
    /// Accept a well-formed Region code that the provider's table does not list yet (an AWS Region newer than this release) in `rdsca_bundle`: its bundle URLs follow its partition's truststore layout, every CA is `unverified` (a warning), and downloaded roots are verified by signature. Otherwise an unknown code is an error with a "did you mean". Provider functions always use the table alone.
    ALLOW_UNLISTED_REGIONS = "allow_unlisted_regions", default false;
}

const BOOLS: [&BoolSetting; 4] = [
    &ALLOW_INSECURE_HTTP,
    &DISABLE_CACHE,
    &OFFLINE,
    &ALLOW_UNLISTED_REGIONS,
];

const NUMBERS: [&NumberSetting; 7] = [
    &TIMEOUT_SECONDS,
    &CONNECT_TIMEOUT_SECONDS,
    &MAX_RETRIES,
    &MAX_BUNDLE_BYTES,
    &CACHE_TTL_SECONDS,
    &STALE_IF_ERROR_SECONDS,
    &EXPIRY_WARNING_DAYS,
];

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct ProviderConfig {
    pub ca_cert_pem: Value<String>,
    pub base_urls: Value<BTreeMap<String, Value<String>>>,
    pub allow_insecure_http: Value<bool>,
    pub timeout_seconds: Value<i64>,
    pub connect_timeout_seconds: Value<i64>,
    pub max_retries: Value<i64>,
    pub max_bundle_bytes: Value<i64>,
    pub cache_dir: Value<String>,
    pub cache_ttl_seconds: Value<i64>,
    pub stale_if_error_seconds: Value<i64>,
    pub disable_cache: Value<bool>,
    pub offline: Value<bool>,
    pub expiry_warning_days: Value<i64>,
    pub allow_unlisted_regions: Value<bool>,
    pub aws_profile: Value<String>,
}

pub fn schema() -> Schema {
    let s = AttributeType::String;
    let mut attributes = vec![
        ("ca_cert_pem", optional(s.clone(), "Extra PEM CA certificate(s) trusted when fetching bundles, on top of the web PKI roots and the operating system's trust store: for a mirror behind a private CA that the system does not trust.")),
        ("base_urls", optional(AttributeType::Map(Box::new(s.clone())), "Mirror base URL per partition, replacing `https://<truststore host>`: `{ aws = \"https://mirror.example.com/rds\" }` fetches `https://mirror.example.com/rds/eu-west-1/eu-west-1-bundle.pem`. The reported `pem_url`/`p7b_url` stay the AWS ones; `content_url` shows what was fetched. Downloads go through the proxy in `HTTPS_PROXY` (except hosts in `NO_PROXY`).")),
        ("aws_profile", optional(s.clone(), "The profile of the shared AWS config and credentials files (`~/.aws/config`, `~/.aws/credentials`) that `rdsca_engine_ca` reads the RDS API with, instead of `AWS_PROFILE` or `default`. Only `rdsca_engine_ca` uses AWS credentials, from the AWS standard chain (environment, profiles, SSO, web identity, container and instance metadata); nothing else in the provider calls AWS.")),
        ("cache_dir", optional(s, "Directory of the bundle cache. Default `$XDG_CACHE_HOME/terraform-provider-rdsca`, else `~/.cache/terraform-provider-rdsca`.")),
    ];
    let bools: Vec<(&str, String)> = BOOLS
        .iter()
        .map(|b| (b.name, format!("{} Default `{}`.", b.doc, b.default)))
        .collect();
    for (name, doc) in &bools {
        attributes.push((name, optional(AttributeType::Bool, doc)));
    }
    let numbers: Vec<(&str, String)> = NUMBERS
        .iter()
        .map(|n| (n.name, format!("{} Default `{}`.", n.doc, n.default)))
        .collect();
    for (name, doc) in &numbers {
        attributes.push((name, optional(AttributeType::Number, doc)));
    }
    block(
        "The `rdsca` provider makes the SSL/TLS certificate authorities of Amazon RDS and Aurora first-class in Terraform: \
         the CA bundle URLs for every Region (and the global bundles of the commercial and GovCloud partitions), \
         plan-time validation of a CA choice against the CAs RDS offers in a Region, and the bundles themselves, \
         fetched over HTTPS, verified against the RDS root certificates compiled into the provider, cached and parsed.\n\n\
         The Region table is built into the provider: URLs, validation and functions work offline and need no configuration. \
         The settings below govern how `rdsca_bundle` fetches bundle content, except `aws_profile`: the only data source that calls AWS, \
         `rdsca_engine_ca` (the CAs an engine version supports, and the account's default CA), uses the AWS standard credential chain.",
        attributes,
    )
}

/// The provider settings once validated, as the data sources use them.
#[derive(Debug, Clone)]
pub struct Settings {
    pub content: ContentSettings,
    pub base_urls: BTreeMap<String, String>,
    pub expiry_warning_days: i64,
    pub allow_unlisted_regions: bool,
    /// `aws_profile`, for `rdsca_engine_ca`.
    pub aws_profile: Option<String>,
    /// Whether `aws_profile` is unknown (kept apart from `unknown`, which governs fetching).
    pub aws_profile_unknown: bool,
    /// Settings whose values were unknown when the provider was configured (during plan, values
    /// known only after apply); their defaults stand in, so reads that fetch must not go ahead.
    pub unknown: Vec<&'static str>,
}

impl Default for Settings {
    fn default() -> Self {
        ProviderConfig::default().settings(&mut Diagnostics::default())
    }
}

impl ProviderConfig {
    fn number_value(&self, setting: &NumberSetting) -> &Value<i64> {
        match setting.name {
            "timeout_seconds" => &self.timeout_seconds,
            "connect_timeout_seconds" => &self.connect_timeout_seconds,
            "max_retries" => &self.max_retries,
            "max_bundle_bytes" => &self.max_bundle_bytes,
            "cache_ttl_seconds" => &self.cache_ttl_seconds,
            "stale_if_error_seconds" => &self.stale_if_error_seconds,
            "expiry_warning_days" => &self.expiry_warning_days,
            other => unreachable!("{other} is not a number setting"),
        }
    }

    /// A numeric setting's value: the default when unset or unknown (or out of range, which
    /// is reported).
    fn number(&self, diags: &mut Diagnostics, setting: &NumberSetting) -> i64 {
        match self.number_value(setting) {
            Value::Value(n) if *n >= setting.min => (*n).min(setting.max),
            Value::Value(n) => {
                diags.error(
                    format!("Invalid {}", setting.name),
                    format!(
                        "{} = {n} is out of range: it must be at least {}.",
                        setting.name, setting.min
                    ),
                    AttributePath::new(setting.name),
                );
                setting.default
            }
            _ => setting.default,
        }
    }

    /// The settings whose values are not known yet.
    fn unknown(&self) -> Vec<&'static str> {
        let base_urls_unknown = match &self.base_urls {
            Value::Unknown => true,
            Value::Value(map) => map.values().any(Value::is_unknown),
            Value::Null => false,
        };
        let mut unknown: Vec<&'static str> = NUMBERS
            .iter()
            .filter(|n| self.number_value(n).is_unknown())
            .map(|n| n.name)
            .collect();
        for (name, is_unknown) in [
            ("ca_cert_pem", self.ca_cert_pem.is_unknown()),
            ("base_urls", base_urls_unknown),
            ("allow_insecure_http", self.allow_insecure_http.is_unknown()),
            ("cache_dir", self.cache_dir.is_unknown()),
            ("disable_cache", self.disable_cache.is_unknown()),
            ("offline", self.offline.is_unknown()),
            (
                "allow_unlisted_regions",
                self.allow_unlisted_regions.is_unknown(),
            ),
        ] {
            if is_unknown {
                unknown.push(name);
            }
        }
        unknown.sort_unstable();
        unknown
    }

    /// Validates what is known; problems are reported on their attributes.
    pub fn settings(&self, diags: &mut Diagnostics) -> Settings {
        let allow_http = ALLOW_INSECURE_HTTP.value(&self.allow_insecure_http);
        let mut base_urls = BTreeMap::new();
        if let Value::Value(map) = &self.base_urls {
            for (partition, url) in map {
                let path = || AttributePath::new("base_urls").key(partition.clone());
                if Partition::get(partition).is_none() {
                    let u = Partition::lookup(partition).unwrap_err();
                    diags.error(
                        format!("Unknown partition \"{partition}\" in base_urls"),
                        u.detail(),
                        path(),
                    );
                    continue;
                }
                let Value::Value(url) = url else {
                    continue;
                };
                let url = url.trim_end_matches('/');
                let https = url.starts_with("https://");
                let http = url.starts_with("http://");
                if !(https || (http && allow_http)) {
                    let why = if http {
                        "plain http:// is refused unless allow_insecure_http = true"
                    } else {
                        "it must start with https://"
                    };
                    diags.error(
                        format!("Invalid base URL for {partition}"),
                        format!("base_urls[\"{partition}\"] = \"{url}\": {why}."),
                        path(),
                    );
                    continue;
                }
                base_urls.insert(partition.clone(), url.to_string());
            }
        }
        let secs = |n: i64| Duration::from_secs(n as u64);
        let fetch = HttpSettings {
            connect_timeout: secs(self.number(diags, &CONNECT_TIMEOUT_SECONDS)),
            request_timeout: secs(self.number(diags, &TIMEOUT_SECONDS)),
            retries: self.number(diags, &MAX_RETRIES) as u32,
            retry_backoff: defaults::RETRY_BACKOFF,
            max_body_bytes: self.number(diags, &MAX_BUNDLE_BYTES) as u64,
            extra_ca_pem: self.ca_cert_pem.as_ref_option().cloned(),
            allow_insecure_http: allow_http,
            user_agent: format!("terraform-provider-rdsca/{}", env!("CARGO_PKG_VERSION")),
        };
        let ttl = secs(self.number(diags, &CACHE_TTL_SECONDS));
        let stale_if_error = secs(self.number(diags, &STALE_IF_ERROR_SECONDS));
        let cache = (!DISABLE_CACHE.value(&self.disable_cache)).then(|| CacheSettings {
            dir: self
                .cache_dir
                .as_ref_option()
                .map(PathBuf::from)
                .unwrap_or_else(default_cache_dir),
            ttl,
            offline: OFFLINE.value(&self.offline),
            stale_if_error,
        });
        if OFFLINE.value(&self.offline) && DISABLE_CACHE.value(&self.disable_cache) {
            diags.error("offline needs the cache", "offline = true serves bundles from the disk cache only, which disable_cache = true turns off.", AttributePath::new("offline"));
        }
        Settings {
            content: ContentSettings { fetch, cache },
            base_urls,
            expiry_warning_days: self.number(diags, &EXPIRY_WARNING_DAYS),
            allow_unlisted_regions: ALLOW_UNLISTED_REGIONS.value(&self.allow_unlisted_regions),
            aws_profile: self
                .aws_profile
                .as_ref_option()
                .map(|p| p.trim().to_string())
                .filter(|p| !p.is_empty()),
            aws_profile_unknown: self.aws_profile.is_unknown(),
            unknown: self.unknown(),
        }
    }
}

impl Settings {
    /// The URL to fetch for an AWS bundle URL: the partition's mirror, if configured.
    pub fn content_url(&self, partition: &Partition, aws_url: &str) -> String {
        partition.mirrored_url(
            aws_url,
            self.base_urls.get(partition.id).map(String::as_str),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(config: ProviderConfig) -> (Settings, Vec<(String, String)>) {
        let mut diags = Diagnostics::default();
        let s = config.settings(&mut diags);
        // tf-provider appends a backtrace to details when RUST_BACKTRACE is set: keep the message.
        let message = |d: &str| d.lines().next().unwrap_or_default().to_string();
        (
            s,
            diags
                .errors
                .into_iter()
                .map(|d| (d.summary.into_owned(), message(&d.detail)))
                .collect(),
        )
    }

    #[test]
    fn defaults_without_a_provider_block() {
        let (s, errors) = settings(ProviderConfig::default());
        assert!(errors.is_empty());
        let fetch = &s.content.fetch;
        assert_eq!(fetch.request_timeout, Duration::from_secs(10));
        assert_eq!(fetch.connect_timeout, Duration::from_secs(5));
        assert_eq!(fetch.retries, 2);
        assert_eq!(fetch.max_body_bytes, 4 * 1024 * 1024);
        assert!(!fetch.allow_insecure_http);
        let cache = s.content.cache.unwrap();
        assert_eq!(cache.ttl, Duration::from_secs(86_400));
        assert_eq!(cache.stale_if_error, Duration::from_secs(30 * 86_400));
        assert!(!cache.offline);
        assert_eq!(s.expiry_warning_days, 30);
        assert!(s.unknown.is_empty());
    }

    #[test]
    fn base_urls_map_aws_urls_to_the_mirror() {
        let mut map = BTreeMap::new();
        map.insert(
            "aws".to_string(),
            Value::Value("https://mirror.example.com/rds/".to_string()),
        );
        let (s, errors) = settings(ProviderConfig {
            base_urls: Value::Value(map),
            ..Default::default()
        });
        assert!(errors.is_empty());
        let aws = Partition::get("aws").unwrap();
        assert_eq!(
            s.content_url(
                aws,
                "https://truststore.pki.rds.amazonaws.com/eu-west-1/eu-west-1-bundle.pem"
            ),
            "https://mirror.example.com/rds/eu-west-1/eu-west-1-bundle.pem"
        );
        let gov = Partition::get("aws-us-gov").unwrap();
        assert_eq!(
            s.content_url(gov, gov.global_pem_url),
            gov.global_pem_url,
            "other partitions are untouched"
        );
    }

    #[test]
    fn bad_settings_are_errors_naming_the_value() {
        let mut map = BTreeMap::new();
        map.insert(
            "aws".to_string(),
            Value::Value("http://mirror.example.com".to_string()),
        );
        map.insert(
            "aws-mars".to_string(),
            Value::Value("https://x".to_string()),
        );
        let (_, errors) = settings(ProviderConfig {
            base_urls: Value::Value(map),
            timeout_seconds: Value::Value(0),
            offline: Value::Value(true),
            disable_cache: Value::Value(true),
            ..Default::default()
        });
        let summaries: Vec<&str> = errors.iter().map(|e| e.0.as_str()).collect();
        assert_eq!(
            summaries,
            [
                "Invalid base URL for aws",
                "Unknown partition \"aws-mars\" in base_urls",
                "Invalid timeout_seconds",
                "offline needs the cache"
            ]
        );
        assert_eq!(errors[0].1, "base_urls[\"aws\"] = \"http://mirror.example.com\": plain http:// is refused unless allow_insecure_http = true.");
        assert!(
            errors[1]
                .1
                .contains("Allowed values: aws, aws-cn, aws-us-gov."),
            "{}",
            errors[1].1
        );
        assert_eq!(
            errors[2].1,
            "timeout_seconds = 0 is out of range: it must be at least 1."
        );
    }

    #[test]
    fn plain_http_mirrors_need_the_explicit_opt_in() {
        let mut map = BTreeMap::new();
        map.insert(
            "aws".to_string(),
            Value::Value("http://mirror.internal".to_string()),
        );
        let (s, errors) = settings(ProviderConfig {
            base_urls: Value::Value(map),
            allow_insecure_http: Value::Value(true),
            ..Default::default()
        });
        assert!(errors.is_empty());
        assert!(s.content.fetch.allow_insecure_http);
        assert_eq!(s.base_urls["aws"], "http://mirror.internal");
    }

    #[test]
    fn unknown_values_are_recorded_not_rejected() {
        let mut map = BTreeMap::new();
        map.insert("aws".to_string(), Value::Unknown);
        let (s, errors) = settings(ProviderConfig {
            base_urls: Value::Value(map),
            ca_cert_pem: Value::Unknown,
            timeout_seconds: Value::Unknown,
            ..Default::default()
        });
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(s.unknown, ["base_urls", "ca_cert_pem", "timeout_seconds"]);
        assert!(s.base_urls.is_empty());
        assert_eq!(s.content.fetch.request_timeout, Duration::from_secs(10));
    }

    #[test]
    fn every_number_setting_is_in_the_schema_with_its_default() {
        let schema = schema();
        for n in NUMBERS {
            let attr = &schema.block.attributes[n.name];
            let doc = format!("{:?}", attr.description);
            assert!(
                doc.contains(&format!("Default `{}`.", n.default)),
                "{}: {doc}",
                n.name
            );
        }
    }
}
