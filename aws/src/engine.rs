//! Rules over the RDS API's answers that every front end applies the same way: the engine
//! identifiers RDS documents, how close two engine versions are, and the account's effective
//! default CA.

use rdsca_table::CaId;

/// Engine identifiers RDS documents (`CreateDBInstance`'s `Engine`), for a "did you mean" when
/// the API lists no version of an engine.
pub const ENGINES: &[&str] = &[
    "aurora-mysql",
    "aurora-postgresql",
    "custom-oracle-ee",
    "custom-oracle-ee-cdb",
    "custom-oracle-se2",
    "custom-oracle-se2-cdb",
    "custom-sqlserver-dev",
    "custom-sqlserver-ee",
    "custom-sqlserver-se",
    "custom-sqlserver-web",
    "db2-ae",
    "db2-se",
    "mariadb",
    "mysql",
    "oracle-ee",
    "oracle-ee-cdb",
    "oracle-se2",
    "oracle-se2-cdb",
    "postgres",
    "sqlserver-dev-ee",
    "sqlserver-ee",
    "sqlserver-ex",
    "sqlserver-se",
    "sqlserver-web",
];

pub const ACCOUNT_OVERRIDE: &str = "account_override";
pub const AWS_DEFAULT: &str = "aws_default";

/// Dot-separated components of a version.
fn parts(v: &str) -> Vec<&str> {
    v.split('.').collect()
}

/// Versions ordered closest to `wanted` first: most leading components in common, then the
/// nearest number in the first component that differs, then the newer one.
pub fn closest_versions<'a>(wanted: &str, versions: &'a [String]) -> Vec<&'a str> {
    let want = parts(wanted);
    let key = |v: &'a String| {
        let have = parts(v);
        let common = want.iter().zip(&have).take_while(|(a, b)| a == b).count();
        let distance = match (want.get(common), have.get(common)) {
            (Some(a), Some(b)) => match (a.parse::<i64>(), b.parse::<i64>()) {
                (Ok(a), Ok(b)) => (a - b).unsigned_abs(),
                _ => u64::MAX / 2,
            },
            _ => 0,
        };
        (std::cmp::Reverse(common), distance)
    };
    let mut sorted: Vec<&'a String> = versions.iter().collect();
    sorted.sort_by(|a, b| key(a).cmp(&key(b)).then_with(|| version_cmp(b, a)));
    sorted.dedup();
    sorted.into_iter().map(String::as_str).collect()
}

/// Numeric-aware comparison of two versions.
fn version_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let (a, b) = (parts(a), parts(b));
    for (x, y) in a.iter().zip(&b) {
        let o = match (x.parse::<u64>(), y.parse::<u64>()) {
            (Ok(x), Ok(y)) => x.cmp(&y),
            _ => x.cmp(y),
        };
        if o.is_ne() {
            return o;
        }
    }
    a.len().cmp(&b.len())
}

/// The account's effective default CA and where it came from.
pub fn effective_default(
    certificates: &[crate::Certificate],
    default_for_new_launches: Option<&str>,
) -> (String, &'static str) {
    if let Some(c) = certificates.iter().find(|c| c.customer_override) {
        return (c.identifier.clone(), ACCOUNT_OVERRIDE);
    }
    let id = default_for_new_launches.unwrap_or(CaId::DEFAULT.as_str());
    (id.to_string(), AWS_DEFAULT)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Certificate;

    #[test]
    fn closest_versions_share_the_most_leading_components() {
        let versions: Vec<String> = ["13.4", "16.1", "16.3", "16.10", "15.7", "17.2", "16.2"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            closest_versions("16.4", &versions),
            ["16.3", "16.2", "16.1", "16.10", "17.2", "15.7", "13.4"]
        );
        assert_eq!(
            closest_versions("16", &versions)[..4],
            ["16.10", "16.3", "16.2", "16.1"]
        );
    }

    #[test]
    fn the_override_wins_over_the_aws_default() {
        let cert = |id: &str, o: bool| Certificate {
            identifier: id.into(),
            customer_override: o,
            valid_from: None,
            valid_till: None,
        };
        let certs = [
            cert("rds-ca-rsa2048-g1", false),
            cert("rds-ca-ecc384-g1", true),
        ];
        assert_eq!(
            effective_default(&certs, Some("rds-ca-ecc384-g1")),
            ("rds-ca-ecc384-g1".to_string(), ACCOUNT_OVERRIDE)
        );
        let certs = [cert("rds-ca-rsa2048-g1", false)];
        assert_eq!(
            effective_default(&certs, None),
            ("rds-ca-rsa2048-g1".to_string(), AWS_DEFAULT)
        );
        assert_eq!(
            effective_default(&certs, Some("rds-ca-rsa4096-g1")),
            ("rds-ca-rsa4096-g1".to_string(), AWS_DEFAULT)
        );
    }
}
