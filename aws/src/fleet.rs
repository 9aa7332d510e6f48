//! The fleet audit's reads of the RDS Query API: `DescribeDBInstances`, `DescribeDBClusters` and
//! `DescribePendingMaintenanceActions` (each a [`Listing`]: [`DB_INSTANCES`], [`DB_CLUSTERS`],
//! [`PENDING_MAINTENANCE_ACTIONS`]), parsed into typed records (the fields the audit needs, named
//! as botocore's RDS model names them), every page read by `Marker` ([`RdsApi::list_all`]),
//! filters sent in the model's shape (`Filters.Filter.N.Name`, `Filters.Filter.N.Values.Value.N`).
//!
//! It reports what RDS says; judging it (deadlines, CA availability, what to do) belongs to the
//! audit. Like the rest of this crate it must not depend on Terraform or on any front end.

use roxmltree::Node;

use crate::xml::{child, children, flag, parse, result, text, Page};
use crate::{RdsApi, RdsError, API_VERSION};

/// Pages read at most per listing: 100,000 records; more is an error, never a silent cut.
const MAX_FLEET_PAGES: usize = 1_000;

/// The maintenance action of a CA rotation.
pub const CA_ROTATION: &str = "ca-certificate-rotation";

/// `CertificateDetails`: the CA of the server certificate and when the certificate expires
/// (not the CA's own expiry).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateDetails {
    pub ca_identifier: Option<String>,
    /// ISO 8601, as RDS writes it.
    pub valid_till: Option<String>,
}

/// One `DBInstance`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbInstance {
    pub identifier: String,
    pub arn: String,
    pub engine: String,
    pub engine_version: String,
    pub class: Option<String>,
    pub status: Option<String>,
    pub availability_zone: Option<String>,
    /// `Endpoint.Address` and `Endpoint.Port`.
    pub endpoint: Option<(String, u16)>,
    pub multi_az: bool,
    /// `DBClusterIdentifier`: set for Aurora members and the instances of Multi-AZ DB clusters.
    pub cluster: Option<String>,
    /// `CACertificateIdentifier`.
    pub ca_identifier: Option<String>,
    pub certificate: Option<CertificateDetails>,
    pub tags: Vec<(String, String)>,
}

/// One `DBClusterMember`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterMember {
    pub instance: String,
    pub writer: bool,
}

/// One `DBCluster`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbCluster {
    pub identifier: String,
    pub arn: String,
    pub engine: String,
    pub engine_version: String,
    pub status: Option<String>,
    pub multi_az: bool,
    /// `DBClusterInstanceClass`: only Multi-AZ DB clusters (not Aurora) have one.
    pub instance_class: Option<String>,
    pub members: Vec<ClusterMember>,
    /// Multi-AZ DB clusters carry their server certificate here; Aurora's are per instance.
    pub certificate: Option<CertificateDetails>,
    pub tags: Vec<(String, String)>,
}

impl DbCluster {
    /// A Multi-AZ DB cluster of RDS for PostgreSQL or MySQL, rather than Aurora.
    pub fn is_multi_az_db_cluster(&self) -> bool {
        self.instance_class.is_some()
    }
}

/// One `PendingMaintenanceAction`, with the resource it is pending on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingAction {
    /// The instance's or the cluster's ARN (`ResourceIdentifier`).
    pub resource: String,
    /// `ca-certificate-rotation`, `system-update`, ...
    pub action: String,
    pub auto_applied_after: Option<String>,
    pub forced_apply: Option<String>,
    pub current_apply: Option<String>,
    pub opt_in_status: Option<String>,
    pub description: Option<String>,
}

/// One filter of a listing: any of the values matches (names as the model documents them:
/// `engine`, `db-instance-id`, `db-cluster-id`, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    pub name: String,
    pub values: Vec<String>,
}

/// The filters as Query parameters (`FilterList` and `FilterValueList` members are named
/// `Filter` and `Value` in the model).
fn filter_params(filters: &[Filter]) -> Vec<(String, String)> {
    let mut params = Vec::new();
    for (n, f) in filters.iter().enumerate() {
        params.push((format!("Filters.Filter.{}.Name", n + 1), f.name.clone()));
        for (m, v) in f.values.iter().enumerate() {
            params.push((
                format!("Filters.Filter.{}.Values.Value.{}", n + 1, m + 1),
                v.clone(),
            ));
        }
    }
    params
}

/// The members of the list `list` of `node`, each named `item`.
fn items<'a, 'i: 'a>(
    node: Node<'a, 'i>,
    list: &'a str,
    item: &'a str,
) -> impl Iterator<Item = Node<'a, 'i>> {
    child(node, list)
        .into_iter()
        .flat_map(move |l| children(l, item))
}

/// A field every record of its kind has; without it the answer is not RDS's.
fn required(node: Node, what: &str, name: &str) -> Result<String, String> {
    text(node, name).ok_or_else(|| format!("a {what} without {name}"))
}

fn tags(node: Node) -> Vec<(String, String)> {
    items(node, "TagList", "Tag")
        .filter_map(|t| Some((text(t, "Key")?, text(t, "Value").unwrap_or_default())))
        .collect()
}

fn certificate(node: Node) -> Option<CertificateDetails> {
    child(node, "CertificateDetails").map(|c| CertificateDetails {
        ca_identifier: text(c, "CAIdentifier"),
        valid_till: text(c, "ValidTill"),
    })
}

/// One of the fleet's listings: its action, where its answer holds the records
/// (`{action}Response/{action}Result/{list}/{item}`), and how one record is read (into several
/// items where it holds several: a resource's pending actions). [`RdsApi::list_all`] reads every
/// page of one.
pub struct Listing<T> {
    pub action: &'static str,
    list: &'static str,
    item: &'static str,
    record: fn(Node) -> Result<Vec<T>, String>,
}

/// `DescribeDBInstances`.
pub const DB_INSTANCES: Listing<DbInstance> = Listing {
    action: "DescribeDBInstances",
    list: "DBInstances",
    item: "DBInstance",
    record: instance,
};

/// `DescribeDBClusters`.
pub const DB_CLUSTERS: Listing<DbCluster> = Listing {
    action: "DescribeDBClusters",
    list: "DBClusters",
    item: "DBCluster",
    record: cluster,
};

/// `DescribePendingMaintenanceActions`: one item per action of every resource.
pub const PENDING_MAINTENANCE_ACTIONS: Listing<PendingAction> = Listing {
    action: "DescribePendingMaintenanceActions",
    list: "PendingMaintenanceActions",
    item: "ResourcePendingMaintenanceActions",
    record: pending_actions,
};

impl<T> Listing<T> {
    /// One page of the answer: its records and the `Marker`.
    pub fn page(&self, body: &str) -> Result<Page<T>, String> {
        let action = self.action;
        let doc = parse(body)?;
        let result = result(&doc, action)?;
        let mut out = Vec::new();
        for node in items(result, self.list, self.item) {
            out.extend((self.record)(node).map_err(|e| format!("{action}: {e}"))?);
        }
        Ok(Page {
            items: out,
            marker: text(result, "Marker"),
            default_for_new_launches: None,
        })
    }
}

fn instance(i: Node) -> Result<Vec<DbInstance>, String> {
    let what = "DBInstance";
    Ok(vec![DbInstance {
        identifier: required(i, what, "DBInstanceIdentifier")?,
        arn: required(i, what, "DBInstanceArn")?,
        engine: required(i, what, "Engine")?,
        engine_version: required(i, what, "EngineVersion")?,
        class: text(i, "DBInstanceClass"),
        status: text(i, "DBInstanceStatus"),
        availability_zone: text(i, "AvailabilityZone"),
        endpoint: child(i, "Endpoint")
            .and_then(|e| Some((text(e, "Address")?, text(e, "Port")?.parse().ok()?))),
        multi_az: flag(i, "MultiAZ").unwrap_or(false),
        cluster: text(i, "DBClusterIdentifier"),
        ca_identifier: text(i, "CACertificateIdentifier"),
        certificate: certificate(i),
        tags: tags(i),
    }])
}

fn cluster(c: Node) -> Result<Vec<DbCluster>, String> {
    let what = "DBCluster";
    Ok(vec![DbCluster {
        identifier: required(c, what, "DBClusterIdentifier")?,
        arn: required(c, what, "DBClusterArn")?,
        engine: required(c, what, "Engine")?,
        engine_version: required(c, what, "EngineVersion")?,
        status: text(c, "Status"),
        multi_az: flag(c, "MultiAZ").unwrap_or(false),
        instance_class: text(c, "DBClusterInstanceClass"),
        members: items(c, "DBClusterMembers", "DBClusterMember")
            .map(|m| {
                Ok(ClusterMember {
                    instance: required(m, "DBClusterMember", "DBInstanceIdentifier")?,
                    writer: flag(m, "IsClusterWriter").unwrap_or(false),
                })
            })
            .collect::<Result<_, String>>()?,
        certificate: certificate(c),
        tags: tags(c),
    }])
}

/// Every action pending on one resource, one item per action.
fn pending_actions(r: Node) -> Result<Vec<PendingAction>, String> {
    let resource = required(r, "ResourcePendingMaintenanceActions", "ResourceIdentifier")?;
    items(
        r,
        "PendingMaintenanceActionDetails",
        "PendingMaintenanceAction",
    )
    .map(|a| {
        Ok(PendingAction {
            resource: resource.clone(),
            action: required(a, "PendingMaintenanceAction", "Action")?,
            auto_applied_after: text(a, "AutoAppliedAfterDate"),
            forced_apply: text(a, "ForcedApplyDate"),
            current_apply: text(a, "CurrentApplyDate"),
            opt_in_status: text(a, "OptInStatus"),
            description: text(a, "Description"),
        })
    })
    .collect()
}

impl RdsApi {
    /// Every page of `listing` in `region`, 100 records a page.
    pub async fn list_all<T>(
        &self,
        listing: &Listing<T>,
        region: &str,
        filters: &[Filter],
    ) -> Result<Vec<T>, RdsError> {
        let action = listing.action;
        let filters = filter_params(filters);
        let mut out = Vec::new();
        let mut marker: Option<String> = None;
        for _ in 0..MAX_FLEET_PAGES {
            let mut params: Vec<(&str, &str)> = vec![
                ("Action", action),
                ("Version", API_VERSION),
                ("MaxRecords", "100"),
            ];
            params.extend(filters.iter().map(|(k, v)| (k.as_str(), v.as_str())));
            if let Some(m) = &marker {
                params.push(("Marker", m));
            }
            let body = self.call(region, &params).await?;
            let page = listing.page(&body).map_err(RdsError::Transport)?;
            out.extend(page.items);
            if page.marker.is_some() && page.marker == marker {
                return Err(RdsError::Transport(format!(
                    "{action} in {region} answered the same Marker twice: stopped paging"
                )));
            }
            marker = page.marker;
            if marker.is_none() {
                return Ok(out);
            }
        }
        Err(RdsError::Transport(format!(
            "{action} in {region} has more than {} pages of 100: stopped rather than report part of it",
            MAX_FLEET_PAGES
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_are_sent_in_the_models_shape() {
        let params = filter_params(&[
            Filter {
                name: "engine".into(),
                values: vec!["postgres".into(), "aurora-postgresql".into()],
            },
            Filter {
                name: "db-cluster-id".into(),
                values: vec!["arn:aws:rds:eu-west-1:123456789012:cluster:a".into()],
            },
        ]);
        let params: Vec<(&str, &str)> = params
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            params,
            [
                ("Filters.Filter.1.Name", "engine"),
                ("Filters.Filter.1.Values.Value.1", "postgres"),
                ("Filters.Filter.1.Values.Value.2", "aurora-postgresql"),
                ("Filters.Filter.2.Name", "db-cluster-id"),
                (
                    "Filters.Filter.2.Values.Value.1",
                    "arn:aws:rds:eu-west-1:123456789012:cluster:a"
                ),
            ]
        );
    }

    #[test]
    fn a_record_without_its_identity_is_an_error_not_a_blank() {
        let body = "<DescribeDBInstancesResponse xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\"><DescribeDBInstancesResult><DBInstances><DBInstance><DBInstanceIdentifier>a</DBInstanceIdentifier><Engine>postgres</Engine><EngineVersion>16.3</EngineVersion></DBInstance></DBInstances></DescribeDBInstancesResult></DescribeDBInstancesResponse>";
        assert_eq!(
            DB_INSTANCES.page(body).unwrap_err(),
            "DescribeDBInstances: a DBInstance without DBInstanceArn"
        );
        let other =
            "<DescribeDBClustersResponse><DescribeDBClustersResult/></DescribeDBClustersResponse>";
        assert!(DB_INSTANCES
            .page(other)
            .unwrap_err()
            .starts_with("expected a DescribeDBInstancesResponse"));
    }
}
