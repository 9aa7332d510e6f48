//! `rdsca check --aws`: whether each resource's engine version supports its CA, from the RDS
//! API (`rdsca-aws`). One `DescribeDBEngineVersions` per distinct (Region, engine, version) and,
//! for resources with no CA and no `aws_rds_certificate` in the input, one
//! `DescribeCertificates` per Region for the account's default. The rules and their words are
//! `rdsca_aws::engine`'s, shared with the provider's `rdsca_engine_ca`. A Region whose API fails
//! is a finding on each of its resources; the other Regions are still checked.

use std::collections::{BTreeMap, HashMap};

use rdsca_aws::engine::{self, api_error_hint, effective_default, CaInQuestion, ENGINES};
use rdsca_aws::{EngineVersion, RdsApi, RdsError};
use rdsca_table::UnknownValue;

use crate::finding::{Finding, RegionClaim, Rule};

/// The CA a resource gets, as far as the input says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice {
    /// Its own CA argument.
    Chosen(String),
    /// No CA; an `aws_rds_certificate` of the same input sets the account default.
    InputDefault { id: String, address: String },
    /// No CA and nothing in the input sets the default: the account's, from the API.
    AccountDefault,
}

/// One resource to ask the RDS API about: its Region is in the table and its CA passed the
/// table's rules.
#[derive(Debug, Clone)]
pub struct Subject {
    pub input: usize,
    pub address: String,
    pub resource_type: &'static str,
    pub attribute: &'static str,
    pub region: RegionClaim,
    pub region_code: &'static str,
    pub engine: String,
    pub version: String,
    pub ca: Choice,
}

/// What the API said in one Region.
struct Answers {
    /// By (engine, version): the version, or `None` when RDS lists no such version.
    versions: HashMap<(String, String), Option<EngineVersion>>,
    /// The account's effective default CA and its source, when a resource needed it.
    default: Option<(String, &'static str)>,
}

/// The API calls of one Region: each distinct engine version once, the default CA once.
async fn ask(api: &RdsApi, region: &str, subjects: &[&Subject]) -> Result<Answers, RdsError> {
    let mut versions = HashMap::new();
    for s in subjects {
        let key = (s.engine.clone(), s.version.clone());
        if versions.contains_key(&key) {
            continue;
        }
        let listed = match api
            .engine_versions(region, &s.engine, Some(&s.version))
            .await
        {
            Ok(v) => v,
            // RDS answers an engine it does not know with InvalidParameterValue.
            Err(RdsError::Api {
                status: 400, error, ..
            }) if error.code == "InvalidParameterValue" => Vec::new(),
            Err(e) => return Err(e),
        };
        let found = listed.into_iter().find(|v| {
            v.engine_version == s.version && (v.engine.is_empty() || v.engine == s.engine)
        });
        versions.insert(key, found);
    }
    let default = if subjects.iter().any(|s| s.ca == Choice::AccountDefault) {
        let (certificates, for_new) = api.certificates(region).await?;
        Some(effective_default(&certificates, for_new.as_deref()))
    } else {
        None
    };
    Ok(Answers { versions, default })
}

fn finding(s: &Subject, rule: Rule, value: Option<&str>, message: String) -> Finding {
    Finding {
        rule,
        severity: rule.severity(),
        input: s.input,
        address: s.address.clone(),
        resource_type: s.resource_type.to_string(),
        attribute: Some(s.attribute),
        value: value.map(str::to_string),
        region: Some(s.region.clone()),
        message,
    }
}

/// The finding, if any, for one resource given its Region's answers.
fn judge(s: &Subject, answers: &Answers) -> Option<Finding> {
    let region = s.region_code;
    let key = (s.engine.clone(), s.version.clone());
    let Some(found) = answers.versions.get(&key).and_then(Option::as_ref) else {
        let mut message = format!(
            "RDS lists no version \"{}\" of engine \"{}\" in {region}, so which CAs it supports is unknown.",
            s.version, s.engine
        );
        if !ENGINES.contains(&s.engine.as_str()) {
            let unknown = UnknownValue::new("DB engine", &s.engine, ENGINES.iter().copied());
            if let Some(d) = unknown.did_you_mean() {
                message.push(' ');
                message.push_str(&d);
            }
        }
        message.push_str(&format!(" `aws rds describe-db-engine-versions --engine {} --region {region} --query 'DBEngineVersions[].EngineVersion'` lists the versions.", s.engine));
        return Some(Finding {
            attribute: Some("engine_version"),
            ..finding(s, Rule::EngineVersionUnknown, Some(&s.version), message)
        });
    };
    let (result, value, whose) = match &s.ca {
        Choice::Chosen(ca) => (
            engine::check_support(found, &s.engine, region, CaInQuestion::Chosen(ca)),
            ca.clone(),
            String::new(),
        ),
        Choice::InputDefault { id, address } => (
            engine::check_support(found, &s.engine, region, CaInQuestion::Chosen(id)),
            id.clone(),
            format!("Its CA is the account default \"{id}\" (from {address}): "),
        ),
        Choice::AccountDefault => {
            let (id, source) = answers
                .default
                .clone()
                .expect("the default is asked for when a resource needs it");
            (
                engine::check_support(
                    found,
                    &s.engine,
                    region,
                    CaInQuestion::AccountDefault {
                        id: &id,
                        source,
                        set_instead: s.attribute,
                    },
                ),
                id,
                String::new(),
            )
        }
    };
    let problem = result.err()?;
    Some(finding(
        s,
        Rule::EngineCaUnsupported,
        Some(&value),
        format!(
            "{whose}{} (RDS API in {region}): {}",
            problem.summary, problem.detail
        ),
    ))
}

/// No credentials, and how to provide them (`check --aws` and `audit`).
pub(crate) fn no_credentials(cause: &str) -> String {
    format!(
        "no AWS credentials ({cause}). Provide them as the AWS CLI takes them: {}",
        rdsca_aws::credential_sources("--aws-profile")
    )
}

/// Why a Region could not be checked, for each of its resources.
fn failure(region: &str, e: &RdsError) -> String {
    let cause = match e {
        RdsError::NoCredentials(cause) => {
            format!("{}; or run without --aws", no_credentials(cause))
        }
        RdsError::Credentials(cause) => format!("the AWS credentials could not be loaded: {cause}"),
        RdsError::Api { error, .. } => format!(
            "{}.{}",
            e.to_string().trim_end_matches('.'),
            api_error_hint(&error.code).trim_end_matches('.')
        ),
        RdsError::Transport(_) | RdsError::Client(_) => e.to_string(),
    };
    format!("--aws could not read the RDS API in {region}, so its engine version's CAs are unchecked: {cause}.")
}

/// Checks every subject, Region by Region (in code order), and returns the findings.
pub async fn check(api: &RdsApi, subjects: &[Subject]) -> Vec<Finding> {
    let mut by_region: BTreeMap<&str, Vec<&Subject>> = BTreeMap::new();
    for s in subjects {
        by_region.entry(s.region_code).or_default().push(s);
    }
    let mut out = Vec::new();
    for (region, subjects) in by_region {
        match ask(api, region, &subjects).await {
            Ok(answers) => out.extend(subjects.iter().filter_map(|s| judge(s, &answers))),
            Err(e) => {
                let message = failure(region, &e);
                out.extend(
                    subjects
                        .iter()
                        .map(|s| finding(s, Rule::AwsCheckFailed, None, message.clone())),
                );
            }
        }
    }
    out
}
