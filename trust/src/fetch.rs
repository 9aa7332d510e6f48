//! HTTPS downloads of bundles on the one client of `rdsca-http` (same-host redirects, bounded
//! timeouts, the shared retry policy for 5xx and connection faults): conditional GETs with
//! validators, a body size limit enforced while streaming, and errors that name the URL, what
//! happened and what to do.

use reqwest::header::{ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED};
use reqwest::StatusCode;

use rdsca_http::{classify, error_chain, HttpSettings, Redirects, RetryPolicy, Transport};

/// Cache validators of a response, sent back on revalidation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

#[derive(Debug)]
pub enum FetchOutcome {
    Fresh {
        body: Vec<u8>,
        validators: Validators,
    },
    NotModified,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchErrorKind {
    InvalidUrl,
    InsecureScheme,
    Timeout,
    Connect,
    TlsUntrusted,
    Status(u16),
    TooLarge,
    Truncated,
    Redirect,
    Client,
}

/// A failed fetch: one sentence naming the URL, what happened and what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("GET {url}: {message}{}", if *attempts > 1 { format!(" (after {attempts} attempts)") } else { String::new() })]
pub struct FetchError {
    pub url: String,
    pub kind: FetchErrorKind,
    pub message: String,
    pub attempts: u32,
}

impl FetchErrorKind {
    /// Transient faults are retried; the answer to a bad request or an untrusted server is not.
    fn retryable(&self) -> bool {
        match self {
            FetchErrorKind::Timeout | FetchErrorKind::Connect | FetchErrorKind::Truncated => true,
            FetchErrorKind::Status(s) => *s >= 500,
            _ => false,
        }
    }
}

pub struct Fetcher {
    client: reqwest::Client,
    settings: HttpSettings,
}

fn error(url: &str, kind: FetchErrorKind, message: impl Into<String>) -> FetchError {
    FetchError {
        url: url.to_string(),
        kind,
        message: message.into(),
        attempts: 1,
    }
}

fn mib(bytes: u64) -> String {
    if bytes.is_multiple_of(1024 * 1024) {
        format!("{} MiB", bytes / (1024 * 1024))
    } else {
        format!("{bytes} bytes")
    }
}

/// A configuration the client cannot be built from (the extra CA), as a fetch error.
pub fn configuration_error(e: rdsca_http::ClientError) -> FetchError {
    error(
        "(provider configuration)",
        FetchErrorKind::Client,
        e.to_string(),
    )
}

impl Fetcher {
    pub fn new(settings: HttpSettings) -> Result<Fetcher, FetchError> {
        let client =
            rdsca_http::client(&settings, Redirects::SameHost).map_err(configuration_error)?;
        Ok(Fetcher { client, settings })
    }

    /// GETs `url`, retrying transient faults with the shared backoff.
    pub async fn get(
        &self,
        url: &str,
        conditional: Option<&Validators>,
    ) -> Result<FetchOutcome, FetchError> {
        let parsed = reqwest::Url::parse(url).map_err(|e| {
            error(
                url,
                FetchErrorKind::InvalidUrl,
                format!("not a valid URL ({e})"),
            )
        })?;
        match parsed.scheme() {
            "https" => {}
            "http" if self.settings.allow_insecure_http => {}
            "http" => return Err(error(url, FetchErrorKind::InsecureScheme, "plain http:// is refused for trust bundles; use https://, or set allow_insecure_http = true in the provider block")),
            other => return Err(error(url, FetchErrorKind::InvalidUrl, format!("unsupported scheme {other}://"))),
        }
        RetryPolicy::from(&self.settings)
            .run(
                url,
                || self.attempt(url, conditional),
                |e| e.kind.retryable(),
            )
            .await
            .map_err(|failed| FetchError {
                attempts: failed.attempts,
                ..failed.error
            })
    }

    async fn attempt(
        &self,
        url: &str,
        conditional: Option<&Validators>,
    ) -> Result<FetchOutcome, FetchError> {
        let mut req = self.client.get(url);
        if let Some(v) = conditional {
            if let Some(etag) = &v.etag {
                req = req.header(IF_NONE_MATCH, etag);
            }
            if let Some(date) = &v.last_modified {
                req = req.header(IF_MODIFIED_SINCE, date);
            }
        }
        let mut resp = req.send().await.map_err(|e| self.classify(url, &e))?;
        let status = resp.status();
        if status == StatusCode::NOT_MODIFIED && conditional.is_some() {
            return Ok(FetchOutcome::NotModified);
        }
        if !status.is_success() {
            let kind = FetchErrorKind::Status(status.as_u16());
            let hint = if status.is_server_error() {
                "the server failed"
            } else {
                "check the URL (region, partition, or the mirror in base_urls)"
            };
            return Err(error(url, kind, format!("HTTP {status}: {hint}")));
        }
        let max = self.settings.max_body_bytes;
        let too_large = || {
            error(url, FetchErrorKind::TooLarge, format!("the body exceeds the {} limit (max_bundle_bytes); an RDS bundle is about 160 KB", mib(max)))
        };
        if resp.content_length().is_some_and(|len| len > max) {
            return Err(too_large());
        }
        let validators = Validators {
            etag: resp
                .headers()
                .get(ETAG)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string),
            last_modified: resp
                .headers()
                .get(LAST_MODIFIED)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string),
        };
        let mut body = Vec::with_capacity(resp.content_length().unwrap_or(0).min(max) as usize);
        loop {
            match resp.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len() as u64 + chunk.len() as u64 > max {
                        return Err(too_large());
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) if e.is_timeout() => {
                    return Err(error(
                        url,
                        FetchErrorKind::Timeout,
                        format!(
                            "timed out after {:?} while reading the body (timeout_seconds)",
                            self.settings.request_timeout
                        ),
                    ))
                }
                Err(e) => {
                    return Err(error(
                        url,
                        FetchErrorKind::Truncated,
                        format!(
                        "the connection closed before the whole body arrived ({} bytes read): {}",
                        body.len(),
                        error_chain(&e)
                    ),
                    ))
                }
            }
        }
        Ok(FetchOutcome::Fresh { body, validators })
    }

    fn classify(&self, url: &str, e: &reqwest::Error) -> FetchError {
        match classify(e) {
            Transport::RedirectRefused(why) => error(url, FetchErrorKind::Redirect, why),
            Transport::TlsUntrusted(why) => error(
                url,
                FetchErrorKind::TlsUntrusted,
                format!("TLS: the server certificate is not trusted ({why}); for a mirror with a private CA, add the CA to the system trust store (or SSL_CERT_FILE) or set ca_cert_pem in the provider block"),
            ),
            Transport::Tls(why) => error(
                url,
                FetchErrorKind::TlsUntrusted,
                format!("TLS handshake failed: {why}"),
            ),
            Transport::Timeout => error(
                url,
                FetchErrorKind::Timeout,
                format!(
                    "timed out (connect_timeout_seconds = {}, timeout_seconds = {})",
                    self.settings.connect_timeout.as_secs_f32(),
                    self.settings.request_timeout.as_secs_f32()
                ),
            ),
            Transport::Connect(chain) => error(
                url,
                FetchErrorKind::Connect,
                format!("connection failed: {chain}"),
            ),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use rdsca_test_server::{Route, TestServer};
    use std::time::Duration;

    /// Short, bounded settings trusting the test server's CA.
    pub(crate) fn settings(server: &TestServer) -> HttpSettings {
        HttpSettings {
            connect_timeout: Duration::from_secs(2),
            request_timeout: Duration::from_millis(600),
            retries: 2,
            retry_backoff: Duration::from_millis(10),
            max_body_bytes: 64 * 1024,
            extra_ca_pem: Some(server.ca_pem().to_string()),
            allow_insecure_http: false,
            user_agent: "rdsca-test".into(),
        }
    }

    /// Settings for tests that never reach a server.
    fn serverless() -> HttpSettings {
        HttpSettings {
            connect_timeout: Duration::from_secs(1),
            request_timeout: Duration::from_secs(1),
            retries: 0,
            retry_backoff: Duration::ZERO,
            max_body_bytes: 1024,
            extra_ca_pem: None,
            allow_insecure_http: false,
            user_agent: "rdsca-test".into(),
        }
    }

    async fn get(server: &TestServer, path: &str) -> Result<FetchOutcome, FetchError> {
        Fetcher::new(settings(server))
            .unwrap()
            .get(&server.url(path), None)
            .await
    }

    fn body(outcome: FetchOutcome) -> Vec<u8> {
        match outcome {
            FetchOutcome::Fresh { body, .. } => body,
            FetchOutcome::NotModified => panic!("unexpected 304"),
        }
    }

    #[tokio::test]
    async fn ok_with_validators() {
        let server = TestServer::start();
        server.route(
            "/b.pem",
            Route::ok("bundle")
                .etag("\"v1\"")
                .last_modified("Wed, 21 Oct 2026 07:28:00 GMT"),
        );
        match get(&server, "/b.pem").await.unwrap() {
            FetchOutcome::Fresh { body, validators } => {
                assert_eq!(body, b"bundle");
                assert_eq!(validators.etag.as_deref(), Some("\"v1\""));
                assert_eq!(
                    validators.last_modified.as_deref(),
                    Some("Wed, 21 Oct 2026 07:28:00 GMT")
                );
            }
            FetchOutcome::NotModified => panic!(),
        }
        let v = Validators {
            etag: Some("\"v1\"".into()),
            last_modified: None,
        };
        let again = Fetcher::new(settings(&server))
            .unwrap()
            .get(&server.url("/b.pem"), Some(&v))
            .await
            .unwrap();
        assert!(matches!(again, FetchOutcome::NotModified));
        assert_eq!(
            server.request_log()[1]
                .headers
                .get("if-none-match")
                .map(String::as_str),
            Some("\"v1\"")
        );
    }

    #[tokio::test]
    async fn server_error_then_success_is_retried() {
        let server = TestServer::start();
        server.route(
            "/b.pem",
            Route::FailThenOk {
                failures: 1,
                status: 500,
                then: Box::new(Route::ok("bundle")),
            },
        );
        assert_eq!(body(get(&server, "/b.pem").await.unwrap()), b"bundle");
        assert_eq!(server.requests("/b.pem"), 2);
    }

    #[tokio::test]
    async fn persistent_server_errors_give_up_after_the_retries() {
        let server = TestServer::start();
        server.route("/b.pem", Route::Status(503));
        let e = get(&server, "/b.pem").await.unwrap_err();
        assert_eq!(e.kind, FetchErrorKind::Status(503));
        assert_eq!(e.attempts, 3);
        assert_eq!(server.requests("/b.pem"), 3);
        assert_eq!(
            e.to_string(),
            format!(
                "GET {}: HTTP 503 Service Unavailable: the server failed (after 3 attempts)",
                server.url("/b.pem")
            )
        );
    }

    #[tokio::test]
    async fn not_found_is_not_retried() {
        let server = TestServer::start();
        let e = get(&server, "/missing.pem").await.unwrap_err();
        assert_eq!(e.kind, FetchErrorKind::Status(404));
        assert_eq!(server.requests("/missing.pem"), 1);
        assert!(
            e.to_string().contains("HTTP 404 Not Found: check the URL"),
            "{e}"
        );
    }

    #[tokio::test]
    async fn stalled_response_times_out() {
        let server = TestServer::start();
        server.route("/b.pem", Route::Stall);
        let e = get(&server, "/b.pem").await.unwrap_err();
        assert_eq!(e.kind, FetchErrorKind::Timeout, "{e}");
        assert_eq!(e.attempts, 3);
        assert!(e.to_string().contains("timed out"), "{e}");
    }

    #[tokio::test]
    async fn truncated_body_is_an_error() {
        let server = TestServer::start();
        server.route("/b.pem", Route::Truncated(vec![b'x'; 10_000]));
        let e = get(&server, "/b.pem").await.unwrap_err();
        assert_eq!(e.kind, FetchErrorKind::Truncated, "{e}");
        assert!(
            e.to_string()
                .contains("the connection closed before the whole body arrived"),
            "{e}"
        );
    }

    #[tokio::test]
    async fn oversize_body_is_refused() {
        let server = TestServer::start();
        server.route("/b.pem", Route::ok(vec![b'x'; 65 * 1024]));
        let e = get(&server, "/b.pem").await.unwrap_err();
        assert_eq!(e.kind, FetchErrorKind::TooLarge);
        assert!(
            e.to_string()
                .contains("exceeds the 65536 bytes limit (max_bundle_bytes)"),
            "{e}"
        );
        assert_eq!(
            server.requests("/b.pem"),
            1,
            "a too-large body is not retried"
        );
    }

    #[tokio::test]
    async fn redirects_stay_on_the_same_host() {
        let server = TestServer::start();
        server.route("/old.pem", Route::RedirectTo(server.url("/new.pem")));
        server.route("/new.pem", Route::ok("moved"));
        assert_eq!(body(get(&server, "/old.pem").await.unwrap()), b"moved");
        server.route(
            "/evil.pem",
            Route::RedirectTo(format!("https://127.0.0.1:{}/new.pem", server.port())),
        );
        let e = get(&server, "/evil.pem").await.unwrap_err();
        assert_eq!(e.kind, FetchErrorKind::Redirect, "{e}");
        assert!(
            e.to_string()
                .contains("redirect to another host (127.0.0.1) refused"),
            "{e}"
        );
    }

    #[tokio::test]
    async fn untrusted_server_certificate() {
        let server = TestServer::start();
        server.route("/b.pem", Route::ok("bundle"));
        let s = HttpSettings {
            extra_ca_pem: None,
            ..settings(&server)
        };
        let e = Fetcher::new(s)
            .unwrap()
            .get(&server.url("/b.pem"), None)
            .await
            .unwrap_err();
        assert_eq!(e.kind, FetchErrorKind::TlsUntrusted, "{e}");
        assert_eq!(e.attempts, 1, "a trust failure is not retried");
        assert!(
            e.to_string()
                .contains("set ca_cert_pem in the provider block"),
            "{e}"
        );
    }

    #[tokio::test]
    async fn connection_reset() {
        let server = TestServer::start();
        server.route("/b.pem", Route::Reset);
        let e = get(&server, "/b.pem").await.unwrap_err();
        assert_eq!(e.kind, FetchErrorKind::Connect, "{e}");
        assert_eq!(e.attempts, 3);
        assert_eq!(server.requests("/b.pem"), 3);
    }

    #[tokio::test]
    async fn plain_http_is_refused() {
        let e = Fetcher::new(serverless())
            .unwrap()
            .get("http://127.0.0.1:9/b.pem", None)
            .await
            .unwrap_err();
        assert_eq!(e.kind, FetchErrorKind::InsecureScheme);
        assert!(e.to_string().contains("plain http:// is refused"), "{e}");
    }

    #[tokio::test]
    async fn bad_extra_ca_is_a_configuration_error() {
        let s = HttpSettings {
            extra_ca_pem: Some("not a pem".into()),
            ..serverless()
        };
        let e = Fetcher::new(s).err().unwrap();
        assert!(
            e.message.contains("ca_cert_pem holds no certificate")
                || e.message.contains("ca_cert_pem is not valid PEM"),
            "{e}"
        );
    }
}
