//! `resource "aws_rds_cluster_instance"`: an instance of an Aurora cluster, with its own CA
//! (`ca_cert_identifier`).

use serde::{Deserialize, Serialize};
use tf_provider::schema::{AttributeType, Schema};
use tf_provider::value::Value;
use tf_provider::Diagnostics;

use super::{
    changed, check_engine, computed, optional_computed, required, resolve_port, resolve_to_null,
    resolve_with, schema, unknown_if_null, Kind, REGION_DOC,
};
use crate::naming::{arn, instance_address, unique_identifier, ArnKind};

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct ClusterInstanceState {
    pub identifier: Value<String>,
    pub cluster_identifier: Value<String>,
    pub engine: Value<String>,
    pub engine_version: Value<String>,
    pub instance_class: Value<String>,
    pub ca_cert_identifier: Value<String>,
    pub availability_zone: Value<String>,
    pub region: Value<String>,
    pub port: Value<i64>,
    pub id: Value<String>,
    pub arn: Value<String>,
    pub endpoint: Value<String>,
}

pub struct RdsClusterInstance;

impl Kind for RdsClusterInstance {
    type State = ClusterInstanceState;

    fn schema() -> Schema {
        let s = || AttributeType::String;
        schema(
            "An instance of an RDS (Aurora) cluster (stand-in: nothing is created in AWS).",
            vec![
                ("identifier", optional_computed(s(), "The instance identifier; default: a generated `tf-…` name.")),
                ("cluster_identifier", required(s(), "The identifier of the cluster the instance joins.")),
                ("engine", required(s(), "The engine: `aurora-mysql` or `aurora-postgresql`.")),
                ("engine_version", optional_computed(s(), "The engine version; null when unset (the stand-in picks no default).")),
                ("instance_class", required(s(), "The instance class, such as `db.r6g.large`.")),
                ("ca_cert_identifier", optional_computed(s(), "The identifier of the CA certificate of the instance; stays null when unset, where AWS would apply the account's default.")),
                ("availability_zone", optional_computed(s(), "The Availability Zone; default: the Region's `a` zone.")),
                ("region", optional_computed(s(), REGION_DOC)),
                ("port", computed(AttributeType::Number, "The engine's port.")),
                ("id", computed(s(), "The instance identifier.")),
                ("arn", computed(s(), "`arn:<partition>:rds:<region>:123456789012:db:<identifier>`.")),
                ("endpoint", computed(s(), "The DNS name of the instance (no port, as in the real provider).")),
            ],
        )
    }

    fn region(state: &mut ClusterInstanceState) -> &mut Value<String> {
        &mut state.region
    }

    fn validate(state: &ClusterInstanceState, diags: &mut Diagnostics) {
        check_engine(&state.engine, diags);
    }

    fn plan_unknowns(s: &mut ClusterInstanceState) {
        for value in [
            &mut s.identifier,
            &mut s.engine_version,
            &mut s.ca_cert_identifier,
            &mut s.availability_zone,
            &mut s.region,
            &mut s.id,
            &mut s.arn,
            &mut s.endpoint,
        ] {
            unknown_if_null(value);
        }
        unknown_if_null(&mut s.port);
    }

    fn replaced_by(
        prior: &ClusterInstanceState,
        planned: &ClusterInstanceState,
    ) -> Vec<&'static str> {
        let mut replaced = Vec::new();
        for (name, before, after) in [
            ("identifier", &prior.identifier, &planned.identifier),
            (
                "cluster_identifier",
                &prior.cluster_identifier,
                &planned.cluster_identifier,
            ),
            ("engine", &prior.engine, &planned.engine),
            (
                "availability_zone",
                &prior.availability_zone,
                &planned.availability_zone,
            ),
            ("region", &prior.region, &planned.region),
        ] {
            if changed(before, after) {
                replaced.push(name);
            }
        }
        replaced
    }

    fn plan_update_unknowns(_prior: &ClusterInstanceState, _planned: &mut ClusterInstanceState) {
        // What names the instance replaces it; the rest changes no computed value.
    }

    fn resolve(s: &mut ClusterInstanceState, region: &str, diags: &mut Diagnostics) -> Option<()> {
        resolve_port(&mut s.port, &s.engine, diags)?;
        resolve_with(&mut s.identifier, || unique_identifier("tf-"));
        let Value::Value(identifier) = s.identifier.clone() else {
            return None;
        };
        resolve_to_null(&mut s.engine_version);
        resolve_to_null(&mut s.ca_cert_identifier);
        resolve_with(&mut s.availability_zone, || format!("{region}a"));
        resolve_with(&mut s.id, || identifier.clone());
        resolve_with(&mut s.arn, || arn(ArnKind::Instance, region, &identifier));
        resolve_with(&mut s.endpoint, || instance_address(region, &identifier));
        Some(())
    }
}
