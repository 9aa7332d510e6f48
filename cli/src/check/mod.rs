//! `rdsca check FILE...`: the RDS CA choices in Terraform plans and states, against the Region
//! table. Reading the inputs is `terraform`'s, the rules `rules`', the Region search `region`'s
//! and the output `report`'s; this module wires them to the command line.

pub mod aws;
pub mod region;
pub mod rules;

use std::io::Write;

use clap::{Args, ValueEnum};

use crate::finding::{FailOn, Finding, InputSummary, Report, Rule};
use crate::terraform::{self, RdsType};
use crate::{CliError, Outcome};
use region::{locate, Fallbacks, Located};
use rules::{AccountDefault, Checker, Defaults};

const EXAMPLES: &str = "\
Examples:
  terraform plan -out plan.tfplan && terraform show -json plan.tfplan > plan.json
  rdsca check plan.json
  terraform show -json | rdsca check -                  # the current state
  rdsca check terraform.tfstate --region eu-west-1      # a raw state; --region for resources nothing places
  rdsca check plan.json --format sarif > rdsca.sarif    # for code-scanning dashboards
  rdsca check plan.json --fail-on warning               # unverified CAs and unset CAs fail too
  rdsca check plan.json --aws --aws-profile prod        # also ask RDS which CAs each engine version supports

What is read: `terraform show -json` of a saved plan or of the state, and terraform.tfstate (version 4).
Resources: aws_db_instance and aws_rds_cluster_instance (ca_cert_identifier), aws_rds_cluster
(ca_certificate_identifier) and aws_rds_certificate (certificate_identifier, the account default of its
Region), in every module instance.

Region of each resource, first found: its region argument, ARN, availability zone, endpoint, the region
of the provider configuration it uses (plans), --region, AWS_REGION.

--aws (opt-in; the only part that calls AWS): for each distinct (Region, engine, engine_version), one
DescribeDBEngineVersions request says whether the version supports the resource's CA; a resource with
no CA is checked with the account default (an aws_rds_certificate of the input, else one
DescribeCertificates request per Region). Credentials as the AWS CLI takes them (environment,
AWS_PROFILE or --aws-profile, SSO, web identity, container and instance roles); AWS_ENDPOINT_URL_RDS
overrides the endpoint. Needs rds:DescribeDBEngineVersions and rds:DescribeCertificates. A Region
whose API fails is an aws-check-failed finding on its resources; other Regions are still checked.

Exit status: 0 when no finding is at or above --fail-on, 2 when one is, 1 for bad input (a file that
cannot be read, is not JSON, not a plan or state, or of an unsupported format version).";

/// The help's epilogue: the examples and notes above, with every rule from [`Rule::ALL`].
fn after_help() -> String {
    let (notes, exit) = EXAMPLES
        .split_once("Exit status:")
        .expect("the examples end with the exit statuses");
    let rules: Vec<String> = Rule::ALL
        .iter()
        .map(|r| {
            format!(
                "  {:<22} {:<8} {}",
                r.id(),
                r.severity().as_str(),
                r.description()
            )
        })
        .collect();
    format!(
        "{notes}Findings (rule, severity):\n{}\n\nExit status:{exit}",
        rules.join("\n")
    )
}

/// Output formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// Readable text, grouped by resource address.
    Text,
    /// The stable JSON report (`"schema": "rdsca-check/1"`).
    Json,
    /// SARIF 2.1.0, for code-scanning dashboards.
    Sarif,
}

/// Check the RDS CA choices in Terraform plans and states.
#[derive(Debug, Args)]
#[command(after_help = after_help())]
pub struct CheckArgs {
    /// `terraform show -json` of a saved plan or of the state, or a terraform.tfstate; `-` reads stdin.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
    /// The lowest severity that makes the run exit 2.
    #[arg(long, value_enum, default_value_t = FailOn::Error, value_name = "SEVERITY")]
    pub fail_on: FailOn,
    /// The Region of resources that nothing in the input places (before AWS_REGION).
    #[arg(long, value_name = "REGION", value_parser = parse_region)]
    pub region: Option<String>,
    /// Also ask the RDS API whether each engine version supports its CA (needs AWS credentials).
    #[arg(long)]
    pub aws: bool,
    /// The AWS profile for --aws, instead of AWS_PROFILE or `default`.
    #[arg(long, value_name = "PROFILE", requires = "aws")]
    pub aws_profile: Option<String>,
}

/// `--region` must be a Region of the table: a typo here would misplace every resource.
pub(crate) fn parse_region(code: &str) -> Result<String, String> {
    rdsca_table::Region::lookup(code)
        .map(|r| r.code.to_string())
        .map_err(|u| u.detail())
}

/// The findings for documents already read, against the table only (no `--aws`).
pub fn check_documents(
    docs: &[terraform::Document],
    fallbacks: &Fallbacks,
    fail_on: FailOn,
) -> Result<Report, CliError> {
    let (inputs, findings) = table_findings(docs, fallbacks, None)?;
    Ok(Report::new(inputs, findings, fail_on))
}

/// The table's findings for each document, and with `engine` the resources for `--aws`.
fn table_findings(
    docs: &[terraform::Document],
    fallbacks: &Fallbacks,
    mut engine: Option<&mut Vec<aws::Subject>>,
) -> Result<(Vec<InputSummary>, Vec<Finding>), CliError> {
    let mut findings: Vec<Finding> = Vec::new();
    let mut inputs = Vec::with_capacity(docs.len());
    for (input, doc) in docs.iter().enumerate() {
        let instances = terraform::instances(doc).map_err(CliError::Input)?;
        let located: Vec<Located> = instances.iter().map(|i| locate(i, fallbacks)).collect();
        let mut defaults = Defaults::new();
        for (instance, place) in instances.iter().zip(&located) {
            if let (RdsType::Certificate, Located::Claim(claim)) = (instance.rds_type, place) {
                defaults
                    .entry(claim.code.clone())
                    .or_insert_with(|| AccountDefault {
                        address: instance.address.clone(),
                        value: instance.attr("certificate_identifier"),
                    });
            }
        }
        let mut checker = Checker {
            input,
            out: &mut findings,
            engine: engine.as_deref_mut(),
        };
        for (instance, place) in instances.iter().zip(located) {
            checker.check(instance, place, &defaults);
        }
        inputs.push(InputSummary {
            name: doc.name.clone(),
            kind: doc.kind,
            resources: instances.len(),
        });
    }
    Ok((inputs, findings))
}

/// The `--aws` findings for these resources, from the RDS API.
fn engine_findings(
    subjects: &[aws::Subject],
    profile: Option<&str>,
) -> Result<Vec<Finding>, CliError> {
    if subjects.is_empty() {
        return Ok(Vec::new());
    }
    let http =
        rdsca_http::HttpSettings::with_defaults(format!("rdsca/{}", env!("CARGO_PKG_VERSION")));
    let api = rdsca_aws::RdsApi::new(
        &http,
        rdsca_aws::AwsSettings {
            profile: profile.map(str::to_string),
        },
    )
    .map_err(|e| CliError::Usage(format!("--aws: {e}")))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::Usage(format!("--aws: cannot start the async runtime: {e}")))?;
    Ok(runtime.block_on(aws::check(&api, subjects)))
}

pub fn run(args: &CheckArgs, out: &mut dyn Write) -> Result<Outcome, CliError> {
    if args.files.iter().filter(|f| *f == "-").count() > 1 {
        return Err(CliError::Usage(
            "FILE: `-` (stdin) can be given once only".into(),
        ));
    }
    let docs = args
        .files
        .iter()
        .map(|f| terraform::read(f))
        .collect::<Result<Vec<_>, _>>()
        .map_err(CliError::Input)?;
    let fallbacks = Fallbacks {
        flag: args.region.clone(),
        environment: std::env::var("AWS_REGION").ok(),
    };
    let mut subjects = Vec::new();
    let (inputs, mut findings) =
        table_findings(&docs, &fallbacks, args.aws.then_some(&mut subjects))?;
    findings.extend(engine_findings(&subjects, args.aws_profile.as_deref())?);
    let report = Report::new(inputs, findings, args.fail_on);
    match args.format {
        CheckFormat::Text => crate::report::text::write(&report, out),
        CheckFormat::Json => crate::report::json::write(&report, out),
        CheckFormat::Sarif => crate::report::sarif::write(&report, out),
    }
    .map_err(CliError::Output)?;
    Ok(if report.failed() {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}
