//! Rules over the RDS API's answers that every front end applies the same way: the engine
//! identifiers RDS documents, how close two engine versions are, the account's effective
//! default CA, and whether an engine version supports a CA (with the words of the error).

use rdsca_table::CaId;

use crate::EngineVersion;

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

/// An engine version that cannot use a CA: the one-line summary and the detail, which names the
/// CAs the version supports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsupported {
    pub summary: String,
    pub detail: String,
}

/// The engine RDS names for `found`, else the one asked for.
fn engine_name<'a>(found: &'a EngineVersion, asked: &'a str) -> &'a str {
    if found.engine.is_empty() {
        asked
    } else {
        &found.engine
    }
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "none".into()
    } else {
        items.join(", ")
    }
}

/// The supported CA closest to `ca`, when it is not `ca` itself (a "did you mean").
fn nearest<'a>(ca: &str, supported: &'a [String]) -> Option<&'a str> {
    let supported: Vec<&str> = supported.iter().map(String::as_str).collect();
    rdsca_ids::closest(ca, &supported)
        .first()
        .copied()
        .filter(|s| *s != ca)
}

/// `Ok` when `found` supports `ca`; else the error `unsupported` words from the engine version
/// as the messages name it (`sqlserver-se 15.00.4236.7.v1`: RDS's engine name, else the one
/// asked for as `engine`) and the list of the CAs it does support.
fn require_support(
    found: &EngineVersion,
    engine: &str,
    ca: &str,
    unsupported: impl FnOnce(&str, &str) -> Unsupported,
) -> Result<(), Unsupported> {
    let supported = &found.supported_ca_identifiers;
    if supported.iter().any(|s| s == ca) {
        return Ok(());
    }
    let version = format!("{} {}", engine_name(found, engine), found.engine_version);
    Err(unsupported(&version, &list(supported)))
}

/// The CA a database gets: the one its configuration chooses, or, where it chooses none, the
/// account's default in the Region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaInQuestion<'a> {
    Chosen(&'a str),
    AccountDefault {
        id: &'a str,
        /// Where the default came from: [`ACCOUNT_OVERRIDE`] or [`AWS_DEFAULT`].
        source: &'a str,
        /// What the error tells the user to set instead.
        set_instead: &'a str,
    },
}

/// Whether `found` (asked for as `engine` in `region`) supports the CA a database would get;
/// the error says which CA that is and why the database would get it.
pub fn check_support(
    found: &EngineVersion,
    engine: &str,
    region: &str,
    ca: CaInQuestion,
) -> Result<(), Unsupported> {
    match ca {
        CaInQuestion::Chosen(ca) => require_support(found, engine, ca, |version, supported| {
            let mut detail = format!(
                "{version} in {region} does not support CA {ca}: AWS would reject it at apply time (InvalidParameterCombination). CAs this version supports: {supported}."
            );
            if let Some(near) = nearest(ca, &found.supported_ca_identifiers) {
                detail.push_str(&format!(" Did you mean \"{near}\"?"));
            }
            Unsupported {
                summary: format!("CA \"{ca}\" is not supported by {version}"),
                detail,
            }
        }),
        CaInQuestion::AccountDefault {
            id,
            source,
            set_instead,
        } => require_support(found, engine, id, |version, supported| {
            let origin = if source == ACCOUNT_OVERRIDE {
                "the account's override of the default CA (aws rds modify-certificates)"
            } else {
                "the AWS default CA"
            };
            Unsupported {
                summary: format!("The account's default CA {id} is not supported by {version}"),
                detail: format!(
                    "No CA is set, so a new database gets the default CA of the account in {region}: {id}, {origin}. {version} in {region} does not support it, and AWS would reject the database at apply time (InvalidParameterCombination). Set {set_instead} to one of: {supported}."
                ),
            }
        }),
    }
}

/// What to do about an API error code, as a sentence to append (or nothing).
pub fn api_error_hint(code: &str) -> &'static str {
    match code {
        "InvalidClientTokenId" | "UnrecognizedClientException" | "SignatureDoesNotMatch"
        | "ExpiredToken" | "ExpiredTokenException" => {
            " The AWS credentials were rejected: check which identity the chain picks (`aws sts get-caller-identity`)."
        }
        "AccessDenied" | "AccessDeniedException" | "UnauthorizedOperation" => {
            " The identity needs rds:DescribeDBEngineVersions and rds:DescribeCertificates."
        }
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Certificate;

    fn sqlserver() -> EngineVersion {
        EngineVersion {
            engine: "sqlserver-se".into(),
            engine_version: "15.00.4236.7.v1".into(),
            supported_ca_identifiers: vec!["rds-ca-rsa2048-g1".into(), "rds-ca-rsa4096-g1".into()],
            supports_certificate_rotation_without_restart: Some(false),
        }
    }

    #[test]
    fn a_chosen_ca_the_version_lacks() {
        let v = sqlserver();
        let chosen = |ca| check_support(&v, "sqlserver-se", "eu-west-1", CaInQuestion::Chosen(ca));
        assert_eq!(chosen("rds-ca-rsa4096-g1"), Ok(()));
        let e = chosen("rds-ca-ecc384-g1").unwrap_err();
        assert_eq!(
            e.summary,
            "CA \"rds-ca-ecc384-g1\" is not supported by sqlserver-se 15.00.4236.7.v1"
        );
        assert!(
            e.detail
                .ends_with("CAs this version supports: rds-ca-rsa2048-g1, rds-ca-rsa4096-g1."),
            "{}",
            e.detail
        );
        let e = chosen("rds-ca-rsa4096-g2").unwrap_err();
        assert!(
            e.detail.ends_with(" Did you mean \"rds-ca-rsa4096-g1\"?"),
            "{}",
            e.detail
        );
    }

    #[test]
    fn a_default_the_version_lacks() {
        let v = sqlserver();
        assert_eq!(
            check_support(
                &v,
                "sqlserver-se",
                "eu-west-1",
                CaInQuestion::AccountDefault {
                    id: "rds-ca-rsa2048-g1",
                    source: AWS_DEFAULT,
                    set_instead: "x"
                }
            ),
            Ok(())
        );
        let e = check_support(
            &v,
            "sqlserver-se",
            "eu-west-1",
            CaInQuestion::AccountDefault {
                id: "rds-ca-ecc384-g1",
                source: ACCOUNT_OVERRIDE,
                set_instead: "ca_identifier",
            },
        )
        .unwrap_err();
        assert_eq!(e.summary, "The account's default CA rds-ca-ecc384-g1 is not supported by sqlserver-se 15.00.4236.7.v1");
        assert!(
            e.detail
                .contains("the account's override of the default CA"),
            "{}",
            e.detail
        );
        assert!(
            e.detail
                .ends_with("Set ca_identifier to one of: rds-ca-rsa2048-g1, rds-ca-rsa4096-g1."),
            "{}",
            e.detail
        );
    }

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
