//! What the generator reads of an X.509 certificate, written once for the RDS certificates
//! (`certificates`) and the Amazon Trust Services roots (`amazon_roots`).

use sha2::Digest;
use x509_parser::prelude::{FromDer, X509Certificate};
use x509_parser::public_key::PublicKey;

/// `der` read as exactly one X.509 certificate, or why it is not one (in the words the checks
/// report).
pub fn certificate(der: &[u8]) -> Result<X509Certificate<'_>, String> {
    match X509Certificate::from_der(der) {
        Ok(([], cert)) => Ok(cert),
        Ok(_) => Err("stray bytes after the certificate".into()),
        Err(e) => Err(format!("not an X.509 certificate ({e})")),
    }
}

/// `RSA 2048`, `EC P-256`, `EC P-384`, as read from a certificate's public key.
pub fn key_description(cert: &X509Certificate) -> String {
    let spki = cert.public_key();
    match spki.parsed() {
        Ok(PublicKey::RSA(rsa)) => format!("RSA {}", rsa.key_size()),
        Ok(PublicKey::EC(_)) => {
            let curve = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.as_oid().ok())
                .map(|o| o.to_id_string());
            match curve.as_deref() {
                Some("1.2.840.10045.3.1.7") => "EC P-256".into(),
                Some("1.3.132.0.34") => "EC P-384".into(),
                Some("1.3.132.0.35") => "EC P-521".into(),
                other => format!("EC {}", other.unwrap_or("(no curve)")),
            }
        }
        Ok(_) => "another key type".into(),
        Err(e) => format!("an unreadable key ({e})"),
    }
}

/// SHA-256 of `bytes`, lowercase hex: how fingerprints are written in the data file and the
/// generated table.
pub fn sha256_hex(bytes: &[u8]) -> String {
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
