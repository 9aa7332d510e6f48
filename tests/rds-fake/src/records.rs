//! What the fake knows about one account: per Region, the engine versions, the CA certificates,
//! the DB instances, the DB clusters and the pending maintenance actions, with the fields of
//! botocore's RDS model (2014-10-31) that the engine check and the fleet audit read. Plain
//! data: no HTTP, no XML (answers.rs writes it), no generation (generate.rs).

use std::collections::BTreeMap;

use time::OffsetDateTime;

/// One engine version the fake lists (`DescribeDBEngineVersions`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EngineVersion {
    pub engine: String,
    pub version: String,
    /// `SupportedCACertificateIdentifiers`.
    pub cas: Vec<String>,
    /// `SupportsCertificateRotationWithoutRestart`.
    pub rotation_without_restart: bool,
}

impl EngineVersion {
    pub fn new(engine: &str, version: &str, cas: &[&str], rotation: bool) -> Self {
        EngineVersion {
            engine: engine.into(),
            version: version.into(),
            cas: cas.iter().map(|c| c.to_string()).collect(),
            rotation_without_restart: rotation,
        }
    }
}

/// One CA certificate of `DescribeCertificates`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Certificate {
    pub id: String,
    pub valid_from: String,
    pub valid_till: String,
    pub customer_override: bool,
}

/// The three G1 CAs with their real validity, no override.
pub fn g1_certificates() -> Vec<Certificate> {
    [
        (
            "rds-ca-rsa2048-g1",
            "2021-05-25T23:34:57Z",
            "2061-05-25T23:34:57Z",
        ),
        (
            "rds-ca-rsa4096-g1",
            "2021-05-25T23:41:21Z",
            "2121-05-25T23:41:21Z",
        ),
        (
            "rds-ca-ecc384-g1",
            "2021-05-25T23:43:08Z",
            "2121-05-25T23:43:08Z",
        ),
    ]
    .iter()
    .map(|(id, from, till)| Certificate {
        id: id.to_string(),
        valid_from: from.to_string(),
        valid_till: till.to_string(),
        customer_override: false,
    })
    .collect()
}

/// `CertificateDetails`: the CA of a database's server certificate and when that certificate
/// expires (not the CA's own expiry).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertificateDetails {
    pub ca: String,
    pub valid_till: OffsetDateTime,
}

/// A tag of `TagList`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tag {
    pub key: String,
    pub value: String,
}

/// One DB instance of `DescribeDBInstances`: a standalone instance, a member of an Aurora
/// cluster, or one of the three instances of a Multi-AZ DB cluster (`cluster` is set for both).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DbInstance {
    pub identifier: String,
    pub arn: String,
    /// `DbiResourceId` (`db-…`).
    pub resource_id: String,
    pub engine: String,
    pub engine_version: String,
    pub class: String,
    pub status: String,
    pub availability_zone: String,
    /// `Endpoint.Address` and `Endpoint.Port`.
    pub address: String,
    pub port: u16,
    pub hosted_zone: String,
    pub multi_az: bool,
    /// `DBClusterIdentifier`, for cluster members.
    pub cluster: Option<String>,
    /// `PromotionTier`, for Aurora members.
    pub promotion_tier: Option<u32>,
    /// `CACertificateIdentifier`; `CertificateDetails.CAIdentifier` is the same CA.
    pub ca: String,
    /// `CertificateDetails.ValidTill`.
    pub valid_till: OffsetDateTime,
    pub created: OffsetDateTime,
    pub tags: Vec<Tag>,
}

/// What kind of cluster: Aurora, or a Multi-AZ DB cluster of RDS for PostgreSQL / MySQL (which
/// has a `DBClusterInstanceClass`, storage of its own, and `CertificateDetails`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClusterKind {
    Aurora,
    MultiAz {
        instance_class: String,
        certificate: CertificateDetails,
    },
}

/// One member of `DBClusterMembers`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClusterMember {
    pub instance: String,
    pub writer: bool,
    pub promotion_tier: u32,
}

/// One DB cluster of `DescribeDBClusters`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DbCluster {
    pub identifier: String,
    pub arn: String,
    /// `DbClusterResourceId` (`cluster-…`).
    pub resource_id: String,
    pub engine: String,
    pub engine_version: String,
    pub kind: ClusterKind,
    pub status: String,
    pub availability_zones: Vec<String>,
    pub endpoint: String,
    pub reader_endpoint: String,
    pub port: u16,
    pub hosted_zone: String,
    pub multi_az: bool,
    pub members: Vec<ClusterMember>,
    pub created: OffsetDateTime,
    pub tags: Vec<Tag>,
}

/// One action of `PendingMaintenanceActionDetails`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MaintenanceAction {
    /// `ca-certificate-rotation`, `system-update`, `db-upgrade`, ...
    pub action: String,
    pub auto_applied_after: Option<OffsetDateTime>,
    pub forced_apply: Option<OffsetDateTime>,
    pub current_apply: Option<OffsetDateTime>,
    pub opt_in_status: Option<String>,
    pub description: String,
}

/// One `ResourcePendingMaintenanceActions`: the actions pending on one instance or cluster.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingMaintenance {
    /// The instance's or the cluster's ARN.
    pub resource: String,
    pub actions: Vec<MaintenanceAction>,
}

/// Everything one Region answers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RegionData {
    pub engine_versions: Vec<EngineVersion>,
    pub certificates: Vec<Certificate>,
    pub instances: Vec<DbInstance>,
    pub clusters: Vec<DbCluster>,
    pub pending: Vec<PendingMaintenance>,
}

impl RegionData {
    /// A Region with these engine versions, the G1 certificates and no databases.
    pub fn with_engine_versions(engine_versions: Vec<EngineVersion>) -> RegionData {
        RegionData {
            engine_versions,
            certificates: g1_certificates(),
            ..RegionData::default()
        }
    }

    /// The databases as the fleet audit counts them: each standalone instance, each Aurora
    /// member, each Multi-AZ DB cluster (whose three instances are one database).
    pub fn database_count(&self) -> usize {
        let multi_az: Vec<&str> = self
            .clusters
            .iter()
            .filter(|c| matches!(c.kind, ClusterKind::MultiAz { .. }))
            .map(|c| c.identifier.as_str())
            .collect();
        let instances = self
            .instances
            .iter()
            .filter(|i| !i.cluster.as_deref().is_some_and(|c| multi_az.contains(&c)))
            .count();
        instances + multi_az.len()
    }
}

/// One account's RDS in several Regions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fleet {
    /// The 12-digit account id in ARNs.
    pub account: String,
    pub regions: BTreeMap<String, RegionData>,
}

impl Fleet {
    /// An account with no Region yet.
    pub fn new(account: &str) -> Fleet {
        Fleet {
            account: account.into(),
            regions: BTreeMap::new(),
        }
    }

    pub fn database_count(&self) -> usize {
        self.regions.values().map(RegionData::database_count).sum()
    }
}

/// The ARN partition of a Region: `aws-cn` for China, `aws-us-gov` for GovCloud, else `aws`.
pub fn partition(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

/// The DNS suffix of RDS endpoints in a Region.
pub fn dns_suffix(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "rds.amazonaws.com.cn"
    } else {
        "rds.amazonaws.com"
    }
}
