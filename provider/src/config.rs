//! The provider block: how bundles are fetched and cached. Every setting is optional and has a
//! documented default; the URL and validation features need none of them.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tf_provider::schema::{AttributeType, Schema};
use tf_provider::value::Value;
use tf_provider::{AttributePath, Diagnostics};

use crate::content::cache::{default_cache_dir, CacheSettings};
use crate::content::fetch::FetchSettings;
use crate::schema_util::{block, optional};
use crate::table::Partition;

pub const DEFAULT_TIMEOUT_SECONDS: i64 = 30;
pub const DEFAULT_CONNECT_TIMEOUT_SECONDS: i64 = 10;
pub const DEFAULT_MAX_RETRIES: i64 = 3;
pub const DEFAULT_MAX_BUNDLE_BYTES: i64 = 4 * 1024 * 1024;
pub const DEFAULT_CACHE_TTL_SECONDS: i64 = 24 * 60 * 60;
pub const DEFAULT_EXPIRY_WARNING_DAYS: i64 = 30;

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct ProviderConfig {
    pub ca_cert_pem: Value<String>,
    pub base_urls: Value<BTreeMap<String, String>>,
    pub allow_insecure_http: Value<bool>,
    pub timeout_seconds: Value<i64>,
    pub connect_timeout_seconds: Value<i64>,
    pub max_retries: Value<i64>,
    pub max_bundle_bytes: Value<i64>,
    pub cache_dir: Value<String>,
    pub cache_ttl_seconds: Value<i64>,
    pub disable_cache: Value<bool>,
    pub offline: Value<bool>,
    pub expiry_warning_days: Value<i64>,
}

pub fn schema() -> Schema {
    let n = AttributeType::Number;
    let b = AttributeType::Bool;
    let s = AttributeType::String;
    block(
        "The `rdsca` provider makes the SSL/TLS certificate authorities of Amazon RDS and Aurora first-class in Terraform: \
         the CA bundle URLs for every Region (and the global bundles of the commercial and GovCloud partitions), \
         plan-time validation of a CA choice against the CAs RDS offers in a Region, and the bundles themselves, \
         fetched over HTTPS, cached and parsed.\n\n\
         The Region table is built into the provider: URLs, validation and functions work offline and need no configuration. \
         The settings below only govern how `rdsca_bundle` fetches bundle content.",
        vec![
            ("ca_cert_pem", optional(s.clone(), "Extra PEM CA certificate(s) trusted when fetching bundles, on top of the standard web roots: for a corporate mirror behind a private CA.")),
            ("base_urls", optional(AttributeType::Map(Box::new(s.clone())), "Mirror base URL per partition, replacing `https://<truststore host>`: `{ aws = \"https://mirror.example.com/rds\" }` fetches `https://mirror.example.com/rds/eu-west-1/eu-west-1-bundle.pem`. The reported `pem_url`/`p7b_url` stay the AWS ones; `content_url` shows what was fetched.")),
            ("allow_insecure_http", optional(b.clone(), "Allow `http://` base URLs. Default `false`: bundles are trust anchors, so only HTTPS is used.")),
            ("timeout_seconds", optional(n.clone(), "Timeout of one HTTP request, in seconds. Default `30`.")),
            ("connect_timeout_seconds", optional(n.clone(), "Connection timeout, in seconds. Default `10`.")),
            ("max_retries", optional(n.clone(), "Retries after a 5xx answer or a connection error, with exponential backoff (never after a 4xx or a TLS trust error). Default `3`.")),
            ("max_bundle_bytes", optional(n.clone(), "Largest bundle accepted, in bytes. Default `4194304` (4 MiB); the global bundle is about 160 KB.")),
            ("cache_dir", optional(s.clone(), "Directory of the bundle cache. Default `$XDG_CACHE_HOME/terraform-provider-rdsca`, else `~/.cache/terraform-provider-rdsca`.")),
            ("cache_ttl_seconds", optional(n.clone(), "How long a cached bundle is used without asking the server, in seconds. Afterwards it is revalidated with `If-None-Match` / `If-Modified-Since`. Default `86400` (one day).")),
            ("disable_cache", optional(b.clone(), "Never read or write the disk cache. Default `false`.")),
            ("offline", optional(b.clone(), "Serve bundles from the cache only, never from the network; a bundle missing from the cache is an error. Default `false`.")),
            ("expiry_warning_days", optional(n, "Warn when a certificate in a fetched bundle expires within this many days (or has expired). Default `30`; `0` turns the warning off.")),
        ],
    )
}

/// The provider settings once validated, as the data sources use them.
#[derive(Debug, Clone)]
pub struct Settings {
    pub fetch: FetchSettings,
    pub cache: Option<CacheSettings>,
    pub base_urls: BTreeMap<String, String>,
    pub expiry_warning_days: i64,
}

fn number(
    diags: &mut Diagnostics,
    v: &Value<i64>,
    name: &'static str,
    default: i64,
    min: i64,
) -> i64 {
    match v {
        Value::Value(n) if *n >= min => *n,
        Value::Value(n) => {
            diags.error(
                format!("Invalid {name}"),
                format!("{name} = {n} is out of range: it must be at least {min}."),
                AttributePath::new(name),
            );
            default
        }
        _ => default,
    }
}

fn flag(v: &Value<bool>) -> bool {
    matches!(v, Value::Value(true))
}

impl ProviderConfig {
    /// Validates the settings; problems are reported on their attributes.
    pub fn settings(&self, diags: &mut Diagnostics) -> Settings {
        let allow_http = flag(&self.allow_insecure_http);
        let mut base_urls = BTreeMap::new();
        if let Value::Value(map) = &self.base_urls {
            for (partition, url) in map {
                if Partition::get(partition).is_none() {
                    let u = Partition::lookup(partition).unwrap_err();
                    diags.error(
                        format!("Unknown partition \"{partition}\" in base_urls"),
                        u.detail(),
                        AttributePath::new("base_urls").key(partition.clone()),
                    );
                    continue;
                }
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
                        AttributePath::new("base_urls").key(partition.clone()),
                    );
                    continue;
                }
                base_urls.insert(partition.clone(), url.to_string());
            }
        }
        let defaults = FetchSettings::default();
        let fetch = FetchSettings {
            connect_timeout: Duration::from_secs(number(
                diags,
                &self.connect_timeout_seconds,
                "connect_timeout_seconds",
                DEFAULT_CONNECT_TIMEOUT_SECONDS,
                1,
            ) as u64),
            request_timeout: Duration::from_secs(number(
                diags,
                &self.timeout_seconds,
                "timeout_seconds",
                DEFAULT_TIMEOUT_SECONDS,
                1,
            ) as u64),
            retries: number(
                diags,
                &self.max_retries,
                "max_retries",
                DEFAULT_MAX_RETRIES,
                0,
            )
            .min(10) as u32,
            max_body_bytes: number(
                diags,
                &self.max_bundle_bytes,
                "max_bundle_bytes",
                DEFAULT_MAX_BUNDLE_BYTES,
                1024,
            ) as u64,
            extra_ca_pem: self.ca_cert_pem.as_ref_option().cloned(),
            allow_insecure_http: allow_http,
            ..defaults
        };
        let cache = (!flag(&self.disable_cache)).then(|| CacheSettings {
            dir: self
                .cache_dir
                .as_ref_option()
                .map(PathBuf::from)
                .unwrap_or_else(default_cache_dir),
            ttl: Duration::from_secs(number(
                diags,
                &self.cache_ttl_seconds,
                "cache_ttl_seconds",
                DEFAULT_CACHE_TTL_SECONDS,
                0,
            ) as u64),
            offline: flag(&self.offline),
        });
        if flag(&self.offline) && flag(&self.disable_cache) {
            diags.error("offline needs the cache", "offline = true serves bundles from the disk cache only, which disable_cache = true turns off.", AttributePath::new("offline"));
        }
        Settings {
            fetch,
            cache,
            base_urls,
            expiry_warning_days: number(
                diags,
                &self.expiry_warning_days,
                "expiry_warning_days",
                DEFAULT_EXPIRY_WARNING_DAYS,
                0,
            ),
        }
    }
}

impl Settings {
    /// The URL to fetch for an AWS bundle URL: the partition's mirror, if configured.
    pub fn content_url(&self, partition: &Partition, aws_url: &str) -> String {
        match self.base_urls.get(partition.id) {
            Some(base) => {
                let prefix = format!("https://{}", partition.truststore_host);
                format!("{base}{}", aws_url.strip_prefix(&prefix).unwrap_or(aws_url))
            }
            None => aws_url.to_string(),
        }
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
        assert_eq!(s.fetch.request_timeout, Duration::from_secs(30));
        assert_eq!(s.fetch.retries, 3);
        assert_eq!(s.fetch.max_body_bytes, 4 * 1024 * 1024);
        assert!(!s.fetch.allow_insecure_http);
        let cache = s.cache.unwrap();
        assert_eq!(cache.ttl, Duration::from_secs(86_400));
        assert!(!cache.offline);
        assert_eq!(s.expiry_warning_days, 30);
    }

    #[test]
    fn base_urls_map_aws_urls_to_the_mirror() {
        let mut map = BTreeMap::new();
        map.insert(
            "aws".to_string(),
            "https://mirror.example.com/rds/".to_string(),
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
        map.insert("aws".to_string(), "http://mirror.example.com".to_string());
        map.insert("aws-cn".to_string(), "https://x".to_string());
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
                "Unknown partition \"aws-cn\" in base_urls",
                "Invalid timeout_seconds",
                "offline needs the cache"
            ]
        );
        assert_eq!(errors[0].1, "base_urls[\"aws\"] = \"http://mirror.example.com\": plain http:// is refused unless allow_insecure_http = true.");
        assert!(
            errors[1].1.contains("Allowed values: aws, aws-us-gov."),
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
        map.insert("aws".to_string(), "http://mirror.internal".to_string());
        let (s, errors) = settings(ProviderConfig {
            base_urls: Value::Value(map),
            allow_insecure_http: Value::Value(true),
            ..Default::default()
        });
        assert!(errors.is_empty());
        assert!(s.fetch.allow_insecure_http);
        assert_eq!(s.base_urls["aws"], "http://mirror.internal");
    }
}
