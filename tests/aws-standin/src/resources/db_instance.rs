//! `resource "aws_db_instance"`: an RDS DB instance, with its CA (`ca_cert_identifier`).

use serde::{Deserialize, Serialize};
use tf_provider::schema::{AttributeType, Schema};
use tf_provider::value::Value;
use tf_provider::{AttributePath, Diagnostics};

use super::{
    changed, check_engine, computed, optional_computed, required, resolve_port, resolve_to_null,
    resolve_with, schema, unknown_if_null, Kind, REGION_DOC,
};
use crate::naming::{arn, instance_address, resource_id, unique_identifier, ArnKind};

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct DbInstanceState {
    pub identifier: Value<String>,
    pub engine: Value<String>,
    pub engine_version: Value<String>,
    pub instance_class: Value<String>,
    pub ca_cert_identifier: Value<String>,
    pub availability_zone: Value<String>,
    pub region: Value<String>,
    pub port: Value<i64>,
    pub id: Value<String>,
    pub resource_id: Value<String>,
    pub arn: Value<String>,
    pub endpoint: Value<String>,
    pub address: Value<String>,
}

pub struct DbInstance;

impl Kind for DbInstance {
    type State = DbInstanceState;

    fn schema() -> Schema {
        let s = || AttributeType::String;
        schema(
            "An RDS DB instance (stand-in: nothing is created in AWS).",
            vec![
                ("identifier", optional_computed(s(), "The DB instance identifier; default: a generated `terraform-…` name.")),
                ("engine", optional_computed(s(), "The engine: `postgres`, `mysql`, `mariadb`, `oracle-*`, `sqlserver-*`, `db2-*`. Required by the stand-in.")),
                ("engine_version", optional_computed(s(), "The engine version; null when unset (the stand-in picks no default).")),
                ("instance_class", required(s(), "The instance class, such as `db.t3.micro`.")),
                ("ca_cert_identifier", optional_computed(s(), "The identifier of the CA certificate of the instance; stays null when unset, where AWS would apply the account's default.")),
                ("availability_zone", optional_computed(s(), "The Availability Zone; default: the Region's `a` zone.")),
                ("region", optional_computed(s(), REGION_DOC)),
                ("port", optional_computed(AttributeType::Number, "The port; default: the engine's.")),
                ("id", computed(s(), "The RDS resource ID (`db-…`), as the AWS provider 5 and later set it.")),
                ("resource_id", computed(s(), "The RDS resource ID (`db-…`).")),
                ("arn", computed(s(), "`arn:<partition>:rds:<region>:123456789012:db:<identifier>`.")),
                ("endpoint", computed(s(), "`<address>:<port>`.")),
                ("address", computed(s(), "The DNS name of the instance.")),
            ],
        )
    }

    fn region(state: &mut DbInstanceState) -> &mut Value<String> {
        &mut state.region
    }

    fn validate(state: &DbInstanceState, diags: &mut Diagnostics) {
        check_engine(&state.engine, diags);
        if state.engine.is_null() {
            diags.error(
                "Missing engine",
                "`engine` is required by the stand-in (it creates no replicas and restores no snapshots).",
                AttributePath::new("engine"),
            );
        }
    }

    fn plan_unknowns(s: &mut DbInstanceState) {
        for value in [
            &mut s.identifier,
            &mut s.engine_version,
            &mut s.ca_cert_identifier,
            &mut s.availability_zone,
            &mut s.region,
            &mut s.id,
            &mut s.resource_id,
            &mut s.arn,
            &mut s.endpoint,
            &mut s.address,
        ] {
            unknown_if_null(value);
        }
        unknown_if_null(&mut s.port);
    }

    fn replaced_by(prior: &DbInstanceState, planned: &DbInstanceState) -> Vec<&'static str> {
        let mut replaced = Vec::new();
        if changed(&prior.engine, &planned.engine) {
            replaced.push("engine");
        }
        if changed(&prior.availability_zone, &planned.availability_zone) {
            replaced.push("availability_zone");
        }
        if changed(&prior.region, &planned.region) {
            replaced.push("region");
        }
        replaced
    }

    fn plan_update_unknowns(prior: &DbInstanceState, planned: &mut DbInstanceState) {
        // A rename keeps the instance (and its resource ID) but changes its ARN and DNS name.
        if changed(&prior.identifier, &planned.identifier) {
            planned.arn = Value::Unknown;
            planned.address = Value::Unknown;
            planned.endpoint = Value::Unknown;
        }
        if changed(&prior.port, &planned.port) {
            planned.endpoint = Value::Unknown;
        }
    }

    fn resolve(s: &mut DbInstanceState, region: &str, diags: &mut Diagnostics) -> Option<()> {
        resolve_port(&mut s.port, &s.engine, diags)?;
        resolve_with(&mut s.identifier, || unique_identifier("terraform-"));
        let (Value::Value(identifier), Value::Value(port)) = (s.identifier.clone(), s.port) else {
            return None;
        };
        resolve_to_null(&mut s.engine_version);
        resolve_to_null(&mut s.ca_cert_identifier);
        resolve_with(&mut s.availability_zone, || format!("{region}a"));
        resolve_with(&mut s.resource_id, || resource_id(region, &identifier));
        let rid = s.resource_id.clone();
        resolve_with(&mut s.id, || rid.unwrap_or_default());
        resolve_with(&mut s.arn, || arn(ArnKind::Instance, region, &identifier));
        resolve_with(&mut s.address, || instance_address(region, &identifier));
        resolve_with(&mut s.endpoint, || {
            format!("{}:{port}", instance_address(region, &identifier))
        });
        Some(())
    }
}
