//! The disk cache: one entry per URL (file names are the URL's SHA-256), the body and a JSON
//! metadata file (url, sha256, validators, when it was last confirmed, what verified it).
//!
//! Writes are atomic (temp file, fsync, rename), body first and metadata last, so a crash never
//! leaves an entry that is used: on read the body's hash must equal the metadata's, else the entry
//! is discarded. Only the bundle service writes entries, and only bodies it has verified; the
//! trust stores kept for stable output (`KeptTrustStore`) are written here too, by the same
//! atomic write: nothing else in rdsca writes the cache folder.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::sha256_hex;

#[derive(Debug, Clone)]
pub struct CacheSettings {
    pub dir: PathBuf,
    /// Entries younger than this are served without a request.
    pub ttl: Duration,
    /// Serve from the cache only.
    pub offline: bool,
    /// How long past its ttl an entry may still be served when revalidating it fails.
    pub stale_if_error: Duration,
}

impl CacheSettings {
    /// Served without a request for a day (`cache_ttl_seconds`).
    pub const DEFAULT_TTL: Duration = Duration::from_secs(24 * 60 * 60);
    /// Served for 30 days past that when revalidating fails (`stale_if_error_seconds`).
    pub const DEFAULT_STALE_IF_ERROR: Duration = Duration::from_secs(30 * 24 * 60 * 60);

    /// The defaults, in `default_cache_dir()`.
    pub fn with_defaults() -> CacheSettings {
        CacheSettings {
            dir: default_cache_dir(),
            ttl: Self::DEFAULT_TTL,
            offline: false,
            stale_if_error: Self::DEFAULT_STALE_IF_ERROR,
        }
    }
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

/// An entry's metadata.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Meta {
    pub url: String,
    pub sha256: String,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// Unix seconds of the last fetch or successful revalidation.
    pub fetched_at: i64,
    /// The verifier that accepted the body (`verify::verifier_id`); another one verifies again.
    #[serde(default)]
    pub verified_with: Option<String>,
}

/// One cache entry's files.
pub struct Entry {
    dir: PathBuf,
    body: PathBuf,
    meta: PathBuf,
}

impl Entry {
    pub fn new(dir: &Path, url: &str) -> Entry {
        let key = sha256_hex(url.as_bytes());
        Entry {
            dir: dir.to_path_buf(),
            body: dir.join(format!("{key}.bundle")),
            meta: dir.join(format!("{key}.json")),
        }
    }

    /// `Ok(None)`: no entry. `Err`: a corrupt entry, already removed.
    pub fn read(&self) -> Result<Option<(Meta, Vec<u8>)>, CorruptEntry> {
        let Ok(meta_text) = std::fs::read(&self.meta) else {
            return Ok(None);
        };
        let entry = (|| {
            let meta: Meta =
                serde_json::from_slice(&meta_text).map_err(|e| format!("bad metadata: {e}"))?;
            let body = std::fs::read(&self.body).map_err(|e| format!("body unreadable: {e}"))?;
            let actual = sha256_hex(&body);
            if actual != meta.sha256 {
                return Err(format!(
                    "SHA-256 {actual} differs from the recorded {}",
                    meta.sha256
                ));
            }
            Ok((meta, body))
        })();
        entry
            .map(Some)
            .map_err(|message| CorruptEntry(self.discard(message)))
    }

    /// Removes the entry; returns `why`, for the caller's error.
    pub fn discard(&self, why: String) -> String {
        tracing::warn!(path = %self.body.display(), message = %why, "discarding a corrupt cache entry");
        let _ = std::fs::remove_file(&self.meta);
        let _ = std::fs::remove_file(&self.body);
        why
    }

    pub fn write(&self, body: &[u8], meta: &Meta) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        atomic_write(&self.dir, &self.body, body)?;
        self.write_meta(meta)
    }

    pub fn write_meta(&self, meta: &Meta) -> std::io::Result<()> {
        let text = serde_json::to_vec_pretty(meta).map_err(std::io::Error::other)?;
        atomic_write(&self.dir, &self.meta, &text)
    }
}

/// A cache entry that could not be used (and was removed): why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct CorruptEntry(pub String);

/// A PKCS#12 trust store kept so that the same certificates and password give the same bytes
/// next time; named by a hash of what it holds (never of the password).
pub struct KeptTrustStore {
    dir: PathBuf,
    path: PathBuf,
}

impl KeptTrustStore {
    pub fn new(cache_dir: &Path, content_key: &[u8]) -> KeptTrustStore {
        let dir = cache_dir.join("truststores");
        let path = dir.join(format!("{}.p12", sha256_hex(content_key)));
        KeptTrustStore { dir, path }
    }

    pub fn read(&self) -> Option<Vec<u8>> {
        std::fs::read(&self.path).ok()
    }

    pub fn write(&self, p12: &[u8]) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        atomic_write(&self.dir, &self.path, p12)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

fn atomic_write(dir: &Path, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
