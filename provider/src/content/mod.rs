//! Bundle content, with no Terraform in it: extracting certificates from PEM / PKCS#7 / DER
//! (`pem`), describing each one (`certificate`, with Go-style names from `dn`), the sets compiled
//! into the provider (`compiled`), verifying a
//! bundle against its own signatures and the compiled-in RDS certificates (`verify`), fetching
//! over HTTPS (`fetch`), the disk cache (`cache`), Java PKCS#12 trust stores (`truststore`), and
//! the service that ties them together for the data sources (`service`). Data sources turn its
//! results into values and diagnostics.

pub mod cache;
pub mod certificate;
pub mod compiled;
pub mod dn;
pub mod fetch;
pub mod pem;
pub mod service;
pub mod truststore;
pub mod verify;

pub use certificate::{parse_bundle, roots_pem, soonest_not_after, CertificateInfo};
pub use compiled::{compiled_bundle, CompiledBundle, NoCompiledCertificates};
pub use service::{
    verified_content, BundleService, ContentError, ContentSettings, Origin, VerifiedBundle,
    VerifiedContent,
};
pub use truststore::{pkcs12_truststore, stable_pkcs12_truststore, TrustStoreError};
pub use verify::{Finding, Signatures};

/// SHA-256 as lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}
