//! Extracting the certificates of an RDS CA bundle, as served: one parser for the trust crate
//! (downloaded bundles, files given to the command line) and the codegen (the compiled-in roots,
//! `rdsca-codegen diff-bundle`). It reads bytes only: no X.509 semantics, no I/O, no table.
//!
//! Accepted forms: PEM `CERTIFICATE` blocks (LF or CRLF, with or without a final newline, text
//! between blocks ignored), PEM-armoured PKCS#7 (`-----BEGIN PKCS7-----`), DER PKCS#7 (`.p7b`)
//! and a single DER certificate. Anything else is an error that says what was found and where
//! (block index, origin URL): an empty body, an HTML error page, a private key, broken base64, a
//! truncated block. No input makes it panic.

use base64::Engine as _;
use der::asn1::{AnyRef, ObjectIdentifier};
use der::{Decode, Encode, Reader, SliceReader, Tag, TagNumber, Tagged};

/// Why a bundle could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{origin}: {}{message}", block.map(|b| format!("block {b}: ")).unwrap_or_default())]
pub struct ParseError {
    pub origin: String,
    /// 1-based PEM block (or certificate) index, when the problem is in one.
    pub block: Option<usize>,
    /// 1-based line of that PEM block's BEGIN line, for files people edit (see
    /// [`located_pem_certificates`]); not part of the message.
    pub line: Option<usize>,
    pub message: String,
}

/// A [`ParseError`] about `origin` (and block `block`, if any): for callers that find a problem
/// of their own in a bundle's certificates and report it the same way.
pub fn error(origin: &str, block: Option<usize>, message: impl Into<String>) -> ParseError {
    ParseError {
        origin: origin.to_string(),
        block,
        line: None,
        message: message.into(),
    }
}

/// A certificate of a PEM file with the 1-based line of the BEGIN line it came from (the
/// certificates of one PKCS7 block share its line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocatedCertificate {
    pub line: usize,
    pub der: Vec<u8>,
}

/// The certificates of PEM text, each with its line: for data files people edit (the
/// compiled-in roots), where a problem should name a line. Errors carry `line` too.
pub fn located_pem_certificates(
    text: &[u8],
    origin: &str,
) -> Result<Vec<LocatedCertificate>, ParseError> {
    let line_of = |offset: usize| 1 + memchr::memchr_iter(b'\n', &text[..offset]).count();
    let mut out = Vec::new();
    pem_blocks(text, origin, |offset, der| {
        out.push(LocatedCertificate {
            line: line_of(offset),
            der,
        })
    })
    .map_err(|(offset, e)| ParseError {
        line: Some(line_of(offset)),
        ..e
    })?;
    Ok(out)
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

/// The DER certificates of a bundle, in bundle order. `origin` (a URL or file name) is named in
/// every error.
pub fn certificate_ders(bytes: &[u8], origin: &str) -> Result<Vec<Vec<u8>>, ParseError> {
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
    Ok(ders)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack, needle)
}

/// DER certificates from PEM text: CERTIFICATE blocks, and the certificates of PKCS7 blocks.
fn pem_certificates(bytes: &[u8], origin: &str) -> Result<Vec<Vec<u8>>, ParseError> {
    let mut out = Vec::new();
    pem_blocks(bytes, origin, |_, der| out.push(der)).map_err(|(_, e)| e)?;
    Ok(out)
}

/// Walks the PEM blocks of `bytes`, handing each certificate (with the byte offset of its block's
/// BEGIN line) to `each`; an error comes with the offset of the block it is about.
/// Works on bytes: no UTF-8 pass over the whole body, no per-character allocation.
fn pem_blocks(
    bytes: &[u8],
    origin: &str,
    mut each: impl FnMut(usize, Vec<u8>),
) -> Result<(), (usize, ParseError)> {
    const BEGIN: &[u8] = b"-----BEGIN ";
    let mut rest = bytes;
    let mut index = 0;
    let mut body = Vec::new();
    while let Some(start) = find(rest, BEGIN) {
        index += 1;
        let offset = bytes.len() - rest.len() + start;
        let fail = |message: String| (offset, error(origin, Some(index), message));
        let after = &rest[start + BEGIN.len()..];
        let Some(label_end) = find(after, b"-----") else {
            return Err(fail(
                "a BEGIN line without its closing dashes (truncated block)".into(),
            ));
        };
        let label = String::from_utf8_lossy(&after[..label_end]).into_owned();
        let body_and_rest = &after[label_end + 5..];
        let end_marker = format!("-----END {label}-----");
        let Some(end) = find(body_and_rest, end_marker.as_bytes()) else {
            return Err(fail(format!(
                "the {label} block has no END line (truncated bundle?)"
            )));
        };
        body.clear();
        body.extend(
            body_and_rest[..end]
                .iter()
                .filter(|b| !b.is_ascii_whitespace()),
        );
        rest = &body_and_rest[end + end_marker.len()..];
        if body.contains(&b':') {
            return Err(fail(format!("the {label} block has headers (encrypted PEM?), which a certificate bundle never has")));
        }
        let der = base64::engine::general_purpose::STANDARD
            .decode(&body)
            .map_err(|e| fail(format!("the {label} block is not valid base64 ({e})")))?;
        match label.as_str() {
            "CERTIFICATE" | "X509 CERTIFICATE" => each(offset, der),
            "PKCS7" | "CMS" => match pkcs7_certificates(&der) {
                Some(certs) => certs.into_iter().for_each(|c| each(offset, c)),
                None => {
                    return Err(fail(format!(
                        "the {label} block is not a PKCS#7 SignedData with certificates"
                    )))
                }
            },
            other => {
                let hint = if other.contains("PRIVATE KEY") {
                    " (a private key must never be published in a trust bundle)"
                } else {
                    ""
                };
                return Err(fail(format!(
                    "a \"{other}\" block, not a certificate{hint}"
                )));
            }
        }
    }
    Ok(())
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
