//! Rust generator: the validated table as `phf` maps and a `CaId` enum; the Amazon Trust Services
//! roots' part comes from `amazon_roots::rust`, which writes its statics with this module's
//! writers (`static_item`, `slice_lines`, `phf_map`, the literals).
//!
//! The output defines its own record types (`TYPES`) and the statics built of them; the including
//! module (table/src/lib.rs, crate rdsca-table) adds behaviour. Keys are inserted in sorted order so the output
//! is byte-for-byte stable for the same data.

use std::fmt::Write;

use crate::model::{Ca, KnownCertificate, Table};
use crate::x509::sha256_hex;

/// The Rust variant name for a CA id: `rds-ca-rsa2048-g1` → `RdsCaRsa2048G1`.
pub fn ca_variant(id: &str) -> String {
    id.split('-')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// A CA id as the generated `CaId` variant: `CaId::RdsCaRsa2048G1`.
fn ca_id(id: &str) -> String {
    format!("CaId::{}", ca_variant(id))
}

fn lit(s: &str) -> String {
    format!("{s:?}")
}

pub(crate) fn opt_lit<T: std::fmt::Debug>(v: &Option<T>) -> String {
    match v {
        Some(v) => format!("Some({v:?})"),
        None => "None".into(),
    }
}

fn ca_record(ca: &Ca) -> String {
    let overrides: Vec<String> = ca
        .partition_signature_algorithm
        .iter()
        .map(|(p, a)| format!("({}, {})", lit(p), lit(a)))
        .collect();
    format!(
        "CertificateAuthority {{ id: {}, key_algorithm: {}, key_size: {}, curve: {}, signature_algorithm: {}, partition_signature_algorithms: &[{}], automatic_rotation: {}, root_common_name: {}, intermediate_common_name: {}, is_default: {} }}",
        ca_id(&ca.id),
        lit(&ca.key_algorithm),
        opt_lit(&ca.key_size),
        opt_lit(&ca.curve),
        lit(&ca.signature_algorithm),
        overrides.join(", "),
        ca.automatic_rotation,
        lit(&ca.root_common_name),
        opt_lit(&ca.intermediate_common_name),
        ca.default,
    )
}

/// The record types the generated statics are made of. The generator owns them, so no
/// hand-written struct has to match the field names it emits; `table/src/lib.rs` adds
/// behaviour in `impl` blocks.
const TYPES: &str = r#"
/// An AWS partition with its own truststore host and global bundle.
#[derive(Debug, PartialEq, Eq)]
pub struct Partition {
    pub id: &'static str,
    pub name: &'static str,
    pub truststore_host: &'static str,
    pub global_pem_url: &'static str,
    /// `None` where no PKCS#7 bundle is documented.
    pub global_p7b_url: Option<&'static str>,
    /// Whether the provider holds this partition's RDS certificates (`KNOWN_CERTIFICATES`).
    pub has_known_certificates: bool,
}

/// One of the RDS certificate authorities.
#[derive(Debug, PartialEq, Eq)]
pub struct CertificateAuthority {
    pub id: CaId,
    /// `RSA` or `EC`.
    pub key_algorithm: &'static str,
    pub key_size: Option<u32>,
    pub curve: Option<&'static str>,
    pub signature_algorithm: &'static str,
    /// Partitions whose roots use another signature algorithm.
    pub partition_signature_algorithms: &'static [(&'static str, &'static str)],
    pub automatic_rotation: bool,
    /// The root certificate's CN, with `{region}` for the region code.
    pub root_common_name: &'static str,
    /// The CN of this CA's intermediates (GovCloud), with `{region}`.
    pub intermediate_common_name: Option<&'static str>,
    pub is_default: bool,
}

/// An AWS Region with its regional bundles and the CAs RDS offers there.
#[derive(Debug, PartialEq, Eq)]
pub struct Region {
    pub code: &'static str,
    pub name: &'static str,
    pub partition: &'static str,
    pub pem_url: &'static str,
    /// `None` where no PKCS#7 bundle is documented.
    pub p7b_url: Option<&'static str>,
    /// The CAs RDS offers in the Region.
    pub cas: &'static [CaId],
    /// The CAs no source confirms or rules out here; every other CA is not offered.
    pub unverified: &'static [CaId],
    /// Notes and corrections to the AWS page, from the data file.
    pub notes: &'static [&'static str],
}

/// A CA RDS no longer offers: its certificates have expired.
#[derive(Debug, PartialEq, Eq)]
pub struct RetiredCa {
    pub id: &'static str,
    /// The last day (UTC, `YYYY-MM-DD`) AWS supported it.
    pub not_after: &'static str,
    /// The CA AWS moved databases to (a current CA or an older retired one).
    pub replaced_by: &'static str,
}

/// RDS endpoints outside the ordinary Regions (Beta, Preview) with G1 roots of their own.
#[derive(Debug, PartialEq, Eq)]
pub struct SpecialSet {
    pub name: &'static str,
    pub region: &'static str,
    pub note: &'static str,
}

/// Root or intermediate: the identifier rules' type, which also reads common names.
pub use rdsca_ids::CertKind;

/// An RDS certificate from `data/roots/`, checked by the generator (CN, key, signature).
#[derive(Debug, PartialEq, Eq)]
pub struct KnownCertificate {
    pub partition: &'static str,
    /// A special set's name, or `None` for the Region's own certificate.
    pub set: Option<&'static str>,
    pub region: &'static str,
    pub ca: CaId,
    pub kind: CertKind,
    pub common_name: &'static str,
    /// SHA-256 of the DER, lowercase hex.
    pub sha256: &'static str,
    pub der: &'static [u8],
    /// Unix seconds.
    pub not_after: i64,
}
"#;

/// `b"\x30\x82…"`: bytes as a Rust byte-string literal.
pub(crate) fn byte_lit(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 4 + 3);
    s.push_str("b\"");
    for b in bytes {
        let _ = write!(s, "\\x{b:02x}");
    }
    s.push('"');
    s
}

/// A phf map from each key to a value expression, with the keys sorted for stable output.
pub(crate) fn phf_map<'a>(entries: impl IntoIterator<Item = (&'a str, String)>) -> String {
    let mut entries: Vec<(&str, String)> = entries.into_iter().collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    let mut map = phf_codegen::Map::new();
    for (k, v) in &entries {
        map.entry(*k, v.clone());
    }
    map.build().to_string()
}

/// A slice expression of `items`, on one line: `&[a, b]`.
fn slice(items: impl IntoIterator<Item = String>) -> String {
    format!("&[{}]", items.into_iter().collect::<Vec<_>>().join(", "))
}

/// A slice expression with one item per line, for records too long to share one (certificates
/// with their DER).
pub(crate) fn slice_lines(items: impl IntoIterator<Item = String>) -> String {
    let mut s = String::from("&[\n");
    for item in items {
        let _ = writeln!(s, "    {item},");
    }
    s.push(']');
    s
}

/// One generated static: a blank line, its doc comment, `pub static NAME: TYPE = VALUE;`.
pub(crate) fn static_item(out: &mut String, doc: &str, name: &str, ty: &str, value: &str) {
    let _ = write!(out, "\n/// {doc}\npub static {name}: {ty} = {value};\n");
}

/// Generates the Rust source for `table`.
pub fn generate(table: &Table) -> String {
    let mut out = String::new();
    out.push_str("// @generated by rdsca-codegen from data/rds-ca.toml. Do not edit: change the data file.\n");
    out.push_str(TYPES);

    // CaId
    out.push_str("\n/// The RDS certificate authorities, as named by `ca_cert_identifier`.\n");
    out.push_str(
        "#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]\npub enum CaId {\n",
    );
    for ca in &table.cas {
        let _ = writeln!(out, "    /// `{}`\n    {},", ca.id, ca_variant(&ca.id));
    }
    out.push_str("}\n\nimpl CaId {\n");
    let _ = writeln!(
        out,
        "    /// Every CA, in the data file's order.\n    pub const ALL: &'static [CaId] = {};",
        slice(table.cas.iter().map(|c| ca_id(&c.id)))
    );
    let _ = writeln!(
        out,
        "    /// The CA RDS uses when none is chosen.\n    pub const DEFAULT: CaId = {};",
        ca_id(&table.default_ca().id)
    );
    out.push_str("    /// The identifier as AWS spells it.\n    pub const fn as_str(self) -> &'static str {\n        match self {\n");
    for ca in &table.cas {
        let _ = writeln!(out, "            {} => {},", ca_id(&ca.id), lit(&ca.id));
    }
    out.push_str("        }\n    }\n}\n");

    // Partitions
    let partitions = phf_map(table.partitions.iter().map(|p| {
        (
            p.id.as_str(),
            format!(
                "Partition {{ id: {}, name: {}, truststore_host: {}, global_pem_url: {}, global_p7b_url: {}, has_known_certificates: {} }}",
                lit(&p.id),
                lit(&p.name),
                lit(&p.truststore_host),
                lit(&p.global_pem_url),
                opt_lit(&p.global_p7b_url),
                p.certificates.is_some(),
            ),
        )
    }));
    static_item(
        &mut out,
        "Partition id → partition.",
        "PARTITIONS",
        "phf::Map<&'static str, Partition>",
        &partitions,
    );
    let mut ids: Vec<String> = table.partitions.iter().map(|p| lit(&p.id)).collect();
    ids.sort();
    static_item(
        &mut out,
        "Partition ids, sorted.",
        "PARTITION_IDS",
        "&[&str]",
        &slice(ids),
    );

    // CAs
    let cas = phf_map(table.cas.iter().map(|c| (c.id.as_str(), ca_record(c))));
    static_item(
        &mut out,
        "CA id → certificate authority.",
        "CAS",
        "phf::Map<&'static str, CertificateAuthority>",
        &cas,
    );

    // Retired CAs
    let retired: Vec<String> = table
        .retired_cas
        .iter()
        .map(|r| {
            format!(
                "RetiredCa {{ id: {}, not_after: {}, replaced_by: {} }}",
                lit(&r.id),
                lit(&r.not_after),
                lit(&r.replaced_by)
            )
        })
        .collect();
    static_item(
        &mut out,
        "CAs RDS no longer offers, in the data file's order.",
        "RETIRED_CAS",
        "&[RetiredCa]",
        &slice(retired),
    );

    // Regions
    let regions = phf_map(table.regions.iter().map(|r| {
        let ids = |list: &[String]| slice(list.iter().map(|c| ca_id(c)));
        let mut notes: Vec<String> = r.note.iter().map(|n| lit(n)).collect();
        notes.extend(r.corrections.iter().map(|c| lit(&format!("The AWS page gives {} as {:?}: {}", c.field, c.page_says, c.why))));
        (
            r.code.as_str(),
            format!(
                "Region {{ code: {}, name: {}, partition: {}, pem_url: {}, p7b_url: {}, cas: {}, unverified: {}, notes: {} }}",
                lit(&r.code),
                lit(&r.name),
                lit(&r.partition),
                lit(&r.pem_url),
                opt_lit(&r.p7b_url),
                ids(&r.cas),
                ids(&r.unverified_cas),
                slice(notes)
            ),
        )
    }));
    static_item(
        &mut out,
        "Region code → region.",
        "REGIONS",
        "phf::Map<&'static str, Region>",
        &regions,
    );
    let mut codes: Vec<String> = table.regions.iter().map(|r| lit(&r.code)).collect();
    codes.sort();
    static_item(
        &mut out,
        "Region codes, sorted.",
        "REGION_CODES",
        "&[&str]",
        &slice(codes),
    );

    // Special sets
    let sets: Vec<String> = table
        .special_sets
        .iter()
        .map(|s| {
            format!(
                "SpecialSet {{ name: {}, region: {}, note: {} }}",
                lit(&s.name),
                lit(&s.region),
                lit(&s.note)
            )
        })
        .collect();
    static_item(
        &mut out,
        "Beta and Preview endpoints with roots of their own.",
        "SPECIAL_SETS",
        "&[SpecialSet]",
        &slice(sets),
    );

    // Known certificates
    let known = table.certificates.iter().map(|c| {
        format!(
            "KnownCertificate {{ partition: {}, set: {}, region: {}, ca: {}, kind: CertKind::{:?}, common_name: {}, sha256: {}, der: {}, not_after: {} }}",
            lit(&c.partition),
            opt_lit(&c.set),
            lit(&c.region),
            ca_id(&c.ca),
            c.kind,
            lit(&c.common_name),
            lit(&c.sha256),
            byte_lit(&c.der),
            c.not_after,
        )
    });
    static_item(
        &mut out,
        "The RDS certificates compiled in, sorted by partition, set, Region, CA and kind.",
        "KNOWN_CERTIFICATES",
        "&[KnownCertificate]",
        &slice_lines(known),
    );
    // A certificate's index in `KNOWN_CERTIFICATES`, by one of its keys.
    let index_by = |key: fn(&KnownCertificate) -> &str| {
        phf_map(
            table
                .certificates
                .iter()
                .enumerate()
                .map(|(i, c)| (key(c), i.to_string())),
        )
    };
    static_item(
        &mut out,
        "SHA-256 (hex) → index into `KNOWN_CERTIFICATES`.",
        "KNOWN_BY_SHA256",
        "phf::Map<&'static str, usize>",
        &index_by(|c| &c.sha256),
    );
    static_item(
        &mut out,
        "Common name → index into `KNOWN_CERTIFICATES`.",
        "KNOWN_BY_COMMON_NAME",
        "phf::Map<&'static str, usize>",
        &index_by(|c| &c.common_name),
    );
    let fingerprints: String = table
        .certificates
        .iter()
        .map(|c| c.sha256.as_str())
        .collect();
    let _ = writeln!(out, "\n/// SHA-256 over the fingerprints of `KNOWN_CERTIFICATES`: names this set of known certificates.\npub const KNOWN_CERTIFICATES_DIGEST: &str = {};", lit(&sha256_hex(fingerprints.as_bytes())));
    out.push_str(&crate::amazon_roots::rust(&table.amazon_trust, |id| {
        table
            .sources
            .iter()
            .find(|s| s.id == id)
            .map(|s| s.url.clone())
            .unwrap_or_default()
    }));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variant_names_are_camel_case() {
        assert_eq!(ca_variant("rds-ca-rsa2048-g1"), "RdsCaRsa2048G1");
        assert_eq!(ca_variant("rds-ca-ecc384-g1"), "RdsCaEcc384G1");
    }
}
