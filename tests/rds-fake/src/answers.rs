//! The XML answers of the listing actions, shaped as the Query protocol serialises botocore's
//! RDS model: `<{Action}Response xmlns=…><{Action}Result>` (the operation's `resultWrapper`),
//! every list wrapped in its member's `locationName` (`DBInstances/DBInstance`,
//! `TagList/Tag`, `PendingMaintenanceActionDetails/PendingMaintenanceAction`, ...), `<Marker>`
//! in the result when more pages follow, `<ResponseMetadata><RequestId>` last. Timestamps are
//! ISO 8601 in UTC. Filtering and paging go through query.rs; nothing here knows about HTTP.

use std::collections::HashMap;

use time::OffsetDateTime;

use crate::query::{filters, page, ApiError};
use crate::records::{ClusterKind, DbCluster, DbInstance, PendingMaintenance, RegionData, Tag};

pub const NS: &str = "http://rds.amazonaws.com/doc/2014-10-31/";

/// XML text content, escaped.
pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// `2024-08-22T17:08:50Z`.
pub fn iso(t: OffsetDateTime) -> String {
    let format =
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    t.to_offset(time::UtcOffset::UTC)
        .format(&format)
        .unwrap_or_default()
}

/// An XML writer for elements with text content.
#[derive(Default)]
struct Xml(String);

impl Xml {
    fn open(&mut self, name: &str) -> &mut Self {
        self.0.push('<');
        self.0.push_str(name);
        self.0.push('>');
        self
    }
    fn close(&mut self, name: &str) -> &mut Self {
        self.0.push_str("</");
        self.0.push_str(name);
        self.0.push('>');
        self
    }
    fn text(&mut self, name: &str, value: impl std::fmt::Display) -> &mut Self {
        self.open(name);
        self.0.push_str(&escape(&value.to_string()));
        self.close(name)
    }
    fn opt(&mut self, name: &str, value: Option<impl std::fmt::Display>) -> &mut Self {
        if let Some(v) = value {
            self.text(name, v);
        }
        self
    }
    fn time(&mut self, name: &str, t: OffsetDateTime) -> &mut Self {
        self.text(name, iso(t))
    }
    fn tags(&mut self, tags: &[Tag]) -> &mut Self {
        self.open("TagList");
        for t in tags {
            self.open("Tag")
                .text("Key", &t.key)
                .text("Value", &t.value)
                .close("Tag");
        }
        self.close("TagList")
    }
    fn certificate_details(&mut self, ca: &str, valid_till: OffsetDateTime) -> &mut Self {
        self.open("CertificateDetails")
            .text("CAIdentifier", ca)
            .time("ValidTill", valid_till)
            .close("CertificateDetails")
    }
}

/// The whole answer document around a result's content.
fn document(action: &str, request_id: &str, result: &str, marker: Option<String>) -> String {
    let marker = marker.map_or(String::new(), |m| {
        format!("<Marker>{}</Marker>", escape(&m))
    });
    format!(
        "<{action}Response xmlns=\"{NS}\"><{action}Result>{result}{marker}</{action}Result><ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata></{action}Response>"
    )
}

/// `<ErrorResponse>` as RDS writes it.
pub fn error_document(fault: &ApiError, request_id: &str) -> String {
    format!(
        "<ErrorResponse xmlns=\"{NS}\"><Error><Type>{}</Type><Code>{}</Code><Message>{}</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>",
        fault.kind,
        escape(&fault.code),
        escape(&fault.message)
    )
}

type Params = HashMap<String, String>;

pub fn describe_db_engine_versions(
    region: &str,
    data: &RegionData,
    params: &Params,
    request_id: &str,
) -> Result<String, ApiError> {
    const ACTION: &str = "DescribeDBEngineVersions";
    let engine = params.get("Engine");
    let version = params.get("EngineVersion");
    if let Some(e) = engine {
        if !data.engine_versions.iter().any(|v| &v.engine == e) {
            return Err(ApiError::invalid_parameter(format!(
                "Invalid DB engine: {e}"
            )));
        }
    }
    let matching: Vec<_> = data
        .engine_versions
        .iter()
        .filter(|v| {
            engine.is_none_or(|e| &v.engine == e) && version.is_none_or(|x| &v.version == x)
        })
        .collect();
    let (records, next) = page(&matching, params, ACTION, region)?;
    let mut x = Xml::default();
    x.open("DBEngineVersions");
    for v in records {
        let major = v.version.split('.').next().unwrap_or_default();
        x.open("DBEngineVersion")
            .text("Engine", &v.engine)
            .text("EngineVersion", &v.version)
            .text("DBParameterGroupFamily", format!("{}{major}", v.engine))
            .text("DBEngineDescription", &v.engine)
            .text(
                "DBEngineVersionDescription",
                format!("{} {}", v.engine, v.version),
            )
            .open("ValidUpgradeTarget")
            .open("UpgradeTarget")
            .text("Engine", &v.engine)
            .text("EngineVersion", format!("{}.99", v.version))
            .text("IsMajorVersionUpgrade", false)
            .close("UpgradeTarget")
            .close("ValidUpgradeTarget")
            .open("SupportedCACertificateIdentifiers");
        for ca in &v.cas {
            x.text("member", ca);
        }
        x.close("SupportedCACertificateIdentifiers")
            .text(
                "SupportsCertificateRotationWithoutRestart",
                v.rotation_without_restart,
            )
            .text("Status", "available")
            .close("DBEngineVersion");
    }
    x.close("DBEngineVersions");
    Ok(document(ACTION, request_id, &x.0, next))
}

pub fn describe_certificates(
    region: &str,
    data: &RegionData,
    params: &Params,
    request_id: &str,
) -> Result<String, ApiError> {
    const ACTION: &str = "DescribeCertificates";
    let default = data
        .certificates
        .iter()
        .find(|c| c.customer_override)
        .map_or("rds-ca-rsa2048-g1", |c| c.id.as_str());
    let (records, next) = page(&data.certificates, params, ACTION, region)?;
    let mut x = Xml::default();
    x.text("DefaultCertificateForNewLaunches", default)
        .open("Certificates");
    for c in records {
        x.open("Certificate")
            .text("CertificateIdentifier", &c.id)
            .text("CertificateType", "CA")
            .text("CustomerOverride", c.customer_override);
        if c.customer_override {
            x.text("CustomerOverrideValidTill", &c.valid_till);
        }
        x.text("Thumbprint", c.id.len())
            .text("ValidFrom", &c.valid_from)
            .text("ValidTill", &c.valid_till)
            .text(
                "CertificateArn",
                format!(
                    "arn:{}:rds:{region}::cert:{}",
                    crate::partition(region),
                    c.id
                ),
            )
            .close("Certificate");
    }
    x.close("Certificates");
    Ok(document(ACTION, request_id, &x.0, next))
}

/// `DBInstanceIdentifier` / `DBClusterIdentifier` / `ResourceIdentifier`: one record, by
/// identifier (case-insensitive) or ARN.
fn by_id<'a, T>(
    items: &'a [T],
    wanted: Option<&String>,
    id: impl Fn(&T) -> (&str, &str),
    not_found: impl FnOnce(&str) -> ApiError,
) -> Result<Vec<&'a T>, ApiError> {
    let Some(wanted) = wanted else {
        return Ok(items.iter().collect());
    };
    let found: Vec<&T> = items
        .iter()
        .filter(|i| {
            let (identifier, arn) = id(i);
            identifier.eq_ignore_ascii_case(wanted) || arn == wanted
        })
        .collect();
    if found.is_empty() {
        return Err(not_found(wanted));
    }
    Ok(found)
}

pub fn describe_db_instances(
    region: &str,
    data: &RegionData,
    params: &Params,
    request_id: &str,
) -> Result<String, ApiError> {
    const ACTION: &str = "DescribeDBInstances";
    let filters = filters(
        params,
        ACTION,
        &[
            "db-cluster-id",
            "db-instance-id",
            "dbi-resource-id",
            "domain",
            "engine",
        ],
    )?;
    let candidates = by_id(
        &data.instances,
        params.get("DBInstanceIdentifier"),
        |i| (&i.identifier, &i.arn),
        |id| {
            ApiError::sender(
                404,
                "DBInstanceNotFound",
                format!("DBInstance {id} not found."),
            )
        },
    )?;
    let cluster_arn = |name: &str| {
        data.clusters
            .iter()
            .find(|c| c.identifier == name)
            .map_or(String::new(), |c| c.arn.clone())
    };
    let matching: Vec<&DbInstance> = candidates
        .into_iter()
        .filter(|i| {
            filters.iter().all(|f| match f.name.as_str() {
                "db-cluster-id" => i
                    .cluster
                    .as_deref()
                    .is_some_and(|c| f.matches_id(c, &cluster_arn(c))),
                "db-instance-id" => f.matches_id(&i.identifier, &i.arn),
                "dbi-resource-id" => f.matches(&i.resource_id),
                "engine" => f.matches(&i.engine),
                // No database of the fake joined an Active Directory domain.
                _ => false,
            })
        })
        .collect();
    let (records, next) = page(&matching, params, ACTION, region)?;
    let mut x = Xml::default();
    x.open("DBInstances");
    for i in records {
        instance(&mut x, i);
    }
    x.close("DBInstances");
    Ok(document(ACTION, request_id, &x.0, next))
}

/// The master user RDS's console proposes for the engine.
fn master_username(engine: &str) -> &'static str {
    if engine.contains("postgres") {
        "postgres"
    } else {
        "admin"
    }
}

fn instance(x: &mut Xml, i: &DbInstance) {
    let aurora = i.engine.starts_with("aurora");
    x.open("DBInstance")
        .text("DBInstanceIdentifier", &i.identifier)
        .text("DBInstanceClass", &i.class)
        .text("Engine", &i.engine)
        .text("DBInstanceStatus", &i.status)
        .text("MasterUsername", master_username(&i.engine))
        .open("Endpoint")
        .text("Address", &i.address)
        .text("Port", i.port)
        .text("HostedZoneId", &i.hosted_zone)
        .close("Endpoint")
        .text("AllocatedStorage", if aurora { 1 } else { 100 })
        .time("InstanceCreateTime", i.created)
        .text("PreferredBackupWindow", "03:00-03:30")
        .text("BackupRetentionPeriod", 7)
        .text("AvailabilityZone", &i.availability_zone)
        .text("PreferredMaintenanceWindow", "sun:05:00-sun:05:30")
        .text("MultiAZ", i.multi_az)
        .text("EngineVersion", &i.engine_version)
        .text("AutoMinorVersionUpgrade", true)
        .text("PubliclyAccessible", false)
        .text("StorageType", if aurora { "aurora" } else { "gp3" })
        .text("DbInstancePort", 0)
        .opt("DBClusterIdentifier", i.cluster.as_ref())
        .text("StorageEncrypted", true)
        .text("DbiResourceId", &i.resource_id)
        .text("CACertificateIdentifier", &i.ca)
        .text("CopyTagsToSnapshot", true)
        .opt("PromotionTier", i.promotion_tier)
        .text("DBInstanceArn", &i.arn)
        .text("IAMDatabaseAuthenticationEnabled", false)
        .text("PerformanceInsightsEnabled", false)
        .text("DeletionProtection", true)
        .tags(&i.tags)
        .certificate_details(&i.ca, i.valid_till)
        .text("NetworkType", "IPV4")
        .close("DBInstance");
}

pub fn describe_db_clusters(
    region: &str,
    data: &RegionData,
    params: &Params,
    request_id: &str,
) -> Result<String, ApiError> {
    const ACTION: &str = "DescribeDBClusters";
    let filters = filters(
        params,
        ACTION,
        &[
            "clone-group-id",
            "db-cluster-id",
            "db-cluster-resource-id",
            "domain",
            "engine",
        ],
    )?;
    let candidates = by_id(
        &data.clusters,
        params.get("DBClusterIdentifier"),
        |c| (&c.identifier, &c.arn),
        |id| {
            ApiError::sender(
                404,
                "DBClusterNotFoundFault",
                format!("DBCluster {id} not found."),
            )
        },
    )?;
    let matching: Vec<&DbCluster> = candidates
        .into_iter()
        .filter(|c| {
            filters.iter().all(|f| match f.name.as_str() {
                "db-cluster-id" => f.matches_id(&c.identifier, &c.arn),
                "db-cluster-resource-id" => f.matches(&c.resource_id),
                "engine" => f.matches(&c.engine),
                // No cluster of the fake is a clone or joined a domain.
                _ => false,
            })
        })
        .collect();
    let (records, next) = page(&matching, params, ACTION, region)?;
    let mut x = Xml::default();
    x.open("DBClusters");
    for c in records {
        cluster(&mut x, c);
    }
    x.close("DBClusters");
    Ok(document(ACTION, request_id, &x.0, next))
}

fn cluster(x: &mut Xml, c: &DbCluster) {
    let multi_az = match &c.kind {
        ClusterKind::MultiAz {
            instance_class,
            certificate,
        } => Some((instance_class, certificate)),
        ClusterKind::Aurora => None,
    };
    x.open("DBCluster")
        .text("AllocatedStorage", if multi_az.is_some() { 400 } else { 1 })
        .open("AvailabilityZones");
    for az in &c.availability_zones {
        x.text("AvailabilityZone", az);
    }
    x.close("AvailabilityZones")
        .text("BackupRetentionPeriod", 7)
        .text("DBClusterIdentifier", &c.identifier)
        .text("DBClusterParameterGroup", format!("default.{}", c.engine))
        .text("DBSubnetGroup", "default")
        .text("Status", &c.status)
        .text("Endpoint", &c.endpoint)
        .text("ReaderEndpoint", &c.reader_endpoint)
        .text("MultiAZ", c.multi_az)
        .text("Engine", &c.engine)
        .text("EngineVersion", &c.engine_version)
        .text("Port", c.port)
        .text("MasterUsername", master_username(&c.engine))
        .text("PreferredBackupWindow", "03:00-03:30")
        .text("PreferredMaintenanceWindow", "sun:05:00-sun:05:30")
        .open("DBClusterMembers");
    for m in &c.members {
        x.open("DBClusterMember")
            .text("DBInstanceIdentifier", &m.instance)
            .text("IsClusterWriter", m.writer)
            .text("DBClusterParameterGroupStatus", "in-sync")
            .text("PromotionTier", m.promotion_tier)
            .close("DBClusterMember");
    }
    x.close("DBClusterMembers")
        .text("HostedZoneId", &c.hosted_zone)
        .text("StorageEncrypted", true)
        .text("DbClusterResourceId", &c.resource_id)
        .text("DBClusterArn", &c.arn)
        .text("IAMDatabaseAuthenticationEnabled", false)
        .time("ClusterCreateTime", c.created);
    match multi_az {
        None => {
            x.text("EngineMode", "provisioned");
        }
        Some((class, _)) => {
            x.text("DBClusterInstanceClass", class)
                .text("StorageType", "io1")
                .text("Iops", 3000);
        }
    }
    x.text("DeletionProtection", true).tags(&c.tags);
    if let Some((_, certificate)) = multi_az {
        x.certificate_details(&certificate.ca, certificate.valid_till);
    }
    x.close("DBCluster");
}

pub fn describe_pending_maintenance_actions(
    region: &str,
    data: &RegionData,
    params: &Params,
    request_id: &str,
) -> Result<String, ApiError> {
    const ACTION: &str = "DescribePendingMaintenanceActions";
    let filters = filters(params, ACTION, &["db-cluster-id", "db-instance-id"])?;
    if let Some(arn) = params.get("ResourceIdentifier") {
        let known = data.instances.iter().any(|i| &i.arn == arn)
            || data.clusters.iter().any(|c| &c.arn == arn);
        if !known {
            return Err(ApiError::sender(
                404,
                "ResourceNotFoundFault",
                format!("The specified resource ID {arn} was not found."),
            ));
        }
    }
    // Filters name resources by identifier or ARN; the records carry ARNs only.
    let identifier = |arn: &str, kind: &str| -> Option<String> {
        let (_, rest) = arn.rsplit_once(&format!(":{kind}:"))?;
        Some(rest.to_string())
    };
    let matching: Vec<&PendingMaintenance> = data
        .pending
        .iter()
        .filter(|p| {
            params
                .get("ResourceIdentifier")
                .is_none_or(|arn| &p.resource == arn)
        })
        .filter(|p| {
            filters.iter().all(|f| {
                let kind = if f.name == "db-cluster-id" {
                    "cluster"
                } else {
                    "db"
                };
                identifier(&p.resource, kind).is_some_and(|id| f.matches_id(&id, &p.resource))
            })
        })
        .collect();
    let (records, next) = page(&matching, params, ACTION, region)?;
    let mut x = Xml::default();
    x.open("PendingMaintenanceActions");
    for p in records {
        x.open("ResourcePendingMaintenanceActions")
            .text("ResourceIdentifier", &p.resource)
            .open("PendingMaintenanceActionDetails");
        for a in &p.actions {
            x.open("PendingMaintenanceAction").text("Action", &a.action);
            if let Some(t) = a.auto_applied_after {
                x.time("AutoAppliedAfterDate", t);
            }
            if let Some(t) = a.forced_apply {
                x.time("ForcedApplyDate", t);
            }
            x.opt("OptInStatus", a.opt_in_status.as_ref());
            if let Some(t) = a.current_apply {
                x.time("CurrentApplyDate", t);
            }
            x.text("Description", &a.description)
                .close("PendingMaintenanceAction");
        }
        x.close("PendingMaintenanceActionDetails")
            .close("ResourcePendingMaintenanceActions");
    }
    x.close("PendingMaintenanceActions");
    Ok(document(ACTION, request_id, &x.0, next))
}
