//! Certificate records: what `rdsca_bundle.certificates` holds for each certificate of a bundle.

use base64::Engine as _;
use sha1::Digest as _;
use time::OffsetDateTime;
use x509_parser::extensions::ParsedExtension;
use x509_parser::prelude::{FromDer, X509Certificate};

use super::dn::go_name;
use rdsca_bundle_format::{certificate_ders, error, ParseError};
use rdsca_table::CommonNameClaim;

/// One certificate of a bundle: its DER and what front ends show of it. Names follow Terraform's
/// `tls_certificate` where it has them; how a front end shapes them (Terraform values, JSON) is
/// the front end's business.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateInfo {
    pub der: Vec<u8>,
    /// Subject DN as Go's `pkix.Name.String()` (and so `tls_certificate`) prints it.
    pub subject: String,
    pub issuer: String,
    pub common_name: String,
    /// Decimal.
    pub serial_number: String,
    pub not_before: OffsetDateTime,
    pub not_after: OffsetDateTime,
    pub is_ca: bool,
    /// Self-issued: subject equals issuer, and the authority key identifier (when present) is
    /// the certificate's own. Signatures are checked by `verify`, not here.
    pub is_root: bool,
    pub version: i64,
    /// Go's names: `RSA`, `ECDSA`, `Ed25519`, `DSA`.
    pub public_key_algorithm: String,
    /// RSA modulus bits, or the EC curve's size.
    pub key_size: Option<i64>,
    /// `P-256`, `P-384`, `P-521` for EC keys.
    pub curve: Option<String>,
    /// Go's names: `SHA256-RSA`, `SHA384-RSA`, `ECDSA-SHA384`, ...
    pub signature_algorithm: String,
    pub sha1_fingerprint: String,
    pub sha256_fingerprint: String,
    /// The RDS CA and Region the CN names (`Amazon RDS <region> Root CA <type> G1`), whether or
    /// not the table knows that Region yet.
    pub ca_identifier: Option<String>,
    pub region: Option<String>,
    /// Byte-identical to a compiled-in certificate (set by verification).
    pub compiled_in: bool,
}

impl CertificateInfo {
    /// This certificate alone, PEM, LF line endings, trailing newline.
    pub fn pem(&self) -> String {
        to_pem(&self.der)
    }
}

/// `2024-08-22T17:08:50Z`: RFC 3339 in UTC, to the second, as certificates' dates are shown.
pub fn rfc3339(t: OffsetDateTime) -> String {
    t.format(RFC3339).unwrap_or_default()
}

/// Parses a bundle into certificate records. `origin` (a URL or file name) is named in every
/// error.
pub fn parse_bundle(bytes: &[u8], origin: &str) -> Result<Vec<CertificateInfo>, ParseError> {
    certificate_ders(bytes, origin)?
        .iter()
        .enumerate()
        .map(|(i, der)| describe(der).map_err(|e| error(origin, Some(i + 1), e.to_string())))
        .collect()
}

const RFC3339: &[time::format_description::FormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");

/// Why bytes are not one certificate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotACertificate {
    #[error("not a valid X.509 certificate ({0})")]
    Invalid(String),
    #[error("{0} stray bytes after the certificate")]
    StrayBytes(usize),
}

/// The record of one DER certificate.
pub fn describe(der: &[u8]) -> Result<CertificateInfo, NotACertificate> {
    let (rest, cert) =
        X509Certificate::from_der(der).map_err(|e| NotACertificate::Invalid(e.to_string()))?;
    if !rest.is_empty() {
        return Err(NotACertificate::StrayBytes(rest.len()));
    }
    let common_name = cert
        .subject()
        .iter_common_name()
        .next()
        .and_then(|a| a.as_str().ok())
        .unwrap_or_default()
        .to_string();
    let (mut ski, mut aki) = (None, None);
    for ext in cert.extensions() {
        match ext.parsed_extension() {
            ParsedExtension::SubjectKeyIdentifier(k) => ski = Some(k.0),
            ParsedExtension::AuthorityKeyIdentifier(a) => {
                aki = a.key_identifier.as_ref().map(|k| k.0)
            }
            _ => {}
        }
    }
    let self_issued = cert.subject().as_raw() == cert.issuer().as_raw();
    let is_root = self_issued && (aki.is_none() || aki == ski);
    let spki = cert.public_key();
    let key_oid = spki.algorithm.algorithm.to_id_string();
    let (public_key_algorithm, curve) = match key_oid.as_str() {
        "1.2.840.113549.1.1.1" => ("RSA", None),
        "1.2.840.10045.2.1" => {
            let curve = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.as_oid().ok())
                .map(|o| curve_name(&o.to_id_string()));
            ("ECDSA", curve)
        }
        "1.3.101.112" => ("Ed25519", None),
        "1.2.840.10040.4.1" => ("DSA", None),
        _ => ("Unknown", None),
    };
    let key_size = match (&curve, spki.parsed()) {
        (Some(c), _) => curve_bits(c),
        (None, Ok(k)) if public_key_algorithm == "RSA" => Some(k.key_size() as i64),
        _ => None,
    };
    let not_after = cert.validity().not_after.to_datetime();
    let not_before = cert.validity().not_before.to_datetime();
    // What the CN claims, whether or not the table knows the Region; special sets (Beta,
    // Preview) are no Region.
    let claim = CommonNameClaim::parse(&common_name).filter(|c| c.set.is_none());
    let (ca_identifier, region) = (
        claim.map(|c| c.ca.as_str().to_string()),
        claim.map(|c| c.region.to_string()),
    );
    Ok(CertificateInfo {
        der: der.to_vec(),
        subject: go_name(cert.subject()),
        issuer: go_name(cert.issuer()),
        serial_number: cert.tbs_certificate.serial.to_string(),
        not_before,
        not_after,
        is_ca: cert.is_ca(),
        is_root,
        version: i64::from(cert.version().0) + 1,
        public_key_algorithm: public_key_algorithm.into(),
        key_size,
        curve,
        signature_algorithm: signature_name(&cert.signature_algorithm.algorithm.to_id_string())
            .into(),
        sha1_fingerprint: hex::encode(sha1::Sha1::digest(der)),
        sha256_fingerprint: hex::encode(sha2::Sha256::digest(der)),
        ca_identifier,
        region,
        compiled_in: false,
        common_name,
    })
}

fn curve_name(oid: &str) -> String {
    match oid {
        "1.2.840.10045.3.1.7" => "P-256".into(),
        "1.3.132.0.34" => "P-384".into(),
        "1.3.132.0.35" => "P-521".into(),
        other => other.into(),
    }
}

fn curve_bits(curve: &str) -> Option<i64> {
    match curve {
        "P-256" => Some(256),
        "P-384" => Some(384),
        "P-521" => Some(521),
        _ => None,
    }
}

/// Go's `x509.SignatureAlgorithm.String()` names.
fn signature_name(oid: &str) -> &'static str {
    match oid {
        "1.2.840.113549.1.1.4" => "MD5-RSA",
        "1.2.840.113549.1.1.5" => "SHA1-RSA",
        "1.2.840.113549.1.1.11" => "SHA256-RSA",
        "1.2.840.113549.1.1.12" => "SHA384-RSA",
        "1.2.840.113549.1.1.13" => "SHA512-RSA",
        "1.2.840.113549.1.1.10" => "RSASSA-PSS",
        "1.2.840.10045.4.1" => "ECDSA-SHA1",
        "1.2.840.10045.4.3.2" => "ECDSA-SHA256",
        "1.2.840.10045.4.3.3" => "ECDSA-SHA384",
        "1.2.840.10045.4.3.4" => "ECDSA-SHA512",
        "1.3.101.112" => "Ed25519",
        _ => "Unknown",
    }
}

fn to_pem(der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = String::with_capacity(b64.len() + b64.len() / 64 + 60);
    out.push_str("-----BEGIN CERTIFICATE-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push('\n');
    }
    out.push_str("-----END CERTIFICATE-----\n");
    out
}

/// The root certificates of a bundle, in bundle order, concatenated as PEM.
pub fn roots_pem(certs: &[CertificateInfo]) -> String {
    certs
        .iter()
        .filter(|c| c.is_root)
        .map(CertificateInfo::pem)
        .collect()
}

/// The certificate that expires first.
pub fn soonest_not_after(certs: &[CertificateInfo]) -> Option<&CertificateInfo> {
    certs.iter().min_by_key(|c| c.not_after)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rcgen::{BasicConstraints, CertificateParams, DistinguishedName, DnType, IsCa, KeyPair};

    struct Made {
        pem: String,
        cert: rcgen::Certificate,
        key: KeyPair,
    }

    fn params(cn: &str, ca: bool) -> CertificateParams {
        let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CountryName, "US");
        dn.push(DnType::OrganizationName, "Amazon Web Services, Inc.");
        dn.push(DnType::OrganizationalUnitName, "Amazon RDS");
        dn.push(DnType::StateOrProvinceName, "WA");
        dn.push(DnType::CommonName, cn);
        dn.push(DnType::LocalityName, "Seattle");
        p.distinguished_name = dn;
        if ca {
            p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        }
        p
    }

    fn root(cn: &str, alg: &'static rcgen::SignatureAlgorithm) -> Made {
        let key = KeyPair::generate_for(alg).unwrap();
        let cert = params(cn, true).self_signed(&key).unwrap();
        Made {
            pem: cert.pem(),
            cert,
            key,
        }
    }

    fn issued(cn: &str, ca: bool, by: &Made) -> Made {
        let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        let cert = params(cn, ca).signed_by(&key, &by.cert, &by.key).unwrap();
        Made {
            pem: cert.pem(),
            cert,
            key,
        }
    }

    #[test]
    fn roots_intermediates_and_leaves() {
        let r = root(
            "Amazon RDS eu-west-1 Root CA ECC384 G1",
            &rcgen::PKCS_ECDSA_P384_SHA384,
        );
        let i = issued("Amazon RDS eu-west-1 Intermediate", true, &r);
        let leaf = issued("db.example.com", false, &i);
        let bundle = format!("{}{}{}", r.pem, i.pem, leaf.pem);
        let certs = parse_bundle(bundle.as_bytes(), "test").unwrap();
        assert_eq!(certs.len(), 3);
        let root = &certs[0];
        assert!(root.is_root && root.is_ca);
        assert_eq!(root.subject, "CN=Amazon RDS eu-west-1 Root CA ECC384 G1,OU=Amazon RDS,O=Amazon Web Services\\, Inc.,L=Seattle,ST=WA,C=US");
        assert_eq!(root.public_key_algorithm, "ECDSA");
        assert_eq!(root.curve.as_deref(), Some("P-384"));
        assert_eq!(root.key_size, Some(384));
        assert_eq!(root.signature_algorithm, "ECDSA-SHA384");
        assert_eq!(root.version, 3);
        assert_eq!(root.ca_identifier.as_deref(), Some("rds-ca-ecc384-g1"));
        assert_eq!(root.region.as_deref(), Some("eu-west-1"));
        assert_eq!(root.pem(), r.pem.replace("\r\n", "\n"));
        assert_eq!(
            root.sha256_fingerprint,
            hex::encode(sha2::Sha256::digest(r.cert.der()))
        );
        assert_eq!(certs[1].issuer, root.subject);
        assert!(!certs[1].is_root && certs[1].is_ca);
        assert!(!certs[2].is_root && !certs[2].is_ca);
        assert_eq!(certs[2].signature_algorithm, "ECDSA-SHA256");
        assert_eq!(certs[2].ca_identifier, None);
        assert_eq!(roots_pem(&certs), r.pem.replace("\r\n", "\n"));
    }

    #[test]
    fn crlf_and_missing_final_newline() {
        let a = root("A", &rcgen::PKCS_ECDSA_P256_SHA256);
        let b = root("B", &rcgen::PKCS_ED25519);
        let lf = format!("{}{}", a.pem, b.pem);
        let crlf = lf.replace('\n', "\r\n");
        let trimmed = lf.trim_end();
        let want = parse_bundle(lf.as_bytes(), "lf").unwrap();
        assert_eq!(parse_bundle(crlf.as_bytes(), "crlf").unwrap(), want);
        assert_eq!(parse_bundle(trimmed.as_bytes(), "trimmed").unwrap(), want);
        assert_eq!(want[1].public_key_algorithm, "Ed25519");
        let with_text = format!("subject=A\n{}\nsome comment\n{}", a.pem, b.pem);
        assert_eq!(parse_bundle(with_text.as_bytes(), "text").unwrap(), want);
    }

    #[test]
    fn der_certificate() {
        let a = root("A", &rcgen::PKCS_ECDSA_P256_SHA256);
        let certs = parse_bundle(a.cert.der(), "der").unwrap();
        assert_eq!(certs.len(), 1);
        assert_eq!(certs[0].common_name, "A");
    }

    fn err(bytes: &[u8]) -> String {
        parse_bundle(bytes, "https://x/b.pem")
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn clear_errors() {
        assert_eq!(
            err(b""),
            "https://x/b.pem: the body is empty: expected a PEM or PKCS#7 certificate bundle"
        );
        assert_eq!(
            err(b" \r\n"),
            "https://x/b.pem: the body is empty: expected a PEM or PKCS#7 certificate bundle"
        );
        assert_eq!(
            err(b"<!DOCTYPE html><html><head><title>403 Forbidden</title></head></html>"),
            "https://x/b.pem: this looks like an HTML or XML page (an error page or a login portal?), not a certificate bundle; it starts with \"<!DOCTYPE html><html><head><title>403 Forbidden</title></hea…\""
        );
        assert!(err(b"garbage\x00\x01").starts_with("https://x/b.pem: no PEM certificate"));

        let a = root("A", &rcgen::PKCS_ECDSA_P256_SHA256);
        let key = format!("{}{}", a.pem, a.key.serialize_pem());
        assert_eq!(err(key.as_bytes()), "https://x/b.pem: block 2: a \"PRIVATE KEY\" block, not a certificate (a private key must never be published in a trust bundle)");
        let truncated = &a.pem[..a.pem.len() / 2];
        let two = format!("{}{}", a.pem, truncated);
        assert_eq!(
            err(two.as_bytes()),
            "https://x/b.pem: block 2: the CERTIFICATE block has no END line (truncated bundle?)"
        );
        let broken = a.pem.replacen("MII", "M!I", 1);
        assert!(
            err(broken.as_bytes())
                .starts_with("https://x/b.pem: block 1: the CERTIFICATE block is not valid base64"),
            "{}",
            err(broken.as_bytes())
        );
        let not_a_cert =
            "-----BEGIN CERTIFICATE-----\naGVsbG8gd29ybGQ=\n-----END CERTIFICATE-----\n";
        assert!(err(not_a_cert.as_bytes())
            .starts_with("https://x/b.pem: block 1: not a valid X.509 certificate"));
        assert_eq!(err(b"-----BEGIN PKCS7-----\naGVsbG8=\n-----END PKCS7-----\n"), "https://x/b.pem: block 1: the PKCS7 block is not a PKCS#7 SignedData with certificates");
        assert_eq!(
            err(b"-----BEGIN CERT"),
            "https://x/b.pem: block 1: a BEGIN line without its closing dashes (truncated block)"
        );
    }

    #[test]
    fn unknown_attributes_print_as_go_does() {
        let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        let mut p = params("CN x", true);
        p.distinguished_name.push(
            DnType::CustomDnType(vec![1, 2, 840, 113549, 1, 9, 1]),
            rcgen::DnValue::Ia5String("a@b.c".try_into().unwrap()),
        );
        p.distinguished_name.push(
            DnType::CustomDnType(vec![2, 5, 4, 46]),
            rcgen::DnValue::PrintableString("Q1".try_into().unwrap()),
        );
        let pem = p.self_signed(&key).unwrap().pem();
        let cert = &parse_bundle(pem.as_bytes(), "t").unwrap()[0];
        // Go: unknown attributes first in the sequence, so last in the string; '@' is not
        // printable, so the email re-marshals as UTF8String (0c).
        assert!(
            cert.subject
                .ends_with(",2.5.4.46=#13025131,1.2.840.113549.1.9.1=#0c056140622e63"),
            "{}",
            cert.subject
        );
        assert!(
            cert.subject.starts_with("CN=CN x,OU=Amazon RDS,"),
            "{}",
            cert.subject
        );
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        let a = root("A", &rcgen::PKCS_ECDSA_P256_SHA256);
        let mut seeds: Vec<Vec<u8>> = vec![
            a.pem.clone().into_bytes(),
            a.cert.der().to_vec(),
            b"-----BEGIN -----".to_vec(),
            b"-----BEGIN X----------END X-----".to_vec(),
        ];
        for len in [1, 7, 50, 300] {
            seeds.push(a.pem.as_bytes()[..len.min(a.pem.len())].to_vec());
            seeds.push(a.cert.der()[..len.min(a.cert.der().len())].to_vec());
        }
        for s in seeds {
            let _ = parse_bundle(&s, "fuzz");
        }
    }
}
