//! Glue for `rdsca_bundle`: fetch a selection's PEM bundle through the shared content service,
//! parse it once, and check it (pin, expected CA root, expiry).

use std::sync::{Arc, Mutex};

use tf_provider::{AttributePath, Diagnostics};

use super::cache::Fetched;
use super::parse::{parse_bundle, CertificateInfo};
use crate::provider::Shared;
use crate::selection::Selection;

/// A fetched and parsed bundle.
pub struct Bundle {
    pub url: String,
    pub fetched: Fetched,
    pub certificates: Arc<Vec<CertificateInfo>>,
}

/// Fetches and parses the selection's PEM bundle; problems become diagnostics.
pub async fn fetch_bundle(
    shared: &Shared,
    selection: &Selection,
    diags: &mut Diagnostics,
) -> Option<Bundle> {
    let (settings, content) = match shared.content() {
        Ok(pair) => pair,
        Err(message) => {
            diags.root_error("The rdsca provider is not configured for fetching", message);
            return None;
        }
    };
    let url = settings.content_url(selection.partition, selection.pem_url());
    // The cache verifies bodies with the parser; keep that parse so the bundle is parsed once.
    let parsed: Mutex<Option<Vec<CertificateInfo>>> = Mutex::new(None);
    let verify = |body: &[u8]| -> Result<(), String> {
        let certs = parse_bundle(body, &url).map_err(|e| e.to_string())?;
        *parsed.lock().unwrap_or_else(|p| p.into_inner()) = Some(certs);
        Ok(())
    };
    let fetched = match content.get(&url, &verify).await {
        Ok(f) => f,
        Err(e) => {
            diags.root_error(
                format!("Cannot fetch the RDS CA bundle {url}"),
                e.to_string(),
            );
            return None;
        }
    };
    // Many data sources may share a bundle: parse each distinct body once per process.
    let certificates = match (
        shared.parsed(&fetched.sha256),
        parsed.into_inner().unwrap_or_else(|p| p.into_inner()),
    ) {
        (Some(certs), _) => certs,
        (None, Some(certs)) => shared.remember_parsed(&fetched.sha256, certs),
        (None, None) => match parse_bundle(&fetched.body, &url) {
            Ok(certs) => shared.remember_parsed(&fetched.sha256, certs),
            Err(e) => {
                diags.root_error(
                    format!("The RDS CA bundle {url} is not a valid bundle"),
                    e.to_string(),
                );
                return None;
            }
        },
    };
    tracing::debug!(url = %url, source = ?fetched.source, sha256 = %fetched.sha256, certificates = certificates.len(), "bundle ready");
    Some(Bundle {
        url,
        fetched,
        certificates,
    })
}

/// Integrity checks: the sha256 pin, the chosen CA's root for the region, certificate expiry.
pub fn check_bundle(
    bundle: &Bundle,
    selection: &Selection,
    expected_sha256: Option<&str>,
    expiry_warning_days: i64,
    diags: &mut Diagnostics,
) {
    if let Some(expected) = expected_sha256 {
        if expected != bundle.fetched.sha256 {
            diags.error(
                "Bundle checksum mismatch",
                format!(
                    "{} has SHA-256 {}, but expected_sha256 is {expected}. The bundle changed (AWS rotated it, or a mirror serves another file); check it and update the pin.",
                    bundle.url, bundle.fetched.sha256
                ),
                AttributePath::new("expected_sha256"),
            );
        }
    }
    let ca = selection.ca.as_str();
    let has_root = bundle.certificates.iter().any(|c| {
        c.is_root
            && c.ca_identifier.as_deref() == Some(ca)
            && selection
                .region
                .is_none_or(|r| c.region.as_deref() == Some(r.code))
    });
    if !has_root {
        let want = match selection.region {
            Some(r) => selection.ca.authority().root_common_name_in(r.code),
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
                bundle.url,
                bundle.certificates.len()
            ),
            AttributePath::new("ca_identifier"),
        );
    }
    if expiry_warning_days > 0 {
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let horizon = now + expiry_warning_days * 86_400;
        let expiring: Vec<&CertificateInfo> = bundle
            .certificates
            .iter()
            .filter(|c| c.not_after_unix <= horizon)
            .collect();
        if !expiring.is_empty() {
            let list: Vec<String> = expiring
                .iter()
                .map(|c| {
                    format!(
                        "\"{}\" ({} {})",
                        c.common_name,
                        if c.not_after_unix <= now {
                            "expired"
                        } else {
                            "expires"
                        },
                        c.not_after
                    )
                })
                .collect();
            diags.root_warning(
                format!(
                    "{} certificate(s) in the bundle expire within {expiry_warning_days} days",
                    expiring.len()
                ),
                format!("{}: {}.", bundle.url, list.join(", ")),
            );
        }
    }
}
