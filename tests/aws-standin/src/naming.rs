//! The names AWS gives RDS resources: partitions, ARNs, DNS names, ports and generated
//! identifiers, as the real provider writes them into the state.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::atomic::{AtomicU32, Ordering};

/// The account every stand-in ARN names (AWS's documentation account).
pub const ACCOUNT_ID: &str = "123456789012";

/// The partition of a Region code: AWS's own rule, by prefix.
pub fn partition(region: &str) -> &'static str {
    if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else if region.starts_with("cn-") {
        "aws-cn"
    } else {
        "aws"
    }
}

/// The RDS DNS suffix of a Region: AWS China's endpoints end in `.com.cn`.
pub fn rds_dns_suffix(region: &str) -> &'static str {
    if partition(region) == "aws-cn" {
        "rds.amazonaws.com.cn"
    } else {
        "rds.amazonaws.com"
    }
}

/// Why `region` is not shaped like an AWS Region code (`eu-west-1`, `us-gov-west-1`,
/// `cn-north-1`, `eusc-de-east-1`), or `None` when it is. The real provider rejects such codes
/// too; which Regions exist is not the stand-in's business.
pub fn region_problem(region: &str) -> Option<String> {
    let parts: Vec<&str> = region.split('-').collect();
    let well_formed = parts.len() >= 3
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && (2..=4).contains(&parts[0].len())
        && parts[parts.len() - 1]
            .parse::<u8>()
            .is_ok_and(|n| n > 0 && !parts[parts.len() - 1].starts_with('0'));
    (!well_formed).then(|| {
        format!(
            "{region:?} is not an AWS Region code: expected lowercase words and a number, such as \"eu-west-1\", \"us-gov-west-1\" or \"cn-north-1\"."
        )
    })
}

/// What an ARN names: a DB instance (`db:`) or a DB cluster (`cluster:`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArnKind {
    Instance,
    Cluster,
}

pub fn arn(kind: ArnKind, region: &str, identifier: &str) -> String {
    let resource = match kind {
        ArnKind::Instance => "db",
        ArnKind::Cluster => "cluster",
    };
    format!(
        "arn:{}:rds:{region}:{ACCOUNT_ID}:{resource}:{identifier}",
        partition(region)
    )
}

/// The DNS name of a DB instance: `<id>.<account hash>.<region>.rds.amazonaws.com[.cn]`. The
/// 12-letter part is the same for every resource of an account and Region in AWS, and fixed here.
pub fn instance_address(region: &str, identifier: &str) -> String {
    format!(
        "{identifier}.abcdefghijkl.{region}.{}",
        rds_dns_suffix(region)
    )
}

/// The writer endpoint of a DB cluster: `<id>.cluster-<account hash>.<region>.rds.amazonaws.com`.
pub fn cluster_endpoint(region: &str, identifier: &str) -> String {
    format!(
        "{identifier}.cluster-abcdefghijkl.{region}.{}",
        rds_dns_suffix(region)
    )
}

/// The engines the stand-in knows, by family, with their default port.
const ENGINE_PORTS: [(&str, i64); 9] = [
    ("aurora-postgresql", 5432),
    ("aurora-mysql", 3306),
    ("aurora", 3306),
    ("postgres", 5432),
    ("mysql", 3306),
    ("mariadb", 3306),
    ("oracle-", 1521),
    ("sqlserver-", 1433),
    ("db2-", 50000),
];

/// The default port of an engine (`postgres`, `aurora-mysql`, `oracle-ee`, `sqlserver-se`, ...),
/// or why the engine is unknown.
pub fn default_port(engine: &str) -> Result<i64, String> {
    // RDS Custom names its engines `custom-oracle-*` and `custom-sqlserver-*`.
    let (base, custom) = match engine.strip_prefix("custom-") {
        Some(base) => (base, true),
        None => (engine, false),
    };
    ENGINE_PORTS
        .iter()
        .find(|(family, _)| match family.strip_suffix('-') {
            Some(name) => {
                base.starts_with(family)
                    && base.len() > family.len()
                    && (!custom || name == "oracle" || name == "sqlserver")
            }
            None => !custom && base == *family,
        })
        .map(|(_, port)| *port)
        .ok_or_else(|| {
            format!(
                "Unknown engine {engine:?}. Engines: aurora-mysql, aurora-postgresql, mysql, mariadb, postgres, oracle-* (oracle-ee, oracle-se2, ...), sqlserver-* (sqlserver-ee, sqlserver-se, sqlserver-ex, sqlserver-web), db2-* (db2-se, db2-ae), and custom-oracle-* / custom-sqlserver-*."
            )
        })
}

/// A name Terraform's AWS provider would generate for an unnamed resource: the prefix, a UTC
/// timestamp to the ten-thousandth of a second, and an 8-digit counter (like
/// `terraform-20240529115235085500000009`).
pub fn unique_identifier(prefix: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(1);
    let now = time::OffsetDateTime::now_utc();
    let stamp = now
        .format(time::macros::format_description!(
            "[year][month][day][hour][minute][second]"
        ))
        .unwrap_or_default();
    let ten_thousandths = now.nanosecond() / 100_000;
    let counter = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{prefix}{stamp}{ten_thousandths:04}{counter:08x}")
}

/// The immutable resource ID RDS gives an instance (`db-` and 26 base-32 letters), derived
/// from its Region and identifier so that it stays the same for the same database.
pub fn resource_id(region: &str, identifier: &str) -> String {
    const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut letters = String::with_capacity(26);
    let mut round = 0u64;
    while letters.len() < 26 {
        let mut hasher = DefaultHasher::new();
        (region, identifier, round).hash(&mut hasher);
        let mut bits = hasher.finish();
        for _ in 0..12 {
            if letters.len() == 26 {
                break;
            }
            letters.push(BASE32[(bits % 32) as usize] as char);
            bits /= 32;
        }
        round += 1;
    }
    format!("db-{letters}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partitions_and_dns_suffixes_follow_the_region_prefix() {
        assert_eq!(partition("eu-west-1"), "aws");
        assert_eq!(partition("us-gov-west-1"), "aws-us-gov");
        assert_eq!(partition("cn-north-1"), "aws-cn");
        assert_eq!(rds_dns_suffix("us-gov-east-1"), "rds.amazonaws.com");
        assert_eq!(rds_dns_suffix("cn-northwest-1"), "rds.amazonaws.com.cn");
    }

    #[test]
    fn arns_and_endpoints_have_the_real_shapes() {
        assert_eq!(
            arn(ArnKind::Instance, "eu-west-1", "db1"),
            "arn:aws:rds:eu-west-1:123456789012:db:db1"
        );
        assert_eq!(
            arn(ArnKind::Cluster, "us-gov-west-1", "c1"),
            "arn:aws-us-gov:rds:us-gov-west-1:123456789012:cluster:c1"
        );
        assert_eq!(
            arn(ArnKind::Instance, "cn-north-1", "db1"),
            "arn:aws-cn:rds:cn-north-1:123456789012:db:db1"
        );
        assert_eq!(
            instance_address("cn-north-1", "db1"),
            "db1.abcdefghijkl.cn-north-1.rds.amazonaws.com.cn"
        );
        assert_eq!(
            cluster_endpoint("eu-west-1", "c1"),
            "c1.cluster-abcdefghijkl.eu-west-1.rds.amazonaws.com"
        );
    }

    #[test]
    fn region_codes_are_checked_for_shape_only() {
        for good in [
            "eu-west-1",
            "us-gov-west-1",
            "cn-north-1",
            "ap-southeast-7",
            "eusc-de-east-1",
            "xx-made-up-9",
        ] {
            assert_eq!(region_problem(good), None, "{good}");
        }
        for bad in [
            "",
            "eu-west",
            "EU-WEST-1",
            "eu-west-01",
            "eu--1",
            "europe-west-1",
            "eu-west-1a",
        ] {
            let problem = region_problem(bad).unwrap_or_else(|| panic!("{bad:?} accepted"));
            assert!(problem.contains(&format!("{bad:?}")), "{problem}");
            assert!(problem.contains("eu-west-1"), "{problem}");
        }
    }

    #[test]
    fn engines_get_their_default_ports() {
        for (engine, port) in [
            ("postgres", 5432),
            ("aurora-postgresql", 5432),
            ("mysql", 3306),
            ("aurora-mysql", 3306),
            ("aurora", 3306),
            ("mariadb", 3306),
            ("oracle-se2", 1521),
            ("custom-oracle-ee", 1521),
            ("sqlserver-se", 1433),
            ("custom-sqlserver-web", 1433),
            ("db2-ae", 50000),
        ] {
            assert_eq!(default_port(engine), Ok(port), "{engine}");
        }
        for bad in ["postgresql", "oracle-", "mongodb", "custom-postgres", ""] {
            let err = default_port(bad).unwrap_err();
            assert!(
                err.contains(&format!("{bad:?}")) && err.contains("aurora-postgresql"),
                "{err}"
            );
        }
    }

    #[test]
    fn generated_names_are_unique_and_shaped_like_the_real_ones() {
        let a = unique_identifier("terraform-");
        let b = unique_identifier("terraform-");
        assert_ne!(a, b);
        let digits = a.strip_prefix("terraform-").unwrap();
        assert_eq!(digits.len(), 26, "{a}");
        assert!(digits.bytes().all(|c| c.is_ascii_hexdigit()), "{a}");

        let id = resource_id("eu-west-1", "db1");
        assert_eq!(id, resource_id("eu-west-1", "db1"));
        assert_ne!(id, resource_id("eu-west-2", "db1"));
        assert_eq!(id.len(), 29, "{id}");
        assert!(id[3..]
            .bytes()
            .all(|c| c.is_ascii_uppercase() || (b'2'..=b'7').contains(&c)));
    }
}
