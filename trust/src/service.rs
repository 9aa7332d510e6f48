//! The bundle service: fetch → verify (signatures, compiled-in certificates, pin) → cache →
//! parse once. Data sources ask it for a URL and get a [`VerifiedBundle`] or a [`ContentError`];
//! findings come back as data for them to turn into diagnostics.
//!
//! Within the cache ttl an entry is served with no request; afterwards it is revalidated with
//! If-None-Match / If-Modified-Since. When revalidation fails (connection, timeout, an HTTP error,
//! a body that is no bundle), the last verified copy is served for up to `stale_if_error` past its
//! ttl, with the failure as a finding. A body that fails verification or the pin is an error and
//! is never written. Loads are single-flight per URL and pin within the process, and each distinct
//! body is parsed once.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use tokio::sync::OnceCell;

use super::cache::{CacheSettings, Entry, Meta};
use super::certificate::{describe, CertificateInfo};
use super::fetch::{FetchError, FetchOutcome, Fetcher, Validators};
use super::sha256_hex;
use super::verify::{verifier_id, verify, Finding, Signatures, VerifyError};
use rdsca_bundle_format::{certificate_ders, error as parse_error, ParseError};
use rdsca_http::HttpSettings;

/// Where a bundle came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Network,
    /// From the cache, within its ttl (or offline): no request was made.
    Cache,
    /// From the cache after the server answered 304 Not Modified.
    Revalidated,
    /// From the cache past its ttl, because revalidation failed.
    Stale {
        /// Seconds since the copy was last fetched or confirmed.
        age_seconds: i64,
        /// Why revalidation failed.
        failure: String,
    },
}

/// A body's verified certificates; shared by every bundle with that body.
#[derive(Debug, PartialEq, Eq)]
pub struct VerifiedContent {
    pub certificates: Vec<CertificateInfo>,
    pub findings: Vec<Finding>,
    /// Signatures verified to accept this body (0 when it was verified before, or every
    /// certificate is compiled in).
    pub signatures_checked: usize,
}

/// A bundle that passed every check.
#[derive(Debug, Clone)]
pub struct VerifiedBundle {
    pub url: String,
    pub body: Arc<Vec<u8>>,
    /// Lowercase hex.
    pub sha256: String,
    pub origin: Origin,
    pub content: Arc<VerifiedContent>,
}

impl VerifiedBundle {
    pub fn certificates(&self) -> &[CertificateInfo] {
        &self.content.certificates
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContentError {
    #[error(transparent)]
    Fetch(#[from] FetchError),
    #[error("{url} did not return a certificate bundle: {source}")]
    NotABundle { url: String, source: ParseError },
    #[error("{url} was rejected: {source}. Nothing was cached.")]
    Rejected {
        url: String,
        source: Box<VerifyError>,
    },
    #[error("{url} has SHA-256 {actual}, but expected_sha256 is {expected}. The bundle changed (AWS rotated it, or a mirror serves another file); check it and update the pin. Nothing was cached.")]
    PinMismatch {
        url: String,
        expected: String,
        actual: String,
    },
    #[error("offline mode (offline = true): {url} is not in the cache {}. Run once with network access (offline = false) to fill the cache.", dir.display())]
    OfflineMiss { url: String, dir: PathBuf },
    #[error("offline mode (offline = true): the cached copy of {url} in {} {problem}. Run once with network access to fetch it again.", dir.display())]
    OfflineUnusable {
        url: String,
        dir: PathBuf,
        problem: String,
    },
}

impl ContentError {
    /// Failures of the server or the network, after which a verified stale copy may serve.
    fn allows_stale(&self) -> bool {
        matches!(
            self,
            ContentError::Fetch(_) | ContentError::NotABundle { .. }
        )
    }
}

/// How the service fetches and caches.
#[derive(Debug, Clone)]
pub struct ContentSettings {
    pub fetch: HttpSettings,
    /// `None`: no disk cache.
    pub cache: Option<CacheSettings>,
}

type Load = OnceCell<Result<Arc<VerifiedBundle>, ContentError>>;
/// Loads by URL and pin.
type Loads = HashMap<(String, Option<String>), Arc<Load>>;

pub struct BundleService {
    settings: ContentSettings,
    /// Built on first use: plans that fetch nothing never pay for a TLS client.
    fetcher: OnceCell<Fetcher>,
    loads: Mutex<Loads>,
    /// Verified content by body SHA-256.
    parsed: Mutex<HashMap<String, Arc<VerifiedContent>>>,
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

impl BundleService {
    /// Checks the settings (the extra CA parses) without building the TLS client yet.
    pub fn new(settings: ContentSettings) -> Result<BundleService, FetchError> {
        rdsca_http::extra_roots(settings.fetch.extra_ca_pem.as_deref())
            .map_err(super::fetch::configuration_error)?;
        Ok(BundleService {
            settings,
            fetcher: OnceCell::new(),
            loads: Mutex::new(HashMap::new()),
            parsed: Mutex::new(HashMap::new()),
        })
    }

    /// The verified bundle at `url`; with `pin` (lowercase hex), only a body with that SHA-256.
    /// Concurrent and repeated calls for one URL and pin share one load.
    pub async fn bundle(
        &self,
        url: &str,
        pin: Option<&str>,
    ) -> Result<Arc<VerifiedBundle>, ContentError> {
        let cell = {
            let mut loads = self.loads.lock().unwrap_or_else(|p| p.into_inner());
            let key = (url.to_string(), pin.map(str::to_string));
            loads.entry(key).or_default().clone()
        };
        cell.get_or_init(|| async {
            let bundle = self.load(url, pin).await?;
            tracing::debug!(url, origin = ?bundle.origin, sha256 = %bundle.sha256, certificates = bundle.content.certificates.len(), signatures = bundle.content.signatures_checked, "bundle ready");
            Ok(Arc::new(bundle))
        })
        .await
        .clone()
    }

    async fn fetcher(&self) -> Result<&Fetcher, ContentError> {
        Ok(self
            .fetcher
            .get_or_try_init(|| async { Fetcher::new(self.settings.fetch.clone()) })
            .await?)
    }

    async fn load(&self, url: &str, pin: Option<&str>) -> Result<VerifiedBundle, ContentError> {
        let Some(cache) = &self.settings.cache else {
            let (body, validators) = self.get_fresh(url).await?;
            return self.accept(None, url, pin, body, validators);
        };
        let entry = Entry::new(&cache.dir, url);
        let unusable = match entry.read() {
            Ok(Some((meta, body))) => match self.cached(&entry, url, pin, meta, body) {
                Ok(hit) => return self.serve_cached(cache, &entry, url, pin, hit).await,
                Err(problem) => Some(problem),
            },
            Ok(None) => None,
            Err(corrupt) => Some(format!("is corrupt ({corrupt}) and was removed")),
        };
        if cache.offline {
            return Err(match unusable {
                Some(problem) => ContentError::OfflineUnusable {
                    url: url.into(),
                    dir: cache.dir.clone(),
                    problem,
                },
                None => ContentError::OfflineMiss {
                    url: url.into(),
                    dir: cache.dir.clone(),
                },
            });
        }
        let (body, validators) = self.get_fresh(url).await?;
        self.accept(Some(&entry), url, pin, body, validators)
    }

    /// A cache entry as a bundle, or why it cannot serve (an entry that fails verification is
    /// removed; one that is not the pinned body stays for other configurations).
    fn cached(
        &self,
        entry: &Entry,
        url: &str,
        pin: Option<&str>,
        meta: Meta,
        body: Vec<u8>,
    ) -> Result<(Meta, VerifiedBundle), String> {
        let verifier = verifier_id();
        let verified_before = meta.verified_with.as_deref() == Some(verifier.as_str());
        let content = match self.content(url, &body, &meta.sha256, verified_before) {
            Ok(c) => c,
            Err(e) => {
                let why = entry.discard(e.to_string());
                return Err(format!("fails verification ({why}) and was removed"));
            }
        };
        if !verified_before {
            let meta = Meta {
                verified_with: Some(verifier),
                ..meta.clone()
            };
            if let Err(e) = entry.write_meta(&meta) {
                tracing::warn!(url, error = %e, "cannot record the verification in the cache");
            }
        }
        if let Some(expected) = pin.filter(|p| *p != meta.sha256) {
            return Err(format!(
                "has SHA-256 {}, not expected_sha256 {expected}",
                meta.sha256
            ));
        }
        Ok((
            meta.clone(),
            VerifiedBundle {
                url: url.into(),
                body: Arc::new(body),
                sha256: meta.sha256,
                origin: Origin::Cache,
                content,
            },
        ))
    }

    /// Serves a verified cache entry: as it is within the ttl (or offline), else revalidated,
    /// else stale within the bound.
    async fn serve_cached(
        &self,
        cache: &CacheSettings,
        entry: &Entry,
        url: &str,
        pin: Option<&str>,
        (meta, bundle): (Meta, VerifiedBundle),
    ) -> Result<VerifiedBundle, ContentError> {
        let age = now() - meta.fetched_at;
        if cache.offline || (0..cache.ttl.as_secs() as i64).contains(&age) {
            tracing::debug!(url, age, "bundle served from cache");
            return Ok(bundle);
        }
        let validators = Validators {
            etag: meta.etag.clone(),
            last_modified: meta.last_modified.clone(),
        };
        let revalidated = match self.fetcher().await {
            Ok(fetcher) => fetcher
                .get(url, Some(&validators))
                .await
                .map_err(ContentError::from),
            Err(e) => Err(e),
        };
        let failure = match revalidated {
            Ok(FetchOutcome::NotModified) => {
                let meta = Meta {
                    fetched_at: now(),
                    ..meta
                };
                if let Err(e) = entry.write_meta(&meta) {
                    tracing::warn!(url, error = %e, "cannot refresh the cache entry");
                }
                tracing::debug!(url, "bundle revalidated (304)");
                return Ok(VerifiedBundle {
                    origin: Origin::Revalidated,
                    ..bundle
                });
            }
            Ok(FetchOutcome::Fresh { body, validators }) => {
                match self.accept(Some(entry), url, pin, body, validators) {
                    Ok(fresh) => return Ok(fresh),
                    Err(e) => e,
                }
            }
            Err(e) => e,
        };
        let stale_for = age - cache.ttl.as_secs() as i64;
        let bound = cache.stale_if_error.as_secs() as i64;
        if failure.allows_stale() && bound > 0 && stale_for <= bound {
            tracing::warn!(url, age, error = %failure, "revalidation failed; serving the cached copy");
            return Ok(VerifiedBundle {
                origin: Origin::Stale {
                    age_seconds: age,
                    failure: failure.to_string(),
                },
                ..bundle
            });
        }
        Err(failure)
    }

    /// An unconditional GET.
    async fn get_fresh(&self, url: &str) -> Result<(Vec<u8>, Validators), ContentError> {
        match self.fetcher().await?.get(url, None).await? {
            FetchOutcome::Fresh { body, validators } => Ok((body, validators)),
            FetchOutcome::NotModified => unreachable!("an unconditional GET never gets 304"),
        }
    }

    /// Verifies a fresh body and checks the pin; only then writes it to the cache entry.
    fn accept(
        &self,
        entry: Option<&Entry>,
        url: &str,
        pin: Option<&str>,
        body: Vec<u8>,
        validators: Validators,
    ) -> Result<VerifiedBundle, ContentError> {
        let sha256 = sha256_hex(&body);
        let content = self.content(url, &body, &sha256, false)?;
        if let Some(expected) = pin.filter(|p| *p != sha256) {
            return Err(ContentError::PinMismatch {
                url: url.into(),
                expected: expected.into(),
                actual: sha256,
            });
        }
        if let Some(entry) = entry {
            let meta = Meta {
                url: url.into(),
                sha256: sha256.clone(),
                etag: validators.etag,
                last_modified: validators.last_modified,
                fetched_at: now(),
                verified_with: Some(verifier_id()),
            };
            if let Err(e) = entry.write(&body, &meta) {
                // A read-only or full disk must not fail the plan: the bundle is good.
                tracing::warn!(url, error = %e, "cannot write the bundle cache");
            }
        }
        tracing::debug!(url, sha256 = %sha256, bytes = body.len(), "bundle fetched");
        Ok(VerifiedBundle {
            url: url.into(),
            body: Arc::new(body),
            sha256,
            origin: Origin::Network,
            content,
        })
    }

    /// Parses and verifies a body once per process.
    fn content(
        &self,
        url: &str,
        body: &[u8],
        sha256: &str,
        verified_before: bool,
    ) -> Result<Arc<VerifiedContent>, ContentError> {
        if let Some(c) = self
            .parsed
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(sha256)
        {
            return Ok(c.clone());
        }
        let signatures = if verified_before {
            Signatures::Skip
        } else {
            Signatures::Unknown
        };
        let content = Arc::new(verified_content(url, body, signatures)?);
        self.parsed
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(sha256.to_string(), content.clone());
        Ok(content)
    }
}

/// Parses and verifies a body: the whole check, with no cache or network.
pub fn verified_content(
    origin: &str,
    body: &[u8],
    signatures: Signatures,
) -> Result<VerifiedContent, ContentError> {
    let not_a_bundle = |source| ContentError::NotABundle {
        url: origin.into(),
        source,
    };
    let ders = certificate_ders(body, origin).map_err(not_a_bundle)?;
    let mut certificates = ders
        .iter()
        .enumerate()
        .map(|(i, der)| describe(der).map_err(|e| parse_error(origin, Some(i + 1), e.to_string())))
        .collect::<Result<Vec<_>, _>>()
        .map_err(not_a_bundle)?;
    let verification =
        verify(&ders, &mut certificates, signatures).map_err(|source| ContentError::Rejected {
            url: origin.into(),
            source,
        })?;
    Ok(VerifiedContent {
        certificates,
        findings: verification.findings,
        signatures_checked: verification.signatures_checked,
    })
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::time::Duration;

    use rdsca_test_server::certs::{self_signed_ca as self_signed, tampered};
    use rdsca_test_server::{Route, TestServer};

    use super::*;
    use crate::fetch::tests::settings;
    use crate::verify::VerifyError;

    /// A real RDS bundle from tests/fixtures/bundles.
    fn fixture(name: &str) -> Vec<u8> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/fixtures/bundles")
            .join(name);
        std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// A bundle of one self-signed certificate, not an RDS one.
    fn bundle() -> String {
        self_signed("test root")
    }

    fn cache(dir: &Path, ttl: Duration, offline: bool) -> Option<CacheSettings> {
        Some(CacheSettings {
            dir: dir.to_path_buf(),
            ttl,
            offline,
            stale_if_error: Duration::from_secs(3600),
        })
    }

    fn service(server: &TestServer, cache: Option<CacheSettings>) -> BundleService {
        BundleService::new(ContentSettings {
            fetch: settings(server),
            cache,
        })
        .unwrap()
    }

    fn cached(server: &TestServer, dir: &Path, ttl: Duration) -> BundleService {
        service(server, cache(dir, ttl, false))
    }

    /// Like `cached`, with room for the global bundle (165 KB).
    fn cached_large(server: &TestServer, dir: &Path) -> BundleService {
        BundleService::new(ContentSettings {
            fetch: HttpSettings {
                max_body_bytes: 1 << 20,
                ..settings(server)
            },
            cache: cache(dir, HOUR, false),
        })
        .unwrap()
    }

    fn files(dir: &Path) -> usize {
        std::fs::read_dir(dir).map(|d| d.count()).unwrap_or(0)
    }

    const HOUR: Duration = Duration::from_secs(3600);

    #[tokio::test]
    async fn within_ttl_no_request_is_made_and_no_signature_is_checked() {
        let server = TestServer::start();
        let pem = bundle();
        server.route("/b.pem", Route::ok(pem.clone()).etag("\"v1\""));
        let dir = tempfile::tempdir().unwrap();
        let first = cached(&server, dir.path(), HOUR)
            .bundle(&server.url("/b.pem"), None)
            .await
            .unwrap();
        assert_eq!(first.origin, Origin::Network);
        assert_eq!(*first.body, pem.as_bytes());
        assert_eq!(first.sha256, sha256_hex(pem.as_bytes()));
        assert_eq!(first.content.signatures_checked, 1);
        // A new process (a new service) within the ttl: from disk, no request, no signature.
        let second = cached(&server, dir.path(), HOUR)
            .bundle(&server.url("/b.pem"), None)
            .await
            .unwrap();
        assert_eq!(second.origin, Origin::Cache);
        assert_eq!(second.body, first.body);
        assert_eq!(second.content.signatures_checked, 0);
        assert_eq!(server.requests("/b.pem"), 1);
    }

    #[tokio::test]
    async fn after_ttl_a_conditional_request_revalidates() {
        let server = TestServer::start();
        server.route("/b.pem", Route::ok(bundle()).etag("\"v1\""));
        let dir = tempfile::tempdir().unwrap();
        let url = server.url("/b.pem");
        cached(&server, dir.path(), Duration::ZERO)
            .bundle(&url, None)
            .await
            .unwrap();
        let again = cached(&server, dir.path(), Duration::ZERO)
            .bundle(&url, None)
            .await
            .unwrap();
        assert_eq!(again.origin, Origin::Revalidated);
        let log = server.request_log();
        assert_eq!(log.len(), 2);
        assert_eq!(
            log[1].headers.get("if-none-match").map(String::as_str),
            Some("\"v1\"")
        );
    }

    #[tokio::test]
    async fn a_corrupt_entry_is_detected_and_refetched() {
        let server = TestServer::start();
        server.route("/b.pem", Route::ok(bundle()));
        let dir = tempfile::tempdir().unwrap();
        let url = server.url("/b.pem");
        cached(&server, dir.path(), HOUR)
            .bundle(&url, None)
            .await
            .unwrap();
        let body_file = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .find(|e| e.path().extension().is_some_and(|x| x == "bundle"))
            .unwrap()
            .path();
        let mut bytes = std::fs::read(&body_file).unwrap();
        bytes[40] ^= 0x01;
        std::fs::write(&body_file, &bytes).unwrap();
        let again = cached(&server, dir.path(), HOUR)
            .bundle(&url, None)
            .await
            .unwrap();
        assert_eq!(again.origin, Origin::Network);
        assert_eq!(server.requests("/b.pem"), 2);
        // Offline, the same corruption is an error that says so.
        std::fs::write(&body_file, &bytes).unwrap();
        let e = service(&server, cache(dir.path(), HOUR, true))
            .bundle(&url, None)
            .await
            .unwrap_err();
        assert!(matches!(e, ContentError::OfflineUnusable { .. }), "{e}");
        assert!(e.to_string().contains("is corrupt"), "{e}");
    }

    #[tokio::test]
    async fn offline_hit_and_miss() {
        let server = TestServer::start();
        server.route("/b.pem", Route::ok(bundle()));
        let dir = tempfile::tempdir().unwrap();
        cached(&server, dir.path(), Duration::ZERO)
            .bundle(&server.url("/b.pem"), None)
            .await
            .unwrap();
        let offline = service(&server, cache(dir.path(), Duration::ZERO, true));
        let hit = offline.bundle(&server.url("/b.pem"), None).await.unwrap();
        assert_eq!(hit.origin, Origin::Cache);
        let e = offline
            .bundle(&server.url("/other.pem"), None)
            .await
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "offline mode (offline = true): {} is not in the cache {}. Run once with network access (offline = false) to fill the cache.",
                server.url("/other.pem"),
                dir.path().display()
            )
        );
        assert_eq!(server.requests("/b.pem"), 1);
        assert_eq!(server.requests("/other.pem"), 0);
    }

    #[tokio::test]
    async fn concurrent_gets_share_one_fetch_and_one_parse() {
        let server = TestServer::start();
        server.route("/b.pem", Route::ok(bundle()));
        let dir = tempfile::tempdir().unwrap();
        let s = cached(&server, dir.path(), Duration::ZERO);
        let url = server.url("/b.pem");
        let results = futures::future::join_all((0..16).map(|_| s.bundle(&url, None))).await;
        let first = results[0].as_ref().unwrap();
        for r in &results {
            assert!(Arc::ptr_eq(&r.as_ref().unwrap().content, &first.content));
        }
        assert_eq!(server.requests("/b.pem"), 1);
    }

    #[tokio::test]
    async fn without_a_cache_every_process_fetches_and_bodies_are_still_verified() {
        let server = TestServer::start();
        server.route("/b.pem", Route::ok(bundle()));
        server.route("/html.pem", Route::ok("<html>denied</html>"));
        for _ in 0..2 {
            let s = service(&server, None);
            let f = s.bundle(&server.url("/b.pem"), None).await.unwrap();
            assert_eq!(f.origin, Origin::Network);
            let e = s.bundle(&server.url("/html.pem"), None).await.unwrap_err();
            assert!(matches!(e, ContentError::NotABundle { .. }), "{e}");
        }
        assert_eq!(server.requests("/b.pem"), 2);
    }

    #[tokio::test]
    async fn failures_never_reach_the_cache() {
        let server = TestServer::start();
        server.route("/404.pem", Route::Status(404));
        server.route("/500.pem", Route::Status(500));
        server.route("/stall.pem", Route::Stall);
        server.route("/truncated.pem", Route::Truncated(bundle().into_bytes()));
        server.route(
            "/garbage.pem",
            Route::ok("<html><body>Access denied</body></html>"),
        );
        server.route("/big.pem", Route::ok(vec![b'A'; 100 * 1024]));
        server.route(
            "/redirect.pem",
            Route::RedirectTo(format!("https://127.0.0.1:{}/x.pem", server.port())),
        );
        server.route("/reset.pem", Route::Reset);
        let dir = tempfile::tempdir().unwrap();
        let expectations = [
            ("/404.pem", "HTTP 404 Not Found"),
            ("/500.pem", "HTTP 500 Internal Server Error"),
            ("/stall.pem", "timed out"),
            (
                "/truncated.pem",
                "the connection closed before the whole body arrived",
            ),
            ("/garbage.pem", "looks like an HTML or XML page"),
            ("/big.pem", "exceeds the 65536 bytes limit"),
            (
                "/redirect.pem",
                "redirect to another host (127.0.0.1) refused",
            ),
            ("/reset.pem", "connection failed"),
        ];
        for (path, want) in expectations {
            let e = cached(&server, dir.path(), HOUR)
                .bundle(&server.url(path), None)
                .await
                .unwrap_err();
            assert!(e.to_string().contains(want), "{path}: {e}");
            assert_eq!(files(dir.path()), 0, "{path} left something in the cache");
        }
        // An untrusted server: nothing cached either.
        server.route("/ok.pem", Route::ok(bundle()));
        let untrusted = BundleService::new(ContentSettings {
            fetch: HttpSettings {
                extra_ca_pem: None,
                ..settings(&server)
            },
            cache: cache(dir.path(), HOUR, false),
        })
        .unwrap();
        let e = untrusted
            .bundle(&server.url("/ok.pem"), None)
            .await
            .unwrap_err();
        assert!(e.to_string().contains("not trusted"), "{e}");
        assert_eq!(files(dir.path()), 0);
    }

    #[tokio::test]
    async fn a_tampered_certificate_is_rejected_and_nothing_is_cached() {
        let good = fixture("global-bundle.18a8b72.pem");
        let bad = tampered(&good);
        crate::parse_bundle(&bad, "tampered").expect("the tampered bundle still parses");
        let server = TestServer::start();
        server.route("/g.pem", Route::ok(bad));
        let dir = tempfile::tempdir().unwrap();
        let url = server.url("/g.pem");
        let e = cached_large(&server, dir.path())
            .bundle(&url, None)
            .await
            .unwrap_err();
        match &e {
            ContentError::Rejected { source, .. } => {
                let VerifyError::Signature {
                    position,
                    common_name,
                    reason,
                } = source.as_ref()
                else {
                    panic!("{source}")
                };
                assert_eq!(*position, 1);
                assert_eq!(common_name, "Amazon RDS sa-east-1 Root CA RSA2048 G1");
                assert!(
                    reason.contains("self-signature does not verify"),
                    "{reason}"
                );
            }
            other => panic!("{other}"),
        }
        assert!(e.to_string().contains("Nothing was cached"), "{e}");
        assert_eq!(files(dir.path()), 0);
        // The right file afterwards: accepted, every certificate compiled in, no signature work.
        server.route("/g.pem", Route::ok(good));
        let ok = cached_large(&server, dir.path())
            .bundle(&url, None)
            .await
            .unwrap();
        assert_eq!(ok.certificates().len(), 102);
        assert!(ok.certificates().iter().all(|c| c.compiled_in));
        assert_eq!(ok.content.signatures_checked, 0);
        assert!(ok.content.findings.is_empty(), "{:?}", ok.content.findings);
    }

    #[tokio::test]
    async fn an_impostor_root_is_rejected() {
        let cn = "Amazon RDS us-east-1 Root CA RSA2048 G1";
        let server = TestServer::start();
        server.route("/i.pem", Route::ok(self_signed(cn)));
        let dir = tempfile::tempdir().unwrap();
        let e = cached(&server, dir.path(), HOUR)
            .bundle(&server.url("/i.pem"), None)
            .await
            .unwrap_err();
        match &e {
            ContentError::Rejected { source, .. } => {
                let VerifyError::Impostor {
                    region,
                    ca,
                    expected,
                    ..
                } = source.as_ref()
                else {
                    panic!("{source}")
                };
                assert_eq!(region, "us-east-1");
                assert_eq!(ca, "rds-ca-rsa2048-g1");
                let known = rdsca_table::KnownCertificate::all()
                    .iter()
                    .find(|k| k.common_name == cn)
                    .unwrap();
                assert_eq!(expected, known.sha256);
            }
            other => panic!("{other}"),
        }
        assert_eq!(files(dir.path()), 0);
    }

    #[tokio::test]
    async fn roots_of_unknown_regions_are_a_finding() {
        let server = TestServer::start();
        let pem = format!(
            "{}{}",
            String::from_utf8(fixture("us-east-1-bundle.pem")).unwrap(),
            self_signed("Amazon RDS eu-future-1 Root CA ECC384 G1")
        );
        server.route("/u.pem", Route::ok(pem));
        let b = service(&server, None)
            .bundle(&server.url("/u.pem"), None)
            .await
            .unwrap();
        assert_eq!(
            b.content.findings,
            [Finding::UnknownRegions(vec!["eu-future-1".into()])]
        );
        let future = b.certificates().last().unwrap();
        assert_eq!(future.region.as_deref(), Some("eu-future-1"));
        assert!(!future.compiled_in);
    }

    #[tokio::test]
    async fn a_pin_is_checked_before_anything_is_cached() {
        let server = TestServer::start();
        let wrong = bundle();
        let right = bundle();
        let pin = sha256_hex(right.as_bytes());
        server.route("/p.pem", Route::ok(wrong.clone()));
        let dir = tempfile::tempdir().unwrap();
        let url = server.url("/p.pem");
        let e = cached(&server, dir.path(), HOUR)
            .bundle(&url, Some(&pin))
            .await
            .unwrap_err();
        assert_eq!(
            e,
            ContentError::PinMismatch {
                url: url.clone(),
                expected: pin.clone(),
                actual: sha256_hex(wrong.as_bytes())
            }
        );
        assert_eq!(files(dir.path()), 0);
        // The mirror is fixed: the next plan succeeds.
        server.route("/p.pem", Route::ok(right));
        let ok = cached(&server, dir.path(), HOUR)
            .bundle(&url, Some(&pin))
            .await
            .unwrap();
        assert_eq!(ok.sha256, pin);
        assert_eq!(ok.origin, Origin::Network);
    }

    #[tokio::test]
    async fn a_cached_body_that_is_not_the_pinned_one_is_fetched_again() {
        let server = TestServer::start();
        let (old, new) = (bundle(), bundle());
        server.route("/p.pem", Route::ok(old));
        let dir = tempfile::tempdir().unwrap();
        let url = server.url("/p.pem");
        cached(&server, dir.path(), HOUR)
            .bundle(&url, None)
            .await
            .unwrap();
        server.route("/p.pem", Route::ok(new.clone()));
        let pin = sha256_hex(new.as_bytes());
        let b = cached(&server, dir.path(), HOUR)
            .bundle(&url, Some(&pin))
            .await
            .unwrap();
        assert_eq!(b.origin, Origin::Network);
        assert_eq!(b.sha256, pin);
    }

    #[tokio::test]
    async fn a_failed_revalidation_serves_the_stale_copy() {
        let server = TestServer::start();
        let pem = bundle();
        server.route("/s.pem", Route::ok(pem.clone()));
        let dir = tempfile::tempdir().unwrap();
        let url = server.url("/s.pem");
        cached(&server, dir.path(), Duration::ZERO)
            .bundle(&url, None)
            .await
            .unwrap();
        for (route, failure) in [
            (Route::Status(503), "HTTP 503"),
            (Route::Stall, "timed out"),
            (
                Route::ok("<html>login</html>"),
                "did not return a certificate bundle",
            ),
        ] {
            server.route("/s.pem", route);
            let b = cached(&server, dir.path(), Duration::ZERO)
                .bundle(&url, None)
                .await
                .unwrap();
            match &b.origin {
                Origin::Stale {
                    age_seconds,
                    failure: f,
                } => {
                    assert!(*age_seconds >= 0);
                    assert!(f.contains(failure), "{f}");
                }
                other => panic!("{other:?}"),
            }
            assert_eq!(*b.body, pem.as_bytes());
        }
        // Past the bound, the failure is an error.
        server.route("/s.pem", Route::Status(503));
        let strict = service(
            &server,
            Some(CacheSettings {
                stale_if_error: Duration::ZERO,
                ..cache(dir.path(), Duration::ZERO, false).unwrap()
            }),
        );
        let e = strict.bundle(&url, None).await.unwrap_err();
        assert!(e.to_string().contains("HTTP 503"), "{e}");
    }

    #[tokio::test]
    async fn a_revalidation_that_fails_verification_is_an_error_not_stale() {
        let server = TestServer::start();
        server.route("/s.pem", Route::ok(fixture("us-east-1-bundle.pem")));
        let dir = tempfile::tempdir().unwrap();
        let url = server.url("/s.pem");
        cached(&server, dir.path(), Duration::ZERO)
            .bundle(&url, None)
            .await
            .unwrap();
        server.route(
            "/s.pem",
            Route::ok(self_signed("Amazon RDS us-east-1 Root CA ECC384 G1")),
        );
        let e = cached(&server, dir.path(), Duration::ZERO)
            .bundle(&url, None)
            .await
            .unwrap_err();
        assert!(matches!(e, ContentError::Rejected { .. }), "{e}");
    }
}
