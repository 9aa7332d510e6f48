//! The fleet audit: every database of some Regions with its CA, its server certificate's
//! deadline, whether the CA is offered in the Region and supported by the engine version, any
//! pending `ca-certificate-rotation`, and a verdict with the fix (the `ca_cert_identifier` to
//! set and whether applying it restarts the database).
//!
//! It reads the listings of `fleet` and `DescribeDBEngineVersions` (one request per distinct
//! Region, engine and version), and judges them against the compiled-in table (`rdsca-table`:
//! CA availability per Region, the roots' `not_after`, retired CAs). Regions run concurrently;
//! a Region that fails is reported in `region_errors` and loses no other. Every front end (the
//! `rdsca_databases` data source, `rdsca audit`) builds on this; it must not depend on one.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use futures::future::join_all;
use rdsca_table::{Availability, CaId, CertKind, KnownCertificate, Region, RetiredCa};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use tokio::sync::Semaphore;

use crate::fleet::{
    DbCluster, DbInstance, Filter, PendingAction, CA_ROTATION, DB_CLUSTERS, DB_INSTANCES,
    PENDING_MAINTENANCE_ACTIONS,
};
use crate::{EngineVersion, RdsApi, RdsError};

/// The read-only IAM actions the audit needs.
pub const IAM_ACTIONS: [&str; 4] = [
    "rds:DescribeDBInstances",
    "rds:DescribeDBClusters",
    "rds:DescribePendingMaintenanceActions",
    "rds:DescribeDBEngineVersions",
];

/// Which databases to audit; every field narrows, none set means all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FleetFilters {
    /// The database's identifier (or, for an Aurora member, its cluster's) starts with this.
    pub identifier_prefix: Option<String>,
    /// The engine (`postgres`, `aurora-mysql`, ...), sent to RDS as the `engine` filter.
    pub engine: Option<String>,
    /// Every one of these tags, with exactly this value.
    pub tags: BTreeMap<String, String>,
}

/// When a deadline becomes a warning or a failure, and which CAs are allowed at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Thresholds {
    pub warn_days: i64,
    pub fail_days: i64,
    /// `None`: any CA the Region and engine version accept.
    pub allowed_cas: Option<Vec<String>>,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            warn_days: 30,
            fail_days: 7,
            allowed_cas: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRequest {
    pub regions: Vec<String>,
    pub filters: FleetFilters,
    pub thresholds: Thresholds,
    /// Days left are counted from here.
    pub now: OffsetDateTime,
    /// Requests in flight at most, over all Regions (at least 1).
    pub concurrency: usize,
}

/// What a database is, as RDS lists it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DatabaseKind {
    /// A DB instance of no cluster.
    Instance,
    /// An instance of an Aurora cluster: each has its own server certificate.
    AuroraClusterMember,
    /// A Multi-AZ DB cluster (RDS for PostgreSQL / MySQL): one certificate for its instances.
    MultiAzCluster,
}

impl DatabaseKind {
    /// `instance`, `aurora_cluster_member`, `multi_az_cluster`.
    pub fn as_str(self) -> &'static str {
        match self {
            DatabaseKind::Instance => "instance",
            DatabaseKind::AuroraClusterMember => "aurora_cluster_member",
            DatabaseKind::MultiAzCluster => "multi_az_cluster",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verdict {
    Ok,
    Warn,
    Fail,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Ok => "ok",
            Verdict::Warn => "warn",
            Verdict::Fail => "fail",
        }
    }
}

/// A pending `ca-certificate-rotation` maintenance action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingRotation {
    pub auto_applied_after: Option<OffsetDateTime>,
    pub forced_apply: Option<OffsetDateTime>,
    /// When it will be applied (the next window, if opted in).
    pub current_apply: Option<OffsetDateTime>,
    pub opt_in_status: Option<String>,
}

/// What to do: set `ca_cert_identifier` to this CA.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub ca_identifier: String,
    /// Applying it restarts the database: unless its engine version is known to rotate
    /// without restart.
    pub restarts: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatabaseAudit {
    pub region: String,
    pub identifier: String,
    pub arn: String,
    pub kind: DatabaseKind,
    /// The cluster of an Aurora member.
    pub cluster: Option<String>,
    pub engine: String,
    pub engine_version: String,
    /// `CACertificateIdentifier` (or the certificate's `CAIdentifier`).
    pub ca_identifier: Option<String>,
    /// `CertificateDetails.ValidTill`: the server certificate's expiry, not the CA's.
    pub valid_till: Option<OffsetDateTime>,
    /// Whole days from `now` to `valid_till`, negative once expired.
    pub days_left: Option<i64>,
    /// The CA's own root expiry in this Region, from the compiled-in roots (`None` for a
    /// retired or unknown CA, or where none is compiled in).
    pub ca_not_after: Option<OffsetDateTime>,
    /// What the table says of this CA in this Region (a retired or unknown CA: not offered).
    pub ca_offered: Availability,
    /// Whether the engine version lists the CA (`None`: the version could not be read).
    pub ca_supported_by_engine: Option<bool>,
    /// `SupportsCertificateRotationWithoutRestart` of the engine version.
    pub rotates_without_restart: Option<bool>,
    pub pending_rotation: Option<PendingRotation>,
    pub verdict: Verdict,
    /// Why the verdict is not `ok`, one sentence each.
    pub reasons: Vec<String>,
    /// Set unless the verdict is `ok`; `None` then only when no CA fits.
    pub fix: Option<Fix>,
}

impl DatabaseAudit {
    /// The earliest of the server certificate's and the CA's expiry.
    pub fn deadline(&self) -> Option<OffsetDateTime> {
        match (self.valid_till, self.ca_not_after) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

/// A Region, or one of its reads, that failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionFailure {
    pub region: String,
    pub error: RdsError,
    /// For an access-denied answer, the IAM action to allow (`rds:DescribeDBInstances`).
    pub missing_action: Option<String>,
    /// Whether the Region's databases are missing from the report (a listing failed), or
    /// only some of their facts (an engine version could not be read).
    pub databases_missing: bool,
    /// The Region rejected credentials another Region accepted: an opt-in Region the account
    /// has not enabled, so it has no databases to audit (a note, not a failure).
    pub not_enabled: bool,
}

/// The database with the soonest deadline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadline {
    pub region: String,
    pub identifier: String,
    pub date: OffsetDateTime,
    pub days_left: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FleetSummary {
    pub databases: usize,
    /// Databases per CA (`none` when RDS reports no CA).
    pub per_ca: BTreeMap<String, usize>,
    pub ok: usize,
    pub warn: usize,
    pub fail: usize,
    pub soonest: Option<Deadline>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FleetReport {
    /// Sorted by Region, then identifier.
    pub databases: Vec<DatabaseAudit>,
    pub region_errors: Vec<RegionFailure>,
    pub summary: FleetSummary,
}

/// Every database of `request.regions`, judged. Never fails as a whole: a Region that cannot
/// be read is in `region_errors`.
pub async fn audit(api: &RdsApi, request: &AuditRequest) -> FleetReport {
    let permits = Arc::new(Semaphore::new(request.concurrency.max(1)));
    let regions: BTreeSet<&String> = request.regions.iter().collect();
    let outcomes = join_all(
        regions
            .into_iter()
            .map(|region| audit_region(api, request, region, &permits)),
    )
    .await;
    let mut databases = Vec::new();
    let mut region_errors = Vec::new();
    let mut answered = 0;
    for (found, failures) in outcomes {
        answered += usize::from(!failures.iter().any(|f| f.databases_missing));
        databases.extend(found);
        region_errors.extend(failures);
    }
    mark_not_enabled(&mut region_errors, answered);
    databases.sort_by(|a, b| (&a.region, &a.identifier).cmp(&(&b.region, &b.identifier)));
    let summary = summarise(&databases, request.now);
    FleetReport {
        databases,
        region_errors,
        summary,
    }
}

/// One call, waiting for a permit first.
async fn bounded<T>(
    permits: &Semaphore,
    call: impl std::future::Future<Output = Result<T, RdsError>>,
) -> Result<T, RdsError> {
    let _permit = permits
        .acquire()
        .await
        .expect("the semaphore is never closed");
    call.await
}

fn failure(region: &str, action: &str, error: RdsError, databases_missing: bool) -> RegionFailure {
    let denied = matches!(&error, RdsError::Api { error, .. }
        if error.code.contains("AccessDenied") || error.code.contains("Unauthorized"));
    RegionFailure {
        region: region.to_string(),
        missing_action: denied.then(|| format!("rds:{action}")),
        error,
        databases_missing,
        not_enabled: false,
    }
}

/// Marks the failures of Regions that rejected the credentials (`InvalidClientTokenId`) while
/// another Region accepted them: those Regions are not enabled for the account. When no Region
/// accepted them, the credentials are bad and every failure stays one.
fn mark_not_enabled(failures: &mut [RegionFailure], answered: usize) {
    if answered == 0 {
        return;
    }
    for f in failures {
        f.not_enabled =
            matches!(&f.error, RdsError::Api { error, .. } if error.code == "InvalidClientTokenId");
    }
}

async fn audit_region(
    api: &RdsApi,
    request: &AuditRequest,
    region: &str,
    permits: &Semaphore,
) -> (Vec<DatabaseAudit>, Vec<RegionFailure>) {
    let filters: Vec<Filter> = request
        .filters
        .engine
        .iter()
        .map(|e| Filter {
            name: "engine".into(),
            values: vec![e.clone()],
        })
        .collect();
    let (instances, clusters, pending) = futures::join!(
        bounded(permits, api.list_all(&DB_INSTANCES, region, &filters)),
        bounded(permits, api.list_all(&DB_CLUSTERS, region, &filters)),
        bounded(
            permits,
            api.list_all(&PENDING_MAINTENANCE_ACTIONS, region, &[])
        ),
    );
    let mut failures = Vec::new();
    fn keep<T>(
        failures: &mut Vec<RegionFailure>,
        region: &str,
        action: &str,
        answer: Result<T, RdsError>,
    ) -> Option<T> {
        answer
            .map_err(|e| failures.push(failure(region, action, e, true)))
            .ok()
    }
    let instances = keep(&mut failures, region, DB_INSTANCES.action, instances);
    let clusters = keep(&mut failures, region, DB_CLUSTERS.action, clusters);
    let pending = keep(
        &mut failures,
        region,
        PENDING_MAINTENANCE_ACTIONS.action,
        pending,
    );
    let (Some(instances), Some(clusters), Some(pending)) = (instances, clusters, pending) else {
        return (Vec::new(), failures);
    };

    let listed = databases(region, &instances, &clusters, &request.filters);
    let versions: BTreeSet<(&str, &str)> = listed
        .iter()
        .map(|d| (d.engine.as_str(), d.engine_version.as_str()))
        .collect();
    let answers = join_all(versions.into_iter().map(|(engine, version)| async move {
        let answer = bounded(permits, api.engine_versions(region, engine, Some(version))).await;
        ((engine, version), answer)
    }))
    .await;
    let mut known: HashMap<(&str, &str), Option<EngineVersion>> = HashMap::new();
    for ((engine, version), answer) in answers {
        match answer {
            Ok(list) => {
                let found = list
                    .into_iter()
                    .find(|v| v.engine == engine && v.engine_version == version);
                known.insert((engine, version), found);
            }
            Err(e) => {
                // One failure per Region is enough to explain the unknowns.
                if !failures.iter().any(|f| f.error == e) {
                    failures.push(failure(region, "DescribeDBEngineVersions", e, false));
                }
            }
        }
    }
    let rotations = pending_rotations(&pending);
    let audited = listed
        .iter()
        .map(|d| {
            let version = known
                .get(&(d.engine.as_str(), d.engine_version.as_str()))
                .map(Option::as_ref);
            judge(
                d,
                version,
                rotations.get(d.arn.as_str()).cloned(),
                &request.thresholds,
                request.now,
            )
        })
        .collect();
    (audited, failures)
}

/// A database as listed, before judging.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Listed {
    region: String,
    identifier: String,
    arn: String,
    kind: DatabaseKind,
    cluster: Option<String>,
    engine: String,
    engine_version: String,
    ca_identifier: Option<String>,
    valid_till: Option<String>,
}

fn matches(filters: &FleetFilters, names: &[&str], tags: &[(String, String)]) -> bool {
    let prefix_ok = filters
        .identifier_prefix
        .as_deref()
        .is_none_or(|p| names.iter().any(|n| n.starts_with(p)));
    let tags_ok = filters
        .tags
        .iter()
        .all(|(k, v)| tags.iter().any(|(tk, tv)| tk == k && tv == v));
    prefix_ok && tags_ok
}

/// The databases of one Region: standalone instances, Aurora members, Multi-AZ DB clusters
/// (their instances are not databases of their own).
fn databases(
    region: &str,
    instances: &[DbInstance],
    clusters: &[DbCluster],
    filters: &FleetFilters,
) -> Vec<Listed> {
    let engine_ok = |engine: &str| filters.engine.as_deref().is_none_or(|e| e == engine);
    let multi_az: BTreeSet<&str> = clusters
        .iter()
        .filter(|c| c.is_multi_az_db_cluster())
        .map(|c| c.identifier.as_str())
        .collect();
    let mut out = Vec::new();
    for i in instances {
        if i.cluster.as_deref().is_some_and(|c| multi_az.contains(c)) {
            continue;
        }
        let mut names = vec![i.identifier.as_str()];
        names.extend(i.cluster.as_deref());
        if !engine_ok(&i.engine) || !matches(filters, &names, &i.tags) {
            continue;
        }
        let certificate = i.certificate.as_ref();
        out.push(Listed {
            region: region.to_string(),
            identifier: i.identifier.clone(),
            arn: i.arn.clone(),
            kind: if i.cluster.is_some() {
                DatabaseKind::AuroraClusterMember
            } else {
                DatabaseKind::Instance
            },
            cluster: i.cluster.clone(),
            engine: i.engine.clone(),
            engine_version: i.engine_version.clone(),
            ca_identifier: i
                .ca_identifier
                .clone()
                .or_else(|| certificate.and_then(|c| c.ca_identifier.clone())),
            valid_till: certificate.and_then(|c| c.valid_till.clone()),
        });
    }
    for c in clusters.iter().filter(|c| c.is_multi_az_db_cluster()) {
        if !engine_ok(&c.engine) || !matches(filters, &[c.identifier.as_str()], &c.tags) {
            continue;
        }
        let certificate = c.certificate.as_ref();
        out.push(Listed {
            region: region.to_string(),
            identifier: c.identifier.clone(),
            arn: c.arn.clone(),
            kind: DatabaseKind::MultiAzCluster,
            cluster: None,
            engine: c.engine.clone(),
            engine_version: c.engine_version.clone(),
            ca_identifier: certificate.and_then(|c| c.ca_identifier.clone()),
            valid_till: certificate.and_then(|c| c.valid_till.clone()),
        });
    }
    out
}

/// RDS writes ISO 8601 (`2025-05-01T12:00:00Z`, sometimes with fractions).
fn date(value: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(value, &Rfc3339).ok()
}

/// Whole days from `now` to `then`, rounded down: negative as soon as it has passed.
pub fn days_between(now: OffsetDateTime, then: OffsetDateTime) -> i64 {
    (then - now).whole_seconds().div_euclid(86_400)
}

/// `1 day`, `0 days`, `12 days`.
fn day_count(days: i64) -> String {
    if days == 1 {
        "1 day".into()
    } else {
        format!("{days} days")
    }
}

/// The pending `ca-certificate-rotation` of each resource ARN.
fn pending_rotations(actions: &[PendingAction]) -> HashMap<&str, PendingRotation> {
    actions
        .iter()
        .filter(|a| a.action == CA_ROTATION)
        .map(|a| {
            let at = |v: &Option<String>| v.as_deref().and_then(date);
            (
                a.resource.as_str(),
                PendingRotation {
                    auto_applied_after: at(&a.auto_applied_after),
                    forced_apply: at(&a.forced_apply),
                    current_apply: at(&a.current_apply),
                    opt_in_status: a.opt_in_status.clone(),
                },
            )
        })
        .collect()
}

/// The compiled-in root of `ca` for `region`, if the table holds one.
fn root_not_after(region: &str, ca: CaId) -> Option<OffsetDateTime> {
    KnownCertificate::all()
        .iter()
        .find(|c| c.set.is_none() && c.region == region && c.ca == ca && c.kind == CertKind::Root)
        .and_then(|c| OffsetDateTime::from_unix_timestamp(c.not_after).ok())
}

/// `version`: `None` when the engine version could not be read, `Some(None)` when RDS does not
/// list it.
fn judge(
    d: &Listed,
    version: Option<Option<&EngineVersion>>,
    pending_rotation: Option<PendingRotation>,
    thresholds: &Thresholds,
    now: OffsetDateTime,
) -> DatabaseAudit {
    let table_region = Region::get(&d.region);
    let ca = d.ca_identifier.as_deref().and_then(CaId::from_id);
    let ca_offered = match (table_region, ca) {
        (Some(r), Some(ca)) => r.availability(ca),
        (None, Some(_)) => Availability::Unverified,
        (_, None) => Availability::NotOffered,
    };
    let listed_version = version.flatten();
    let rotates_without_restart =
        listed_version.and_then(|v| v.supports_certificate_rotation_without_restart);
    let supports =
        |id: &str| listed_version.map(|v| v.supported_ca_identifiers.iter().any(|c| c == id));
    let ca_supported_by_engine = match (&d.ca_identifier, version) {
        (Some(id), Some(Some(_))) => supports(id),
        // RDS no longer lists the version: it supports nothing new.
        (Some(_), Some(None)) => Some(false),
        _ => None,
    };
    let valid_till = d.valid_till.as_deref().and_then(date);
    let days_left = valid_till.map(|t| days_between(now, t));
    let ca_not_after = ca.and_then(|ca| root_not_after(&d.region, ca));

    let mut verdict = Verdict::Ok;
    let mut reasons = Vec::new();
    let mut flag = |level: Verdict, reason: String| {
        verdict = verdict.max(level);
        reasons.push(reason);
    };
    let deadline = |what: &str, date: OffsetDateTime, days: i64| {
        let day = date.date();
        if days < 0 {
            Some((Verdict::Fail, format!("{what} expired on {day}")))
        } else if days <= thresholds.fail_days {
            Some((
                Verdict::Fail,
                format!(
                    "{what} expires on {day}, in {} (fail at {} days)",
                    day_count(days),
                    thresholds.fail_days
                ),
            ))
        } else if days <= thresholds.warn_days {
            Some((
                Verdict::Warn,
                format!(
                    "{what} expires on {day}, in {} (warn at {} days)",
                    day_count(days),
                    thresholds.warn_days
                ),
            ))
        } else {
            None
        }
    };
    match (&d.ca_identifier, ca) {
        (None, _) => flag(Verdict::Warn, "RDS reports no CA for it".into()),
        (Some(id), None) => match RetiredCa::get(id) {
            Some(retired) => flag(
                Verdict::Fail,
                format!(
                    "its CA {id} is retired: AWS supported it until {} and replaced it with {}",
                    retired.not_after, retired.replaced_by
                ),
            ),
            None => flag(
                Verdict::Warn,
                format!("its CA {id} is not one of the CAs this table knows"),
            ),
        },
        (Some(_), Some(_)) => {}
    }
    if let (Some(id), Some(allowed)) = (&d.ca_identifier, &thresholds.allowed_cas) {
        if !allowed.contains(id) {
            flag(
                Verdict::Fail,
                format!(
                    "its CA {id} is not allowed (allowed: {})",
                    allowed.join(", ")
                ),
            );
        }
    }
    match (valid_till, days_left) {
        (Some(t), Some(days)) => {
            if let Some((level, reason)) = deadline("its server certificate", t, days) {
                flag(level, reason);
            }
        }
        _ => flag(
            Verdict::Warn,
            "RDS reports no server certificate expiry (CertificateDetails.ValidTill)".into(),
        ),
    }
    if let (Some(id), Some(t)) = (&d.ca_identifier, ca_not_after) {
        if let Some((level, reason)) = deadline(&format!("the {id} root"), t, days_between(now, t))
        {
            flag(level, reason);
        }
    }
    if let (Some(id), Some(_), Availability::NotOffered) = (&d.ca_identifier, ca, ca_offered) {
        flag(
            Verdict::Warn,
            format!("the table says {id} is not offered in {}", d.region),
        );
    }
    if let (Some(id), Some(false)) = (&d.ca_identifier, ca_supported_by_engine) {
        if ca.is_some() {
            flag(
                Verdict::Warn,
                format!(
                    "{} {} does not list {id} among its supported CAs",
                    d.engine, d.engine_version
                ),
            );
        }
    }
    if verdict != Verdict::Ok {
        if let Some(p) = &pending_rotation {
            let when = p
                .current_apply
                .or(p.auto_applied_after)
                .or(p.forced_apply)
                .map(|t| format!(" on {}", t.date()))
                .unwrap_or_default();
            reasons.push(format!("a ca-certificate-rotation is pending{when}"));
        }
    }

    let fix = (verdict != Verdict::Ok)
        .then(|| {
            let offered =
                |c: CaId| table_region.is_some_and(|r| r.availability(c) == Availability::Offered);
            let allowed = |c: CaId| {
                thresholds
                    .allowed_cas
                    .as_ref()
                    .is_none_or(|a| a.iter().any(|x| x == c.as_str()))
            };
            let mut candidates: Vec<CaId> = vec![CaId::DEFAULT];
            candidates.extend(CaId::ALL.iter().copied().filter(|c| *c != CaId::DEFAULT));
            candidates
                .into_iter()
                .find(|&c| offered(c) && supports(c.as_str()) == Some(true) && allowed(c))
                .map(|c| Fix {
                    ca_identifier: c.as_str().to_string(),
                    restarts: rotates_without_restart != Some(true),
                })
        })
        .flatten();
    if verdict != Verdict::Ok && fix.is_none() {
        reasons.push(match version {
            None => format!(
                "no fix can be named: {} {} could not be read (DescribeDBEngineVersions)",
                d.engine, d.engine_version
            ),
            Some(None) => format!(
                "no fix can be named: RDS no longer lists {} {}; upgrade the engine version",
                d.engine, d.engine_version
            ),
            Some(Some(_)) => format!(
                "no CA is offered in {}, supported by {} {} and allowed",
                d.region, d.engine, d.engine_version
            ),
        });
    }

    DatabaseAudit {
        region: d.region.clone(),
        identifier: d.identifier.clone(),
        arn: d.arn.clone(),
        kind: d.kind,
        cluster: d.cluster.clone(),
        engine: d.engine.clone(),
        engine_version: d.engine_version.clone(),
        ca_identifier: d.ca_identifier.clone(),
        valid_till,
        days_left,
        ca_not_after,
        ca_offered,
        ca_supported_by_engine,
        rotates_without_restart,
        pending_rotation,
        verdict,
        reasons,
        fix,
    }
}

fn summarise(databases: &[DatabaseAudit], now: OffsetDateTime) -> FleetSummary {
    let mut summary = FleetSummary {
        databases: databases.len(),
        ..FleetSummary::default()
    };
    for d in databases {
        let ca = d.ca_identifier.clone().unwrap_or_else(|| "none".into());
        *summary.per_ca.entry(ca).or_default() += 1;
        match d.verdict {
            Verdict::Ok => summary.ok += 1,
            Verdict::Warn => summary.warn += 1,
            Verdict::Fail => summary.fail += 1,
        }
        if let Some(date) = d.deadline() {
            if summary.soonest.as_ref().is_none_or(|s| date < s.date) {
                summary.soonest = Some(Deadline {
                    region: d.region.clone(),
                    identifier: d.identifier.clone(),
                    date,
                    days_left: days_between(now, date),
                });
            }
        }
    }
    summary
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-12-02 12:00:00 UTC);

    fn listed(region: &str, ca: Option<&str>, valid_till: Option<&str>) -> Listed {
        Listed {
            region: region.into(),
            identifier: "pg-1".into(),
            arn: format!("arn:aws:rds:{region}:123456789012:db:pg-1"),
            kind: DatabaseKind::Instance,
            cluster: None,
            engine: "postgres".into(),
            engine_version: "16.3".into(),
            ca_identifier: ca.map(str::to_string),
            valid_till: valid_till.map(str::to_string),
        }
    }

    fn version(cas: &[&str], rotation: bool) -> EngineVersion {
        EngineVersion {
            engine: "postgres".into(),
            engine_version: "16.3".into(),
            supported_ca_identifiers: cas.iter().map(|c| c.to_string()).collect(),
            supports_certificate_rotation_without_restart: Some(rotation),
        }
    }

    const G1: [&str; 3] = ["rds-ca-rsa2048-g1", "rds-ca-rsa4096-g1", "rds-ca-ecc384-g1"];

    #[test]
    fn rejected_credentials_mean_a_region_not_enabled_only_when_another_accepted_them() {
        let rejected = |region: &str| {
            failure(
                region,
                "DescribeDBInstances",
                RdsError::Api {
                    status: 403,
                    error: crate::ApiError {
                        code: "InvalidClientTokenId".into(),
                        message: "The security token included in the request is invalid.".into(),
                    },
                    endpoint: format!("https://rds.{region}.amazonaws.com"),
                },
                true,
            )
        };
        let mut failures = vec![rejected("me-south-1")];
        mark_not_enabled(&mut failures, 0);
        assert!(!failures[0].not_enabled, "bad credentials everywhere");
        mark_not_enabled(&mut failures, 2);
        assert!(failures[0].not_enabled);
        assert_eq!(failures[0].missing_action, None);
    }

    #[test]
    fn days_left_round_down_and_go_negative_once_passed() {
        assert_eq!(days_between(NOW, NOW + time::Duration::hours(47)), 1);
        assert_eq!(days_between(NOW, NOW - time::Duration::hours(1)), -1);
        assert_eq!(days_between(NOW, NOW), 0);
        assert_eq!(day_count(1), "1 day");
        assert_eq!(day_count(0), "0 days");
    }

    #[test]
    fn a_distant_certificate_on_an_offered_supported_ca_is_ok() {
        let v = version(&G1, true);
        let a = judge(
            &listed(
                "eu-west-1",
                Some("rds-ca-rsa4096-g1"),
                Some("2027-10-01T00:00:00Z"),
            ),
            Some(Some(&v)),
            None,
            &Thresholds::default(),
            NOW,
        );
        assert_eq!(a.verdict, Verdict::Ok, "{:?}", a.reasons);
        assert_eq!(a.days_left, Some(302));
        assert_eq!(a.ca_offered, Availability::Offered);
        assert_eq!(a.ca_supported_by_engine, Some(true));
        assert_eq!(a.rotates_without_restart, Some(true));
        // The compiled-in eu-west-1 root of rsa4096 runs to 2121.
        assert_eq!(a.ca_not_after.map(|t| t.year()), Some(2121));
        assert_eq!(a.fix, None);
        assert!(a.reasons.is_empty());
    }

    #[test]
    fn thresholds_make_warnings_then_failures_with_the_fix() {
        let v = version(&G1, false);
        let warn = judge(
            &listed(
                "eu-west-1",
                Some("rds-ca-rsa4096-g1"),
                Some("2026-12-22T12:00:00Z"),
            ),
            Some(Some(&v)),
            None,
            &Thresholds::default(),
            NOW,
        );
        assert_eq!(warn.verdict, Verdict::Warn);
        assert_eq!(
            warn.reasons,
            ["its server certificate expires on 2026-12-22, in 20 days (warn at 30 days)"]
        );
        // The table's default first, and this version restarts to apply it.
        assert_eq!(
            warn.fix,
            Some(Fix {
                ca_identifier: "rds-ca-rsa2048-g1".into(),
                restarts: true
            })
        );
        let fail = judge(
            &listed(
                "eu-west-1",
                Some("rds-ca-rsa4096-g1"),
                Some("2026-11-30T00:00:00Z"),
            ),
            Some(Some(&v)),
            Some(PendingRotation {
                auto_applied_after: None,
                forced_apply: Some(datetime!(2027-01-05 00:00 UTC)),
                current_apply: Some(datetime!(2026-12-06 05:00 UTC)),
                opt_in_status: Some("next-maintenance".into()),
            }),
            &Thresholds::default(),
            NOW,
        );
        assert_eq!(fail.verdict, Verdict::Fail);
        assert_eq!(fail.days_left, Some(-3));
        assert_eq!(
            fail.reasons,
            [
                "its server certificate expired on 2026-11-30",
                "a ca-certificate-rotation is pending on 2026-12-06"
            ]
        );
    }

    #[test]
    fn a_retired_ca_fails_and_the_fix_is_offered_supported_and_allowed() {
        // sqlserver-se 15.00 does not support ecc384; the allowed list leaves only ecc384 and
        // rsa4096, and the version supports rsa4096.
        let v = version(&["rds-ca-rsa2048-g1", "rds-ca-rsa4096-g1"], false);
        let thresholds = Thresholds {
            allowed_cas: Some(vec!["rds-ca-ecc384-g1".into(), "rds-ca-rsa4096-g1".into()]),
            ..Thresholds::default()
        };
        let a = judge(
            &listed(
                "us-east-1",
                Some("rds-ca-2019"),
                Some("2024-08-22T17:08:50Z"),
            ),
            Some(Some(&v)),
            None,
            &thresholds,
            NOW,
        );
        assert_eq!(a.verdict, Verdict::Fail);
        assert_eq!(a.ca_not_after, None);
        assert_eq!(a.ca_offered, Availability::NotOffered);
        assert_eq!(a.ca_supported_by_engine, Some(false));
        assert!(a.reasons[0]
            .starts_with("its CA rds-ca-2019 is retired: AWS supported it until 2024-08-22"));
        assert_eq!(
            a.reasons[1],
            "its CA rds-ca-2019 is not allowed (allowed: rds-ca-ecc384-g1, rds-ca-rsa4096-g1)"
        );
        assert_eq!(
            a.fix.map(|f| f.ca_identifier),
            Some("rds-ca-rsa4096-g1".to_string())
        );
    }

    #[test]
    fn a_ca_the_region_does_not_offer_is_never_the_fix() {
        // eu-central-2 offers rds-ca-rsa2048-g1 only.
        let v = version(&G1, true);
        let thresholds = Thresholds {
            allowed_cas: Some(vec!["rds-ca-ecc384-g1".into()]),
            ..Thresholds::default()
        };
        let a = judge(
            &listed(
                "eu-central-2",
                Some("rds-ca-rsa2048-g1"),
                Some("2027-10-01T00:00:00Z"),
            ),
            Some(Some(&v)),
            None,
            &thresholds,
            NOW,
        );
        assert_eq!(a.verdict, Verdict::Fail);
        assert_eq!(a.fix, None);
        assert_eq!(
            a.reasons.last().map(String::as_str),
            Some("no CA is offered in eu-central-2, supported by postgres 16.3 and allowed")
        );
    }

    #[test]
    fn an_unreadable_engine_version_leaves_support_unknown() {
        let a = judge(
            &listed(
                "eu-west-1",
                Some("rds-ca-rsa2048-g1"),
                Some("2026-12-04T00:00:00Z"),
            ),
            None,
            None,
            &Thresholds::default(),
            NOW,
        );
        assert_eq!(a.verdict, Verdict::Fail);
        assert_eq!(a.ca_supported_by_engine, None);
        assert_eq!(a.rotates_without_restart, None);
        assert_eq!(a.fix, None);
        assert!(a.reasons.last().unwrap().contains("could not be read"));
        let missing = judge(
            &listed("eu-west-1", None, None),
            Some(None),
            None,
            &Thresholds::default(),
            NOW,
        );
        assert_eq!(missing.verdict, Verdict::Warn);
        assert_eq!(missing.ca_supported_by_engine, None);
        assert!(missing.reasons.last().unwrap().contains("no longer lists"));
    }

    #[test]
    fn multi_az_clusters_are_one_database_and_filters_select() {
        let instance = |id: &str, cluster: Option<&str>, tags: &[(&str, &str)]| DbInstance {
            identifier: id.into(),
            arn: format!("arn:aws:rds:eu-west-1:1:db:{id}"),
            engine: "postgres".into(),
            engine_version: "16.3".into(),
            class: None,
            status: None,
            availability_zone: None,
            endpoint: None,
            multi_az: false,
            cluster: cluster.map(str::to_string),
            ca_identifier: Some("rds-ca-rsa2048-g1".into()),
            certificate: None,
            tags: tags
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        };
        let instances = [
            instance("solo", None, &[("Team", "payments")]),
            instance("apg-1", Some("apg"), &[("Team", "search")]),
            instance("maz-1", Some("maz"), &[]),
            instance("maz-2", Some("maz"), &[]),
        ];
        let cluster = |id: &str, class: Option<&str>| DbCluster {
            identifier: id.into(),
            arn: format!("arn:aws:rds:eu-west-1:1:cluster:{id}"),
            engine: "postgres".into(),
            engine_version: "16.3".into(),
            status: None,
            multi_az: true,
            instance_class: class.map(str::to_string),
            members: vec![],
            certificate: None,
            tags: vec![("Team".into(), "payments".into())],
        };
        let clusters = [cluster("apg", None), cluster("maz", Some("db.m6gd.large"))];
        let all = databases("eu-west-1", &instances, &clusters, &FleetFilters::default());
        let kinds: Vec<(&str, DatabaseKind)> = all
            .iter()
            .map(|d| (d.identifier.as_str(), d.kind))
            .collect();
        assert_eq!(
            kinds,
            [
                ("solo", DatabaseKind::Instance),
                ("apg-1", DatabaseKind::AuroraClusterMember),
                ("maz", DatabaseKind::MultiAzCluster)
            ]
        );
        let payments = FleetFilters {
            tags: [("Team".to_string(), "payments".to_string())].into(),
            ..FleetFilters::default()
        };
        let ids: Vec<String> = databases("eu-west-1", &instances, &clusters, &payments)
            .into_iter()
            .map(|d| d.identifier)
            .collect();
        assert_eq!(ids, ["solo", "maz"]);
        // A member matches its cluster's prefix too.
        let apg = FleetFilters {
            identifier_prefix: Some("apg".into()),
            ..FleetFilters::default()
        };
        assert_eq!(databases("eu-west-1", &instances, &clusters, &apg).len(), 1);
    }

    #[test]
    fn the_summary_counts_per_ca_and_names_the_soonest_deadline() {
        let v = version(&G1, true);
        let mut a = listed(
            "eu-west-1",
            Some("rds-ca-rsa2048-g1"),
            Some("2027-06-01T00:00:00Z"),
        );
        let mut b = listed(
            "eu-west-1",
            Some("rds-ca-rsa2048-g1"),
            Some("2026-12-10T00:00:00Z"),
        );
        b.identifier = "pg-2".into();
        a.identifier = "pg-1".into();
        let c = listed("us-east-1", None, None);
        let audits: Vec<DatabaseAudit> = [a, b, c]
            .iter()
            .map(|d| judge(d, Some(Some(&v)), None, &Thresholds::default(), NOW))
            .collect();
        let s = summarise(&audits, NOW);
        assert_eq!(s.databases, 3);
        assert_eq!(
            s.per_ca,
            [
                ("none".to_string(), 1),
                ("rds-ca-rsa2048-g1".to_string(), 2)
            ]
            .into()
        );
        assert_eq!((s.ok, s.warn, s.fail), (1, 1, 1));
        let soonest = s.soonest.unwrap();
        assert_eq!(
            (soonest.identifier.as_str(), soonest.days_left),
            ("pg-2", 7)
        );
    }
}
