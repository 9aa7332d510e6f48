//! The one way rdsca talks HTTPS, shared by the bundle downloads (`rdsca-trust`) and the RDS API
//! client (`rdsca-aws`): the client set-up (rustls trusting the web PKI roots, the operating
//! system's store, which honours `SSL_CERT_FILE` / `SSL_CERT_DIR`, and an optional extra CA; the
//! proxy from `HTTPS_PROXY` / `NO_PROXY`; bounded timeouts; redirects only within the same host,
//! or none), one retry policy with a capped exponential backoff, and transport failures
//! classified by type, not by message.
//!
//! It knows nothing of bundles, AWS or Terraform: callers decide what is transient and word
//! their own errors.

use std::future::Future;
use std::time::Duration;

/// How to reach servers: the provider block and the command line declare the user-facing names
/// and defaults (`timeout_seconds`, `max_retries`, ...).
#[derive(Debug, Clone)]
pub struct HttpSettings {
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
    /// Retries after the first attempt, for transient faults only.
    pub retries: u32,
    /// The first retry's delay; it doubles up to [`MAX_BACKOFF`].
    pub retry_backoff: Duration,
    /// The largest response body read.
    pub max_body_bytes: u64,
    /// PEM certificates trusted on top of the web and OS roots (a private mirror's CA).
    pub extra_ca_pem: Option<String>,
    pub allow_insecure_http: bool,
    pub user_agent: String,
}

/// The defaults every front end starts from (the provider block and the command line name and
/// document them; they are declared here once).
pub mod defaults {
    use std::time::Duration;

    /// One request, connecting to the last byte of the body: `timeout_seconds`.
    pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
    /// `connect_timeout_seconds`.
    pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
    /// `max_retries`: with the timeouts above, a dead server fails a call within about 31 s.
    pub const RETRIES: u32 = 2;
    pub const RETRY_BACKOFF: Duration = Duration::from_millis(250);
    /// `max_bundle_bytes`: the global RDS bundle is about 165 KB.
    pub const MAX_BODY_BYTES: u64 = 4 * 1024 * 1024;
}

impl HttpSettings {
    /// The defaults, with `user_agent` naming the front end.
    pub fn with_defaults(user_agent: impl Into<String>) -> HttpSettings {
        HttpSettings {
            connect_timeout: defaults::CONNECT_TIMEOUT,
            request_timeout: defaults::REQUEST_TIMEOUT,
            retries: defaults::RETRIES,
            retry_backoff: defaults::RETRY_BACKOFF,
            max_body_bytes: defaults::MAX_BODY_BYTES,
            extra_ca_pem: None,
            allow_insecure_http: false,
            user_agent: user_agent.into(),
        }
    }
}

/// The longest wait between two attempts.
pub const MAX_BACKOFF: Duration = Duration::from_secs(4);
/// Redirects followed at most.
pub const MAX_REDIRECTS: usize = 5;

/// Which redirects a client follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Redirects {
    /// Up to [`MAX_REDIRECTS`], on the first URL's host, to `https://` unless plain http is allowed.
    SameHost,
    /// None: an API answers, it does not move.
    None,
}

/// Why no client could be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClientError {
    #[error("ca_cert_pem is not valid PEM: {0}")]
    ExtraCaNotPem(String),
    #[error("ca_cert_pem holds no certificate")]
    ExtraCaEmpty,
    #[error("cannot build the HTTPS client: {0}")]
    Build(String),
}

/// Why a redirect was not followed; found again by type when classifying errors.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct RedirectRefused(String);

/// The HTTPS client for `settings`.
pub fn client(
    settings: &HttpSettings,
    redirects: Redirects,
) -> Result<reqwest::Client, ClientError> {
    let allow_http = settings.allow_insecure_http;
    let policy = match redirects {
        Redirects::None => reqwest::redirect::Policy::none(),
        Redirects::SameHost => reqwest::redirect::Policy::custom(move |attempt| {
            let first_host = attempt
                .previous()
                .first()
                .and_then(|u| u.host_str())
                .map(str::to_string);
            let to = attempt.url().clone();
            if attempt.previous().len() > MAX_REDIRECTS {
                attempt.error(RedirectRefused(format!(
                    "more than {MAX_REDIRECTS} redirects"
                )))
            } else if first_host.as_deref() != to.host_str() {
                attempt.error(RedirectRefused(format!(
                    "redirect to another host ({}) refused",
                    to.host_str().unwrap_or("?")
                )))
            } else if to.scheme() != "https" && !allow_http {
                attempt.error(RedirectRefused(
                    "redirect to plain http:// refused".to_string(),
                ))
            } else {
                attempt.follow()
            }
        }),
    };
    let mut builder = reqwest::Client::builder()
        .use_rustls_tls()
        .connect_timeout(settings.connect_timeout)
        .timeout(settings.request_timeout)
        .user_agent(settings.user_agent.clone())
        .redirect(policy)
        .https_only(!allow_http);
    for cert in extra_roots(settings.extra_ca_pem.as_deref())? {
        builder = builder.add_root_certificate(cert);
    }
    builder
        .build()
        .map_err(|e| ClientError::Build(error_chain(&e)))
}

/// The certificates of an extra CA PEM, trusted on top of the web roots; none when unset.
pub fn extra_roots(pem: Option<&str>) -> Result<Vec<reqwest::Certificate>, ClientError> {
    let Some(pem) = pem else {
        return Ok(Vec::new());
    };
    let certs = reqwest::Certificate::from_pem_bundle(pem.as_bytes())
        .map_err(|e| ClientError::ExtraCaNotPem(e.to_string()))?;
    if certs.is_empty() {
        return Err(ClientError::ExtraCaEmpty);
    }
    Ok(certs)
}

/// Bounded retries with a capped exponential backoff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    pub retries: u32,
    pub first_backoff: Duration,
}

impl From<&HttpSettings> for RetryPolicy {
    fn from(s: &HttpSettings) -> Self {
        RetryPolicy {
            retries: s.retries,
            first_backoff: s.retry_backoff,
        }
    }
}

/// The last error of a call that was retried, and how many attempts were made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempted<E> {
    pub error: E,
    pub attempts: u32,
}

impl RetryPolicy {
    /// The wait before retry `n` (0-based): the first backoff doubled `n` times, at most [`MAX_BACKOFF`].
    pub fn backoff(&self, n: u32) -> Duration {
        self.first_backoff
            .saturating_mul(2u32.saturating_pow(n))
            .min(MAX_BACKOFF)
    }

    /// Runs `attempt` until it succeeds, fails with an error `transient` rejects, or the retries
    /// are spent. `what` names the call in debug logs.
    pub async fn run<T, E, F, Fut>(
        &self,
        what: &str,
        mut attempt: F,
        transient: impl Fn(&E) -> bool,
    ) -> Result<T, Attempted<E>>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, E>>,
        E: std::fmt::Display,
    {
        let mut n = 0;
        loop {
            match attempt().await {
                Ok(v) => return Ok(v),
                Err(error) if !transient(&error) || n >= self.retries => {
                    return Err(Attempted {
                        error,
                        attempts: n + 1,
                    })
                }
                Err(error) => {
                    tracing::debug!(what, attempt = n + 1, %error, "retrying");
                    tokio::time::sleep(self.backoff(n)).await;
                    n += 1;
                }
            }
        }
    }
}

/// What went wrong under a request, by type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transport {
    /// Our redirect policy stopped it (the reason).
    RedirectRefused(String),
    /// The server's certificate is not trusted (rustls' reason).
    TlsUntrusted(String),
    /// Another TLS failure.
    Tls(String),
    Timeout,
    /// Connection refused, reset, DNS, ...: the whole chain of messages.
    Connect(String),
}

impl Transport {
    /// Timeouts and connection failures may pass; TLS and redirect refusals will not.
    pub fn is_transient(&self) -> bool {
        matches!(self, Transport::Timeout | Transport::Connect(_))
    }
}

/// Classifies a reqwest error by the types in its source chain.
pub fn classify(e: &reqwest::Error) -> Transport {
    if let Some(refused) = find_cause::<RedirectRefused>(e) {
        return Transport::RedirectRefused(refused.0.clone());
    }
    if let Some(tls) = find_cause::<rustls::Error>(e) {
        return match tls {
            rustls::Error::InvalidCertificate(why) => Transport::TlsUntrusted(format!("{why:?}")),
            other => Transport::Tls(other.to_string()),
        };
    }
    if e.is_timeout() {
        return Transport::Timeout;
    }
    Transport::Connect(error_chain(e))
}

/// The errors of a source chain, outermost first. `io::Error` hides the error it wraps from
/// `source()`, so its inner error is followed explicitly.
fn causes<'a>(
    e: &'a (dyn std::error::Error + 'static),
) -> Vec<&'a (dyn std::error::Error + 'static)> {
    let mut out = vec![e];
    let mut cur = e;
    loop {
        let next = match cur
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
            None => cur.source(),
        };
        match next {
            Some(n) => {
                out.push(n);
                cur = n;
            }
            None => return out,
        }
    }
}

/// The whole source chain of an error on one line, each message once.
pub fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    for c in causes(e) {
        let s = c.to_string();
        if !parts.iter().any(|p| p.contains(&s)) {
            parts.push(s);
        }
    }
    parts.join(": ")
}

/// The first error of type `T` in the chain.
fn find_cause<'a, T: std::error::Error + 'static>(
    e: &'a (dyn std::error::Error + 'static),
) -> Option<&'a T> {
    causes(e).into_iter().find_map(|c| c.downcast_ref::<T>())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let p = RetryPolicy {
            retries: 40,
            first_backoff: Duration::from_millis(500),
        };
        assert_eq!(p.backoff(0), Duration::from_millis(500));
        assert_eq!(p.backoff(2), Duration::from_secs(2));
        assert_eq!(p.backoff(3), MAX_BACKOFF);
        assert_eq!(p.backoff(39), MAX_BACKOFF);
    }

    #[tokio::test(start_paused = true)]
    async fn retries_transient_errors_then_gives_up() {
        let p = RetryPolicy {
            retries: 2,
            first_backoff: Duration::from_millis(10),
        };
        let calls = AtomicU32::new(0);
        let out: Result<(), _> = p
            .run(
                "test",
                || async {
                    calls.fetch_add(1, Ordering::SeqCst);
                    Err::<(), _>("busy")
                },
                |_| true,
            )
            .await;
        assert_eq!(
            out,
            Err(Attempted {
                error: "busy",
                attempts: 3
            })
        );
        assert_eq!(calls.load(Ordering::SeqCst), 3);
    }

    #[tokio::test(start_paused = true)]
    async fn permanent_errors_are_not_retried_and_success_returns() {
        let p = RetryPolicy {
            retries: 5,
            first_backoff: Duration::from_millis(10),
        };
        let out: Result<(), _> = p.run("test", || async { Err("no") }, |e| *e != "no").await;
        assert_eq!(out.unwrap_err().attempts, 1);
        let calls = AtomicU32::new(0);
        let out = p
            .run(
                "test",
                || async {
                    if calls.fetch_add(1, Ordering::SeqCst) < 2 {
                        Err("busy")
                    } else {
                        Ok(7)
                    }
                },
                |_| true,
            )
            .await;
        assert_eq!(out, Ok(7));
    }

    #[test]
    fn extra_ca_must_be_pem_with_a_certificate() {
        assert_eq!(extra_roots(None).unwrap().len(), 0);
        assert_eq!(
            extra_roots(Some("")).unwrap_err(),
            ClientError::ExtraCaEmpty
        );
        assert!(matches!(
            extra_roots(Some(
                "-----BEGIN CERTIFICATE-----\n!!\n-----END CERTIFICATE-----\n"
            )),
            Err(ClientError::ExtraCaNotPem(_)) | Err(ClientError::ExtraCaEmpty)
        ));
    }
}
