//! Plans: `terraform show -json PLANFILE` (jsonplan/plan.go). Each RDS instance comes from
//! `resource_changes` (its `after` and `after_unknown`), or from `planned_values` when a plan has
//! no `resource_changes`; `prior_state` adds the Region clues an update leaves unknown; and
//! `configuration` (jsonconfig/config.go) says which arguments the configuration sets and which
//! provider configuration each resource uses, with that configuration's `region`.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::address::static_module_path;
use super::state::walk_module;
use super::{
    malformed, managed_rds_records, managed_rds_type, InputError, Instance, ProviderRegion,
};

/// A resource block of the configuration: its arguments and provider configuration key.
struct ConfigResource<'a> {
    expressions: Option<&'a Map<String, Value>>,
    provider_config_key: Option<&'a str>,
}

/// The resource blocks of the RDS types, by (static module path, `type.name`).
type ConfigIndex<'a> = HashMap<(String, &'a str), ConfigResource<'a>>;

fn index_module<'a>(module: &'a Value, path: &str, index: &mut ConfigIndex<'a>) {
    if let Some(resources) = module.get("resources").and_then(Value::as_array) {
        for r in resources {
            if managed_rds_type(r).is_none() {
                continue;
            }
            let Some(address) = r.get("address").and_then(Value::as_str) else {
                continue;
            };
            index.insert(
                (path.to_string(), address),
                ConfigResource {
                    expressions: r.get("expressions").and_then(Value::as_object),
                    provider_config_key: r.get("provider_config_key").and_then(Value::as_str),
                },
            );
        }
    }
    if let Some(calls) = module.get("module_calls").and_then(Value::as_object) {
        for (name, call) in calls {
            if let Some(child) = call.get("module") {
                let child_path = if path.is_empty() {
                    format!("module.{name}")
                } else {
                    format!("{path}.module.{name}")
                };
                index_module(child, &child_path, index);
            }
        }
    }
}

/// The key of the same provider in the parent module: `module.a.module.b:aws.west` →
/// `module.a:aws.west` → `aws.west`; `None` at the root.
fn parent_key(key: &str) -> Option<String> {
    let (path, provider) = key.split_once(':')?;
    match path.rfind(".module.") {
        Some(cut) => Some(format!("{}:{provider}", &path[..cut])),
        None => Some(provider.to_string()),
    }
}

/// What the provider configuration `key` says of `region`. Terraform points a resource's key at
/// the configuration it really uses (passed or inherited); a key with no entry is looked for in
/// the enclosing modules, as Terraform inherits a default provider.
fn provider_region<'a>(
    key: &str,
    configs: Option<&'a Map<String, Value>>,
    variables: Option<&'a Map<String, Value>>,
) -> ProviderRegion<'a> {
    let mut current = key.to_string();
    loop {
        if let Some(pc) = configs.and_then(|c| c.get(&current)) {
            let Some(expr) = pc.get("expressions").and_then(|e| e.get("region")) else {
                return ProviderRegion::NotSet { key: current };
            };
            if let Some(constant) = expr.get("constant_value") {
                return match constant.as_str().filter(|c| !c.is_empty()) {
                    Some(code) => ProviderRegion::Known { key: current, code },
                    // `region = null` or `""`: the provider falls back to the environment.
                    None => ProviderRegion::NotSet { key: current },
                };
            }
            let references: Vec<&str> = expr
                .get("references")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let in_root = pc
                .get("module_address")
                .and_then(Value::as_str)
                .is_none_or(str::is_empty);
            // A root variable's value is in the plan: `region = var.region` is known.
            if let ([reference], true) = (references.as_slice(), in_root) {
                if let Some(code) = reference
                    .strip_prefix("var.")
                    .and_then(|v| variables?.get(v)?.get("value")?.as_str())
                {
                    return ProviderRegion::Known { key: current, code };
                }
            }
            return ProviderRegion::Unresolvable {
                key: current,
                expression: if references.is_empty() {
                    "an expression".into()
                } else {
                    references.join(", ")
                },
            };
        }
        match parent_key(&current) {
            Some(parent) => current = parent,
            // No configuration block at all: the AWS provider takes its Region from the
            // environment.
            None => {
                return ProviderRegion::NotSet {
                    key: key.to_string(),
                }
            }
        }
    }
}

pub fn instances<'a>(name: &str, json: &'a Value) -> Result<Vec<Instance<'a>>, InputError> {
    let configuration = json.get("configuration");
    let mut index = ConfigIndex::new();
    if let Some(root) = configuration.and_then(|c| c.get("root_module")) {
        index_module(root, "", &mut index);
    }
    let configs = configuration
        .and_then(|c| c.get("provider_config"))
        .and_then(Value::as_object);
    let variables = json.get("variables").and_then(Value::as_object);

    let mut prior_instances = Vec::new();
    if let Some(root) = json
        .get("prior_state")
        .and_then(|p| p.get("values"))
        .and_then(|v| v.get("root_module"))
    {
        walk_module(name, root, &mut prior_instances, None)?;
    }
    let prior: HashMap<String, &'a Map<String, Value>> = prior_instances
        .into_iter()
        .map(|i| (i.address, i.values))
        .collect();

    let Some(changes) = json.get("resource_changes") else {
        let mut out = Vec::new();
        if let Some(root) = json
            .get("planned_values")
            .and_then(|p| p.get("root_module"))
        {
            walk_module(name, root, &mut out, Some(&prior))?;
        }
        return Ok(out);
    };
    let mut out = Vec::new();
    for (rc, rds_type) in managed_rds_records(name, changes, "resource_changes")? {
        if rc.get("deposed").is_some() {
            continue;
        }
        let address = rc.get("address").and_then(Value::as_str).ok_or_else(|| {
            malformed(
                name,
                format!("a change of an {} without an address", rds_type.as_str()),
            )
        })?;
        let change = rc
            .get("change")
            .ok_or_else(|| malformed(name, format!("{address} has no change")))?;
        // A resource being destroyed has no `after`: nothing to check.
        let Some(after) = change.get("after").and_then(Value::as_object) else {
            continue;
        };
        let module_path = rc
            .get("module_address")
            .and_then(Value::as_str)
            .map(static_module_path)
            .unwrap_or_default();
        let resource_name = rc.get("name").and_then(Value::as_str).unwrap_or_default();
        let config_address = format!("{}.{resource_name}", rds_type.as_str());
        let config = index.get(&(module_path, config_address.as_str()));
        let provider = configuration.map(|_| {
            match config.and_then(|c| c.provider_config_key) {
                Some(key) => provider_region(key, configs, variables),
                // A plan whose configuration lacks the block: the default provider of the root.
                None => provider_region("aws", configs, variables),
            }
        });
        out.push(Instance {
            address: address.to_string(),
            rds_type,
            values: after,
            unknown: change.get("after_unknown").and_then(Value::as_object),
            prior: prior.get(address).copied(),
            config_expressions: config.and_then(|c| c.expressions),
            provider,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::terraform::{parse, Attr};
    use serde_json::json;

    /// A plan as `terraform show -json` writes it: a root database on the default provider
    /// (region from a root variable), a for_each module whose resources use a passed aliased
    /// provider, a nested module that inherits the default one, and a database whose CA comes
    /// from another resource (unknown until apply).
    fn plan() -> Value {
        json!({
            "format_version": "1.2",
            "terraform_version": "1.11.4",
            "variables": {"region": {"value": "eu-central-2"}},
            "planned_values": {"root_module": {}},
            "resource_changes": [
                {"address": "aws_db_instance.root", "mode": "managed", "type": "aws_db_instance", "name": "root",
                 "provider_name": "registry.terraform.io/hashicorp/aws",
                 "change": {"actions": ["create"], "before": null,
                            "after": {"ca_cert_identifier": "rds-ca-ecc384-g1", "engine": "postgres"},
                            "after_unknown": {"arn": true, "endpoint": true, "availability_zone": true},
                            "before_sensitive": false, "after_sensitive": {}}},
                {"address": "module.db[\"a\"].aws_db_instance.this[0]", "module_address": "module.db[\"a\"]",
                 "mode": "managed", "type": "aws_db_instance", "name": "this", "index": 0,
                 "provider_name": "registry.terraform.io/hashicorp/aws",
                 "change": {"actions": ["update"], "before": {"ca_cert_identifier": "rds-ca-2019"},
                            "after": {"ca_cert_identifier": null, "engine": "mysql"},
                            "after_unknown": {"ca_cert_identifier": true, "arn": true}}},
                {"address": "module.db[\"a\"].module.inner.aws_rds_cluster_instance.i", "module_address": "module.db[\"a\"].module.inner",
                 "mode": "managed", "type": "aws_rds_cluster_instance", "name": "i",
                 "provider_name": "registry.terraform.io/hashicorp/aws",
                 "change": {"actions": ["create"], "before": null,
                            "after": {}, "after_unknown": {"ca_cert_identifier": true}}},
                {"address": "aws_db_instance.gone", "mode": "managed", "type": "aws_db_instance", "name": "gone",
                 "provider_name": "registry.terraform.io/hashicorp/aws",
                 "change": {"actions": ["delete"], "before": {"ca_cert_identifier": "rds-ca-2015"}, "after": null}}
            ],
            "prior_state": {"format_version": "1.0", "terraform_version": "1.11.4", "values": {"root_module": {
                "child_modules": [{"address": "module.db[\"a\"]", "resources": [
                    {"address": "module.db[\"a\"].aws_db_instance.this[0]", "mode": "managed", "type": "aws_db_instance",
                     "name": "this", "index": 0, "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 2,
                     "values": {"ca_cert_identifier": "rds-ca-2019", "arn": "arn:aws:rds:us-west-2:123456789012:db:a"},
                     "sensitive_values": {}}]}]}}},
            "configuration": {
                "provider_config": {
                    "aws": {"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws",
                            "expressions": {"region": {"references": ["var.region"]}}},
                    "aws.west": {"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws", "alias": "west",
                                 "expressions": {"region": {"constant_value": "us-west-2"}}}
                },
                "root_module": {
                    "resources": [
                        {"address": "aws_db_instance.root", "mode": "managed", "type": "aws_db_instance", "name": "root",
                         "provider_config_key": "aws",
                         "expressions": {"ca_cert_identifier": {"constant_value": "rds-ca-ecc384-g1"}, "engine": {"constant_value": "postgres"}},
                         "schema_version": 2}
                    ],
                    "module_calls": {"db": {"source": "./db", "for_each_expression": {"references": ["local.dbs"]},
                        "module": {
                            "resources": [
                                {"address": "aws_db_instance.this", "mode": "managed", "type": "aws_db_instance", "name": "this",
                                 "provider_config_key": "aws.west",
                                 "expressions": {"ca_cert_identifier": {"references": ["aws_rds_certificate.x.certificate_identifier"]}},
                                 "count_expression": {"constant_value": 1}, "schema_version": 2}
                            ],
                            "module_calls": {"inner": {"source": "./inner", "module": {"resources": [
                                {"address": "aws_rds_cluster_instance.i", "mode": "managed", "type": "aws_rds_cluster_instance", "name": "i",
                                 "provider_config_key": "module.db.module.inner:aws", "expressions": {}, "schema_version": 0}
                            ]}}}
                        }}}
                }
            }
        })
    }

    #[test]
    fn plan_instances_with_configuration_and_prior_state() {
        let doc = parse("plan.json", plan().to_string().as_bytes()).unwrap();
        let got = crate::terraform::instances(&doc).unwrap();
        let addresses: Vec<&str> = got.iter().map(|i| i.address.as_str()).collect();
        assert_eq!(
            addresses,
            [
                "aws_db_instance.root",
                "module.db[\"a\"].aws_db_instance.this[0]",
                "module.db[\"a\"].module.inner.aws_rds_cluster_instance.i"
            ],
            "the destroyed database is not checked"
        );
        let root = &got[0];
        assert_eq!(
            root.attr("ca_cert_identifier"),
            Attr::Set("rds-ca-ecc384-g1")
        );
        assert_eq!(root.attr("arn"), Attr::AfterApply);
        assert_eq!(
            root.provider,
            Some(ProviderRegion::Known {
                key: "aws".into(),
                code: "eu-central-2"
            })
        );
        assert_eq!(root.configured("ca_cert_identifier"), Some(true));

        let in_module = &got[1];
        assert_eq!(in_module.attr("ca_cert_identifier"), Attr::AfterApply);
        assert_eq!(in_module.configured("ca_cert_identifier"), Some(true));
        assert_eq!(
            in_module.provider,
            Some(ProviderRegion::Known {
                key: "aws.west".into(),
                code: "us-west-2"
            })
        );
        assert_eq!(
            in_module.prior_attr("arn"),
            Some("arn:aws:rds:us-west-2:123456789012:db:a")
        );

        let nested = &got[2];
        assert_eq!(nested.configured("ca_cert_identifier"), Some(false));
        assert_eq!(
            nested.provider,
            Some(ProviderRegion::Known {
                key: "aws".into(),
                code: "eu-central-2"
            }),
            "a module without a provider block inherits the root's default provider"
        );
    }

    #[test]
    fn provider_regions_that_cannot_be_evaluated_are_said_so() {
        let configs = json!({
            "module.m:aws": {"name": "aws", "module_address": "module.m",
                             "expressions": {"region": {"references": ["var.region"]}}},
            "aws.none": {"name": "aws", "alias": "none"},
            "aws.empty": {"name": "aws", "alias": "empty", "expressions": {"region": {"constant_value": ""}}}
        });
        assert_eq!(
            provider_region("aws.empty", configs.as_object(), None),
            ProviderRegion::NotSet {
                key: "aws.empty".into()
            }
        );
        assert_eq!(
            provider_region("module.m:aws", configs.as_object(), None),
            ProviderRegion::Unresolvable {
                key: "module.m:aws".into(),
                expression: "var.region".into()
            }
        );
        assert_eq!(
            provider_region("aws.none", configs.as_object(), None),
            ProviderRegion::NotSet {
                key: "aws.none".into()
            }
        );
        assert_eq!(
            provider_region("module.x.module.y:aws", configs.as_object(), None),
            ProviderRegion::NotSet {
                key: "module.x.module.y:aws".into()
            }
        );
        assert_eq!(
            parent_key("module.a.module.b:aws.west").as_deref(),
            Some("module.a:aws.west")
        );
        assert_eq!(parent_key("module.a:aws").as_deref(), Some("aws"));
        assert_eq!(parent_key("aws"), None);
    }

    #[test]
    fn planned_values_serve_when_there_are_no_resource_changes() {
        let plan = json!({
            "format_version": "0.2",
            "planned_values": {"root_module": {"resources": [
                {"address": "aws_rds_cluster.c", "mode": "managed", "type": "aws_rds_cluster", "name": "c",
                 "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0,
                 "values": {"ca_certificate_identifier": "rds-ca-rsa2048-g1"}, "sensitive_values": {}}]}}
        });
        let doc = parse("old-plan.json", plan.to_string().as_bytes()).unwrap();
        let got = crate::terraform::instances(&doc).unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!(
            got[0].attr("ca_certificate_identifier"),
            Attr::Set("rds-ca-rsa2048-g1")
        );
    }
}
