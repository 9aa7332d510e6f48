//! Java trust stores: a PKCS#12 file whose entries are trusted certificates, as Java's
//! `KeyStore.getInstance("PKCS12")` and `keytool` read them (`keytool -list` shows
//! `trustedCertEntry` for each).
//!
//! Java treats a certificate bag as a trusted-certificate entry only when it carries Oracle's
//! trusted-key-usage attribute (2.16.840.1.113894.746875.1.1, here with anyExtendedKeyUsage
//! 2.5.29.37.0); a bag without it is ignored, and a store of such bags is an empty trust store.
//!
//! Crate: `p12-keystore` writes exactly such bags (its `KeyStoreEntry::Certificate`), with a
//! friendlyName per alias, PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC) for the certificate safe and
//! an HMAC-SHA256 MAC through the PKCS#12 KDF: the defaults of JDK 17's own `keytool`. It is
//! maintained, pure Rust, built on RustCrypto's `pkcs12`/`cms`/`der`, and parses what it writes
//! (the unit tests round-trip through it). The alternatives: `p12` (hjiayz) writes one key with
//! its chain and no trusted-key-usage attribute, so Java sees no entry at all, and uses legacy
//! SHA-1/3DES/RC2; RustCrypto's `pkcs12` is the ASN.1 types and KDF only, so the store would be
//! assembled by hand.
//!
//! Salts and IVs are random: two stores of the same certificates differ byte for byte.

use p12_keystore::{Certificate, KeyStore, KeyStoreEntry};

use crate::cache::KeptTrustStore;

/// Why a trust store cannot be written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrustStoreError {
    #[error("a trust store needs at least one certificate")]
    NoCertificates,
    #[error("certificate {index} has an empty alias")]
    EmptyAlias { index: usize },
    /// Java lower-cases PKCS#12 aliases on load, so aliases differing only in case collide.
    #[error("trust store alias {alias:?} is used twice (Java compares aliases without regard to case): aliases must be unique")]
    DuplicateAlias { alias: String },
    /// The friendlyName attribute is a BMPString: no control characters, nothing past U+FFFF.
    #[error("trust store alias {alias:?} has a character a PKCS#12 friendlyName cannot hold ({character:?})")]
    InvalidAlias { alias: String, character: char },
    #[error("certificate {alias:?} is not a valid X.509 certificate: {message}")]
    InvalidCertificate { alias: String, message: String },
    /// Java loads a store whose password is empty without a password, and so cannot decrypt its
    /// certificates: the trust store would be empty.
    #[error("a Java trust store needs a non-empty password: Java opens a store with an empty password without one, and then cannot read its (encrypted) certificates")]
    EmptyPassword,
    #[error("writing the PKCS#12 trust store failed: {0}")]
    Encoding(String),
}

/// A PKCS#12 trust store holding `certs`, each a `(alias, DER certificate)`, as trusted
/// certificate entries, protected by `password`. Aliases must be unique without regard to case
/// (Java lower-cases them); entries are written in alias order.
pub fn pkcs12_truststore(
    certs: &[(&str, &[u8])],
    password: &str,
) -> Result<Vec<u8>, TrustStoreError> {
    if certs.is_empty() {
        return Err(TrustStoreError::NoCertificates);
    }
    if password.is_empty() {
        return Err(TrustStoreError::EmptyPassword);
    }
    let mut store = KeyStore::new();
    let mut seen = std::collections::HashSet::new();
    for (index, (alias, der)) in certs.iter().enumerate() {
        check_alias(alias, index + 1)?;
        if !seen.insert(alias.to_lowercase()) {
            return Err(TrustStoreError::DuplicateAlias {
                alias: alias.to_string(),
            });
        }
        let cert = Certificate::from_der(der).map_err(|e| TrustStoreError::InvalidCertificate {
            alias: alias.to_string(),
            message: e.to_string(),
        })?;
        store.add_entry(alias, KeyStoreEntry::Certificate(cert));
    }
    // The writer's defaults are JDK 17's: PBES2 with PBKDF2-HMAC-SHA256 and AES-256, 10,000
    // iterations; HMAC-SHA256 MAC, 10,000 iterations. Spelt out so an upgrade cannot move them.
    store
        .writer(password)
        .encryption_algorithm(p12_keystore::EncryptionAlgorithm::PbeWithHmacSha256AndAes256)
        .encryption_iterations(10_000)
        .mac_algorithm(p12_keystore::MacAlgorithm::HmacSha256)
        .mac_iterations(10_000)
        .write()
        .map_err(|e| TrustStoreError::Encoding(e.to_string()))
}

/// Whether `p12` opens with `password` and holds exactly `certs` (aliases without regard to
/// case, certificates byte for byte).
pub fn holds_exactly(p12: &[u8], certs: &[(&str, &[u8])], password: &str) -> bool {
    let Ok(store) = KeyStore::from_pkcs12(p12, password, p12_keystore::Pkcs12ImportPolicy::Strict)
    else {
        return false;
    };
    store.entries().count() == certs.len()
        && certs.iter().all(|(alias, der)| {
            store.entries().any(|(a, entry)| {
                a.eq_ignore_ascii_case(alias)
                    && matches!(entry, KeyStoreEntry::Certificate(c) if c.as_der() == *der)
            })
        })
}

/// Like [`pkcs12_truststore`], but the same bytes as last time when `dir` holds a store of the
/// same certificates that opens with the same password. A PKCS#12 file carries random salts, so
/// without this every read would give new bytes and anything written from them would change on
/// every plan. Files are named by the certificates' hash (never the password's); the store
/// itself is what the password protects.
pub fn stable_pkcs12_truststore(
    dir: Option<&std::path::Path>,
    certs: &[(&str, &[u8])],
    password: &str,
) -> Result<Vec<u8>, TrustStoreError> {
    let Some(dir) = dir else {
        return pkcs12_truststore(certs, password);
    };
    let mut key = Vec::new();
    for (alias, der) in certs {
        key.extend_from_slice(alias.to_lowercase().as_bytes());
        key.push(0);
        key.extend_from_slice(der);
    }
    let kept = KeptTrustStore::new(dir, &key);
    if let Some(previous) = kept.read() {
        if holds_exactly(&previous, certs, password) {
            return Ok(previous);
        }
    }
    let fresh = pkcs12_truststore(certs, password)?;
    if let Err(e) = kept.write(&fresh) {
        // The store is good; only its stability across plans is lost.
        tracing::warn!(path = %kept.path().display(), error = %e, "cannot keep the trust store for the next plan");
    }
    Ok(fresh)
}

fn check_alias(alias: &str, index: usize) -> Result<(), TrustStoreError> {
    if alias.is_empty() {
        return Err(TrustStoreError::EmptyAlias { index });
    }
    match alias
        .chars()
        .find(|c| c.is_control() || u32::from(*c) > 0xFFFF)
    {
        Some(character) => Err(TrustStoreError::InvalidAlias {
            alias: alias.to_string(),
            character,
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use p12_keystore::Pkcs12ImportPolicy;

    fn ca(cn: &str) -> Vec<u8> {
        let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, cn);
        params.self_signed(&key).unwrap().der().to_vec()
    }

    fn aws_roots(n: usize) -> Vec<Vec<u8>> {
        let pem = include_bytes!("../../data/roots/aws.pem");
        let ders = rdsca_bundle_format::certificate_ders(pem, "aws.pem").unwrap();
        ders.into_iter().take(n).collect()
    }

    #[test]
    fn round_trips_as_trusted_certificates_under_their_aliases() {
        let (a, b) = (ca("rdsca test A"), ca("rdsca test B"));
        let roots = aws_roots(1);
        let input: Vec<(&str, &[u8])> = vec![
            ("test-b", &b),
            ("eu-west-1-rds-ca-rsa2048-g1", &roots[0]),
            ("Amazon RDS test A", &a),
        ];
        let p12 = pkcs12_truststore(&input, "changeit").unwrap();
        // Strict: only trusted certificate bags without a key become entries.
        let store = KeyStore::from_pkcs12(&p12, "changeit", Pkcs12ImportPolicy::Strict).unwrap();
        let aliases: Vec<&str> = store.entries().map(|(a, _)| a.as_str()).collect();
        assert_eq!(
            aliases,
            ["Amazon RDS test A", "eu-west-1-rds-ca-rsa2048-g1", "test-b"]
        );
        for (alias, der) in &input {
            match store.entry(alias) {
                Some(KeyStoreEntry::Certificate(c)) => assert_eq!(c.as_der(), *der, "{alias}"),
                other => panic!("{alias}: {other:?}"),
            }
        }
        // Random salts: the same input gives a different file that reads the same.
        let again = pkcs12_truststore(&input, "changeit").unwrap();
        assert_ne!(again, p12);
        let store2 = KeyStore::from_pkcs12(&again, "changeit", Pkcs12ImportPolicy::Strict).unwrap();
        assert_eq!(store2.entries_len(), 3);
    }

    #[test]
    fn wrong_password_fails() {
        let a = ca("rdsca test A");
        let p12 = pkcs12_truststore(&[("a", &a)], "right password").unwrap();
        assert!(KeyStore::from_pkcs12(&p12, "wrong password", Pkcs12ImportPolicy::Strict).is_err());
        assert!(KeyStore::from_pkcs12(&p12, "", Pkcs12ImportPolicy::Strict).is_err());
        assert!(KeyStore::from_pkcs12(&p12, "right password", Pkcs12ImportPolicy::Strict).is_ok());
    }

    #[test]
    fn rejects_duplicate_aliases_without_regard_to_case() {
        let (a, b) = (ca("A"), ca("B"));
        let err = pkcs12_truststore(&[("eu-west-1", &a), ("EU-West-1", &b)], "pw").unwrap_err();
        assert_eq!(
            err,
            TrustStoreError::DuplicateAlias {
                alias: "EU-West-1".into()
            }
        );
        assert!(err.to_string().contains("used twice"), "{err}");
        let err = pkcs12_truststore(&[("zürich", &a), ("ZÜRICH", &b)], "pw").unwrap_err();
        assert!(matches!(err, TrustStoreError::DuplicateAlias { .. }));
        let err = pkcs12_truststore(&[("x", &a), ("x", &a)], "pw").unwrap_err();
        assert!(matches!(err, TrustStoreError::DuplicateAlias { .. }));
    }

    #[test]
    fn rejects_bad_input_with_clear_errors() {
        let a = ca("A");
        assert_eq!(
            pkcs12_truststore(&[], "pw").unwrap_err(),
            TrustStoreError::NoCertificates
        );
        assert_eq!(
            pkcs12_truststore(&[("a", &a)], "").unwrap_err(),
            TrustStoreError::EmptyPassword
        );
        assert_eq!(
            pkcs12_truststore(&[("a", &a), ("", &a)], "pw").unwrap_err(),
            TrustStoreError::EmptyAlias { index: 2 }
        );
        assert!(matches!(
            pkcs12_truststore(&[("a\u{1F512}", &a)], "pw").unwrap_err(),
            TrustStoreError::InvalidAlias {
                character: '\u{1F512}',
                ..
            }
        ));
        assert!(matches!(
            pkcs12_truststore(&[("a\nb", &a)], "pw").unwrap_err(),
            TrustStoreError::InvalidAlias {
                character: '\n',
                ..
            }
        ));
        let err = pkcs12_truststore(&[("junk", b"not a certificate")], "pw").unwrap_err();
        assert!(
            matches!(&err, TrustStoreError::InvalidCertificate { alias, .. } if alias == "junk"),
            "{err}"
        );
    }

    #[test]
    fn non_ascii_aliases_within_the_bmp_are_kept() {
        let a = ca("A");
        let p12 = pkcs12_truststore(&[("Zürich-ca", &a)], "pässwörd").unwrap();
        let store = KeyStore::from_pkcs12(&p12, "pässwörd", Pkcs12ImportPolicy::Strict).unwrap();
        assert!(store.entry("Zürich-ca").is_some());
    }

    /// Sizes for the record (`cargo test -- --nocapture`): a Region's three roots (eu-west-1),
    /// all 108 commercial roots.
    #[test]
    fn store_sizes() {
        let roots = aws_roots(usize::MAX);
        assert_eq!(roots.len(), 108);
        let named: Vec<(String, &[u8])> = roots
            .iter()
            .map(|d| {
                let info = crate::certificate::describe(d).unwrap();
                let alias = match (info.region, info.ca_identifier) {
                    (Some(r), Some(ca)) => format!("{r}-{ca}"),
                    _ => info.common_name,
                };
                (alias, d.as_slice())
            })
            .collect();
        let all: Vec<(&str, &[u8])> = named.iter().map(|(a, d)| (a.as_str(), *d)).collect();
        let region: Vec<(&str, &[u8])> = all
            .iter()
            .copied()
            .filter(|(a, _)| a.starts_with("eu-west-1-"))
            .collect();
        assert_eq!(region.len(), 3);
        let der = |c: &[(&str, &[u8])]| c.iter().map(|(_, d)| d.len()).sum::<usize>();
        let (three, every) = (
            pkcs12_truststore(&region, "changeit").unwrap(),
            pkcs12_truststore(&all, "changeit").unwrap(),
        );
        println!(
            "eu-west-1's 3 roots: {} bytes (DER {}); all 108 roots: {} bytes (DER {})",
            three.len(),
            der(&region),
            every.len(),
            der(&all)
        );
        // Overhead over the DER certificates: about 150 bytes of bag per certificate (the alias is UTF-16) and a few
        // hundred bytes of envelope.
        assert!(
            three.len() < der(&region) + 3 * 150 + 600,
            "{}",
            three.len()
        );
        assert!(every.len() < der(&all) + 108 * 200 + 600, "{}", every.len());
    }

    #[test]
    fn a_kept_store_gives_the_same_bytes_until_the_input_changes() {
        let dir = tempfile::tempdir().unwrap();
        let roots = aws_roots(2);
        let one: Vec<(&str, &[u8])> = vec![("a", &roots[0]), ("b", &roots[1])];
        let first = stable_pkcs12_truststore(Some(dir.path()), &one, "changeit").unwrap();
        let again = stable_pkcs12_truststore(Some(dir.path()), &one, "changeit").unwrap();
        assert_eq!(first, again);
        assert!(holds_exactly(&first, &one, "changeit"));
        // Another password: a new store that opens with it.
        let other = stable_pkcs12_truststore(Some(dir.path()), &one, "another").unwrap();
        assert_ne!(other, first);
        assert!(holds_exactly(&other, &one, "another"));
        assert!(!holds_exactly(&other, &one, "changeit"));
        // Other certificates: another file.
        let fewer: Vec<(&str, &[u8])> = vec![("a", &roots[0])];
        let small = stable_pkcs12_truststore(Some(dir.path()), &fewer, "changeit").unwrap();
        assert!(holds_exactly(&small, &fewer, "changeit"));
        assert!(!holds_exactly(&small, &one, "changeit"));
    }
}
