//! Which Region an RDS resource is in, and where that came from. In order: its own `region`
//! argument (AWS provider 6), its ARN, availability zone or endpoint (from the plan, else the
//! prior state), an `aws_rds_certificate`'s id when it is a Region code, the `region` of the provider configuration it
//! uses, then `--region`, then `AWS_REGION`. A value known only after apply or a provider
//! Region rdsca cannot evaluate stops the search: guessing from a later source could be wrong.

use rdsca_table::is_region_code;

use crate::finding::{RegionClaim, RegionSource};
use crate::terraform::{Attr, Instance, ProviderRegion, RdsType};

/// The Region sources outside the input: `--region` and `AWS_REGION`.
#[derive(Debug, Clone, Default)]
pub struct Fallbacks {
    pub flag: Option<String>,
    pub environment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Located {
    Claim(RegionClaim),
    /// The resource sets `region` from a value known only after apply.
    AfterApply,
    /// Its provider configuration sets `region` from an expression rdsca cannot evaluate.
    Unresolvable {
        key: String,
        expression: String,
    },
    /// Nothing says.
    Nowhere,
}

/// `arn:aws:rds:eu-west-1:123456789012:db:main` → `eu-west-1`.
fn region_of_arn(arn: &str) -> Option<&str> {
    let mut parts = arn.split(':');
    (parts.next()? == "arn").then_some(())?;
    let region = parts.nth(2)?;
    is_region_code(region).then_some(region)
}

/// `eu-west-1b` → `eu-west-1`; a Local Zone `us-west-2-lax-1a` → `us-west-2`.
fn region_of_zone(zone: &str) -> Option<&str> {
    let trimmed = zone.trim_end_matches(|c: char| c.is_ascii_lowercase());
    if is_region_code(trimmed) {
        return Some(trimmed);
    }
    let cut = zone.match_indices('-').nth(2)?.0;
    let prefix = &zone[..cut];
    is_region_code(prefix).then_some(prefix)
}

/// `db.abc123.eu-west-1.rds.amazonaws.com:5432` → `eu-west-1`; AWS China puts the Region after
/// `rds` (`db.abc123.rds.cn-north-1.amazonaws.com.cn`).
fn region_of_endpoint(endpoint: &str) -> Option<&str> {
    let host = endpoint.split(':').next()?;
    let labels: Vec<&str> = host.split('.').collect();
    let rds = labels.iter().position(|l| *l == "rds")?;
    let before = rds.checked_sub(1).map(|i| labels[i]);
    let after = labels.get(rds + 1).copied();
    [before, after]
        .into_iter()
        .flatten()
        .find(|l| is_region_code(l))
}

fn claim(code: &str, source: RegionSource) -> Located {
    Located::Claim(RegionClaim {
        code: code.to_string(),
        source,
    })
}

/// Where `instance` is.
pub fn locate(instance: &Instance<'_>, fallbacks: &Fallbacks) -> Located {
    match instance.attr("region") {
        Attr::Set(code) => return claim(code, RegionSource::Argument),
        Attr::AfterApply if instance.configured("region") == Some(true) => {
            return Located::AfterApply
        }
        _ => {}
    }
    type Reader = fn(&str) -> Option<&str>;
    let clues: [(&str, Reader, RegionSource); 3] = [
        ("arn", region_of_arn, RegionSource::Arn),
        (
            "availability_zone",
            region_of_zone,
            RegionSource::AvailabilityZone,
        ),
        ("endpoint", region_of_endpoint, RegionSource::Endpoint),
    ];
    for (attribute, read, source) in clues {
        let planned = match instance.attr(attribute) {
            Attr::Set(v) => Some(v),
            _ => None,
        };
        let value = planned.or_else(|| instance.prior_attr(attribute));
        if let Some(code) = value.and_then(read) {
            return claim(code, source);
        }
        if attribute == "availability_zone" {
            if let Some(code) = instance
                .first_of_list("availability_zones")
                .and_then(region_of_zone)
            {
                return claim(code, RegionSource::AvailabilityZone);
            }
        }
    }
    if instance.rds_type == RdsType::Certificate {
        if let Attr::Set(id) = instance.attr("id") {
            if is_region_code(id) {
                return claim(id, RegionSource::CertificateId);
            }
        }
    }
    match &instance.provider {
        Some(ProviderRegion::Known { key, code }) => {
            return claim(code, RegionSource::ProviderConfig(key.clone()))
        }
        Some(ProviderRegion::Unresolvable { key, expression }) => {
            return Located::Unresolvable {
                key: key.clone(),
                expression: expression.clone(),
            }
        }
        Some(ProviderRegion::NotSet { .. }) | None => {}
    }
    if let Some(code) = &fallbacks.flag {
        return claim(code, RegionSource::Flag);
    }
    if let Some(code) = fallbacks.environment.as_deref().filter(|c| !c.is_empty()) {
        return claim(code, RegionSource::Environment);
    }
    Located::Nowhere
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::terraform::{instances, parse};
    use serde_json::{json, Value};

    #[test]
    fn clues_in_values() {
        assert_eq!(
            region_of_arn("arn:aws:rds:eu-west-1:123456789012:db:main"),
            Some("eu-west-1")
        );
        assert_eq!(
            region_of_arn("arn:aws-cn:rds:cn-north-1:123456789012:cluster:c"),
            Some("cn-north-1")
        );
        assert_eq!(region_of_arn("arn:aws:rds::123:db:x"), None);
        assert_eq!(region_of_arn("not-an-arn"), None);
        assert_eq!(region_of_zone("us-gov-west-1a"), Some("us-gov-west-1"));
        assert_eq!(region_of_zone("us-west-2-lax-1a"), Some("us-west-2"));
        assert_eq!(region_of_zone("x"), None);
        assert_eq!(
            region_of_endpoint("main.c9akciq32.eu-west-1.rds.amazonaws.com:5432"),
            Some("eu-west-1")
        );
        assert_eq!(
            region_of_endpoint("main.c9akciq32.rds.cn-northwest-1.amazonaws.com.cn"),
            Some("cn-northwest-1")
        );
        assert_eq!(region_of_endpoint("localhost:5432"), None);
    }

    /// One instance from a state JSON with these values.
    fn located(values: Value, fallbacks: &Fallbacks) -> Located {
        let state = json!({"format_version": "1.0", "values": {"root_module": {"resources": [
            {"address": "aws_rds_cluster.c", "mode": "managed", "type": "aws_rds_cluster", "name": "c",
             "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0, "values": values}]}}});
        let doc = parse("s.json", state.to_string().as_bytes()).unwrap();
        let all = instances(&doc).unwrap();
        locate(&all[0], fallbacks)
    }

    #[test]
    fn the_order_of_the_sources() {
        let none = Fallbacks::default();
        let both = Fallbacks {
            flag: Some("eu-north-1".into()),
            environment: Some("ap-south-1".into()),
        };
        let code = |l: Located| match l {
            Located::Claim(c) => (c.code, c.source.to_string()),
            other => panic!("no claim: {other:?}"),
        };
        assert_eq!(
            code(located(
                json!({"region": "us-east-2", "arn": "arn:aws:rds:eu-west-1:1:cluster:c"}),
                &none
            )),
            ("us-east-2".into(), "its region argument".into())
        );
        assert_eq!(
            code(located(
                json!({"arn": "arn:aws:rds:eu-west-1:1:cluster:c", "availability_zones": ["us-east-1a"]}),
                &none
            )),
            ("eu-west-1".into(), "its ARN".into())
        );
        assert_eq!(
            code(located(
                json!({"availability_zones": ["ap-southeast-7b"]}),
                &none
            )),
            ("ap-southeast-7".into(), "its availability zone".into())
        );
        assert_eq!(
            code(located(
                json!({"endpoint": "c.cluster-xyz.sa-east-1.rds.amazonaws.com"}),
                &both
            )),
            ("sa-east-1".into(), "its endpoint".into())
        );
        assert_eq!(
            code(located(json!({}), &both)),
            ("eu-north-1".into(), "--region".into())
        );
        let env_only = Fallbacks {
            flag: None,
            environment: Some("ap-south-1".into()),
        };
        assert_eq!(
            code(located(json!({}), &env_only)),
            ("ap-south-1".into(), "AWS_REGION".into())
        );
        assert_eq!(located(json!({}), &none), Located::Nowhere);
    }
}
