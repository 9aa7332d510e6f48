//! `data "rdsca_databases"`: the fleet audit in a plan. Every DB instance and cluster of one or
//! more Regions with its CA, server certificate deadline and the fix, read from the RDS API with
//! AWS credentials; databases past the thresholds become plan warnings or errors. Like
//! `rdsca_engine_ca`, nothing is built or called unless a configuration reads it.

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tf_provider::schema::{AttributeType, Schema};
use tf_provider::value::Value;
use tf_provider::{AttributePath, Diagnostics};

use super::engine_ca::{credentials_failed_detail, credentials_help};
use super::{known_set, rds_api, without_problems, RdscaDataSource};
use crate::provider_data::ProviderData;
use crate::schema_util::{block, computed, optional, optional_computed, strings, ObjectList};
use rdsca_aws::audit::{
    audit, AuditRequest, DatabaseAudit, FleetFilters, FleetReport, RegionFailure, Thresholds,
    Verdict, IAM_ACTIONS,
};
use rdsca_aws::RdsError;
use rdsca_table::selection::{self, Problem};
use rdsca_table::{Availability, CaId};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// The data source's name in the provider (`rdsca_databases` in configurations).
pub const NAME: &str = "databases";

/// `warn_days` when unset: a month to plan a rotation.
pub const DEFAULT_WARN_DAYS: i64 = 30;
/// `fail_days` when unset: a week before the server certificate expires.
pub const DEFAULT_FAIL_DAYS: i64 = 7;

/// Requests in flight at most over every Region of one read.
const CONCURRENCY: usize = 8;

/// One database as it lands in state (`databases`).
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatabaseEntry {
    pub region: String,
    pub identifier: String,
    pub arn: String,
    pub kind: String,
    pub engine: String,
    pub engine_version: String,
    pub ca_identifier: Option<String>,
    pub valid_till: Option<String>,
    pub days_left: Option<i64>,
    pub ca_not_after: Option<String>,
    pub ca_offered: Option<bool>,
    pub ca_supported: Option<bool>,
    pub rotates_without_restart: Option<bool>,
    pub pending_rotation_auto_applied_after: Option<String>,
    pub pending_rotation_forced_apply: Option<String>,
    pub pending_rotation_current_apply: Option<String>,
    pub status: String,
    pub reasons: Vec<String>,
    pub fix_ca_identifier: Option<String>,
    pub fix_restarts: Option<bool>,
}

/// One CA's line of the summary (`summary`).
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaSummaryEntry {
    pub ca_identifier: String,
    pub databases: i64,
    pub ok: i64,
    pub warn: i64,
    pub fail: i64,
    pub soonest_deadline: Option<String>,
    pub soonest_database: Option<String>,
}

/// A Region whose databases could not be read (`failed_regions`).
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailedRegionEntry {
    pub region: String,
    pub error: String,
    pub databases_missing: bool,
    pub not_enabled: bool,
    pub missing_iam_action: Option<String>,
}

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct DatabasesState {
    pub region: Value<String>,
    pub regions: Value<Vec<Value<String>>>,
    pub identifier_prefix: Value<String>,
    pub engine: Value<String>,
    pub tags: Value<BTreeMap<String, Value<String>>>,
    pub warn_days: Value<i64>,
    pub fail_days: Value<i64>,
    pub allowed_cas: Value<Vec<Value<String>>>,
    pub allow_failed_regions: Value<bool>,
    pub id: Value<String>,
    pub databases: Value<Vec<DatabaseEntry>>,
    pub summary: Value<Vec<CaSummaryEntry>>,
    pub soonest_deadline: Value<String>,
    pub soonest_database: Value<String>,
    pub failed_regions: Value<Vec<FailedRegionEntry>>,
}

pub fn databases_object() -> ObjectList {
    let s = || AttributeType::String;
    let b = || AttributeType::Bool;
    ObjectList::new(
        "Every DB instance and DB cluster found, sorted by Region then identifier.",
        vec![
            ("region", s(), "The Region the database is in."),
            ("identifier", s(), "`DBInstanceIdentifier` or `DBClusterIdentifier`."),
            ("arn", s(), "The database's ARN."),
            ("kind", s(), "`instance` (a standalone DB instance), `aurora_cluster_member` (an instance of an Aurora cluster) or `multi_az_cluster` (a Multi-AZ DB cluster of RDS for PostgreSQL or MySQL, which carries its own server certificate)."),
            ("engine", s(), "DB engine (`postgres`, `aurora-mysql`, ...)."),
            ("engine_version", s(), "Engine version."),
            ("ca_identifier", s(), "The CA of the server certificate (`CACertificateIdentifier`); null when RDS does not say."),
            ("valid_till", s(), "When the server certificate expires (`CertificateDetails.ValidTill`, RFC 3339): the deadline. Not the CA's own expiry, see `ca_not_after`."),
            ("days_left", AttributeType::Number, "Whole days from the read to `valid_till`; negative once it has passed; null without `valid_till`."),
            ("ca_not_after", s(), "The end of the CA's own validity, from the RDS roots compiled into the provider; null for a CA they do not include."),
            ("ca_offered", b(), "Whether RDS offers the CA in the Region (the provider's Region table); null when no source says."),
            ("ca_supported", b(), "Whether the engine version supports the CA (`DescribeDBEngineVersions`); null when the version is not listed."),
            ("rotates_without_restart", b(), "Whether the engine version rotates the server certificate without a restart (`SupportsCertificateRotationWithoutRestart`); null when the API does not say."),
            ("pending_rotation_auto_applied_after", s(), "A pending `ca-certificate-rotation` maintenance action's `AutoAppliedAfterDate`; else null."),
            ("pending_rotation_forced_apply", s(), "Its `ForcedApplyDate`; else null."),
            ("pending_rotation_current_apply", s(), "Its `CurrentApplyDate` (opted in to the next maintenance window); else null."),
            ("status", s(), "`ok`, `warn` (within `warn_days` of `valid_till`) or `fail` (within `fail_days`, expired, or a CA outside `allowed_cas`, not offered in the Region or not supported by the engine version)."),
            ("reasons", strings(), "Why the status is not `ok`, one sentence each; empty when it is."),
            ("fix_ca_identifier", s(), "The `ca_cert_identifier` value to apply (a CA offered in the Region, supported by the engine version and allowed); null when the status is `ok`, or when no CA qualifies."),
            ("fix_restarts", b(), "Whether applying `fix_ca_identifier` restarts the database (the engine version does not rotate without restart); null when there is no fix or the API does not say."),
        ],
    )
}

pub fn summary_object() -> ObjectList {
    let s = || AttributeType::String;
    let n = || AttributeType::Number;
    ObjectList::new(
        "One line per CA in use (databases for which RDS reports no CA under `none`), sorted by CA.",
        vec![
            ("ca_identifier", s(), "The CA."),
            ("databases", n(), "Databases that use it."),
            ("ok", n(), "Of those, with status `ok`."),
            ("warn", n(), "With status `warn`."),
            ("fail", n(), "With status `fail`."),
            (
                "soonest_deadline",
                s(),
                "The earliest deadline among them (a server certificate's `valid_till`, or the CA's own expiry where that comes first); null when none has one.",
            ),
            (
                "soonest_database",
                s(),
                "`<region>/<identifier>` of the database with that deadline.",
            ),
        ],
    )
}

pub fn failed_regions_object() -> ObjectList {
    let s = || AttributeType::String;
    ObjectList::new(
        "Regions that could not be read, or only in part, and opt-in Regions the account has not enabled (a warning). A Region whose databases could not be listed is an error unless `allow_failed_regions = true`, so it lands here only with that set.",
        vec![
            ("region", s(), "The Region."),
            ("error", s(), "What failed, as the API or the client said it."),
            ("databases_missing", AttributeType::Bool, "Whether the Region's databases are missing (a listing failed), rather than only some of their facts (an engine version could not be read: `ca_supported` and `rotates_without_restart` are null)."),
            ("not_enabled", AttributeType::Bool, "Whether the Region rejected the credentials other Regions accepted (`InvalidClientTokenId`): an opt-in Region the account has not enabled, which has no databases. A warning, never an error."),
            ("missing_iam_action", s(), "The IAM action the identity lacks (`rds:DescribeDBInstances`, ...) when the API answered access denied; else null."),
        ],
    )
}

pub fn schema() -> Schema {
    let s = AttributeType::String;
    let n = AttributeType::Number;
    block(
        "The fleet audit: every DB instance and DB cluster of one Region (`region`) or several (`regions`, read concurrently), with its CA, its server certificate's deadline (`valid_till`), whether the CA is offered in the Region and supported by the engine version, whether a rotation restarts it, any pending `ca-certificate-rotation` maintenance, and the fix.\n\n\
         Thresholds: a database whose server certificate expires within `warn_days` is a plan **warning** naming it, its deadline and the fix (the `ca_cert_identifier` value, and whether applying it restarts the database). Within `fail_days` (or expired), or a CA outside `allowed_cas`, not offered in the Region or not supported by the engine version, it is an **error**: \
         error diagnostics stop the plan, so nothing of the read lands in state. To see the whole report without failing the run, put the data source in a `check` block: Terraform reports its errors as warnings there (continuous validation).\n\n\
         A Region that cannot be read (access denied, throttled past the retries, unreachable) is an error naming the Region and, for access denied, the missing IAM action; with `allow_failed_regions = true` it is a warning instead, it is listed in `failed_regions`, and the other Regions' databases land. An opt-in Region the account has not enabled (it rejects credentials the other Regions accept) is only a warning.\n\n\
         Calls AWS, and only when a configuration reads it. Credentials come from the AWS standard chain, as for `rdsca_engine_ca` (`aws_profile`, `AWS_ENDPOINT_URL_RDS`). The identity needs the read-only actions `rds:DescribeDBInstances`, `rds:DescribeDBClusters`, `rds:DescribePendingMaintenanceActions` and `rds:DescribeDBEngineVersions` (one request per distinct engine version).",
        vec![
            ("region", optional(s.clone(), "One Region to audit, for example `eu-west-1`. Exactly one of `region` and `regions` must be set.")),
            ("regions", optional(strings(), "Several Regions to audit in one read, read concurrently. Exactly one of `region` and `regions` must be set.")),
            ("identifier_prefix", optional(s.clone(), "Only databases whose identifier (or, for an Aurora member, its cluster's) starts with this.")),
            ("engine", optional(s.clone(), "Only databases of this engine (`postgres`, `aurora-postgresql`, ...), sent to RDS as the `engine` filter.")),
            ("tags", optional(AttributeType::Map(Box::new(AttributeType::String)), "Only databases that carry every one of these tags with these values.")),
            ("warn_days", optional_computed(n.clone(), "A server certificate that expires within this many days is a warning. Default 30.")),
            ("fail_days", optional_computed(n, "A server certificate that expires within this many days (or has expired) is an error. Default 7; at most `warn_days`.")),
            ("allowed_cas", optional(strings(), "The CAs databases may use; a database on another is an error. Unset: every CA is allowed.")),
            ("allow_failed_regions", optional(AttributeType::Bool, "A Region that cannot be read is a warning (and listed in `failed_regions`) rather than an error. Default false.")),
            ("id", computed(s.clone(), "The Regions audited, comma-separated.")),
            ("databases", databases_object().attribute()),
            ("summary", summary_object().attribute()),
            ("soonest_deadline", computed(s.clone(), "The fleet's earliest deadline (a server certificate's `valid_till`, or a CA's own expiry where that comes first), RFC 3339; null without any.")),
            ("soonest_database", computed(s, "`<region>/<identifier>` of the database with `soonest_deadline`.")),
            ("failed_regions", failed_regions_object().attribute()),
        ],
    )
}

/// The validated inputs of a read.
#[derive(Debug, Clone, PartialEq)]
pub struct Inputs {
    pub regions: Vec<String>,
    pub warn_days: i64,
    pub fail_days: i64,
    pub allowed_cas: Option<Vec<CaId>>,
}

fn problem(
    attribute: &'static str,
    summary: impl Into<String>,
    detail: impl Into<String>,
) -> Problem {
    Problem {
        attribute,
        summary: summary.into(),
        detail: detail.into(),
    }
}

/// The set strings of a list input, or `None` while the list or any element is unknown.
fn known_list(v: &Value<Vec<Value<String>>>) -> Option<Option<Vec<&str>>> {
    match v {
        Value::Null => Some(None),
        Value::Unknown => None,
        Value::Value(items) => items
            .iter()
            .map(|i| match i {
                Value::Value(s) => Some(Some(s.as_str())),
                // A null element is reported as empty.
                Value::Null => Some(Some("")),
                Value::Unknown => None,
            })
            .collect::<Option<Option<Vec<&str>>>>()
            .map(|l| Some(l.unwrap_or_default())),
    }
}

/// A number input: `Ok(Some)` when set, `Ok(None)` when null, `Err(())` while unknown.
fn known_number(v: &Value<i64>) -> Result<Option<i64>, ()> {
    match v {
        Value::Value(n) => Ok(Some(*n)),
        Value::Null => Ok(None),
        Value::Unknown => Err(()),
    }
}

impl DatabasesState {
    /// Problems found without calling AWS, and the inputs when every one is known and valid.
    /// `allow_unlisted`: the provider's `allow_unlisted_regions` (`None` while unknown).
    pub fn offline_problems(&self, allow_unlisted: Option<bool>) -> (Option<Inputs>, Vec<Problem>) {
        let mut problems = Vec::new();
        let mut complete = true;

        let single = match &self.region {
            Value::Unknown => {
                complete = false;
                None
            }
            v => known_set(v).map(str::to_string),
        };
        let several = known_list(&self.regions);
        let mut regions: Vec<String> = Vec::new();
        match (&self.region, &self.regions, single, several) {
            (Value::Null, Value::Null, _, _) => problems.push(problem(
                "region",
                "Missing region or regions",
                "data \"rdsca_databases\" needs the Regions to audit: set region = \"eu-west-1\" for one, or regions = [\"eu-west-1\", \"us-east-1\"] for several.",
            )),
            (r, rs, _, _) if !r.is_null() && !rs.is_null() => problems.push(problem(
                "regions",
                "Both region and regions are set",
                "Set exactly one of region (one Region) and regions (several): put every Region in regions.",
            )),
            (_, _, Some(code), _) => regions.push(code),
            (_, _, None, Some(Some(list))) => {
                if list.is_empty() {
                    problems.push(problem(
                        "regions",
                        "Empty regions",
                        "regions must list at least one Region, for example [\"eu-west-1\"].",
                    ));
                }
                for code in list {
                    if regions.iter().any(|r| r == code) {
                        problems.push(problem(
                            "regions",
                            format!("Region \"{code}\" is listed twice"),
                            format!("regions lists {code} more than once; list each Region once."),
                        ));
                    } else {
                        regions.push(code.to_string());
                    }
                }
            }
            _ => complete = false,
        }
        let attribute = if self.region.is_null() {
            "regions"
        } else {
            "region"
        };
        for code in &regions {
            if let Err(p) = selection::place(attribute, code, allow_unlisted.unwrap_or(true)) {
                problems.push(p);
            }
        }

        for (attribute, value) in [
            ("identifier_prefix", &self.identifier_prefix),
            ("engine", &self.engine),
        ] {
            if value.is_unknown() {
                complete = false;
            }
            if known_set(value).is_some_and(|v| v.trim().is_empty()) {
                problems.push(problem(
                    attribute,
                    format!("Empty {attribute}"),
                    format!("{attribute} must not be empty: remove it to keep every database."),
                ));
            }
        }
        if self.tags.is_unknown() {
            complete = false;
        }

        let mut days = |attribute: &'static str, v: &Value<i64>, default: i64| match known_number(v)
        {
            Err(()) => {
                complete = false;
                None
            }
            Ok(n) => {
                let n = n.unwrap_or(default);
                if n < 0 {
                    problems.push(problem(
                        attribute,
                        format!("Negative {attribute}"),
                        format!("{attribute} is {n}: it counts days before a server certificate expires and must be 0 or more."),
                    ));
                }
                Some(n)
            }
        };
        let warn_days = days("warn_days", &self.warn_days, DEFAULT_WARN_DAYS);
        let fail_days = days("fail_days", &self.fail_days, DEFAULT_FAIL_DAYS);
        if let (Some(warn), Some(fail)) = (warn_days, fail_days) {
            if fail > warn && warn >= 0 {
                problems.push(problem(
                    "fail_days",
                    "fail_days is greater than warn_days",
                    format!("fail_days ({fail}) must be at most warn_days ({warn}): a database becomes a warning before it becomes an error. Raise warn_days to at least {fail}, or lower fail_days."),
                ));
            }
        }

        let allowed_cas = match known_list(&self.allowed_cas) {
            None => {
                complete = false;
                None
            }
            Some(None) => None,
            Some(Some(list)) => {
                if list.is_empty() {
                    problems.push(problem(
                        "allowed_cas",
                        "Empty allowed_cas",
                        "allowed_cas = [] would fail every database: list the CAs databases may use, or remove allowed_cas to allow every CA.",
                    ));
                }
                let mut cas = Vec::new();
                for id in list {
                    match selection::ca("allowed_cas", id) {
                        Ok(ca) => cas.push(ca),
                        Err(p) => problems.push(p),
                    }
                }
                Some(cas)
            }
        };

        let inputs = match (warn_days, fail_days) {
            (Some(warn_days), Some(fail_days)) if complete && problems.is_empty() => Some(Inputs {
                regions,
                warn_days,
                fail_days,
                allowed_cas,
            }),
            _ => None,
        };
        (inputs, problems)
    }
}

/// The fix as a sentence: the value to apply and whether applying it restarts the database.
fn fix_sentence(entry: &DatabaseEntry) -> String {
    match (&entry.fix_ca_identifier, entry.fix_restarts) {
        (Some(ca), Some(true)) => format!("Fix: set ca_cert_identifier = \"{ca}\" on {}; applying it restarts the database ({} {} does not rotate without restart), so apply it in a maintenance window (apply_immediately = false).", entry.identifier, entry.engine, entry.engine_version),
        (Some(ca), Some(false)) => format!("Fix: set ca_cert_identifier = \"{ca}\" on {}; {} {} rotates without restart, so applying it does not restart the database.", entry.identifier, entry.engine, entry.engine_version),
        (Some(ca), None) => format!("Fix: set ca_cert_identifier = \"{ca}\" on {}; RDS does not say whether {} {} rotates without restart: plan for a restart.", entry.identifier, entry.engine, entry.engine_version),
        (None, _) => format!("No CA qualifies as a fix for {} ({} {} in {}): none is offered in the Region, supported by the engine version and allowed. Upgrade the engine version or widen allowed_cas.", entry.identifier, entry.engine, entry.engine_version, entry.region),
    }
}

fn deadline(entry: &DatabaseEntry) -> String {
    match (&entry.valid_till, entry.days_left) {
        (Some(t), Some(d)) if d < 0 => {
            format!("its server certificate expired on {t} ({} days ago)", -d)
        }
        (Some(t), Some(d)) => format!("its server certificate expires on {t} ({d} days left)"),
        (Some(t), None) => format!("its server certificate expires on {t}"),
        (None, _) => "RDS gives no server certificate date".into(),
    }
}

/// Each database past a threshold as one diagnostic: `warn` a warning, `fail` an error, each
/// naming the database, its deadline and the fix. On the `databases` attribute.
pub fn diagnose(diags: &mut Diagnostics, databases: &[DatabaseEntry]) {
    for entry in databases {
        let name = format!("{} in {}", entry.identifier, entry.region);
        // The audit's reasons are clauses ("its server certificate expires on ..."); without
        // any, the deadline says why.
        let why = if entry.reasons.is_empty() {
            deadline(entry)
        } else {
            entry.reasons.join("; ")
        };
        let mut detail = format!(
            "{} ({} {} {}, CA {}): {why}.",
            name,
            entry.kind.replace('_', " "),
            entry.engine,
            entry.engine_version,
            entry.ca_identifier.as_deref().unwrap_or("unknown"),
        );
        if entry.days_left.is_some() && !entry.reasons.is_empty() {
            detail.push_str(&format!(" In short, {}.", deadline(entry)));
        }
        detail.push(' ');
        detail.push_str(&fix_sentence(entry));
        let when = entry.valid_till.as_deref().unwrap_or("no date");
        match entry.status.as_str() {
            "warn" => diags.warning(
                format!("Database {name}: server certificate expires {when}"),
                detail,
                AttributePath::new("databases"),
            ),
            "fail" => diags.error(
                format!("Database {name} fails the CA audit (deadline {when})"),
                detail,
                AttributePath::new("databases"),
            ),
            _ => {}
        }
    }
}

/// A Region that could not be read: an error (the plan stops), or with `allow_failed_regions` a
/// warning. One whose databases were all listed but some facts not (an engine version) is a
/// warning either way: its databases are in the report.
pub fn diagnose_failed_region(diags: &mut Diagnostics, failed: &FailedRegionEntry, allowed: bool) {
    if failed.not_enabled {
        diags.root_warning(
            format!("{} is not enabled for this account", failed.region),
            format!(
                "{} rejected the credentials that other Regions accepted ({}): an opt-in Region the account has not enabled has no databases to audit. Enable the Region (aws account enable-region --region-name {}) or remove it from regions.",
                failed.region,
                failed.error.trim_end_matches('.'),
                failed.region
            ),
        );
        return;
    }
    let summary = if failed.databases_missing {
        format!("Cannot audit the databases of {}", failed.region)
    } else {
        format!("Part of the audit of {} is missing", failed.region)
    };
    let mut detail = format!("{}: {}.", failed.region, failed.error.trim_end_matches('.'));
    if let Some(action) = &failed.missing_iam_action {
        detail.push_str(&format!(
            " The identity lacks {action}. The audit needs the read-only actions {}.",
            IAM_ACTIONS.join(", ")
        ));
    }
    if !failed.databases_missing {
        detail.push_str(" Its databases are reported, without ca_supported and rotates_without_restart where the engine version could not be read.");
        diags.root_warning(summary, detail);
    } else if allowed {
        detail
            .push_str(" The other Regions' databases are reported (allow_failed_regions = true).");
        diags.root_warning(summary, detail);
    } else {
        detail.push_str(" Fix the access, or set allow_failed_regions = true to report the other Regions regardless.");
        diags.root_error(summary, detail);
    }
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339)
        .unwrap_or_else(|_| t.unix_timestamp().to_string())
}

impl From<&DatabaseAudit> for DatabaseEntry {
    fn from(d: &DatabaseAudit) -> Self {
        let pending = d.pending_rotation.as_ref();
        DatabaseEntry {
            region: d.region.clone(),
            identifier: d.identifier.clone(),
            arn: d.arn.clone(),
            kind: d.kind.as_str().to_string(),
            engine: d.engine.clone(),
            engine_version: d.engine_version.clone(),
            ca_identifier: d.ca_identifier.clone(),
            valid_till: d.valid_till.map(rfc3339),
            days_left: d.days_left,
            ca_not_after: d.ca_not_after.map(rfc3339),
            ca_offered: match d.ca_offered {
                Availability::Offered => Some(true),
                Availability::NotOffered => Some(false),
                Availability::Unverified => None,
            },
            ca_supported: d.ca_supported_by_engine,
            rotates_without_restart: d.rotates_without_restart,
            pending_rotation_auto_applied_after: pending
                .and_then(|p| p.auto_applied_after)
                .map(rfc3339),
            pending_rotation_forced_apply: pending.and_then(|p| p.forced_apply).map(rfc3339),
            pending_rotation_current_apply: pending.and_then(|p| p.current_apply).map(rfc3339),
            status: d.verdict.as_str().to_string(),
            reasons: d.reasons.clone(),
            fix_ca_identifier: d.fix.as_ref().map(|f| f.ca_identifier.clone()),
            fix_restarts: d.fix.as_ref().map(|f| f.restarts),
        }
    }
}

impl From<&RegionFailure> for FailedRegionEntry {
    fn from(f: &RegionFailure) -> Self {
        FailedRegionEntry {
            region: f.region.clone(),
            error: f.error.to_string(),
            databases_missing: f.databases_missing,
            not_enabled: f.not_enabled,
            missing_iam_action: f.missing_action.clone(),
        }
    }
}

/// One line per CA of the report's summary, with its verdict counts and soonest deadline.
fn per_ca(report: &FleetReport) -> Vec<CaSummaryEntry> {
    let mut lines: BTreeMap<String, (CaSummaryEntry, Option<OffsetDateTime>)> = BTreeMap::new();
    for (ca, count) in &report.summary.per_ca {
        let entry = CaSummaryEntry {
            ca_identifier: ca.clone(),
            databases: *count as i64,
            ..Default::default()
        };
        lines.insert(ca.clone(), (entry, None));
    }
    for d in &report.databases {
        let ca = d.ca_identifier.as_deref().unwrap_or("none");
        let Some((line, soonest)) = lines.get_mut(ca) else {
            continue;
        };
        match d.verdict {
            Verdict::Ok => line.ok += 1,
            Verdict::Warn => line.warn += 1,
            Verdict::Fail => line.fail += 1,
        }
        if let Some(deadline) = d.deadline() {
            if soonest.is_none_or(|s| deadline < s) {
                *soonest = Some(deadline);
                line.soonest_deadline = Some(rfc3339(deadline));
                line.soonest_database = Some(format!("{}/{}", d.region, d.identifier));
            }
        }
    }
    lines.into_values().map(|(line, _)| line).collect()
}

pub struct DatabasesDataSource {
    pub shared: Arc<ProviderData>,
}

#[async_trait]
impl RdscaDataSource for DatabasesDataSource {
    type State = DatabasesState;
    const SCHEMA: fn() -> Schema = schema;

    async fn validate(&self, diags: &mut Diagnostics, config: DatabasesState) {
        let (_, problems) = config.offline_problems(self.shared.allow_unlisted_regions());
        super::report(diags, problems);
    }

    async fn read(
        &self,
        diags: &mut Diagnostics,
        mut config: DatabasesState,
    ) -> Option<DatabasesState> {
        let Some(inputs) = without_problems(
            diags,
            config.offline_problems(Some(self.shared.allow_unlisted_at_read())),
        )?
        else {
            diags.root_error(
                "The inputs of data \"rdsca_databases\" are not known yet",
                "Every input of rdsca_databases must be known at plan time: it is read during the plan.",
            );
            return None;
        };
        let api = rds_api(&self.shared, diags)?;
        let request = AuditRequest {
            regions: inputs.regions.clone(),
            filters: FleetFilters {
                identifier_prefix: known_set(&config.identifier_prefix).map(str::to_string),
                engine: known_set(&config.engine).map(|e| e.trim().to_string()),
                tags: match &config.tags {
                    Value::Value(tags) => tags
                        .iter()
                        .filter_map(|(k, v)| Some((k.clone(), known_set(v)?.to_string())))
                        .collect(),
                    _ => BTreeMap::new(),
                },
            },
            thresholds: Thresholds {
                warn_days: inputs.warn_days,
                fail_days: inputs.fail_days,
                allowed_cas: inputs
                    .allowed_cas
                    .as_ref()
                    .map(|cas| cas.iter().map(|c| c.as_str().to_string()).collect()),
            },
            now: OffsetDateTime::now_utc(),
            concurrency: CONCURRENCY,
        };
        let report = audit(api, &request).await;
        // Credentials are the provider's, not a Region's: one error, with how to provide them.
        for failure in &report.region_errors {
            match &failure.error {
                RdsError::NoCredentials(cause) => {
                    diags.root_error(
                        "No AWS credentials for data \"rdsca_databases\"",
                        credentials_help("rdsca_databases", &IAM_ACTIONS, cause),
                    );
                    return None;
                }
                RdsError::Credentials(cause) => {
                    diags.root_error(
                        "Cannot load AWS credentials for data \"rdsca_databases\"",
                        credentials_failed_detail("rdsca_databases", cause),
                    );
                    return None;
                }
                _ => {}
            }
        }
        let allow_failed = matches!(config.allow_failed_regions, Value::Value(true));
        let failed: Vec<FailedRegionEntry> = report
            .region_errors
            .iter()
            .map(FailedRegionEntry::from)
            .collect();
        for f in &failed {
            diagnose_failed_region(diags, f, allow_failed);
        }
        let databases: Vec<DatabaseEntry> =
            report.databases.iter().map(DatabaseEntry::from).collect();
        diagnose(diags, &databases);
        if !diags.errors.is_empty() {
            return None;
        }
        config.warn_days = Value::Value(inputs.warn_days);
        config.fail_days = Value::Value(inputs.fail_days);
        config.id = Value::Value(inputs.regions.join(","));
        config.summary = Value::Value(per_ca(&report));
        match &report.summary.soonest {
            Some(s) => {
                config.soonest_deadline = Value::Value(rfc3339(s.date));
                config.soonest_database = Value::Value(format!("{}/{}", s.region, s.identifier));
            }
            None => {
                config.soonest_deadline = Value::Null;
                config.soonest_database = Value::Null;
            }
        }
        config.databases = Value::Value(databases);
        config.failed_regions = Value::Value(failed);
        Some(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(items: &[&str]) -> Value<Vec<Value<String>>> {
        Value::Value(items.iter().map(|s| Value::Value(s.to_string())).collect())
    }

    fn config() -> DatabasesState {
        DatabasesState {
            region: Value::Value("eu-west-1".into()),
            ..Default::default()
        }
    }

    fn only(problems: &[Problem]) -> &Problem {
        assert_eq!(problems.len(), 1, "{problems:?}");
        &problems[0]
    }

    #[test]
    fn defaults_and_one_region() {
        let (inputs, problems) = config().offline_problems(Some(false));
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            inputs.unwrap(),
            Inputs {
                regions: vec!["eu-west-1".into()],
                warn_days: 30,
                fail_days: 7,
                allowed_cas: None
            }
        );
    }

    #[test]
    fn exactly_one_of_region_and_regions() {
        let (inputs, problems) = DatabasesState::default().offline_problems(Some(false));
        assert!(inputs.is_none());
        let p = only(&problems);
        assert_eq!(
            (p.attribute, p.summary.as_str()),
            ("region", "Missing region or regions")
        );

        let both = DatabasesState {
            regions: strings(&["us-east-1"]),
            ..config()
        };
        let (_, problems) = both.offline_problems(Some(false));
        let p = only(&problems);
        assert_eq!(
            (p.attribute, p.summary.as_str()),
            ("regions", "Both region and regions are set")
        );

        let several = DatabasesState {
            regions: strings(&["eu-west-1", "us-east-1"]),
            ..Default::default()
        };
        let (inputs, problems) = several.offline_problems(Some(false));
        assert!(problems.is_empty());
        assert_eq!(inputs.unwrap().regions, ["eu-west-1", "us-east-1"]);
    }

    #[test]
    fn a_mistyped_region_gets_a_did_you_mean_on_its_attribute() {
        let several = DatabasesState {
            regions: strings(&["eu-west-1", "eu-wset-1", "eu-west-1"]),
            ..Default::default()
        };
        let (inputs, problems) = several.offline_problems(Some(false));
        assert!(inputs.is_none());
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert_eq!(problems[0].summary, "Region \"eu-west-1\" is listed twice");
        assert_eq!(problems[1].attribute, "regions");
        assert!(
            problems[1].detail.contains("Did you mean \"eu-west-1\"?"),
            "{}",
            problems[1].detail
        );
    }

    #[test]
    fn thresholds_must_be_ordered_and_not_negative() {
        let inverted = DatabasesState {
            warn_days: Value::Value(5),
            fail_days: Value::Value(10),
            ..config()
        };
        let (_, problems) = inverted.offline_problems(Some(false));
        let p = only(&problems);
        assert_eq!(p.attribute, "fail_days");
        assert!(
            p.detail
                .starts_with("fail_days (10) must be at most warn_days (5)"),
            "{}",
            p.detail
        );

        // The default warn_days (30) is below an explicit fail_days of 40.
        let over_default = DatabasesState {
            fail_days: Value::Value(40),
            ..config()
        };
        assert_eq!(
            only(&over_default.offline_problems(Some(false)).1).attribute,
            "fail_days"
        );

        let negative = DatabasesState {
            warn_days: Value::Value(-1),
            fail_days: Value::Value(0),
            ..config()
        };
        let (_, problems) = negative.offline_problems(Some(false));
        let p = only(&problems);
        assert_eq!(
            (p.attribute, p.summary.as_str()),
            ("warn_days", "Negative warn_days")
        );

        let zero = DatabasesState {
            warn_days: Value::Value(0),
            fail_days: Value::Value(0),
            ..config()
        };
        assert!(zero.offline_problems(Some(false)).1.is_empty());
    }

    #[test]
    fn allowed_cas_are_checked_with_a_did_you_mean() {
        let typo = DatabasesState {
            allowed_cas: strings(&["rds-ca-rsa2048-g1", "rds-ca-rsa4069-g1"]),
            ..config()
        };
        let (inputs, problems) = typo.offline_problems(Some(false));
        assert!(inputs.is_none());
        let p = only(&problems);
        assert_eq!(p.attribute, "allowed_cas");
        assert_eq!(p.summary, "Unknown CA identifier \"rds-ca-rsa4069-g1\"");
        assert!(
            p.detail.contains("Did you mean \"rds-ca-rsa4096-g1\"?"),
            "{}",
            p.detail
        );

        let empty = DatabasesState {
            allowed_cas: strings(&[]),
            ..config()
        };
        assert_eq!(
            only(&empty.offline_problems(Some(false)).1).summary,
            "Empty allowed_cas"
        );

        let good = DatabasesState {
            allowed_cas: strings(&["rds-ca-ecc384-g1"]),
            ..config()
        };
        assert_eq!(
            good.offline_problems(Some(false)).0.unwrap().allowed_cas,
            Some(vec![CaId::from_id("rds-ca-ecc384-g1").unwrap()])
        );
    }

    #[test]
    fn unknown_inputs_are_not_errors_at_validate_but_give_no_inputs() {
        let unknown = DatabasesState {
            region: Value::Unknown,
            warn_days: Value::Unknown,
            ..Default::default()
        };
        let (inputs, problems) = unknown.offline_problems(None);
        assert!(problems.is_empty(), "{problems:?}");
        assert!(inputs.is_none());
    }

    fn entry(status: &str, restarts: Option<bool>) -> DatabaseEntry {
        DatabaseEntry {
            region: "eu-west-1".into(),
            identifier: "orders-db".into(),
            arn: "arn:aws:rds:eu-west-1:123456789012:db:orders-db".into(),
            kind: "instance".into(),
            engine: "mysql".into(),
            engine_version: "5.7.44".into(),
            ca_identifier: Some("rds-ca-rsa2048-g1".into()),
            valid_till: Some("2026-12-20T00:00:00Z".into()),
            days_left: Some(17),
            status: status.into(),
            fix_ca_identifier: (status != "ok").then(|| "rds-ca-rsa4096-g1".into()),
            fix_restarts: restarts,
            ..Default::default()
        }
    }

    #[test]
    fn verdicts_become_one_diagnostic_each_naming_database_deadline_and_fix() {
        let mut diags = Diagnostics::default();
        let mut fail = entry("fail", Some(false));
        fail.identifier = "billing".into();
        fail.reasons = vec![
            "its CA rds-ca-rsa2048-g1 is not allowed (allowed: rds-ca-rsa4096-g1)".into(),
            "a ca-certificate-rotation is pending on 2026-12-10".into(),
        ];
        diagnose(
            &mut diags,
            &[entry("ok", None), entry("warn", Some(true)), fail],
        );

        assert_eq!(diags.warnings.len(), 1);
        assert_eq!(diags.errors.len(), 1);
        let w = &diags.warnings[0];
        assert_eq!(
            w.summary,
            "Database orders-db in eu-west-1: server certificate expires 2026-12-20T00:00:00Z"
        );
        assert!(
            w.detail
                .contains("expires on 2026-12-20T00:00:00Z (17 days left)"),
            "{}",
            w.detail
        );
        assert!(w.detail.contains("Fix: set ca_cert_identifier = \"rds-ca-rsa4096-g1\" on orders-db; applying it restarts the database (mysql 5.7.44 does not rotate without restart)"), "{}", w.detail);
        let e = &diags.errors[0];
        assert_eq!(
            e.summary,
            "Database billing in eu-west-1 fails the CA audit (deadline 2026-12-20T00:00:00Z)"
        );
        // tf-provider appends a backtrace to details in debug builds.
        assert!(
            e.detail.starts_with(
            "billing in eu-west-1 (instance mysql 5.7.44, CA rds-ca-rsa2048-g1): its CA rds-ca-rsa2048-g1 is not allowed (allowed: rds-ca-rsa4096-g1); a ca-certificate-rotation is pending on 2026-12-10. \
             In short, its server certificate expires on 2026-12-20T00:00:00Z (17 days left). \
             Fix: set ca_cert_identifier = \"rds-ca-rsa4096-g1\" on billing; mysql 5.7.44 rotates without restart, so applying it does not restart the database."
            ),
            "{}",
            e.detail
        );
    }

    #[test]
    fn a_failed_region_names_the_missing_action_and_is_an_error_unless_allowed() {
        let failed = FailedRegionEntry {
            region: "us-east-1".into(),
            error: "AccessDenied: not authorized to perform: rds:DescribeDBClusters".into(),
            databases_missing: true,
            not_enabled: false,
            missing_iam_action: Some("rds:DescribeDBClusters".into()),
        };
        let mut diags = Diagnostics::default();
        diagnose_failed_region(&mut diags, &failed, false);
        assert_eq!(diags.errors.len(), 1);
        assert_eq!(
            diags.errors[0].summary,
            "Cannot audit the databases of us-east-1"
        );
        assert!(diags.errors[0]
            .detail
            .contains("The identity lacks rds:DescribeDBClusters."));
        let mut diags = Diagnostics::default();
        diagnose_failed_region(&mut diags, &failed, true);
        assert!(diags.errors.is_empty());
        assert_eq!(diags.warnings.len(), 1);

        // An opt-in Region the account has not enabled: a warning, whatever allow_failed_regions.
        let not_enabled = FailedRegionEntry {
            region: "me-south-1".into(),
            error: "InvalidClientTokenId: The security token included in the request is invalid."
                .into(),
            databases_missing: true,
            not_enabled: true,
            missing_iam_action: None,
        };
        let mut diags = Diagnostics::default();
        diagnose_failed_region(&mut diags, &not_enabled, false);
        assert!(diags.errors.is_empty());
        assert_eq!(
            diags.warnings[0].summary,
            "me-south-1 is not enabled for this account"
        );
    }
}
