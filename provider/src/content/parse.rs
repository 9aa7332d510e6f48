//! Parsing an RDS CA bundle, as served, into certificate records.
//!
//! Accepted forms: PEM `CERTIFICATE` blocks (LF or CRLF, with or without a final newline, text
//! between blocks ignored), PEM-armoured PKCS#7 (`-----BEGIN PKCS7-----`), DER PKCS#7 (`.p7b`)
//! and a single DER certificate. Anything else is an error that says what was found and where
//! (block index, origin URL): an empty body, an HTML error page, a private key, broken base64, a
//! truncated block, a certificate that does not parse. No input makes it panic.

use std::fmt::{self, Write as _};

use base64::Engine as _;
use der::asn1::{AnyRef, ObjectIdentifier};
use der::{Decode, Encode, Reader, SliceReader, Tag, TagNumber, Tagged};
use sha1::Digest as _;
use x509_parser::extensions::ParsedExtension;
use x509_parser::oid_registry::Oid;
use x509_parser::prelude::{FromDer, X509Certificate};
use x509_parser::x509::{AttributeTypeAndValue, X509Name};

use crate::table::{CaId, Region};

/// One certificate of a bundle, as `rdsca_bundle.certificates` holds it. Field names follow
/// Terraform's `tls_certificate` where it has them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CertificateInfo {
    /// Subject DN as Go's `pkix.Name.String()` (and so `tls_certificate`) prints it.
    pub subject: String,
    pub issuer: String,
    pub common_name: String,
    /// Decimal.
    pub serial_number: String,
    /// RFC 3339, UTC.
    pub not_before: String,
    pub not_after: String,
    /// For expiry checks; not part of the Terraform value.
    #[serde(skip)]
    pub not_after_unix: i64,
    pub is_ca: bool,
    /// Self-issued: subject equals issuer, and the authority key identifier (when present) is
    /// the certificate's own. Signatures are not verified here: P-384 verification costs ~0.4 ms
    /// a certificate, and a bundle's integrity comes from HTTPS and the optional SHA-256 pin.
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
    /// This certificate alone, PEM, LF line endings, trailing newline.
    pub cert_pem: String,
    /// The RDS CA when the CN names one for a known region.
    pub ca_identifier: Option<String>,
    pub region: Option<String>,
}

/// Why a bundle could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub origin: String,
    /// 1-based PEM block (or certificate) index, when the problem is in one.
    pub block: Option<usize>,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.block {
            Some(b) => write!(f, "{}: block {b}: {}", self.origin, self.message),
            None => write!(f, "{}: {}", self.origin, self.message),
        }
    }
}

impl std::error::Error for ParseError {}

fn error(origin: &str, block: Option<usize>, message: impl Into<String>) -> ParseError {
    ParseError {
        origin: origin.to_string(),
        block,
        message: message.into(),
    }
}

/// The first printable characters of `bytes`, for error messages.
fn preview(bytes: &[u8]) -> String {
    let text: String = String::from_utf8_lossy(&bytes[..bytes.len().min(240)])
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut short: String = text.chars().take(60).collect();
    if text.chars().count() > 60 {
        short.push('…');
    }
    short
}

/// Parses a bundle. `origin` (a URL or file name) is named in every error.
pub fn parse_bundle(bytes: &[u8], origin: &str) -> Result<Vec<CertificateInfo>, ParseError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(error(
            origin,
            None,
            "the body is empty: expected a PEM or PKCS#7 certificate bundle",
        ));
    }
    let ders = if find(bytes, b"-----BEGIN ").is_some() {
        pem_certificates(bytes, origin)?
    } else if bytes[0] == 0x30 {
        match pkcs7_certificates(bytes) {
            Some(certs) => certs,
            None => vec![bytes.to_vec()],
        }
    } else {
        let start = bytes
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(0);
        let head = String::from_utf8_lossy(&bytes[start..bytes.len().min(start + 512)])
            .to_ascii_lowercase();
        let what = if head.starts_with('<') || head.contains("<html") {
            "this looks like an HTML or XML page (an error page or a login portal?), not a certificate bundle"
        } else {
            "no PEM certificate (-----BEGIN CERTIFICATE-----) and no DER PKCS#7 or certificate found"
        };
        return Err(error(
            origin,
            None,
            format!("{what}; it starts with \"{}\"", preview(&bytes[start..])),
        ));
    };
    if ders.is_empty() {
        return Err(error(origin, None, "the bundle holds no certificate"));
    }
    ders.iter()
        .enumerate()
        .map(|(i, der)| certificate(der).map_err(|m| error(origin, Some(i + 1), m)))
        .collect()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack, needle)
}

/// DER certificates from PEM text: CERTIFICATE blocks, and the certificates of PKCS7 blocks.
/// Works on bytes: no UTF-8 pass over the whole body, no per-character allocation.
fn pem_certificates(bytes: &[u8], origin: &str) -> Result<Vec<Vec<u8>>, ParseError> {
    const BEGIN: &[u8] = b"-----BEGIN ";
    let mut out = Vec::new();
    let mut rest = bytes;
    let mut index = 0;
    let mut body = Vec::new();
    while let Some(start) = find(rest, BEGIN) {
        index += 1;
        let after = &rest[start + BEGIN.len()..];
        let Some(label_end) = find(after, b"-----") else {
            return Err(error(
                origin,
                Some(index),
                "a BEGIN line without its closing dashes (truncated block)",
            ));
        };
        let label = String::from_utf8_lossy(&after[..label_end]).into_owned();
        let body_and_rest = &after[label_end + 5..];
        let end_marker = format!("-----END {label}-----");
        let Some(end) = find(body_and_rest, end_marker.as_bytes()) else {
            return Err(error(
                origin,
                Some(index),
                format!("the {label} block has no END line (truncated bundle?)"),
            ));
        };
        body.clear();
        body.extend(
            body_and_rest[..end]
                .iter()
                .filter(|b| !b.is_ascii_whitespace()),
        );
        rest = &body_and_rest[end + end_marker.len()..];
        if body.contains(&b':') {
            return Err(error(origin, Some(index), format!("the {label} block has headers (encrypted PEM?), which a certificate bundle never has")));
        }
        let der = base64::engine::general_purpose::STANDARD
            .decode(&body)
            .map_err(|e| {
                error(
                    origin,
                    Some(index),
                    format!("the {label} block is not valid base64 ({e})"),
                )
            })?;
        match label.as_str() {
            "CERTIFICATE" | "X509 CERTIFICATE" => out.push(der),
            "PKCS7" | "CMS" => match pkcs7_certificates(&der) {
                Some(certs) => out.extend(certs),
                None => {
                    return Err(error(
                        origin,
                        Some(index),
                        format!("the {label} block is not a PKCS#7 SignedData with certificates"),
                    ))
                }
            },
            other => {
                let hint = if other.contains("PRIVATE KEY") {
                    " (a private key must never be published in a trust bundle)"
                } else {
                    ""
                };
                return Err(error(
                    origin,
                    Some(index),
                    format!("a \"{other}\" block, not a certificate{hint}"),
                ));
            }
        }
    }
    Ok(out)
}

/// The certificates of a DER PKCS#7 / CMS SignedData (RFC 5652), in the order the file holds
/// them, or `None` when it is not one. Walked with `der`'s reader rather than decoded into a
/// `SET OF`, which would re-sort them.
fn pkcs7_certificates(bytes: &[u8]) -> Option<Vec<Vec<u8>>> {
    const SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
    let explicit_0 = Tag::ContextSpecific {
        constructed: true,
        number: TagNumber::N0,
    };
    // ContentInfo ::= SEQUENCE { contentType OBJECT IDENTIFIER, content [0] EXPLICIT ANY }
    let info = AnyRef::from_der(bytes).ok()?;
    if info.tag() != Tag::Sequence {
        return None;
    }
    let mut fields = SliceReader::new(info.value()).ok()?;
    let content_type: ObjectIdentifier = fields.decode().ok()?;
    let content: AnyRef = fields.decode().ok()?;
    if content_type != SIGNED_DATA || content.tag() != explicit_0 {
        return None;
    }
    let signed_data = AnyRef::from_der(content.value()).ok()?;
    // SignedData ::= SEQUENCE { version, digestAlgorithms, encapContentInfo,
    //                           certificates [0] IMPLICIT CertificateSet OPTIONAL, ... }
    let mut fields = SliceReader::new(signed_data.value()).ok()?;
    while !fields.is_finished() {
        let field: AnyRef = fields.decode().ok()?;
        if field.tag() == explicit_0 {
            let mut certs = SliceReader::new(field.value()).ok()?;
            let mut out = Vec::new();
            while !certs.is_finished() {
                let cert: AnyRef = certs.decode().ok()?;
                if cert.tag() == Tag::Sequence {
                    out.push(cert.to_der().ok()?);
                }
            }
            return Some(out);
        }
    }
    Some(Vec::new())
}

const RFC3339: &[time::format_description::FormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");

fn certificate(der: &[u8]) -> Result<CertificateInfo, String> {
    let (rest, cert) = X509Certificate::from_der(der)
        .map_err(|e| format!("not a valid X.509 certificate ({e})"))?;
    if !rest.is_empty() {
        return Err(format!("{} stray bytes after the certificate", rest.len()));
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
    let (ca_identifier, region) = rds_ca(&common_name);
    Ok(CertificateInfo {
        subject: go_name(cert.subject()),
        issuer: go_name(cert.issuer()),
        serial_number: cert.tbs_certificate.serial.to_string(),
        not_before: not_before.format(RFC3339).unwrap_or_default(),
        not_after: not_after.format(RFC3339).unwrap_or_default(),
        not_after_unix: not_after.unix_timestamp(),
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
        cert_pem: to_pem(der),
        ca_identifier: ca_identifier.map(|c| c.as_str().to_string()),
        region: region.map(|r| r.code.to_string()),
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

/// Attribute short names Go knows (`crypto/x509/pkix`) and their position in Go's
/// `ToRDNSequence` order. `2.5.4.n` is DER `55 04 n`: matched on bytes, no allocation.
fn go_attribute(oid: &Oid) -> Option<(&'static str, u8)> {
    match oid.as_bytes() {
        [0x55, 0x04, 6] => Some(("C", 0)),
        [0x55, 0x04, 8] => Some(("ST", 1)),
        [0x55, 0x04, 7] => Some(("L", 2)),
        [0x55, 0x04, 9] => Some(("STREET", 3)),
        [0x55, 0x04, 17] => Some(("POSTALCODE", 4)),
        [0x55, 0x04, 10] => Some(("O", 5)),
        [0x55, 0x04, 11] => Some(("OU", 6)),
        [0x55, 0x04, 3] => Some(("CN", 7)),
        [0x55, 0x04, 5] => Some(("SERIALNUMBER", 8)),
        _ => None,
    }
}

fn escape(value: &str) -> String {
    let plain = !value.starts_with([' ', '#'])
        && !value.ends_with(' ')
        && !value.contains([',', '+', '"', '\\', '<', '>', ';']);
    if plain {
        return value.to_string();
    }
    let chars: Vec<char> = value.chars().collect();
    let mut out = String::with_capacity(value.len());
    for (i, &c) in chars.iter().enumerate() {
        let special = matches!(c, ',' | '+' | '"' | '\\' | '<' | '>' | ';')
            || (c == ' ' && (i == 0 || i == chars.len() - 1))
            || (c == '#' && i == 0);
        if special {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A known attribute's value: the string, escaped (as Go prints it).
fn attribute_value(atv: &AttributeTypeAndValue) -> String {
    match atv.as_str() {
        Ok(s) => escape(s),
        Err(_) => unknown_attribute_value(atv),
    }
}

/// An attribute Go has no name for prints as `#` and the hex of its value re-marshalled by
/// `encoding/asn1`: strings as PrintableString (tag 13) when they can be, else UTF8String (0c);
/// anything else as it was encoded.
fn unknown_attribute_value(atv: &AttributeTypeAndValue) -> String {
    let any = atv.attr_value();
    let der: Vec<u8> = match atv.as_str() {
        Ok(text) => {
            let printable = text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b" '()+,-./:=?*&".contains(&b));
            let mut out = vec![if printable { 0x13 } else { 0x0c }];
            push_der_length(&mut out, text.len());
            out.extend_from_slice(text.as_bytes());
            out
        }
        Err(_) => {
            let mut out = vec![any
                .header
                .raw_tag()
                .and_then(|t| t.first().copied())
                .unwrap_or(any.tag().0 as u8)];
            push_der_length(&mut out, any.data.len());
            out.extend_from_slice(any.data);
            out
        }
    };
    let mut s = String::with_capacity(1 + der.len() * 2);
    s.push('#');
    for b in der {
        let _ = write!(s, "{b:02x}");
    }
    s
}

fn push_der_length(out: &mut Vec<u8>, len: usize) {
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
}

/// A DN as Go's `pkix.Name.String()` prints it: known attributes in Go's canonical order (C, ST,
/// L, STREET, POSTALCODE, O, OU, CN, SERIALNUMBER) with multi-valued ones joined by `+`, unknown
/// attributes first, the whole sequence reversed and joined by `,`.
pub fn go_name(name: &X509Name) -> String {
    let mut known: Vec<Vec<String>> = vec![Vec::new(); 9];
    let mut rdns: Vec<String> = Vec::new();
    let mut cn: Option<String> = None;
    let mut serial: Option<String> = None;
    for atv in name.iter_attributes() {
        match go_attribute(atv.attr_type()) {
            Some(("CN", _)) => cn = Some(format!("CN={}", attribute_value(atv))),
            Some(("SERIALNUMBER", _)) => {
                serial = Some(format!("SERIALNUMBER={}", attribute_value(atv)))
            }
            Some((short, pos)) => {
                known[pos as usize].push(format!("{short}={}", attribute_value(atv)))
            }
            None => rdns.push(format!(
                "{}={}",
                atv.attr_type().to_id_string(),
                unknown_attribute_value(atv)
            )),
        }
    }
    for group in known.into_iter().take(7).filter(|g| !g.is_empty()) {
        rdns.push(group.join("+"));
    }
    rdns.extend(cn);
    rdns.extend(serial);
    rdns.reverse();
    rdns.join(",")
}

/// `Amazon RDS <region> Root CA RSA2048 G1` (roots) or `Amazon RDS <region> RSA2048 G1`
/// (GovCloud intermediates) → the CA and region, when the region is in the table.
fn rds_ca(common_name: &str) -> (Option<CaId>, Option<&'static Region>) {
    let Some(rest) = common_name.strip_prefix("Amazon RDS ") else {
        return (None, None);
    };
    let Some((region, tail)) = rest.split_once(' ') else {
        return (None, None);
    };
    let Some(region) = Region::get(region) else {
        return (None, None);
    };
    // Roots everywhere; the "Amazon RDS <region> RSA2048 G1" intermediates exist only in GovCloud.
    let tail = match tail.strip_prefix("Root CA ") {
        Some(kind) => kind,
        None if region.partition == "aws-us-gov" => tail,
        None => return (None, None),
    };
    for ca in CaId::ALL {
        let template = ca.authority().root_common_name;
        // The template's suffix after "{region} Root CA ": "RSA2048 G1".
        if let Some(kind) = template.split("Root CA ").nth(1) {
            if tail == kind {
                return (Some(*ca), Some(region));
            }
        }
    }
    (None, None)
}

/// The root certificates of a bundle, in bundle order, concatenated as PEM.
pub fn roots_pem(certs: &[CertificateInfo]) -> String {
    certs
        .iter()
        .filter(|c| c.is_root)
        .map(|c| c.cert_pem.as_str())
        .collect()
}

/// The certificate that expires first.
pub fn soonest_not_after(certs: &[CertificateInfo]) -> Option<&CertificateInfo> {
    certs.iter().min_by_key(|c| c.not_after_unix)
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
        assert_eq!(root.cert_pem, r.pem.replace("\r\n", "\n"));
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
    fn go_escaping() {
        assert_eq!(escape("a,b+c"), "a\\,b\\+c");
        assert_eq!(escape(" lead#"), "\\ lead#");
        assert_eq!(escape("#x "), "\\#x\\ ");
    }

    #[test]
    fn rds_common_names() {
        assert_eq!(
            rds_ca("Amazon RDS ap-south-1 Root CA RSA4096 G1"),
            (Some(CaId::RdsCaRsa4096G1), Region::get("ap-south-1"))
        );
        assert_eq!(
            rds_ca("Amazon RDS us-gov-west-1 RSA2048 G1"),
            (Some(CaId::RdsCaRsa2048G1), Region::get("us-gov-west-1"))
        );
        assert_eq!(
            rds_ca("Amazon RDS Beta us-east-1 Root CA ECC384 G1"),
            (None, None)
        );
        assert_eq!(rds_ca("Amazon RDS us-east-1 2019 CA"), (None, None));
        assert_eq!(rds_ca("Amazon RDS Root 2019 CA"), (None, None));
        assert_eq!(
            rds_ca("Amazon RDS us-east-1 RSA2048 G1"),
            (None, None),
            "commercial regions have no G1 intermediates"
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
