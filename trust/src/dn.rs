//! Distinguished names as Go's `pkix.Name.String()` prints them, so `subject` and `issuer` read
//! exactly as in Terraform's `tls_certificate`.

use std::fmt::Write as _;

use x509_parser::oid_registry::Oid;
use x509_parser::x509::{AttributeTypeAndValue, X509Name};

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

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn go_escaping() {
        assert_eq!(escape("a,b+c"), "a\\,b\\+c");
        assert_eq!(escape(" lead#"), "\\ lead#");
        assert_eq!(escape("#x "), "\\#x\\ ");
    }
}
