//! States: `terraform show -json` of a state (`values.root_module` and its `child_modules`,
//! jsonstate/state.go) and a raw `terraform.tfstate` version 4 (`resources[]` with `module`,
//! `instances[].index_key` and `attributes`, statefile/version4.go). States carry no provider
//! configuration, so their instances have no `provider`.

use serde_json::{Map, Value};

use super::address::instance_address;
use super::{malformed, managed_rds_records, InputError, Instance};

/// The RDS instances of a state JSON's module tree (`values` may be absent: an empty state).
pub fn json_instances<'a>(name: &str, json: &'a Value) -> Result<Vec<Instance<'a>>, InputError> {
    let mut out = Vec::new();
    if let Some(root) = json.get("values").and_then(|v| v.get("root_module")) {
        walk_module(name, root, &mut out, None)?;
    }
    Ok(out)
}

/// Walks a `module` of jsonstate (also the plan's `planned_values` and `prior_state`): each
/// managed RDS resource's `values`. `prior` maps addresses to prior values when walking a plan.
pub(super) fn walk_module<'a>(
    name: &str,
    module: &'a Value,
    out: &mut Vec<Instance<'a>>,
    prior: Option<&std::collections::HashMap<String, &'a Map<String, Value>>>,
) -> Result<(), InputError> {
    if let Some(resources) = module.get("resources") {
        for (r, rds_type) in managed_rds_records(name, resources, "a module's resources")? {
            let address = r.get("address").and_then(Value::as_str).ok_or_else(|| {
                malformed(name, format!("an {} without an address", rds_type.as_str()))
            })?;
            let values = r
                .get("values")
                .and_then(Value::as_object)
                .ok_or_else(|| malformed(name, format!("{address} has no values object")))?;
            out.push(Instance {
                address: address.to_string(),
                rds_type,
                values,
                unknown: None,
                prior: prior.and_then(|p| p.get(address).copied()),
                config_expressions: None,
                provider: None,
            });
        }
    }
    if let Some(children) = module.get("child_modules") {
        let children = children
            .as_array()
            .ok_or_else(|| malformed(name, "child_modules is not an array"))?;
        for child in children {
            walk_module(name, child, out, prior)?;
        }
    }
    Ok(())
}

/// The RDS instances of a raw version 4 state file. Deposed objects (about to be destroyed) are
/// left out.
pub fn file_instances<'a>(name: &str, json: &'a Value) -> Result<Vec<Instance<'a>>, InputError> {
    let Some(resources) = json.get("resources") else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (r, rds_type) in managed_rds_records(name, resources, "resources")? {
        let resource_type = rds_type.as_str();
        let resource_name = r.get("name").and_then(Value::as_str).unwrap_or_default();
        let module = r.get("module").and_then(Value::as_str);
        let instances = r
            .get("instances")
            .and_then(Value::as_array)
            .ok_or_else(|| {
                malformed(
                    name,
                    format!("{resource_type}.{resource_name} has no instances array"),
                )
            })?;
        for i in instances {
            if i.get("deposed").is_some() {
                continue;
            }
            let address =
                instance_address(module, resource_type, resource_name, i.get("index_key"));
            let values = i
                .get("attributes")
                .and_then(Value::as_object)
                .ok_or_else(|| {
                    malformed(
                        name,
                        format!("{address} has no attributes object (attributes_flat is Terraform 0.11's)"),
                    )
                })?;
            out.push(Instance {
                address,
                rds_type,
                values,
                unknown: None,
                prior: None,
                config_expressions: None,
                provider: None,
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use crate::terraform::{parse, Attr};
    use serde_json::json;

    #[test]
    fn state_json_walks_child_modules() {
        // The shape of `terraform show -json` for a state (jsonstate).
        let state = json!({
            "format_version": "1.0",
            "terraform_version": "1.11.0",
            "values": {
                "root_module": {
                    "resources": [
                        {"address": "aws_db_instance.main", "mode": "managed", "type": "aws_db_instance", "name": "main",
                         "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 2,
                         "values": {"ca_cert_identifier": "rds-ca-2019", "arn": "arn:aws:rds:eu-west-1:123456789012:db:main"},
                         "sensitive_values": {}},
                        {"address": "data.aws_db_instance.other", "mode": "data", "type": "aws_db_instance", "name": "other",
                         "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0, "values": {}, "sensitive_values": {}},
                        {"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b",
                         "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0, "values": {}, "sensitive_values": {}}
                    ],
                    "child_modules": [{
                        "address": "module.db[\"a\"]",
                        "resources": [
                            {"address": "module.db[\"a\"].aws_rds_cluster_instance.i[0]", "mode": "managed", "type": "aws_rds_cluster_instance",
                             "name": "i", "index": 0, "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0,
                             "values": {"ca_cert_identifier": null}, "sensitive_values": {}}
                        ]
                    }]
                }
            }
        });
        let doc = parse("state.json", state.to_string().as_bytes()).unwrap();
        let got = crate::terraform::instances(&doc).unwrap();
        let summary: Vec<(&str, Attr)> = got
            .iter()
            .map(|i| (i.address.as_str(), i.attr(i.rds_type.ca_attribute())))
            .collect();
        assert_eq!(
            summary,
            [
                ("aws_db_instance.main", Attr::Set("rds-ca-2019")),
                (
                    "module.db[\"a\"].aws_rds_cluster_instance.i[0]",
                    Attr::NotSet
                )
            ]
        );
        assert!(got
            .iter()
            .all(|i| i.provider.is_none() && i.configured("ca_cert_identifier").is_none()));
    }

    #[test]
    fn state_file_v4_builds_addresses_and_skips_deposed() {
        // The shape of a terraform.tfstate (statefile version 4).
        let state = json!({
            "version": 4, "terraform_version": "1.5.7", "serial": 12, "lineage": "0d1f6c1e-0000-4000-8000-000000000000",
            "outputs": {},
            "resources": [
                {"module": "module.region[\"eu\"].module.db", "mode": "managed", "type": "aws_db_instance", "name": "db",
                 "provider": "provider[\"registry.terraform.io/hashicorp/aws\"].west",
                 "instances": [
                    {"index_key": 0, "schema_version": 2, "attributes": {"ca_cert_identifier": "rds-ca-rsa4096-g1", "availability_zone": "eu-west-1b"}},
                    {"index_key": 0, "deposed": "00000001", "schema_version": 2, "attributes": {"ca_cert_identifier": "rds-ca-2015"}}
                 ]},
                {"mode": "managed", "type": "aws_rds_certificate", "name": "default",
                 "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
                 "instances": [{"schema_version": 0, "attributes": {"id": "eu-west-1", "certificate_identifier": "rds-ca-ecc384-g1"}}]},
                {"mode": "managed", "type": "aws_vpc", "name": "v", "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
                 "instances": [{"schema_version": 1, "attributes": {}}]}
            ]
        });
        let doc = parse("terraform.tfstate", state.to_string().as_bytes()).unwrap();
        let got = crate::terraform::instances(&doc).unwrap();
        let summary: Vec<(&str, Attr)> = got
            .iter()
            .map(|i| (i.address.as_str(), i.attr(i.rds_type.ca_attribute())))
            .collect();
        assert_eq!(
            summary,
            [
                (
                    "module.region[\"eu\"].module.db.aws_db_instance.db[0]",
                    Attr::Set("rds-ca-rsa4096-g1")
                ),
                ("aws_rds_certificate.default", Attr::Set("rds-ca-ecc384-g1"))
            ]
        );
    }

    #[test]
    fn malformed_state_file_names_the_resource() {
        let state = json!({"version": 4, "resources": [{"mode": "managed", "type": "aws_db_instance", "name": "db",
            "instances": [{"schema_version": 0, "attributes_flat": {}}]}]});
        let doc = parse("old.tfstate", state.to_string().as_bytes()).unwrap();
        let e = crate::terraform::instances(&doc).unwrap_err().to_string();
        assert_eq!(e, "old.tfstate: not a well-formed Terraform file: aws_db_instance.db has no attributes object (attributes_flat is Terraform 0.11's)");
    }
}
