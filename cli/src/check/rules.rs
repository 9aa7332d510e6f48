//! The CA rules of `rdsca check`: what one RDS resource instance's CA and Region mean against the
//! Region table. The words of the CA messages are the provider's (`rdsca_table::selection`), so a
//! wrong CA reads the same in `terraform plan` and in `rdsca check`; the "did you mean" is the
//! table's `UnknownValue`.

use std::collections::HashMap;

use rdsca_table::selection::{self, Place};
use rdsca_table::{CaId, Partition, Region, RetiredCa};

use super::aws::{Choice, Subject};
use super::region::Located;
use crate::finding::{Finding, RegionClaim, Rule, Severity};
use crate::terraform::{Attr, Instance, RdsType};

/// The account's default CA for a Region, as an `aws_rds_certificate` of the same input sets it.
#[derive(Debug, Clone)]
pub struct AccountDefault<'a> {
    pub address: String,
    pub value: Attr<'a>,
}

/// Account defaults by Region code (the first `aws_rds_certificate` for each Region).
pub type Defaults<'a> = HashMap<String, AccountDefault<'a>>;

/// Collects the findings of one instance.
pub struct Checker<'r> {
    pub input: usize,
    pub out: &'r mut Vec<Finding>,
    /// With `--aws`: the resources whose CA the RDS API is to check against their engine
    /// version (those that pass the table's rules).
    pub engine: Option<&'r mut Vec<Subject>>,
}

/// The Region a resource is in, checked against the table.
enum Where {
    Listed(&'static Region, RegionClaim),
    /// Known, but not a Region the table lists (reported already).
    Elsewhere(RegionClaim),
    Unknown,
}

impl Where {
    fn claim(&self) -> Option<&RegionClaim> {
        match self {
            Where::Listed(_, c) | Where::Elsewhere(c) => Some(c),
            Where::Unknown => None,
        }
    }
    fn code(&self) -> Option<&str> {
        self.claim().map(|c| c.code.as_str())
    }
}

fn offered_list(region: &Region) -> String {
    let ids: Vec<&str> = region.cas.iter().map(|c| c.as_str()).collect();
    format!("CAs offered in {}: {}.", region.code, ids.join(", "))
}

impl Checker<'_> {
    fn push(
        &mut self,
        instance: &Instance<'_>,
        rule: Rule,
        attribute: Option<&'static str>,
        value: Option<&str>,
        region: Option<&RegionClaim>,
        message: String,
    ) {
        self.out.push(Finding {
            rule,
            severity: rule.severity(),
            input: self.input,
            address: instance.address.clone(),
            resource_type: instance.rds_type.as_str().to_string(),
            attribute,
            value: value.map(str::to_string),
            region: region.cloned(),
            message,
        });
    }

    /// The Region of `instance`, with a finding when it is unknown or not in the table.
    fn place(&mut self, instance: &Instance<'_>, located: Located) -> Where {
        let claim = match located {
            Located::Claim(claim) => claim,
            Located::AfterApply => {
                self.push(
                    instance,
                    Rule::KnownAfterApply,
                    Some("region"),
                    None,
                    None,
                    "Its region is known only after apply, so its CA cannot be checked against a Region now.".into(),
                );
                return Where::Unknown;
            }
            Located::Unresolvable { key, expression } => {
                self.push(
                    instance,
                    Rule::RegionUnknown,
                    None,
                    None,
                    None,
                    format!("Its Region cannot be told: its provider configuration \"{key}\" sets region from {expression}, which rdsca cannot evaluate from the plan. Its CA is checked only for what holds in every Region; set the region as a constant or a root variable to have it checked fully."),
                );
                return Where::Unknown;
            }
            Located::Nowhere => {
                self.push(
                    instance,
                    Rule::RegionUnknown,
                    None,
                    None,
                    None,
                    "Its Region cannot be told: it has no region argument, and no ARN, availability zone or endpoint is known; its provider configuration sets no region (or the input has no configuration). Pass --region or set AWS_REGION to say which Region it is in.".into(),
                );
                return Where::Unknown;
            }
        };
        if let Some(region) = Region::get(&claim.code) {
            return Where::Listed(region, claim);
        }
        let attribute =
            (claim.source == crate::finding::RegionSource::Argument).then_some("region");
        if Partition::for_region_code(&claim.code).is_some() {
            let hint = Region::lookup(&claim.code)
                .err()
                .and_then(|u| u.did_you_mean())
                .map(|d| format!(" {d}"))
                .unwrap_or_default();
            self.push(
                instance,
                Rule::RegionUnlisted,
                attribute,
                Some(&claim.code),
                Some(&claim),
                format!("Region \"{}\" (from {}) is not in rdsca's table, so which CAs RDS offers there is unknown.{hint} If it is a Region newer than this rdsca, check its CAs with `aws rds describe-certificates --region {}`.", claim.code, claim.source, claim.code),
            );
        } else {
            let problem = selection::region("region", &claim.code)
                .expect_err("a code the table lacks is an unknown region");
            self.push(
                instance,
                Rule::RegionInvalid,
                attribute,
                Some(&claim.code),
                Some(&claim),
                format!(
                    "{} (from {}): {}",
                    problem.summary, claim.source, problem.detail
                ),
            );
        }
        Where::Elsewhere(claim)
    }

    /// The rules for one CA identifier in the resource's Region. `whose` prefixes the message
    /// when the CA is not the resource's own (an account default).
    fn check_ca(
        &mut self,
        instance: &Instance<'_>,
        attribute: &'static str,
        id: &str,
        place: &Where,
        whose: &str,
    ) {
        let claim = place.claim();
        let offered = match place {
            Where::Listed(region, _) => format!(" {}", offered_list(region)),
            _ => String::new(),
        };
        if let Some(retired) = RetiredCa::get(id) {
            self.push(
                instance,
                Rule::CaRetired,
                Some(attribute),
                Some(id),
                claim,
                format!("{whose}CA \"{id}\" expired on {} and RDS no longer offers it; AWS replaced it with {}.{offered}", retired.not_after, retired.replaced_by),
            );
            return;
        }
        let ca = match selection::ca(attribute, id) {
            Ok(ca) => ca,
            Err(problem) => {
                self.push(
                    instance,
                    Rule::CaUnknown,
                    Some(attribute),
                    Some(id),
                    claim,
                    format!("{whose}{}: {}{offered}", problem.summary, problem.detail),
                );
                return;
            }
        };
        if let Where::Listed(region, claim) = place {
            let from = format!(" (Region from {})", claim.source);
            match selection::offered(attribute, &Place::Listed(region), ca) {
                Ok(None) => {}
                Ok(Some(warning)) => self.push(
                    instance,
                    Rule::CaUnverified,
                    Some(attribute),
                    Some(id),
                    Some(claim),
                    format!("{whose}{}{from}: {}", warning.summary, warning.detail),
                ),
                Err(problem) => self.push(
                    instance,
                    Rule::CaNotOffered,
                    Some(attribute),
                    Some(id),
                    Some(claim),
                    format!("{whose}{}{from}: {}", problem.summary, problem.detail),
                ),
            }
        }
    }

    /// A resource with no CA set gets the account's default for its Region.
    fn check_default(
        &mut self,
        instance: &Instance<'_>,
        attribute: &'static str,
        place: &Where,
        defaults: &Defaults<'_>,
    ) {
        let claim = place.claim();
        let Some(code) = place.code() else {
            self.push(
                instance,
                Rule::CaNotSet,
                Some(attribute),
                None,
                None,
                format!("No {attribute} is set: the database gets the account's default CA for its Region, and its Region is unknown."),
            );
            return;
        };
        match defaults.get(code) {
            Some(AccountDefault {
                address,
                value: Attr::Set(id),
            }) => {
                self.push(
                    instance,
                    Rule::CaNotSet,
                    Some(attribute),
                    None,
                    claim,
                    format!("No {attribute} is set: the database gets the account's default CA for {code}, which {address} sets to \"{id}\"; it is checked as that."),
                );
                let whose = format!("Its CA is the account default \"{id}\" (from {address}): ");
                self.check_ca(instance, attribute, id, place, &whose);
            }
            Some(AccountDefault { address, .. }) => self.push(
                instance,
                Rule::CaNotSet,
                Some(attribute),
                None,
                claim,
                format!("No {attribute} is set: the database gets the account's default CA for {code}, which {address} sets to a value known only after apply."),
            ),
            None => self.push(
                instance,
                Rule::CaNotSet,
                Some(attribute),
                None,
                claim,
                format!("No {attribute} is set: the database gets the account's default CA for {code}. No aws_rds_certificate in this input sets it, so it is AWS's default {} unless the account's default was changed outside Terraform (`aws rds describe-certificates --region {code}` shows it). Set {attribute} to choose.", CaId::DEFAULT),
            ),
        }
    }

    /// Every rule for one instance.
    pub fn check(&mut self, instance: &Instance<'_>, located: Located, defaults: &Defaults<'_>) {
        let first = self.out.len();
        let place = self.place(instance, located);
        let attribute = instance.rds_type.ca_attribute();
        // What --aws is to check, when the CA is known.
        let choice = match instance.attr(attribute) {
            Attr::Set(id) => {
                self.check_ca(instance, attribute, id, &place, "");
                Some(Choice::Chosen(id.to_string()))
            }
            Attr::AfterApply if instance.configured(attribute) != Some(false) => {
                self.push(
                    instance,
                    Rule::KnownAfterApply,
                    Some(attribute),
                    None,
                    place.claim(),
                    format!("Its {attribute} is known only after apply, so it cannot be checked now; check the plan of the next run or the state."),
                );
                None
            }
            Attr::AfterApply | Attr::NotSet => {
                let aurora_cluster = instance.rds_type == RdsType::Cluster
                    && matches!(instance.attr("engine"), Attr::Set(e) if e.starts_with("aurora"));
                // An Aurora cluster's CA is its instances'; aws_rds_certificate requires its
                // identifier, so an unset one is not a database's default.
                if aurora_cluster || instance.rds_type == RdsType::Certificate {
                    None
                } else {
                    self.check_default(instance, attribute, &place, defaults);
                    match place.code().and_then(|code| defaults.get(code)) {
                        Some(AccountDefault {
                            address,
                            value: Attr::Set(id),
                        }) => Some(Choice::InputDefault {
                            id: id.to_string(),
                            address: address.clone(),
                        }),
                        Some(_) => None,
                        None => Some(Choice::AccountDefault),
                    }
                }
            }
        };
        let wrong_already = self.out[first..]
            .iter()
            .any(|f| f.severity == Severity::Error);
        if let (Some(choice), Where::Listed(region, claim), false) = (choice, &place, wrong_already)
        {
            if instance.rds_type != RdsType::Certificate {
                self.engine_subject(instance, attribute, region, claim, choice);
            }
        }
    }

    /// With `--aws`: the resource to ask the RDS API about, or a note saying why it cannot be.
    fn engine_subject(
        &mut self,
        instance: &Instance<'_>,
        attribute: &'static str,
        region: &Region,
        claim: &RegionClaim,
        ca: Choice,
    ) {
        if self.engine.is_none() {
            return;
        }
        let known = |name: &str| match instance.attr(name) {
            Attr::Set(v) => Ok(v.to_string()),
            Attr::AfterApply if instance.configured(name) != Some(false) => {
                Err(format!("its {name} is known only after apply"))
            }
            _ => Err(format!("its {name} is not set")),
        };
        match (known("engine"), known("engine_version")) {
            (Ok(engine), Ok(version)) => {
                let subject = Subject {
                    input: self.input,
                    address: instance.address.clone(),
                    resource_type: instance.rds_type.as_str(),
                    attribute,
                    region: claim.clone(),
                    region_code: region.code,
                    engine,
                    version,
                    ca,
                };
                if let Some(subjects) = self.engine.as_mut() {
                    subjects.push(subject);
                }
            }
            (Err(why), _) | (_, Err(why)) => self.push(
                instance,
                Rule::EngineNotChecked,
                None,
                None,
                Some(claim),
                format!("--aws cannot ask RDS which CAs it supports: {why} (an unset engine_version is the one RDS picks at create time; a cluster instance's is its cluster's). Set engine and engine_version to have it checked."),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::region::{locate, Fallbacks};
    use crate::terraform::{instances, parse};
    use serde_json::{json, Value};

    /// The findings for a state JSON holding these resources (address, type, values), with the
    /// account defaults of its aws_rds_certificate resources.
    fn findings(resources: Value) -> Vec<(String, Rule, String)> {
        let resources: Vec<Value> = resources
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                json!({"address": r[0], "mode": "managed", "type": r[1], "name": "x",
                       "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0,
                       "values": r[2], "sensitive_values": {}})
            })
            .collect();
        let state =
            json!({"format_version": "1.0", "values": {"root_module": {"resources": resources}}});
        let doc = parse("s.json", state.to_string().as_bytes()).unwrap();
        let all = instances(&doc).unwrap();
        let fallbacks = Fallbacks::default();
        let mut defaults = Defaults::new();
        for i in all.iter().filter(|i| i.rds_type == RdsType::Certificate) {
            if let Located::Claim(c) = locate(i, &fallbacks) {
                defaults.entry(c.code).or_insert(AccountDefault {
                    address: i.address.clone(),
                    value: i.attr("certificate_identifier"),
                });
            }
        }
        let mut out = Vec::new();
        let mut checker = Checker {
            input: 0,
            out: &mut out,
            engine: None,
        };
        for i in &all {
            checker.check(i, locate(i, &fallbacks), &defaults);
        }
        out.into_iter()
            .map(|f| (f.address, f.rule, f.message))
            .collect()
    }

    fn rules(resources: Value) -> Vec<(String, Rule)> {
        findings(resources)
            .into_iter()
            .map(|(a, r, _)| (a, r))
            .collect()
    }

    #[test]
    fn an_offered_ca_passes() {
        assert_eq!(
            rules(json!([["aws_db_instance.a", "aws_db_instance",
                {"ca_cert_identifier": "rds-ca-rsa4096-g1", "arn": "arn:aws:rds:eu-west-1:1:db:a"}]])),
            []
        );
    }

    #[test]
    fn a_ca_the_region_lacks_is_an_error_with_the_offered_list() {
        let got = findings(json!([["aws_db_instance.a", "aws_db_instance",
            {"ca_cert_identifier": "rds-ca-ecc384-g1", "availability_zone": "eu-central-2a"}]]));
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].1, Rule::CaNotOffered);
        assert_eq!(got[0].2, "CA \"rds-ca-ecc384-g1\" is not offered in eu-central-2 (Region from its availability zone): RDS does not offer rds-ca-ecc384-g1 in eu-central-2 (Europe (Zurich)): a database there cannot use it, and AWS would reject it only at apply time. CAs offered in eu-central-2: rds-ca-rsa2048-g1.");
    }

    #[test]
    fn retired_and_unknown_identifiers() {
        let got = findings(json!([
            ["aws_db_instance.old", "aws_db_instance", {"ca_cert_identifier": "rds-ca-2019", "arn": "arn:aws:rds:eu-central-2:1:db:old"}],
            ["aws_rds_cluster_instance.typo", "aws_rds_cluster_instance", {"ca_cert_identifier": "rds-ca-rsa2048-g2", "arn": "arn:aws:rds:eu-west-1:1:db:t"}]
        ]));
        assert_eq!(got[0].1, Rule::CaRetired);
        assert_eq!(got[0].2, "CA \"rds-ca-2019\" expired on 2024-08-22 and RDS no longer offers it; AWS replaced it with rds-ca-rsa2048-g1. CAs offered in eu-central-2: rds-ca-rsa2048-g1.");
        assert_eq!(got[1].1, Rule::CaUnknown);
        assert!(got[1].2.starts_with("Unknown CA identifier \"rds-ca-rsa2048-g2\": \"rds-ca-rsa2048-g2\" is not a known CA identifier. Did you mean \"rds-ca-rsa2048-g1\"?"), "{}", got[1].2);
        assert!(
            got[1].2.ends_with(
                "CAs offered in eu-west-1: rds-ca-rsa2048-g1, rds-ca-rsa4096-g1, rds-ca-ecc384-g1."
            ),
            "{}",
            got[1].2
        );
    }

    #[test]
    fn no_ca_uses_the_account_default_of_the_same_input() {
        let got = findings(json!([
            ["aws_rds_certificate.default", "aws_rds_certificate", {"id": "eu-central-2", "certificate_identifier": "rds-ca-ecc384-g1"}],
            ["aws_db_instance.a", "aws_db_instance", {"ca_cert_identifier": null, "availability_zone": "eu-central-2b"}],
            ["aws_db_instance.b", "aws_db_instance", {"ca_cert_identifier": "", "arn": "arn:aws:rds:eu-west-1:1:db:b"}],
            ["aws_rds_cluster.aurora", "aws_rds_cluster", {"engine": "aurora-postgresql", "arn": "arn:aws:rds:eu-west-1:1:cluster:c"}]
        ]));
        let summary: Vec<(&str, Rule)> = got.iter().map(|(a, r, _)| (a.as_str(), *r)).collect();
        assert_eq!(
            summary,
            [
                ("aws_rds_certificate.default", Rule::CaNotOffered),
                ("aws_db_instance.a", Rule::CaNotSet),
                ("aws_db_instance.a", Rule::CaNotOffered),
                ("aws_db_instance.b", Rule::CaNotSet),
            ]
        );
        assert_eq!(got[1].2, "No ca_cert_identifier is set: the database gets the account's default CA for eu-central-2, which aws_rds_certificate.default sets to \"rds-ca-ecc384-g1\"; it is checked as that.");
        assert!(got[2].2.starts_with("Its CA is the account default \"rds-ca-ecc384-g1\" (from aws_rds_certificate.default): CA \"rds-ca-ecc384-g1\" is not offered in eu-central-2"), "{}", got[2].2);
        assert!(got[3].2.contains("No aws_rds_certificate in this input sets it, so it is AWS's default rds-ca-rsa2048-g1 unless"), "{}", got[3].2);
    }

    #[test]
    fn unverified_unlisted_invalid_and_unknown_regions() {
        let got = findings(json!([
            ["aws_db_instance.new", "aws_db_instance", {"ca_cert_identifier": "rds-ca-ecc384-g1", "arn": "arn:aws:rds:ap-east-2:1:db:n"}],
            ["aws_db_instance.future", "aws_db_instance", {"ca_cert_identifier": "rds-ca-rsa2048-g1", "region": "eu-west-9"}],
            ["aws_db_instance.typo", "aws_db_instance", {"ca_cert_identifier": "rds-ca-rsa2048-g1", "region": "Ireland"}],
            ["aws_db_instance.lost", "aws_db_instance", {"ca_cert_identifier": "rds-ca-2015"}]
        ]));
        let summary: Vec<(&str, Rule)> = got.iter().map(|(a, r, _)| (a.as_str(), *r)).collect();
        assert_eq!(
            summary,
            [
                ("aws_db_instance.new", Rule::CaUnverified),
                ("aws_db_instance.future", Rule::RegionUnlisted),
                ("aws_db_instance.typo", Rule::RegionInvalid),
                ("aws_db_instance.lost", Rule::RegionUnknown),
                ("aws_db_instance.lost", Rule::CaRetired),
            ]
        );
        assert!(
            got[1].2.starts_with(
                "Region \"eu-west-9\" (from its region argument) is not in rdsca's table"
            ),
            "{}",
            got[1].2
        );
        assert!(got[2].2.starts_with("Unknown region \"Ireland\" (from its region argument): \"Ireland\" is not a known region. Did you mean \"eu-west-1\"?"), "{}", got[2].2);
        assert!(
            got[3].2.contains("Pass --region or set AWS_REGION"),
            "{}",
            got[3].2
        );
    }
}

#[cfg(test)]
mod plan_tests {
    use super::*;
    use crate::check::region::{locate, Fallbacks};
    use crate::terraform::{instances, parse};
    use serde_json::json;

    /// A plan with a region set from a value known only after apply, and a module whose
    /// provider's region is a module variable rdsca cannot evaluate; `--region` must not stand
    /// in for either.
    #[test]
    fn unknown_regions_are_never_guessed_from_later_sources() {
        let plan = json!({
            "format_version": "1.2",
            "resource_changes": [
                {"address": "aws_db_instance.a", "mode": "managed", "type": "aws_db_instance", "name": "a",
                 "provider_name": "registry.terraform.io/hashicorp/aws",
                 "change": {"actions": ["create"], "before": null,
                            "after": {"ca_cert_identifier": "rds-ca-ecc384-g1"},
                            "after_unknown": {"region": true, "arn": true}}},
                {"address": "module.m.aws_db_instance.b", "module_address": "module.m", "mode": "managed",
                 "type": "aws_db_instance", "name": "b", "provider_name": "registry.terraform.io/hashicorp/aws",
                 "change": {"actions": ["create"], "before": null,
                            "after": {"ca_cert_identifier": "rds-ca-2015"}, "after_unknown": {"arn": true}}}
            ],
            "configuration": {
                "provider_config": {
                    "aws": {"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws"},
                    "module.m:aws": {"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws",
                                     "module_address": "module.m",
                                     "expressions": {"region": {"references": ["var.region"]}}}
                },
                "root_module": {
                    "resources": [{"address": "aws_db_instance.a", "mode": "managed", "type": "aws_db_instance",
                                   "name": "a", "provider_config_key": "aws",
                                   "expressions": {"region": {"references": ["aws_vpc.v.region"]},
                                                   "ca_cert_identifier": {"constant_value": "rds-ca-ecc384-g1"}},
                                   "schema_version": 2}],
                    "module_calls": {"m": {"source": "./m", "module": {"resources": [
                        {"address": "aws_db_instance.b", "mode": "managed", "type": "aws_db_instance", "name": "b",
                         "provider_config_key": "module.m:aws",
                         "expressions": {"ca_cert_identifier": {"constant_value": "rds-ca-2015"}}, "schema_version": 2}]}}}
                }
            }
        });
        let doc = parse("plan.json", plan.to_string().as_bytes()).unwrap();
        let all = instances(&doc).unwrap();
        let fallbacks = Fallbacks {
            flag: Some("eu-central-2".into()),
            environment: None,
        };
        let mut out = Vec::new();
        let mut checker = Checker {
            input: 0,
            out: &mut out,
            engine: None,
        };
        for i in &all {
            checker.check(i, locate(i, &fallbacks), &Defaults::new());
        }
        let got: Vec<(&str, Rule, Option<&str>)> = out
            .iter()
            .map(|f| (f.address.as_str(), f.rule, f.attribute))
            .collect();
        assert_eq!(
            got,
            [
                ("aws_db_instance.a", Rule::KnownAfterApply, Some("region")),
                ("module.m.aws_db_instance.b", Rule::RegionUnknown, None),
                (
                    "module.m.aws_db_instance.b",
                    Rule::CaRetired,
                    Some("ca_cert_identifier")
                ),
            ],
            "rds-ca-ecc384-g1 is not checked against the --region Zurich, which lacks it"
        );
        assert!(
            out[1]
                .message
                .contains("provider configuration \"module.m:aws\" sets region from var.region"),
            "{}",
            out[1].message
        );
    }
}
