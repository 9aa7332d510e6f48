//! Property tests over the PEM/certificate path: arbitrary bytes and mutated real-looking
//! bundles never panic, and every failure is a message naming the origin.

use proptest::prelude::*;
use rdsca_trust::parse_bundle;

/// A small valid bundle made once: two self-signed roots.
fn bundle() -> &'static str {
    static PEM: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    PEM.get_or_init(|| {
        let mut out = String::new();
        for alg in [
            &rcgen::PKCS_ECDSA_P384_SHA384,
            &rcgen::PKCS_ECDSA_P256_SHA256,
        ] {
            let key = rcgen::KeyPair::generate_for(alg).unwrap();
            let mut p = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
            p.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
            p.distinguished_name.push(
                rcgen::DnType::CommonName,
                "Amazon RDS eu-west-1 Root CA ECC384 G1",
            );
            out.push_str(&p.self_signed(&key).unwrap().pem());
        }
        out
    })
}

fn check(bytes: &[u8]) -> Result<(), TestCaseError> {
    match parse_bundle(bytes, "origin-url") {
        Ok(certs) => {
            prop_assert!(!certs.is_empty());
            for c in certs {
                prop_assert!(c.pem().starts_with("-----BEGIN CERTIFICATE-----\n"));
                prop_assert_eq!(c.sha256_fingerprint.len(), 64);
            }
        }
        Err(e) => {
            let msg = e.to_string();
            prop_assert!(msg.starts_with("origin-url: "), "{}", msg);
            prop_assert!(msg.len() < 2000, "messages stay short: {}", msg.len());
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        check(&bytes)?;
    }

    #[test]
    fn arbitrary_text_with_pem_markers(parts in prop::collection::vec(prop_oneof![
        Just("-----BEGIN CERTIFICATE-----\n".to_string()),
        Just("-----END CERTIFICATE-----\n".to_string()),
        Just("-----BEGIN PKCS7-----\n".to_string()),
        Just("-----END PKCS7-----\n".to_string()),
        "[A-Za-z0-9+/=\r\n]{0,80}",
        any::<String>(),
    ], 0..12)) {
        check(parts.concat().as_bytes())?;
    }

    #[test]
    fn mutated_bundles(flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..8),
                       cut in any::<prop::sample::Index>(), crlf in any::<bool>()) {
        let mut bytes = bundle().as_bytes().to_vec();
        if crlf {
            bytes = String::from_utf8(bytes).unwrap().replace('\n', "\r\n").into_bytes();
        }
        for (i, b) in flips {
            let i = i.index(bytes.len());
            bytes[i] = b;
        }
        let len = cut.index(bytes.len() + 1);
        check(&bytes[..len])?;
    }
}

#[test]
fn the_unmutated_bundle_parses() {
    assert_eq!(parse_bundle(bundle().as_bytes(), "x").unwrap().len(), 2);
}
