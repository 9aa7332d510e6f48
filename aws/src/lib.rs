//! The part of the RDS Query API the engine check reads (`DescribeDBEngineVersions`,
//! `DescribeCertificates`): credentials from the AWS SDK's standard chain (`aws-config`), one
//! SigV4-signed POST per call (`aws-sigv4`) sent with reqwest, the XML answer parsed with
//! roxmltree. See docs/performance.md for why this and not `aws-sdk-rds`.
//!
//! Requests go through the one HTTPS client and retry policy of `rdsca-http`. The rules about
//! engines and the account's default CA that need the API's answers live in `engine`; the fleet
//! audit's listings (instances, clusters, pending maintenance) in `fleet`, and the audit itself
//! (judging every database against the table and the engine versions) in `audit`.
//!
//! Nothing here runs unless a caller asks: the provider builds [`RdsApi`] on the first read of
//! `rdsca_engine_ca`, and the credential chain is resolved on its first request. It must not
//! depend on Terraform, on the trust crate or on any front end.

pub mod audit;
pub mod engine;
pub mod fleet;
pub mod xml;

use std::time::{Duration, SystemTime};

use aws_config::BehaviorVersion;
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::ProvideCredentials;
use aws_credential_types::Credentials;
use aws_smithy_http_client::tls::{rustls_provider::CryptoMode, Provider as TlsProvider};

use rdsca_http::{error_chain, HttpSettings, Redirects, RetryPolicy};

pub use xml::{ApiError, Certificate, EngineVersion};

/// The Query API version of RDS.
const API_VERSION: &str = "2014-10-31";
/// Pages read at most per listing (100 records each).
const MAX_PAGES: usize = 20;

/// Why a call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RdsError {
    /// The credential chain found nothing.
    #[error("{0}")]
    NoCredentials(String),
    /// The chain found a source that failed (an expired SSO session, a bad profile, ...).
    #[error("{0}")]
    Credentials(String),
    /// The API answered with an error document.
    #[error("{endpoint} answered HTTP {status}: {}: {}", error.code, error.message)]
    Api {
        status: u16,
        error: ApiError,
        endpoint: String,
    },
    /// Connection, timeout, an answer that is not the expected XML.
    #[error("{0}")]
    Transport(String),
    /// No HTTPS client could be built from the settings (the extra CA).
    #[error("cannot build the HTTPS client for the RDS API: {0}")]
    Client(#[from] rdsca_http::ClientError),
}

impl RdsError {
    /// Transport faults, 5xx and throttling may pass; the rest will not.
    fn is_transient(&self) -> bool {
        match self {
            RdsError::Transport(_) => true,
            RdsError::Api { status, error, .. } => *status >= 500 || error.code.contains("Throttl"),
            _ => false,
        }
    }
}

/// Where the AWS standard credential chain looks, for messages that say how to provide
/// credentials; `profile_setting` is how the front end names a profile (`--aws-profile`, ...).
pub fn credential_sources(profile_setting: &str) -> String {
    format!(
        "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN) in the environment; a profile of ~/.aws/config or ~/.aws/credentials, chosen with AWS_PROFILE or {profile_setting} (SSO profiles after `aws sso login`); web identity (AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN); or the container or EC2 instance role"
    )
}

/// What the provider block says about AWS access.
#[derive(Debug, Clone, Default)]
pub struct AwsSettings {
    /// `aws_profile`: a profile of the shared config files, instead of `AWS_PROFILE` / `default`.
    pub profile: Option<String>,
}

/// The endpoint for a Region: `AWS_ENDPOINT_URL_RDS`, else `AWS_ENDPOINT_URL` (as the AWS SDKs
/// honour them, unless `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` is true), else the Region's.
pub fn endpoint(region: &str, env: impl Fn(&str) -> Option<String>) -> String {
    let ignore = env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
    if !ignore {
        for name in ["AWS_ENDPOINT_URL_RDS", "AWS_ENDPOINT_URL"] {
            if let Some(url) = env(name)
                .map(|u| u.trim().to_string())
                .filter(|u| !u.is_empty())
            {
                return url;
            }
        }
    }
    let suffix = if region.starts_with("cn-") {
        "amazonaws.com.cn"
    } else {
        "amazonaws.com"
    };
    format!("https://rds.{region}.{suffix}")
}

/// `application/x-www-form-urlencoded` with RFC 3986 escaping (what SigV4 canonicalises to).
fn form(params: &[(&str, &str)]) -> String {
    fn escape(s: &str) -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect()
    }
    params
        .iter()
        .map(|(k, v)| format!("{}={}", escape(k), escape(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The RDS API client: an HTTP client, and credentials resolved once and refreshed before they
/// expire.
pub struct RdsApi {
    http: reqwest::Client,
    retry: RetryPolicy,
    settings: AwsSettings,
    provider:
        tokio::sync::OnceCell<Option<aws_credential_types::provider::SharedCredentialsProvider>>,
    credentials: tokio::sync::Mutex<Option<Credentials>>,
}

impl RdsApi {
    /// Cheap: no file is read and no request sent until the first call. An endpoint configured
    /// as `http://` (`AWS_ENDPOINT_URL_RDS`, a local test double) is used as given, as the AWS
    /// SDKs do; the Regions' own endpoints are HTTPS.
    pub fn new(http: &HttpSettings, settings: AwsSettings) -> Result<RdsApi, RdsError> {
        let mut http = http.clone();
        http.allow_insecure_http |= endpoint("", |k| std::env::var(k).ok()).starts_with("http://");
        Ok(RdsApi {
            http: rdsca_http::client(&http, Redirects::None)?,
            retry: RetryPolicy::from(&http),
            settings,
            provider: Default::default(),
            credentials: Default::default(),
        })
    }

    /// The standard credential chain (environment, shared config and credentials files with
    /// `aws_profile` or `AWS_PROFILE`, SSO, web identity, container, instance metadata).
    async fn provider(
        &self,
        region: &str,
    ) -> Option<aws_credential_types::provider::SharedCredentialsProvider> {
        self.provider
            .get_or_init(|| async {
                // The SDK's own HTTP client, on ring like the rest of the provider (the default
                // one brings aws-lc); it only serves the chain (IMDS, container, SSO, STS).
                let http = aws_smithy_http_client::Builder::new()
                    .tls_provider(TlsProvider::Rustls(CryptoMode::Ring))
                    .build_https();
                let mut loader = aws_config::defaults(BehaviorVersion::latest())
                    .http_client(http)
                    // STS (web identity, assumed roles) needs a Region; the profile's wins.
                    .region(
                        aws_config::meta::region::RegionProviderChain::first_try(
                            aws_config::environment::EnvironmentVariableRegionProvider::new(),
                        )
                        .or_else(aws_config::Region::new(region.to_string())),
                    );
                if let Some(profile) = &self.settings.profile {
                    loader = loader.profile_name(profile);
                }
                loader.load().await.credentials_provider()
            })
            .await
            .clone()
    }

    async fn credentials(&self, region: &str) -> Result<Credentials, RdsError> {
        let mut cached = self.credentials.lock().await;
        let fresh = |c: &Credentials| {
            c.expiry()
                .is_none_or(|e| e > SystemTime::now() + Duration::from_secs(5 * 60))
        };
        if let Some(c) = cached.as_ref().filter(|c| fresh(c)) {
            return Ok(c.clone());
        }
        let Some(provider) = self.provider(region).await else {
            return Err(RdsError::NoCredentials(
                "the AWS SDK configuration has no credential provider".into(),
            ));
        };
        match provider.provide_credentials().await {
            Ok(c) => {
                *cached = Some(c.clone());
                Ok(c)
            }
            Err(e @ CredentialsError::CredentialsNotLoaded(_)) => {
                Err(RdsError::NoCredentials(error_chain(&e)))
            }
            Err(e) => Err(RdsError::Credentials(error_chain(&e))),
        }
    }

    /// One signed Query API call; retried on 5xx, throttling and transport errors.
    async fn call(&self, region: &str, params: &[(&str, &str)]) -> Result<String, RdsError> {
        let credentials = self.credentials(region).await?;
        let url = endpoint(region, |k| std::env::var(k).ok());
        let body = form(params);
        self.retry
            .run(
                &url,
                || self.send(region, &url, &body, &credentials),
                RdsError::is_transient,
            )
            .await
            .map_err(|failed| failed.error)
    }

    async fn send(
        &self,
        region: &str,
        url: &str,
        body: &str,
        credentials: &Credentials,
    ) -> Result<String, RdsError> {
        let content_type = "application/x-www-form-urlencoded; charset=utf-8";
        let identity = credentials.clone().into();
        let params = aws_sigv4::sign::v4::SigningParams::builder()
            .identity(&identity)
            .region(region)
            .name("rds")
            .time(SystemTime::now())
            .settings(aws_sigv4::http_request::SigningSettings::default())
            .build()
            .map_err(|e| RdsError::Transport(format!("cannot sign the request: {e}")))?
            .into();
        let signable = aws_sigv4::http_request::SignableRequest::new(
            "POST",
            url,
            [("content-type", content_type)].into_iter(),
            aws_sigv4::http_request::SignableBody::Bytes(body.as_bytes()),
        )
        .map_err(|e| RdsError::Transport(format!("cannot sign a request to {url}: {e}")))?;
        let (instructions, _) = aws_sigv4::http_request::sign(signable, &params)
            .map_err(|e| RdsError::Transport(format!("cannot sign a request to {url}: {e}")))?
            .into_parts();
        let mut request = self
            .http
            .post(url)
            .header("content-type", content_type)
            .body(body.to_string());
        for (name, value) in instructions.headers() {
            request = request.header(name, value);
        }
        let response = request
            .send()
            .await
            .map_err(|e| RdsError::Transport(format!("cannot reach {url}: {}", error_chain(&e))))?;
        let status = response.status().as_u16();
        let text = response
            .text()
            .await
            .map_err(|e| RdsError::Transport(format!("{url}: {}", error_chain(&e))))?;
        if (200..300).contains(&status) {
            return Ok(text);
        }
        Err(RdsError::Api {
            status,
            error: xml::error(&text).unwrap_or_else(|| ApiError {
                code: format!("HTTP {status}"),
                message: text.chars().take(200).collect(),
            }),
            endpoint: url.to_string(),
        })
    }

    /// `DescribeDBEngineVersions` with these filters, every page (up to 2,000 versions).
    pub async fn engine_versions(
        &self,
        region: &str,
        engine: &str,
        version: Option<&str>,
    ) -> Result<Vec<EngineVersion>, RdsError> {
        let mut out = Vec::new();
        let mut marker: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let mut params = vec![
                ("Action", "DescribeDBEngineVersions"),
                ("Version", API_VERSION),
                ("Engine", engine),
                ("MaxRecords", "100"),
            ];
            if let Some(v) = version {
                params.push(("EngineVersion", v));
            }
            if let Some(m) = &marker {
                params.push(("Marker", m));
            }
            let body = self.call(region, &params).await?;
            let page = xml::engine_versions(&body).map_err(RdsError::Transport)?;
            out.extend(page.items);
            marker = page.marker;
            if marker.is_none() {
                break;
            }
        }
        Ok(out)
    }

    /// `DescribeCertificates`, every page, and `DefaultCertificateForNewLaunches`.
    pub async fn certificates(
        &self,
        region: &str,
    ) -> Result<(Vec<Certificate>, Option<String>), RdsError> {
        let mut out = Vec::new();
        let mut default = None;
        let mut marker: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let mut params = vec![
                ("Action", "DescribeCertificates"),
                ("Version", API_VERSION),
                ("MaxRecords", "100"),
            ];
            if let Some(m) = &marker {
                params.push(("Marker", m));
            }
            let body = self.call(region, &params).await?;
            let page = xml::certificates(&body).map_err(RdsError::Transport)?;
            out.extend(page.items);
            default = default.or(page.default_for_new_launches);
            marker = page.marker;
            if marker.is_none() {
                break;
            }
        }
        Ok((out, default))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_overrides_in_the_sdks_order() {
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                vars.iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(
            endpoint("eu-west-1", env(&[])),
            "https://rds.eu-west-1.amazonaws.com"
        );
        assert_eq!(
            endpoint("cn-north-1", env(&[])),
            "https://rds.cn-north-1.amazonaws.com.cn"
        );
        assert_eq!(
            endpoint(
                "eu-west-1",
                env(&[
                    ("AWS_ENDPOINT_URL", "http://a"),
                    ("AWS_ENDPOINT_URL_RDS", "http://b")
                ])
            ),
            "http://b"
        );
        assert_eq!(
            endpoint("eu-west-1", env(&[("AWS_ENDPOINT_URL", "http://a")])),
            "http://a"
        );
        assert_eq!(
            endpoint(
                "eu-west-1",
                env(&[
                    ("AWS_ENDPOINT_URL", "http://a"),
                    ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")
                ])
            ),
            "https://rds.eu-west-1.amazonaws.com"
        );
    }

    #[test]
    fn form_bodies_escape_like_sigv4() {
        assert_eq!(
            form(&[("Action", "X"), ("Marker", "a b/+=")]),
            "Action=X&Marker=a%20b%2F%2B%3D"
        );
    }
}
