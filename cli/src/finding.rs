//! The report model every checking subcommand shares (`check` now, `audit` later): a [`Finding`]
//! is one thing wrong with one resource, under a [`Rule`] with a [`Severity`]; a [`Report`] is
//! the findings of one run with what was read. The output formats (`report/`) render a `Report`
//! and know nothing of Terraform; this module knows nothing of output formats.

use std::fmt;

use clap::ValueEnum;
use serde::Serialize;

/// How bad a finding is. Ordered: `Note < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `--fail-on`: the lowest severity that makes the run fail (exit 2), or `never`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FailOn {
    Error,
    Warning,
    Note,
    Never,
}

impl FailOn {
    pub fn as_str(self) -> &'static str {
        match self {
            FailOn::Error => "error",
            FailOn::Warning => "warning",
            FailOn::Note => "note",
            FailOn::Never => "never",
        }
    }
    /// Whether a finding of `severity` fails the run.
    pub fn fails(self, severity: Severity) -> bool {
        match self {
            FailOn::Error => severity >= Severity::Error,
            FailOn::Warning => severity >= Severity::Warning,
            FailOn::Note => true,
            FailOn::Never => false,
        }
    }
}

/// What a finding is about. The id is stable: JSON and SARIF consumers key on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rule {
    CaUnknown,
    CaRetired,
    CaNotOffered,
    CaUnverified,
    CaNotSet,
    KnownAfterApply,
    RegionUnknown,
    RegionUnlisted,
    RegionInvalid,
    /// `--aws`: the engine version does not support the CA.
    EngineCaUnsupported,
    /// `--aws`: RDS lists no such engine version in the Region.
    EngineVersionUnknown,
    /// `--aws`: the engine or its version is not known, so the API cannot be asked.
    EngineNotChecked,
    /// `--aws`: the RDS API of the Region could not be read.
    AwsCheckFailed,
}

impl Rule {
    pub const ALL: &'static [Rule] = &[
        Rule::CaUnknown,
        Rule::CaRetired,
        Rule::CaNotOffered,
        Rule::CaUnverified,
        Rule::CaNotSet,
        Rule::KnownAfterApply,
        Rule::RegionUnknown,
        Rule::RegionUnlisted,
        Rule::RegionInvalid,
        Rule::EngineCaUnsupported,
        Rule::EngineVersionUnknown,
        Rule::EngineNotChecked,
        Rule::AwsCheckFailed,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Rule::CaUnknown => "ca-unknown",
            Rule::CaRetired => "ca-retired",
            Rule::CaNotOffered => "ca-not-offered",
            Rule::CaUnverified => "ca-unverified",
            Rule::CaNotSet => "ca-not-set",
            Rule::KnownAfterApply => "known-after-apply",
            Rule::RegionUnknown => "region-unknown",
            Rule::RegionUnlisted => "region-unlisted",
            Rule::RegionInvalid => "region-invalid",
            Rule::EngineCaUnsupported => "engine-ca-unsupported",
            Rule::EngineVersionUnknown => "engine-version-unknown",
            Rule::EngineNotChecked => "engine-not-checked",
            Rule::AwsCheckFailed => "aws-check-failed",
        }
    }

    pub fn severity(self) -> Severity {
        match self {
            Rule::CaUnknown
            | Rule::CaRetired
            | Rule::CaNotOffered
            | Rule::RegionInvalid
            | Rule::EngineCaUnsupported
            | Rule::EngineVersionUnknown
            | Rule::AwsCheckFailed => Severity::Error,
            Rule::CaUnverified | Rule::CaNotSet | Rule::RegionUnknown | Rule::RegionUnlisted => {
                Severity::Warning
            }
            Rule::KnownAfterApply | Rule::EngineNotChecked => Severity::Note,
        }
    }

    /// One line on what the rule catches (SARIF `shortDescription`, `rdsca check --help`).
    pub fn description(self) -> &'static str {
        match self {
            Rule::CaUnknown => "The CA identifier names no RDS certificate authority.",
            Rule::CaRetired => "The CA has expired and RDS no longer offers it.",
            Rule::CaNotOffered => "RDS does not offer the CA in the resource's Region.",
            Rule::CaUnverified => {
                "No source says whether RDS offers the CA in the resource's Region."
            }
            Rule::CaNotSet => {
                "No CA is set: the database gets the account's default CA for its Region."
            }
            Rule::KnownAfterApply => {
                "The value is known only after apply, so it cannot be checked now."
            }
            Rule::RegionUnknown => "Nothing in the input says which Region the resource is in.",
            Rule::RegionUnlisted => {
                "The Region is well formed but not in rdsca's table, so its CAs cannot be checked."
            }
            Rule::RegionInvalid => "The Region is not an AWS Region code.",
            Rule::EngineCaUnsupported => {
                "--aws: the engine version does not support the CA (or the account default CA)."
            }
            Rule::EngineVersionUnknown => "--aws: RDS lists no such engine version in the Region.",
            Rule::EngineNotChecked => {
                "--aws: the engine or engine_version is unset or known only after apply, so the RDS API cannot be asked."
            }
            Rule::AwsCheckFailed => {
                "--aws: the RDS API of the resource's Region could not be read (credentials, permissions, network)."
            }
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// Where a resource's Region came from, for messages ("from its ARN").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegionSource {
    /// The resource's own `region` argument (AWS provider 6).
    Argument,
    Arn,
    AvailabilityZone,
    Endpoint,
    /// An `aws_rds_certificate`'s id when it is a Region code. (AWS provider 5 sets the id to
    /// the CA identifier, which says nothing of the Region and is not taken.)
    CertificateId,
    /// The `region` of the provider configuration with this key in the plan's `configuration`.
    ProviderConfig(String),
    /// `--region`.
    Flag,
    /// The `AWS_REGION` environment variable.
    Environment,
}

impl fmt::Display for RegionSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RegionSource::Argument => f.write_str("its region argument"),
            RegionSource::Arn => f.write_str("its ARN"),
            RegionSource::AvailabilityZone => f.write_str("its availability zone"),
            RegionSource::Endpoint => f.write_str("its endpoint"),
            RegionSource::CertificateId => f.write_str("its id"),
            RegionSource::ProviderConfig(key) => write!(f, "provider configuration \"{key}\""),
            RegionSource::Flag => f.write_str("--region"),
            RegionSource::Environment => f.write_str("AWS_REGION"),
        }
    }
}

/// A Region code as an input gave it, and where from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionClaim {
    pub code: String,
    pub source: RegionSource,
}

/// One thing to report about one resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: Rule,
    pub severity: Severity,
    /// Index into [`Report::inputs`].
    pub input: usize,
    /// The resource instance address, as Terraform writes it.
    pub address: String,
    pub resource_type: String,
    /// The argument at fault, when there is one.
    pub attribute: Option<&'static str>,
    /// The value at fault (a CA identifier, a Region code), when there is one.
    pub value: Option<String>,
    pub region: Option<RegionClaim>,
    pub message: String,
}

/// What one input file was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InputKind {
    /// `terraform show -json PLANFILE`.
    Plan,
    /// `terraform show -json` of the state.
    StateJson,
    /// A raw `terraform.tfstate`, version 4.
    StateV4,
}

/// One file read, with how many resources of interest it held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputSummary {
    /// As given on the command line (`-` for stdin).
    pub name: String,
    pub kind: InputKind,
    pub resources: usize,
}

impl InputSummary {
    /// The name for messages: `stdin` for `-`.
    pub fn display_name(&self) -> &str {
        if self.name == "-" {
            "stdin"
        } else {
            &self.name
        }
    }
}

/// The findings of one run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub inputs: Vec<InputSummary>,
    /// Sorted by input, address, then severity (worst first) and rule.
    pub findings: Vec<Finding>,
    pub fail_on: FailOn,
}

impl Report {
    pub fn new(inputs: Vec<InputSummary>, mut findings: Vec<Finding>, fail_on: FailOn) -> Self {
        findings.sort_by(|a, b| {
            (a.input, &a.address, std::cmp::Reverse(a.severity), a.rule).cmp(&(
                b.input,
                &b.address,
                std::cmp::Reverse(b.severity),
                b.rule,
            ))
        });
        Report {
            inputs,
            findings,
            fail_on,
        }
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    pub fn resources(&self) -> usize {
        self.inputs.iter().map(|i| i.resources).sum()
    }

    /// Whether any finding is at or above `--fail-on`.
    pub fn failed(&self) -> bool {
        self.findings.iter().any(|f| self.fail_on.fails(f.severity))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fail_on_thresholds() {
        assert!(FailOn::Error.fails(Severity::Error));
        assert!(!FailOn::Error.fails(Severity::Warning));
        assert!(FailOn::Warning.fails(Severity::Warning));
        assert!(!FailOn::Warning.fails(Severity::Note));
        assert!(FailOn::Note.fails(Severity::Note));
        assert!(!FailOn::Never.fails(Severity::Error));
    }

    #[test]
    fn rule_ids_are_unique_and_kebab_case() {
        let mut ids: Vec<&str> = Rule::ALL.iter().map(|r| r.id()).collect();
        assert!(ids
            .iter()
            .all(|id| id.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')));
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), Rule::ALL.len());
    }

    fn finding(input: usize, address: &str, rule: Rule) -> Finding {
        Finding {
            rule,
            severity: rule.severity(),
            input,
            address: address.into(),
            resource_type: "aws_db_instance".into(),
            attribute: None,
            value: None,
            region: None,
            message: String::new(),
        }
    }

    #[test]
    fn report_sorts_by_input_address_then_worst_first_and_counts() {
        let report = Report::new(
            vec![],
            vec![
                finding(1, "a", Rule::CaNotOffered),
                finding(0, "b", Rule::KnownAfterApply),
                finding(0, "b", Rule::CaRetired),
                finding(0, "a", Rule::CaNotSet),
            ],
            FailOn::Warning,
        );
        let order: Vec<(usize, &str, Rule)> = report
            .findings
            .iter()
            .map(|f| (f.input, f.address.as_str(), f.rule))
            .collect();
        assert_eq!(
            order,
            [
                (0, "a", Rule::CaNotSet),
                (0, "b", Rule::CaRetired),
                (0, "b", Rule::KnownAfterApply),
                (1, "a", Rule::CaNotOffered)
            ]
        );
        assert_eq!(
            (
                report.count(Severity::Error),
                report.count(Severity::Warning),
                report.count(Severity::Note)
            ),
            (2, 1, 1)
        );
        assert!(report.failed());
        let notes_only = Report::new(
            vec![],
            vec![finding(0, "a", Rule::KnownAfterApply)],
            FailOn::Warning,
        );
        assert!(!notes_only.failed());
    }
}
