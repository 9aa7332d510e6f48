//! `rdsca audit`: every RDS database of some Regions, its CA and server certificate deadlines,
//! and what to do, from the RDS API (`rdsca_aws::audit`, which owns every rule); this module
//! reads the command line, runs the audit and renders its report as a table, JSON or CSV.

use std::io::{self, Write};

use clap::{Args, ValueEnum};
use rdsca_aws::audit::{
    audit, AuditRequest, DatabaseAudit, FleetFilters, FleetReport, RegionFailure, Thresholds,
    Verdict, IAM_ACTIONS,
};
use rdsca_aws::{engine::ENGINES, AwsSettings, RdsApi, RdsError};
use rdsca_http::HttpSettings;
use rdsca_table::{CaId, Partition, UnknownValue};
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::finding::{FailOn, Severity};
use crate::{CliError, Outcome};

const EXAMPLES: &str = "\
Examples:
  rdsca audit --region eu-west-1
  rdsca audit --partition aws --format json > fleet.json     # every commercial Region
  rdsca audit --region us-east-1 --region eu-west-1 --engine postgres --tag Environment=prod
  rdsca audit --region eu-west-1 --warn-days 60 --fail-days 14 --fail-on warning
  rdsca audit --region eu-west-1 --allowed-ca rds-ca-rsa4096-g1 --format csv > fleet.csv
  rdsca audit --region eu-west-1 --aws-profile audit           # a profile of ~/.aws/config

Databases: each DB instance, each Aurora cluster member (its own server certificate), each Multi-AZ
DB cluster (one certificate for its three instances). For each: its CA, the server certificate's
expiry (CertificateDetails.ValidTill) and days left, the CA root's expiry, whether the Region offers
the CA and the engine version supports it, whether the version rotates without restart, any pending
ca-certificate-rotation, and a verdict (ok, warn, fail) with the fix: the ca_cert_identifier to set
and whether applying it restarts the database.

Verdicts: fail when a certificate or the CA expires within --fail-days (or has expired), the CA is
retired or not in --allowed-ca; warn within --warn-days, or when the CA is not offered in the Region,
not listed by the engine version, unknown, or RDS reports no CA or expiry. A fail is an error
finding, a warn a warning, for --fail-on. A Region that cannot be read is an error finding too
(reported on stderr and in the output; the other Regions are still audited). A Region that rejects
the credentials other Regions accept is an opt-in Region the account has not enabled: skipped, a note.

AWS access: the standard credential chain (environment, --aws-profile or AWS_PROFILE, SSO, web
identity, container, instance metadata); AWS_ENDPOINT_URL_RDS or AWS_ENDPOINT_URL for another
endpoint. Read-only IAM actions needed: rds:DescribeDBInstances, rds:DescribeDBClusters,
rds:DescribePendingMaintenanceActions, rds:DescribeDBEngineVersions (an access-denied answer is
reported with the action it lacks).

Exit status: 0 when no finding is at or above --fail-on, 2 when one is, 1 for bad input (an unknown
Region, partition, engine or CA, a malformed --tag, --fail-days above --warn-days, no AWS credentials).";

/// Output formats of `audit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AuditFormat {
    /// One line per database, the reasons under each that is not ok, then the summary.
    Table,
    /// The stable JSON report (`"schema": "rdsca-audit/1"`).
    Json,
    /// One row per database (and per Region that failed), with a header.
    Csv,
}

/// Audit the CA and server certificate of every RDS database in some Regions.
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct AuditArgs {
    /// A Region to audit (repeatable).
    #[arg(long = "region", value_name = "REGION", value_parser = crate::check::parse_region, required_unless_present = "partition")]
    pub regions: Vec<String>,
    /// Every Region of this partition in the table (aws, aws-cn, aws-us-gov).
    #[arg(long, value_name = "PARTITION", value_parser = parse_partition, conflicts_with = "regions")]
    pub partition: Option<String>,
    /// Only databases whose identifier (or Aurora cluster's identifier) starts with this.
    #[arg(long, value_name = "PREFIX")]
    pub identifier_prefix: Option<String>,
    /// Only databases of this engine (postgres, aurora-mysql, ...).
    #[arg(long, value_name = "ENGINE", value_parser = parse_engine)]
    pub engine: Option<String>,
    /// Only databases with this tag (repeatable: every one must match).
    #[arg(long = "tag", value_name = "KEY=VALUE", value_parser = parse_tag)]
    pub tags: Vec<(String, String)>,
    /// Days left at or under which a deadline is a warning.
    #[arg(long, default_value_t = 30, value_name = "DAYS")]
    pub warn_days: i64,
    /// Days left at or under which a deadline fails.
    #[arg(long, default_value_t = 7, value_name = "DAYS")]
    pub fail_days: i64,
    /// A CA databases may use (repeatable); any other fails.
    #[arg(long = "allowed-ca", value_name = "CA", value_parser = parse_ca)]
    pub allowed_cas: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = AuditFormat::Table)]
    pub format: AuditFormat,
    /// The lowest severity that makes the run exit 2.
    #[arg(long, value_enum, default_value_t = FailOn::Error, value_name = "SEVERITY")]
    pub fail_on: FailOn,
    /// A profile of the shared AWS config files, instead of AWS_PROFILE / default.
    #[arg(long, value_name = "PROFILE")]
    pub aws_profile: Option<String>,
    /// RDS API requests in flight at most, over all Regions.
    #[arg(long, default_value_t = 8, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
}

fn parse_partition(id: &str) -> Result<String, String> {
    Partition::lookup(id)
        .map(|p| p.id.to_string())
        .map_err(|u| u.detail())
}

fn parse_engine(engine: &str) -> Result<String, String> {
    if ENGINES.contains(&engine) {
        Ok(engine.to_string())
    } else {
        Err(UnknownValue::new("engine", engine, ENGINES.iter().copied()).detail())
    }
}

fn parse_ca(id: &str) -> Result<String, String> {
    id.parse::<CaId>()
        .map(|c| c.as_str().to_string())
        .map_err(|u: UnknownValue| u.detail())
}

fn parse_tag(tag: &str) -> Result<(String, String), String> {
    match tag.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
        _ => Err(format!(
            "\"{tag}\" is not a tag: write KEY=VALUE (e.g. Environment=prod)"
        )),
    }
}

/// The severity of a verdict, for `--fail-on`.
fn severity(verdict: Verdict) -> Option<Severity> {
    match verdict {
        Verdict::Ok => None,
        Verdict::Warn => Some(Severity::Warning),
        Verdict::Fail => Some(Severity::Error),
    }
}

/// Whether the report fails the run: a database at or above `--fail-on`, or a Region that
/// failed (an error: the audit is incomplete).
pub fn failed(report: &FleetReport, fail_on: FailOn) -> bool {
    let databases = report.databases.iter().filter_map(|d| severity(d.verdict));
    let regions = report.region_errors.iter().map(|f| {
        if f.not_enabled {
            Severity::Note
        } else {
            Severity::Error
        }
    });
    databases.chain(regions).any(|s| fail_on.fails(s))
}

impl AuditArgs {
    fn request(&self, now: OffsetDateTime) -> Result<AuditRequest, CliError> {
        if self.fail_days > self.warn_days {
            return Err(CliError::Usage(format!(
                "--fail-days {} is above --warn-days {}: a deadline would fail before it warns",
                self.fail_days, self.warn_days
            )));
        }
        let regions = match &self.partition {
            Some(p) => Partition::lookup(p)
                .map_err(|u| CliError::Usage(u.detail()))?
                .regions()
                .map(|r| r.code.to_string())
                .collect(),
            None => self.regions.clone(),
        };
        Ok(AuditRequest {
            regions,
            filters: FleetFilters {
                identifier_prefix: self.identifier_prefix.clone(),
                engine: self.engine.clone(),
                tags: self.tags.iter().cloned().collect(),
            },
            thresholds: Thresholds {
                warn_days: self.warn_days,
                fail_days: self.fail_days,
                allowed_cas: (!self.allowed_cas.is_empty()).then(|| self.allowed_cas.clone()),
            },
            now,
            concurrency: usize::from(self.concurrency),
        })
    }
}

pub fn run(args: &AuditArgs, out: &mut dyn Write) -> Result<Outcome, CliError> {
    let request = args.request(OffsetDateTime::now_utc())?;
    let http = HttpSettings::with_defaults(concat!("rdsca-cli/", env!("CARGO_PKG_VERSION")));
    let api = RdsApi::new(
        &http,
        AwsSettings {
            profile: args.aws_profile.clone(),
        },
    )
    .map_err(|e| CliError::BadInput(e.to_string()))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::BadInput(format!("cannot start the audit: {e}")))?;
    let report = runtime.block_on(audit(&api, &request));
    if let Some(cause) = no_credentials(&report) {
        return Err(CliError::BadInput(cause));
    }
    for f in &report.region_errors {
        eprintln!("rdsca: {}", failure_text(f));
    }
    match args.format {
        AuditFormat::Table => table(&report, out),
        AuditFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &to_json(&report, args.fail_on))
                .map_err(io::Error::from)
                .and_then(|()| writeln!(out))
        }
        AuditFormat::Csv => csv(&report, out),
    }
    .map_err(CliError::Output)?;
    Ok(if failed(&report, args.fail_on) {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}

/// When no Region could be read for want of credentials, the run could not start: bad input
/// (exit 1), said once rather than per Region.
fn no_credentials(report: &FleetReport) -> Option<String> {
    let first = report.region_errors.first()?;
    let all_credentials = report.region_errors.iter().all(|f| {
        matches!(
            f.error,
            RdsError::NoCredentials(_) | RdsError::Credentials(_)
        )
    });
    if !report.databases.is_empty() || !all_credentials {
        return None;
    }
    Some(match &first.error {
        RdsError::NoCredentials(cause) => crate::check::aws::no_credentials(cause),
        other => format!("the AWS credentials could not be loaded: {other}"),
    })
}

fn iso(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_else(|_| t.to_string())
}

fn failure_text(f: &RegionFailure) -> String {
    if f.not_enabled {
        return format!(
            "{}: not enabled for this account (it rejected the credentials other Regions accepted); skipped",
            f.region
        );
    }
    let mut s = format!("{}: {}", f.region, f.error);
    if let Some(action) = &f.missing_action {
        s.push_str(&format!(" (allow {action})"));
    }
    s.push_str(if f.databases_missing {
        "; its databases are not in this report"
    } else {
        "; its databases are reported without the engine version's facts"
    });
    s
}

fn database_json(d: &DatabaseAudit) -> Value {
    json!({
        "region": d.region,
        "identifier": d.identifier,
        "arn": d.arn,
        "kind": d.kind.as_str(),
        "cluster": d.cluster,
        "engine": d.engine,
        "engine_version": d.engine_version,
        "ca_identifier": d.ca_identifier,
        "valid_till": d.valid_till.map(iso),
        "days_left": d.days_left,
        "ca_not_after": d.ca_not_after.map(iso),
        "ca_offered": d.ca_offered.as_str(),
        "ca_supported_by_engine": d.ca_supported_by_engine,
        "rotates_without_restart": d.rotates_without_restart,
        "pending_rotation": d.pending_rotation.as_ref().map(|p| json!({
            "auto_applied_after": p.auto_applied_after.map(iso),
            "forced_apply": p.forced_apply.map(iso),
            "current_apply": p.current_apply.map(iso),
            "opt_in_status": p.opt_in_status,
        })),
        "verdict": d.verdict.as_str(),
        "reasons": d.reasons,
        "fix": d.fix.as_ref().map(|f| json!({
            "ca_cert_identifier": f.ca_identifier,
            "restarts": f.restarts,
        })),
    })
}

/// The JSON report, `rdsca-audit/1`.
pub fn to_json(report: &FleetReport, fail_on: FailOn) -> Value {
    let s = &report.summary;
    json!({
        "schema": "rdsca-audit/1",
        "databases": report.databases.iter().map(database_json).collect::<Vec<_>>(),
        "region_errors": report.region_errors.iter().map(|f| json!({
            "region": f.region,
            "error": f.error.to_string(),
            "missing_action": f.missing_action,
            "databases_missing": f.databases_missing,
            "not_enabled": f.not_enabled,
        })).collect::<Vec<_>>(),
        "summary": {
            "databases": s.databases,
            "per_ca": s.per_ca,
            "ok": s.ok,
            "warn": s.warn,
            "fail": s.fail,
            "soonest": s.soonest.as_ref().map(|d| json!({
                "region": d.region,
                "identifier": d.identifier,
                "date": iso(d.date),
                "days_left": d.days_left,
            })),
        },
        "iam_actions": IAM_ACTIONS,
        "fail_on": fail_on.as_str(),
        "failed": failed(report, fail_on),
    })
}

fn fix_text(d: &DatabaseAudit) -> String {
    match &d.fix {
        Some(f) => format!(
            "ca_cert_identifier = \"{}\" ({})",
            f.ca_identifier,
            if f.restarts {
                "restarts the database"
            } else {
                "no restart"
            }
        ),
        None => String::new(),
    }
}

fn table(report: &FleetReport, out: &mut dyn Write) -> io::Result<()> {
    let header = [
        "REGION",
        "IDENTIFIER",
        "KIND",
        "ENGINE",
        "CA",
        "VALID TILL",
        "DAYS",
        "VERDICT",
        "FIX",
    ];
    let rows: Vec<[String; 9]> = report
        .databases
        .iter()
        .map(|d| {
            [
                d.region.clone(),
                d.identifier.clone(),
                d.kind.as_str().to_string(),
                format!("{} {}", d.engine, d.engine_version),
                d.ca_identifier.clone().unwrap_or_else(|| "-".into()),
                d.valid_till
                    .map(|t| t.date().to_string())
                    .unwrap_or_else(|| "-".into()),
                d.days_left
                    .map(|n| n.to_string())
                    .unwrap_or_else(|| "-".into()),
                d.verdict.as_str().to_string(),
                fix_text(d),
            ]
        })
        .collect();
    let mut widths = header.map(str::len);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &[&str]| {
        let mut s = String::new();
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            if i + 1 == cells.len() {
                s.push_str(cell);
            } else {
                s.push_str(&format!("{cell:<w$}  "));
            }
        }
        s.trim_end().to_string()
    };
    writeln!(out, "{}", line(&header))?;
    for (row, d) in rows.iter().zip(&report.databases) {
        let cells: Vec<&str> = row.iter().map(String::as_str).collect();
        writeln!(out, "{}", line(&cells))?;
        for reason in &d.reasons {
            writeln!(out, "    - {reason}")?;
        }
    }
    for f in &report.region_errors {
        let what = if f.not_enabled { "skipped" } else { "failed" };
        writeln!(out, "\nRegion {what}: {}", failure_text(f))?;
    }
    let s = &report.summary;
    let per_ca: Vec<String> = s.per_ca.iter().map(|(ca, n)| format!("{ca} {n}")).collect();
    writeln!(
        out,
        "\n{} databases: {} ok, {} warn, {} fail. Per CA: {}.",
        s.databases,
        s.ok,
        s.warn,
        s.fail,
        if per_ca.is_empty() {
            "none".to_string()
        } else {
            per_ca.join(", ")
        }
    )?;
    if let Some(d) = &s.soonest {
        writeln!(
            out,
            "Soonest deadline: {} in {}, {} ({} days).",
            d.identifier,
            d.region,
            d.date.date(),
            d.days_left
        )?;
    }
    Ok(())
}

/// RFC 4180: quoted when it holds a comma, a quote or a line break.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

const CSV_COLUMNS: [&str; 19] = [
    "region",
    "identifier",
    "arn",
    "kind",
    "engine",
    "engine_version",
    "ca_identifier",
    "valid_till",
    "days_left",
    "ca_not_after",
    "ca_offered",
    "ca_supported_by_engine",
    "rotates_without_restart",
    "pending_rotation_apply",
    "verdict",
    "fix_ca_cert_identifier",
    "fix_restarts",
    "reasons",
    "missing_action",
];

fn csv(report: &FleetReport, out: &mut dyn Write) -> io::Result<()> {
    fn opt<T: ToString>(v: Option<T>) -> String {
        v.map(|v| v.to_string()).unwrap_or_default()
    }
    let mut rows: Vec<Vec<String>> = Vec::new();
    for d in &report.databases {
        rows.push(vec![
            d.region.clone(),
            d.identifier.clone(),
            d.arn.clone(),
            d.kind.as_str().into(),
            d.engine.clone(),
            d.engine_version.clone(),
            opt(d.ca_identifier.as_ref()),
            opt(d.valid_till.map(iso)),
            opt(d.days_left),
            opt(d.ca_not_after.map(iso)),
            d.ca_offered.as_str().into(),
            opt(d.ca_supported_by_engine),
            opt(d.rotates_without_restart),
            opt(d
                .pending_rotation
                .as_ref()
                .and_then(|p| p.current_apply)
                .map(iso)),
            d.verdict.as_str().into(),
            opt(d.fix.as_ref().map(|f| f.ca_identifier.clone())),
            opt(d.fix.as_ref().map(|f| f.restarts)),
            d.reasons.join("; "),
            String::new(),
        ]);
    }
    for f in &report.region_errors {
        let mut row = vec![String::new(); CSV_COLUMNS.len()];
        row[0] = f.region.clone();
        row[14] = if f.not_enabled {
            "region_not_enabled"
        } else {
            "region_error"
        }
        .into();
        row[17] = failure_text(f);
        row[18] = opt(f.missing_action.as_ref());
        rows.push(row);
    }
    writeln!(out, "{}", CSV_COLUMNS.join(","))?;
    for row in rows {
        let cells: Vec<String> = row.iter().map(|c| csv_field(c)).collect();
        writeln!(out, "{}", cells.join(","))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn parse(args: &[&str]) -> Result<AuditArgs, clap::Error> {
        #[derive(Parser)]
        struct Wrapper {
            #[command(flatten)]
            args: AuditArgs,
        }
        Wrapper::try_parse_from(std::iter::once("audit").chain(args.iter().copied()))
            .map(|w| w.args)
    }

    #[test]
    fn bad_arguments_name_the_value_and_what_is_allowed() {
        let e = parse(&["--region", "eu-west-9"]).unwrap_err().to_string();
        assert!(e.contains("\"eu-west-9\" is not a known region"), "{e}");
        let e = parse(&["--partition", "aws-gov"]).unwrap_err().to_string();
        assert!(
            e.contains("Did you mean \"aws-us-gov\"") || e.contains("aws-us-gov"),
            "{e}"
        );
        let e = parse(&["--region", "eu-west-1", "--engine", "postgress"])
            .unwrap_err()
            .to_string();
        assert!(e.contains("\"postgres\""), "{e}");
        let e = parse(&["--region", "eu-west-1", "--tag", "prod"])
            .unwrap_err()
            .to_string();
        assert!(e.contains("write KEY=VALUE"), "{e}");
        let e = parse(&["--region", "eu-west-1", "--allowed-ca", "rds-ca-rsa4096"])
            .unwrap_err()
            .to_string();
        assert!(e.contains("rds-ca-rsa4096-g1"), "{e}");
        assert!(parse(&[]).is_err(), "a Region or a partition is required");
        assert!(parse(&["--region", "eu-west-1", "--partition", "aws"]).is_err());
    }

    #[test]
    fn a_partition_means_each_of_its_regions_and_thresholds_are_ordered() {
        let args = parse(&["--partition", "aws-us-gov", "--tag", "Team=a=b"]).unwrap();
        let request = args.request(OffsetDateTime::UNIX_EPOCH).unwrap();
        assert_eq!(request.regions, ["us-gov-east-1", "us-gov-west-1"]);
        assert_eq!(request.filters.tags["Team"], "a=b");
        assert_eq!(request.thresholds, Thresholds::default());
        let args = parse(&["--region", "eu-west-1", "--warn-days", "5"]).unwrap();
        let Err(CliError::Usage(e)) = args.request(OffsetDateTime::UNIX_EPOCH) else {
            panic!("fail-days above warn-days")
        };
        assert!(e.contains("--fail-days 7 is above --warn-days 5"), "{e}");
    }

    #[test]
    fn csv_quotes_what_needs_quoting() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"x\""), "\"say \"\"x\"\"\"");
        assert_eq!(csv_field("plain"), "plain");
    }
}
