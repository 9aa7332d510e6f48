//! Verified RDS trust material, with no Terraform in it: extracting certificates from PEM /
//! PKCS#7 / DER (`rdsca-bundle-format`), describing each one (`certificate`, with Go-style names
//! from `dn`), the sets compiled in (`compiled`), verifying a bundle against its own signatures
//! and the compiled-in RDS certificates (`verify`), fetching over HTTPS (`fetch`, on
//! `rdsca-http`), the disk cache (`cache`: the only writer of the cache folder, trust stores
//! included), Java PKCS#12 trust stores (`truststore`), and the service that ties them together
//! (`service`): nothing reaches a caller or the cache unverified.
//!
//! Front ends (the provider, the command line) turn its results into values and messages; it
//! must not depend on them, on Terraform, or on the AWS API client.

pub mod cache;
pub mod certificate;
pub mod compiled;
pub mod dn;
pub mod fetch;
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
