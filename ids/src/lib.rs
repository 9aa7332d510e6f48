//! The rules about identifiers, written once for the generator (`rdsca-codegen`, which checks the
//! data file with them) and for everything built on the generated table (`rdsca-table`, the
//! provider, the command line): what a Region code, a partition id and a CA id look like, how an
//! RDS certificate's common name names its CA and Region, and the "did you mean" search.
//!
//! It owns no data (the table is `data/rds-ca.toml`) and must not depend on the table, the
//! generator or any front end: both sides of the generated code depend on it.

mod common_name;
mod suggest;

pub use common_name::{parse_common_name, CertKind, CommonName};
pub use suggest::{closest, UnknownValue, MAX_SUGGESTIONS};

/// `us-east-1`, `ap-southeast-7`, `us-gov-west-1`: a two-letter word and one or two more
/// lower-case words, then a number of one or two digits, joined by `-`.
pub fn is_region_code(code: &str) -> bool {
    let parts: Vec<&str> = code.split('-').collect();
    let Some((last, words)) = parts.split_last() else {
        return false;
    };
    (2..=3).contains(&words.len())
        && words[0].len() == 2
        && words
            .iter()
            .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase()))
        && (1..=2).contains(&last.len())
        && last.bytes().all(|b| b.is_ascii_digit())
}

/// `aws`, `aws-us-gov`, `aws-cn`: `aws`, or `aws-` and lower-case words.
pub fn is_partition_id(id: &str) -> bool {
    id == "aws"
        || id.strip_prefix("aws-").is_some_and(|rest| {
            rest.split('-')
                .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase()))
        })
}

/// `rds-ca-rsa2048-g1`, `rds-ca-2019`: `rds-ca-` and lower-case letters, digits and `-`.
pub fn is_ca_id(id: &str) -> bool {
    id.starts_with("rds-ca-")
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The partition id a well-formed Region code belongs to by its prefix: `cn-…` is AWS China,
/// `us-gov-…` GovCloud, the isolated `us-iso…` / `eu-isoe-…` partitions have none the table
/// knows (`None`), the rest are commercial.
pub fn partition_of_region_code(code: &str) -> Option<&'static str> {
    if !is_region_code(code) || code.starts_with("us-iso") || code.starts_with("eu-isoe-") {
        None
    } else if code.starts_with("cn-") {
        Some("aws-cn")
    } else if code.starts_with("us-gov-") {
        Some("aws-us-gov")
    } else {
        Some("aws")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_codes() {
        for ok in [
            "us-east-1",
            "ap-southeast-7",
            "us-gov-west-1",
            "mx-central-1",
            "eu-west-10",
        ] {
            assert!(is_region_code(ok), "{ok}");
        }
        for bad in [
            "",
            "us",
            "us-east",
            "US-east-1",
            "use-east-1",
            "us-east-100",
            "us--1",
            "us-east-1a",
            "us-gov-west-east-1",
            "global",
        ] {
            assert!(!is_region_code(bad), "{bad}");
        }
    }

    #[test]
    fn partition_ids() {
        for ok in ["aws", "aws-us-gov", "aws-cn", "aws-iso-b"] {
            assert!(is_partition_id(ok), "{ok}");
        }
        for bad in ["", "aws-", "AWS", "aws-US", "azure", "aws--x"] {
            assert!(!is_partition_id(bad), "{bad}");
        }
    }

    #[test]
    fn ca_ids() {
        assert!(is_ca_id("rds-ca-rsa2048-g1"));
        assert!(is_ca_id("rds-ca-2019"));
        assert!(!is_ca_id("rds-ca-RSA2048-g1"));
        assert!(!is_ca_id("ca-rsa2048-g1"));
    }

    #[test]
    fn partitions_by_region_prefix() {
        assert_eq!(partition_of_region_code("cn-north-1"), Some("aws-cn"));
        assert_eq!(
            partition_of_region_code("us-gov-east-1"),
            Some("aws-us-gov")
        );
        assert_eq!(partition_of_region_code("eu-central-2"), Some("aws"));
        assert_eq!(partition_of_region_code("us-isob-east-1"), None);
        assert_eq!(partition_of_region_code("eu-isoe-west-1"), None);
        assert_eq!(partition_of_region_code("not a region"), None);
    }
}
