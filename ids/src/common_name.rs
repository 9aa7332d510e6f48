//! How an RDS certificate's common name names its CA and Region: `Amazon RDS [<Set> ]<region>
//! Root CA RSA2048 G1` for a root, `Amazon RDS <region> RSA2048 G1` for an intermediate. The
//! forms themselves are data (each CA's `root_common_name` / `intermediate_common_name`, with a
//! `{region}` placeholder); this is the one reader of them.

use crate::is_region_code;

/// Root or intermediate: which of a CA's two common-name forms a certificate has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CertKind {
    Root,
    Intermediate,
}

/// What a common name claims. The Region is whatever the CN says, known to the table or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommonName<'a, C> {
    /// `Beta`, `Preview`, ... or `None` for a Region's own certificate.
    pub set: Option<&'a str>,
    pub region: &'a str,
    /// The CA whose form matched, as the caller identifies CAs.
    pub ca: C,
    pub kind: CertKind,
}

/// Reads `common_name` against `forms`: for each CA, `(ca, root form, intermediate form)`. The
/// first form that matches, with a well-formed Region code (and an alphabetic set name, if any)
/// in its `{region}` place, wins.
pub fn parse_common_name<'a, 'f, C: Copy>(
    common_name: &'a str,
    forms: impl IntoIterator<Item = (C, &'f str, Option<&'f str>)>,
) -> Option<CommonName<'a, C>> {
    forms.into_iter().find_map(|(ca, root, intermediate)| {
        std::iter::once((CertKind::Root, root))
            .chain(intermediate.map(|f| (CertKind::Intermediate, f)))
            .find_map(|(kind, form)| {
                let (prefix, suffix) = form.split_once("{region}")?;
                let middle = common_name.strip_prefix(prefix)?.strip_suffix(suffix)?;
                let (set, region) = match middle.split_once(' ') {
                    Some((set, region)) => (Some(set), region),
                    None => (None, middle),
                };
                let set_ok = set.is_none_or(|s| s.bytes().all(|b| b.is_ascii_alphabetic()));
                (set_ok && is_region_code(region)).then_some(CommonName {
                    set,
                    region,
                    ca,
                    kind,
                })
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const FORMS: [(u8, &str, Option<&str>); 2] = [
        (
            1,
            "Amazon RDS {region} Root CA RSA2048 G1",
            Some("Amazon RDS {region} RSA2048 G1"),
        ),
        (2, "Amazon RDS {region} Root CA ECC384 G1", None),
    ];

    #[test]
    fn roots_intermediates_and_sets() {
        let root = parse_common_name("Amazon RDS eu-west-1 Root CA RSA2048 G1", FORMS).unwrap();
        assert_eq!(
            (root.set, root.region, root.ca, root.kind),
            (None, "eu-west-1", 1, CertKind::Root)
        );
        let inter = parse_common_name("Amazon RDS eu-west-1 RSA2048 G1", FORMS).unwrap();
        assert_eq!((inter.ca, inter.kind), (1, CertKind::Intermediate));
        let beta = parse_common_name("Amazon RDS Beta us-east-1 Root CA ECC384 G1", FORMS).unwrap();
        assert_eq!(
            (beta.set, beta.region, beta.ca),
            (Some("Beta"), "us-east-1", 2)
        );
    }

    #[test]
    fn other_names_claim_nothing() {
        for cn in [
            "Amazon RDS Root 2019 CA",
            "Amazon RDS eu west 1 Root CA RSA2048 G1",
            "Amazon RDS B3ta us-east-1 Root CA ECC384 G1",
            "Amazon RDS eu-west-1 Root CA RSA2048 G1 ",
            "",
        ] {
            assert_eq!(parse_common_name(cn, FORMS), None, "{cn:?}");
        }
    }
}
