//! The content service the data source calls: a disk cache in front of the fetcher, and
//! single-flight within the process.
//!
//! One entry per URL (file names are the URL's SHA-256): the body and a JSON metadata file
//! (url, sha256, etag, last_modified, fetched_at). Writes are atomic (temp file, fsync, rename),
//! body first and metadata last, so a crash never leaves an entry that is used: on read the
//! body's hash must equal the metadata's and the caller's `verify` (the bundle parser) must
//! accept it, else the entry is discarded. Within `ttl` an entry is served with no request;
//! afterwards it is revalidated with If-None-Match / If-Modified-Since. Nothing that failed is
//! ever written.

use std::collections::HashMap;
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use sha2::Digest;
use tokio::sync::OnceCell;

use super::fetch::{FetchError, FetchOutcome, FetchSettings, Fetcher, Validators};

#[derive(Debug, Clone)]
pub struct CacheSettings {
    pub dir: PathBuf,
    /// Entries younger than this are served without a request.
    pub ttl: Duration,
    /// Serve from the cache only.
    pub offline: bool,
}

/// `$XDG_CACHE_HOME/terraform-provider-rdsca`, else `~/.cache/terraform-provider-rdsca`.
pub fn default_cache_dir() -> PathBuf {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("terraform-provider-rdsca")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FetchedFrom {
    Network,
    /// From the cache, within its ttl (or offline): no request was made.
    CacheFresh,
    /// From the cache after the server answered 304 Not Modified.
    CacheRevalidated,
}

#[derive(Debug, Clone)]
pub struct Fetched {
    pub body: Arc<Vec<u8>>,
    /// Lowercase hex.
    pub sha256: String,
    pub source: FetchedFrom,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContentError {
    Fetch(FetchError),
    /// The body arrived but is not a bundle (the parser's message).
    Invalid {
        url: String,
        message: String,
    },
    OfflineMiss {
        url: String,
        dir: PathBuf,
    },
    OfflineCorrupt {
        url: String,
        dir: PathBuf,
        message: String,
    },
}

impl fmt::Display for ContentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ContentError::Fetch(e) => write!(f, "{e}"),
            ContentError::Invalid { url, message } => write!(f, "{url} did not return a certificate bundle: {message}"),
            ContentError::OfflineMiss { url, dir } => write!(
                f,
                "offline mode (offline = true): {url} is not in the cache {}. Run once with network access (offline = false) to fill the cache.",
                dir.display()
            ),
            ContentError::OfflineCorrupt { url, dir, message } => write!(
                f,
                "offline mode (offline = true): the cached copy of {url} in {} is corrupt ({message}) and was removed. Run once with network access to fetch it again.",
                dir.display()
            ),
        }
    }
}

impl std::error::Error for ContentError {}

#[derive(Debug, Serialize, Deserialize)]
struct Meta {
    url: String,
    sha256: String,
    etag: Option<String>,
    last_modified: Option<String>,
    fetched_at: i64,
}

/// One URL's load, shared by every caller in the process.
type Load = OnceCell<Result<Fetched, ContentError>>;

pub type Verify<'a> = &'a (dyn Fn(&[u8]) -> Result<(), String> + Sync);

/// Fetcher + cache + single-flight: what `rdsca_bundle` reads content through.
pub struct Content {
    fetch_settings: FetchSettings,
    /// Built on first use: plans that fetch nothing never pay for a TLS client.
    fetcher: OnceCell<Fetcher>,
    cache: Option<CacheSettings>,
    inflight: Mutex<HashMap<String, Arc<Load>>>,
}

fn hex_sha256(bytes: &[u8]) -> String {
    hex::encode(sha2::Sha256::digest(bytes))
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

impl Content {
    /// Checks the settings (the extra CA parses) without building the TLS client yet.
    pub fn new(fetch: FetchSettings, cache: Option<CacheSettings>) -> Result<Content, FetchError> {
        super::fetch::extra_roots(&fetch)?;
        Ok(Content {
            fetch_settings: fetch,
            fetcher: OnceCell::new(),
            cache,
            inflight: Mutex::new(HashMap::new()),
        })
    }

    /// The bundle at `url`. Concurrent and repeated calls for one URL share one load.
    pub async fn get(&self, url: &str, verify: Verify<'_>) -> Result<Fetched, ContentError> {
        let cell = {
            let mut map = self.inflight.lock().unwrap_or_else(|p| p.into_inner());
            map.entry(url.to_string()).or_default().clone()
        };
        cell.get_or_init(|| self.load(url, verify)).await.clone()
    }

    async fn fetcher(&self) -> Result<&Fetcher, ContentError> {
        self.fetcher
            .get_or_try_init(|| async { Fetcher::new(self.fetch_settings.clone()) })
            .await
            .map_err(ContentError::Fetch)
    }

    async fn load(&self, url: &str, verify: Verify<'_>) -> Result<Fetched, ContentError> {
        let Some(cache) = &self.cache else {
            let (body, validators) = self.get_fresh(url).await?;
            return self.store(None, url, body, validators, verify);
        };
        let entry = Entry::new(&cache.dir, url);
        match entry.read(verify) {
            Ok(Some((meta, body))) => {
                let age = now() - meta.fetched_at;
                if cache.offline || (age >= 0 && (age as u64) < cache.ttl.as_secs()) {
                    tracing::debug!(url, age, "bundle served from cache");
                    return Ok(Fetched {
                        sha256: meta.sha256,
                        body: Arc::new(body),
                        source: FetchedFrom::CacheFresh,
                    });
                }
                let validators = Validators {
                    etag: meta.etag.clone(),
                    last_modified: meta.last_modified.clone(),
                };
                let fetcher = self.fetcher().await?;
                match fetcher
                    .get(url, Some(&validators))
                    .await
                    .map_err(ContentError::Fetch)?
                {
                    FetchOutcome::NotModified => {
                        let meta = Meta {
                            fetched_at: now(),
                            ..meta
                        };
                        if let Err(e) = entry.write_meta(&meta) {
                            tracing::warn!(url, error = %e, "cannot refresh the cache entry");
                        }
                        tracing::debug!(url, "bundle revalidated (304)");
                        Ok(Fetched {
                            sha256: meta.sha256,
                            body: Arc::new(body),
                            source: FetchedFrom::CacheRevalidated,
                        })
                    }
                    FetchOutcome::Fresh { body, validators } => {
                        self.store(Some(&entry), url, body, validators, verify)
                    }
                }
            }
            Ok(None) if cache.offline => Err(ContentError::OfflineMiss {
                url: url.into(),
                dir: cache.dir.clone(),
            }),
            Err(message) if cache.offline => Err(ContentError::OfflineCorrupt {
                url: url.into(),
                dir: cache.dir.clone(),
                message,
            }),
            Ok(None) | Err(_) => {
                let (body, validators) = self.get_fresh(url).await?;
                self.store(Some(&entry), url, body, validators, verify)
            }
        }
    }

    /// An unconditional GET.
    async fn get_fresh(&self, url: &str) -> Result<(Vec<u8>, Validators), ContentError> {
        match self
            .fetcher()
            .await?
            .get(url, None)
            .await
            .map_err(ContentError::Fetch)?
        {
            FetchOutcome::Fresh { body, validators } => Ok((body, validators)),
            FetchOutcome::NotModified => unreachable!("an unconditional GET never gets 304"),
        }
    }

    /// Verifies a fresh body, then writes it to the cache entry, if there is a cache.
    fn store(
        &self,
        entry: Option<&Entry>,
        url: &str,
        body: Vec<u8>,
        validators: Validators,
        verify: Verify<'_>,
    ) -> Result<Fetched, ContentError> {
        verify(&body).map_err(|message| ContentError::Invalid {
            url: url.into(),
            message,
        })?;
        let sha256 = hex_sha256(&body);
        if let Some(entry) = entry {
            let meta = Meta {
                url: url.into(),
                sha256: sha256.clone(),
                etag: validators.etag,
                last_modified: validators.last_modified,
                fetched_at: now(),
            };
            if let Err(e) = entry.write(&body, &meta) {
                // A read-only or full disk must not fail the plan: the bundle is good.
                tracing::warn!(url, error = %e, "cannot write the bundle cache");
            }
        }
        tracing::debug!(url, sha256 = %sha256, bytes = body.len(), "bundle fetched");
        Ok(Fetched {
            body: Arc::new(body),
            sha256,
            source: FetchedFrom::Network,
        })
    }
}

/// One cache entry's files.
struct Entry {
    dir: PathBuf,
    body: PathBuf,
    meta: PathBuf,
}

impl Entry {
    fn new(dir: &Path, url: &str) -> Entry {
        let key = hex_sha256(url.as_bytes());
        Entry {
            dir: dir.to_path_buf(),
            body: dir.join(format!("{key}.bundle")),
            meta: dir.join(format!("{key}.json")),
        }
    }

    /// `Ok(None)`: no entry. `Err`: a corrupt entry, already removed.
    fn read(&self, verify: Verify<'_>) -> Result<Option<(Meta, Vec<u8>)>, String> {
        let Ok(meta_text) = std::fs::read(&self.meta) else {
            return Ok(None);
        };
        let problem = (|| {
            let meta: Meta =
                serde_json::from_slice(&meta_text).map_err(|e| format!("bad metadata: {e}"))?;
            let body = std::fs::read(&self.body).map_err(|e| format!("body unreadable: {e}"))?;
            let actual = hex_sha256(&body);
            if actual != meta.sha256 {
                return Err(format!(
                    "SHA-256 {actual} differs from the recorded {}",
                    meta.sha256
                ));
            }
            verify(&body).map_err(|e| format!("no longer parses: {e}"))?;
            Ok((meta, body))
        })();
        match problem {
            Ok(entry) => Ok(Some(entry)),
            Err(message) => {
                tracing::warn!(path = %self.body.display(), %message, "discarding a corrupt cache entry");
                let _ = std::fs::remove_file(&self.meta);
                let _ = std::fs::remove_file(&self.body);
                Err(message)
            }
        }
    }

    fn write(&self, body: &[u8], meta: &Meta) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        atomic_write(&self.dir, &self.body, body)?;
        self.write_meta(meta)
    }

    fn write_meta(&self, meta: &Meta) -> std::io::Result<()> {
        let text = serde_json::to_vec_pretty(meta).map_err(std::io::Error::other)?;
        atomic_write(&self.dir, &self.meta, &text)
    }
}

fn atomic_write(dir: &Path, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::fetch::tests::settings;
    use rdsca_test_server::{Route, TestServer};

    fn verify_pem(body: &[u8]) -> Result<(), String> {
        crate::content::parse::parse_bundle(body, "test")
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    fn bundle() -> String {
        let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        let mut p = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        p.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        p.self_signed(&key).unwrap().pem()
    }

    fn content(server: &TestServer, dir: &Path, ttl: Duration, offline: bool) -> Content {
        Content::new(
            settings(server),
            Some(CacheSettings {
                dir: dir.to_path_buf(),
                ttl,
                offline,
            }),
        )
        .unwrap()
    }

    fn files(dir: &Path) -> usize {
        std::fs::read_dir(dir).map(|d| d.count()).unwrap_or(0)
    }

    #[tokio::test]
    async fn within_ttl_no_request_is_made() {
        let server = TestServer::start();
        let pem = bundle();
        server.route("/b.pem", Route::ok(pem.clone()).etag("\"v1\""));
        let dir = tempfile::tempdir().unwrap();
        let first = content(&server, dir.path(), Duration::from_secs(3600), false)
            .get(&server.url("/b.pem"), &verify_pem)
            .await
            .unwrap();
        assert_eq!(first.source, FetchedFrom::Network);
        assert_eq!(*first.body, pem.as_bytes());
        assert_eq!(first.sha256, hex_sha256(pem.as_bytes()));
        // A new process (a new Content) within the ttl: served from disk, no request.
        let second = content(&server, dir.path(), Duration::from_secs(3600), false)
            .get(&server.url("/b.pem"), &verify_pem)
            .await
            .unwrap();
        assert_eq!(second.source, FetchedFrom::CacheFresh);
        assert_eq!(second.body, first.body);
        assert_eq!(server.requests("/b.pem"), 1);
    }

    #[tokio::test]
    async fn after_ttl_a_conditional_request_revalidates() {
        let server = TestServer::start();
        server.route("/b.pem", Route::ok(bundle()).etag("\"v1\""));
        let dir = tempfile::tempdir().unwrap();
        content(&server, dir.path(), Duration::ZERO, false)
            .get(&server.url("/b.pem"), &verify_pem)
            .await
            .unwrap();
        let again = content(&server, dir.path(), Duration::ZERO, false)
            .get(&server.url("/b.pem"), &verify_pem)
            .await
            .unwrap();
        assert_eq!(again.source, FetchedFrom::CacheRevalidated);
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
        content(&server, dir.path(), Duration::from_secs(3600), false)
            .get(&server.url("/b.pem"), &verify_pem)
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
        std::fs::write(&body_file, bytes).unwrap();
        let again = content(&server, dir.path(), Duration::from_secs(3600), false)
            .get(&server.url("/b.pem"), &verify_pem)
            .await
            .unwrap();
        assert_eq!(again.source, FetchedFrom::Network);
        assert_eq!(server.requests("/b.pem"), 2);
        // Offline, the same corruption is an error that says so.
        let mut bytes = std::fs::read(&body_file).unwrap();
        bytes[40] ^= 0x01;
        std::fs::write(&body_file, bytes).unwrap();
        let e = content(&server, dir.path(), Duration::from_secs(3600), true)
            .get(&server.url("/b.pem"), &verify_pem)
            .await
            .unwrap_err();
        assert!(matches!(e, ContentError::OfflineCorrupt { .. }), "{e}");
        assert!(e.to_string().contains("is corrupt"), "{e}");
    }

    #[tokio::test]
    async fn offline_hit_and_miss() {
        let server = TestServer::start();
        server.route("/b.pem", Route::ok(bundle()));
        let dir = tempfile::tempdir().unwrap();
        content(&server, dir.path(), Duration::ZERO, false)
            .get(&server.url("/b.pem"), &verify_pem)
            .await
            .unwrap();
        let hit = content(&server, dir.path(), Duration::ZERO, true)
            .get(&server.url("/b.pem"), &verify_pem)
            .await
            .unwrap();
        assert_eq!(hit.source, FetchedFrom::CacheFresh);
        let e = content(&server, dir.path(), Duration::ZERO, true)
            .get(&server.url("/other.pem"), &verify_pem)
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
    async fn concurrent_gets_share_one_fetch() {
        let server = TestServer::start();
        server.route("/b.pem", Route::ok(bundle()));
        let dir = tempfile::tempdir().unwrap();
        let c = content(&server, dir.path(), Duration::ZERO, false);
        let url = server.url("/b.pem");
        let gets = (0..16).map(|_| c.get(&url, &verify_pem));
        let results = futures::future::join_all(gets).await;
        assert!(results.iter().all(|r| r.is_ok()));
        assert_eq!(server.requests("/b.pem"), 1);
    }

    #[tokio::test]
    async fn without_a_cache_every_process_fetches_and_bodies_are_still_verified() {
        let server = TestServer::start();
        server.route("/b.pem", Route::ok(bundle()));
        server.route("/html.pem", Route::ok("<html>denied</html>"));
        for _ in 0..2 {
            let c = Content::new(settings(&server), None).unwrap();
            let f = c.get(&server.url("/b.pem"), &verify_pem).await.unwrap();
            assert_eq!(f.source, FetchedFrom::Network);
            let e = c
                .get(&server.url("/html.pem"), &verify_pem)
                .await
                .unwrap_err();
            assert!(matches!(e, ContentError::Invalid { .. }), "{e}");
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
            ("/garbage.pem", "did not return a certificate bundle: "),
            ("/big.pem", "exceeds the 65536 bytes limit"),
            (
                "/redirect.pem",
                "redirect to another host (127.0.0.1) refused",
            ),
            ("/reset.pem", "connection failed"),
        ];
        for (path, want) in expectations {
            let c = content(&server, dir.path(), Duration::from_secs(3600), false);
            let e = c.get(&server.url(path), &verify_pem).await.unwrap_err();
            assert!(e.to_string().contains(want), "{path}: {e}");
            assert_eq!(files(dir.path()), 0, "{path} left something in the cache");
        }
        let garbage = content(&server, dir.path(), Duration::from_secs(3600), false)
            .get(&server.url("/garbage.pem"), &verify_pem)
            .await
            .unwrap_err();
        assert!(
            garbage
                .to_string()
                .contains("looks like an HTML or XML page"),
            "{garbage}"
        );
        // An untrusted server: nothing cached either.
        let s = FetchSettings {
            extra_ca_pem: None,
            ..settings(&server)
        };
        server.route("/ok.pem", Route::ok(bundle()));
        let c = Content::new(
            s,
            Some(CacheSettings {
                dir: dir.path().to_path_buf(),
                ttl: Duration::from_secs(3600),
                offline: false,
            }),
        )
        .unwrap();
        let e = c
            .get(&server.url("/ok.pem"), &verify_pem)
            .await
            .unwrap_err();
        assert!(e.to_string().contains("not trusted"), "{e}");
        assert_eq!(files(dir.path()), 0);
    }
}
