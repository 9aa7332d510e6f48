//! Verified RDS trust material, with no Terraform in it: extracting certificates from PEM /
//! PKCS#7 / DER (`rdsca-bundle-format`), describing each one (`certificate`, with Go-style names
//! from `dn`), the sets compiled in (`compiled`), verifying a bundle against its own signatures
//! and the compiled-in RDS certificates (`verify`), fetching over HTTPS (`fetch`, on
//! `rdsca-http`), the disk cache (`cache`: the only writer of the cache folder, trust stores
//! included), Java PKCS#12 trust stores (`truststore`), what a client of each endpoint (database,
//! RDS Proxy, both) must trust (`material`), and the service that ties them together
//! (`service`): nothing reaches a caller or the cache unverified.
//!
//! Front ends (the provider, the command line) turn its results into values and messages; it
//! must not depend on them, on Terraform, or on the AWS API client.

pub mod cache;
pub mod certificate;
pub mod compiled;
pub mod dn;
pub mod fetch;
pub mod material;
pub mod service;
pub mod truststore;
pub mod verify;

pub use certificate::{parse_bundle, roots_pem, soonest_not_after, CertificateInfo};
pub use compiled::{compiled_bundle, CompiledBundle, NoCompiledCertificates};
pub use material::{trust_material, truststore_aliases, MissingRoot, TrustMaterial};
pub use service::{
    verified_content, BundleService, ContentError, ContentSettings, Origin, VerifiedBundle,
    VerifiedContent,
};
pub use truststore::{pkcs12_truststore, stable_pkcs12_truststore, TrustStoreError};
pub use verify::{Finding, Signatures};

/// A SHA-256 pin as users write it (64 hexadecimal digits, as `sha256sum` prints them; any case,
/// surrounding spaces ignored), in the lowercase form the bundle service compares; `None` when
/// it is not one.
pub fn parse_sha256_pin(pin: &str) -> Option<String> {
    let pin = pin.trim();
    (pin.len() == 64 && pin.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| pin.to_ascii_lowercase())
}

/// SHA-256 as lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    #[test]
    fn sha256_pins_are_64_hex_digits_in_any_case() {
        let pin = "E5BB2084".to_string() + &"0".repeat(56);
        assert_eq!(
            super::parse_sha256_pin(&format!(" {pin} ")),
            Some(pin.to_lowercase())
        );
        assert_eq!(super::parse_sha256_pin(&pin[1..]), None);
        assert_eq!(super::parse_sha256_pin(&pin.replace('E', "g")), None);
    }
}
