//! `resource "aws_rds_cluster"`: an Aurora (or Multi-AZ) DB cluster, with its CA
//! (`ca_certificate_identifier`, a different name than the instances' `ca_cert_identifier`).

use serde::{Deserialize, Serialize};
use tf_provider::schema::{AttributeType, Schema};
use tf_provider::value::Value;
use tf_provider::Diagnostics;

use super::{
    changed, check_engine, computed, optional_computed, required, resolve_port, resolve_to_null,
    resolve_with, schema, unknown_if_null, Kind, REGION_DOC,
};
use crate::naming::{arn, cluster_endpoint, unique_identifier, ArnKind};

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct ClusterState {
    pub cluster_identifier: Value<String>,
    pub engine: Value<String>,
    pub engine_version: Value<String>,
    pub ca_certificate_identifier: Value<String>,
    pub availability_zones: Value<Vec<Value<String>>>,
    pub region: Value<String>,
    pub port: Value<i64>,
    pub id: Value<String>,
    pub arn: Value<String>,
    pub endpoint: Value<String>,
}

pub struct RdsCluster;

impl Kind for RdsCluster {
    type State = ClusterState;

    fn schema() -> Schema {
        let s = || AttributeType::String;
        schema(
            "An RDS DB cluster (stand-in: nothing is created in AWS).",
            vec![
                ("cluster_identifier", optional_computed(s(), "The cluster identifier; default: a generated `tf-…` name.")),
                ("engine", required(s(), "The engine: `aurora-mysql`, `aurora-postgresql`, or `mysql` / `postgres` for Multi-AZ clusters.")),
                ("engine_version", optional_computed(s(), "The engine version; null when unset (the stand-in picks no default).")),
                ("ca_certificate_identifier", optional_computed(s(), "The identifier of the CA certificate of the cluster (Multi-AZ DB clusters); stays null when unset, where AWS would apply the account's default.")),
                ("availability_zones", optional_computed(AttributeType::Set(Box::new(s())), "The cluster's Availability Zones; default: the Region's `a`, `b` and `c` zones.")),
                ("region", optional_computed(s(), REGION_DOC)),
                ("port", optional_computed(AttributeType::Number, "The port; default: the engine's.")),
                ("id", computed(s(), "The cluster identifier.")),
                ("arn", computed(s(), "`arn:<partition>:rds:<region>:123456789012:cluster:<cluster_identifier>`.")),
                ("endpoint", computed(s(), "The DNS name of the cluster's writer endpoint (no port, as in the real provider).")),
            ],
        )
    }

    fn region(state: &mut ClusterState) -> &mut Value<String> {
        &mut state.region
    }

    fn validate(state: &ClusterState, diags: &mut Diagnostics) {
        check_engine(&state.engine, diags);
    }

    fn plan_unknowns(s: &mut ClusterState) {
        for value in [
            &mut s.cluster_identifier,
            &mut s.engine_version,
            &mut s.ca_certificate_identifier,
            &mut s.region,
            &mut s.id,
            &mut s.arn,
            &mut s.endpoint,
        ] {
            unknown_if_null(value);
        }
        unknown_if_null(&mut s.availability_zones);
        unknown_if_null(&mut s.port);
    }

    fn replaced_by(prior: &ClusterState, planned: &ClusterState) -> Vec<&'static str> {
        let mut replaced = Vec::new();
        for (name, before, after) in [
            (
                "cluster_identifier",
                &prior.cluster_identifier,
                &planned.cluster_identifier,
            ),
            ("engine", &prior.engine, &planned.engine),
            ("region", &prior.region, &planned.region),
        ] {
            if changed(before, after) {
                replaced.push(name);
            }
        }
        if changed(&prior.availability_zones, &planned.availability_zones) {
            replaced.push("availability_zones");
        }
        replaced
    }

    fn plan_update_unknowns(prior: &ClusterState, planned: &mut ClusterState) {
        if changed(&prior.port, &planned.port) {
            planned.endpoint = Value::Unknown;
        }
    }

    fn resolve(s: &mut ClusterState, region: &str, diags: &mut Diagnostics) -> Option<()> {
        resolve_port(&mut s.port, &s.engine, diags)?;
        resolve_with(&mut s.cluster_identifier, || unique_identifier("tf-"));
        let Value::Value(identifier) = s.cluster_identifier.clone() else {
            return None;
        };
        resolve_to_null(&mut s.engine_version);
        resolve_to_null(&mut s.ca_certificate_identifier);
        resolve_with(&mut s.availability_zones, || {
            ["a", "b", "c"]
                .map(|zone| Value::Value(format!("{region}{zone}")))
                .to_vec()
        });
        resolve_with(&mut s.id, || identifier.clone());
        resolve_with(&mut s.arn, || arn(ArnKind::Cluster, region, &identifier));
        resolve_with(&mut s.endpoint, || cluster_endpoint(region, &identifier));
        Some(())
    }
}
