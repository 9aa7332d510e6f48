//! What real Terraform writes for AWS RDS resources, through the stand-in `hashicorp/aws`
//! provider: the plan and state JSON and the raw state that `rdsca check` reads. These tests pin
//! the facts the check relies on (addresses, provider configuration keys, Regions, unknown
//! values), and keep tests/fixtures/terraform-json current.
//!
//! Needs `cargo build -p rdsca-aws-standin -p terraform-provider-rdsca`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::OnceLock;

use rdsca_e2e::{aws_required_providers, terraform_json, workspace, TerraformJson, Workdir};
use serde_json::{json, Value};

/// The rich configuration, shared with the fixtures (tests/fixtures/terraform-json/config).
const FIXTURES: &str = "tests/fixtures/terraform-json";

/// Set to regenerate the fixtures from this run.
const REGENERATE: &str = "RDSCA_REGENERATE_TERRAFORM_JSON";

fn config_files(dir: &Path, prefix: &str, files: &mut Vec<(String, String)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap())
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
        if entry.file_type().unwrap().is_dir() {
            config_files(&entry.path(), &format!("{name}/"), files);
        } else {
            files.push((name, std::fs::read_to_string(entry.path()).unwrap()));
        }
    }
}

/// The rich configuration, planned and applied once for every test here.
fn rich() -> &'static TerraformJson {
    static RICH: OnceLock<TerraformJson> = OnceLock::new();
    RICH.get_or_init(|| {
        let mut files = Vec::new();
        config_files(&workspace().join(FIXTURES).join("config"), "", &mut files);
        let borrowed: Vec<(&str, &str)> = files
            .iter()
            .map(|(p, t)| (p.as_str(), t.as_str()))
            .collect();
        terraform_json(&borrowed)
    })
}

/// The resource instance addresses of a `show -json` document's `root_module` tree.
fn addresses(module: &Value, out: &mut BTreeSet<String>) {
    for r in module["resources"].as_array().into_iter().flatten() {
        out.insert(r["address"].as_str().unwrap().to_string());
    }
    for child in module["child_modules"].as_array().into_iter().flatten() {
        addresses(child, out);
    }
}

/// One resource instance of a `show -json` document's `root_module` tree, by address.
fn instance<'a>(module: &'a Value, address: &str) -> Option<&'a Value> {
    module["resources"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["address"] == address)
        .or_else(|| {
            module["child_modules"]
                .as_array()
                .into_iter()
                .flatten()
                .find_map(|child| instance(child, address))
        })
}

fn change<'a>(plan: &'a Value, address: &str) -> &'a Value {
    plan["resource_changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["address"] == address)
        .unwrap_or_else(|| panic!("no resource change {address}"))
}

const RDS_ADDRESSES: [&str; 17] = [
    "aws_db_instance.china",
    "aws_db_instance.elsewhere",
    "aws_db_instance.gov",
    "aws_db_instance.late_ca",
    "aws_db_instance.main",
    "aws_db_instance.no_ca",
    "aws_db_instance.replica[0]",
    "aws_db_instance.replica[1]",
    "aws_rds_certificate.default",
    "aws_rds_certificate.gov",
    "module.a.aws_rds_cluster.this",
    "module.a.aws_rds_cluster_instance.this[\"one\"]",
    "module.a.aws_rds_cluster_instance.this[\"two\"]",
    "module.a.module.b.aws_db_instance.x[\"k\"]",
    "module.legacy.aws_rds_cluster.this",
    "module.regional[\"eu-central-1\"].aws_db_instance.this",
    "module.regional[\"eu-central-2\"].aws_db_instance.this",
];

fn rds_addresses() -> BTreeSet<String> {
    RDS_ADDRESSES.iter().map(|a| a.to_string()).collect()
}

#[test]
fn plan_and_state_list_every_instance_by_its_full_address() {
    let rich = rich();
    let mut expected = rds_addresses();
    expected.insert("terraform_data.chosen_ca".into());

    let changes: BTreeSet<String> = rich.plan["resource_changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            assert_eq!(r["change"]["actions"], json!(["create"]), "{r}");
            r["address"].as_str().unwrap().to_string()
        })
        .collect();
    assert_eq!(changes, expected);

    let mut planned = BTreeSet::new();
    addresses(&rich.plan["planned_values"]["root_module"], &mut planned);
    assert_eq!(planned, expected);
    let mut applied = BTreeSet::new();
    addresses(&rich.state["values"]["root_module"], &mut applied);
    assert_eq!(applied, expected);

    // Module instances, count and for_each keys as the check must report them.
    let x = change(&rich.plan, "module.a.module.b.aws_db_instance.x[\"k\"]");
    assert_eq!(x["module_address"], "module.a.module.b");
    assert_eq!(x["type"], "aws_db_instance");
    assert_eq!(x["name"], "x");
    assert_eq!(x["index"], "k");
    assert_eq!(x["provider_name"], "registry.terraform.io/hashicorp/aws");
    assert_eq!(change(&rich.plan, "aws_db_instance.replica[1]")["index"], 1);
    let regional = change(
        &rich.plan,
        "module.regional[\"eu-central-2\"].aws_db_instance.this",
    );
    assert_eq!(
        regional["module_address"],
        "module.regional[\"eu-central-2\"]"
    );
}

#[test]
fn plan_configuration_names_each_provider_block_and_its_region() {
    let config = &rich().plan["configuration"];
    let providers = config["provider_config"].as_object().unwrap();
    let regions: Vec<(&str, &Value)> = providers
        .iter()
        .filter(|(_, p)| p["name"] == "aws")
        .map(|(key, p)| (key.as_str(), &p["expressions"]["region"]["constant_value"]))
        .collect();
    assert_eq!(
        regions,
        vec![
            ("aws", &json!("eu-west-1")),
            ("aws.china", &json!("cn-north-1")),
            ("aws.gov", &json!("us-gov-west-1")),
            ("aws.west", &json!("us-west-2")),
            // A module's own provider block: `<module address>:aws`.
            ("module.legacy:aws", &json!("eu-north-1")),
        ]
    );
    assert_eq!(providers["aws.west"]["alias"], "west");
    assert_eq!(
        providers["module.legacy:aws"]["module_address"],
        "module.legacy"
    );

    // Each resource names its provider block by that key; a module given `providers = { aws =
    // aws.west }` has its resources (and its children's) point at the caller's key.
    let root = &config["root_module"];
    let key_of = |module: &Value, address: &str| {
        module["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["address"] == address)
            .unwrap_or_else(|| panic!("no {address} in {module}"))["provider_config_key"]
            .clone()
    };
    assert_eq!(key_of(root, "aws_db_instance.main"), "aws");
    assert_eq!(key_of(root, "aws_db_instance.gov"), "aws.gov");
    assert_eq!(key_of(root, "aws_db_instance.china"), "aws.china");
    assert_eq!(key_of(root, "aws_rds_certificate.gov"), "aws.gov");
    let a = &root["module_calls"]["a"]["module"];
    assert_eq!(key_of(a, "aws_rds_cluster.this"), "aws.west");
    assert_eq!(key_of(a, "aws_rds_cluster_instance.this"), "aws.west");
    let b = &a["module_calls"]["b"]["module"];
    assert_eq!(key_of(b, "aws_db_instance.x"), "aws.west");
    let legacy = &root["module_calls"]["legacy"]["module"];
    assert_eq!(key_of(legacy, "aws_rds_cluster.this"), "module.legacy:aws");
    let regional = &root["module_calls"]["regional"]["module"];
    assert_eq!(key_of(regional, "aws_db_instance.this"), "aws");
    // The per-resource region: a constant, or a reference the plan's values resolve.
    let elsewhere = root["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["address"] == "aws_db_instance.elsewhere")
        .unwrap();
    assert_eq!(
        elsewhere["expressions"]["region"]["constant_value"],
        "ap-southeast-2"
    );
    let regional_this = &regional["resources"][0];
    assert_eq!(
        regional_this["expressions"]["region"]["references"],
        json!(["var.region"])
    );
}

#[test]
fn plan_values_set_cas_and_regions_known_and_the_rest_unknown() {
    let plan = &rich().plan;
    // A CA and Region set in the configuration are in `after`.
    let main = &change(plan, "aws_db_instance.main")["change"];
    assert_eq!(main["after"]["ca_cert_identifier"], "rds-ca-rsa2048-g1");
    assert_eq!(main["after_unknown"].get("ca_cert_identifier"), None);
    // Without a resource `region`, the Region is unknown in the plan: the provider block says it.
    assert_eq!(main["after_unknown"]["region"], true);
    assert_eq!(main["after"].get("region"), None);
    let elsewhere = &change(plan, "aws_db_instance.elsewhere")["change"];
    assert_eq!(elsewhere["after"]["region"], "ap-southeast-2");
    let regional = &change(
        plan,
        "module.regional[\"eu-central-2\"].aws_db_instance.this",
    )["change"];
    assert_eq!(regional["after"]["region"], "eu-central-2");

    // Clusters carry `ca_certificate_identifier`; cluster instances `ca_cert_identifier`.
    let cluster = &change(plan, "module.a.aws_rds_cluster.this")["change"];
    assert_eq!(
        cluster["after"]["ca_certificate_identifier"],
        "rds-ca-rsa2048-g1"
    );
    let one = &change(plan, "module.a.aws_rds_cluster_instance.this[\"one\"]")["change"];
    assert_eq!(one["after"]["ca_cert_identifier"], "rds-ca-rsa4096-g1");
    let cert = &change(plan, "aws_rds_certificate.gov")["change"];
    assert_eq!(cert["after"]["certificate_identifier"], "rds-ca-ecc384-g1");

    // An unset CA and a CA known only after apply are both unknown in the plan: only the
    // configuration tells them apart (no expression, or one with references).
    for address in [
        "aws_db_instance.no_ca",
        "aws_db_instance.late_ca",
        "module.a.aws_rds_cluster_instance.this[\"two\"]",
    ] {
        let c = &change(plan, address)["change"];
        assert_eq!(c["after_unknown"]["ca_cert_identifier"], true, "{address}");
        assert_eq!(c["after"].get("ca_cert_identifier"), None, "{address}");
    }
    let root = plan["configuration"]["root_module"]["resources"]
        .as_array()
        .unwrap();
    let expression = |address: &str| {
        root.iter().find(|r| r["address"] == address).unwrap()["expressions"]
            .get("ca_cert_identifier")
            .cloned()
    };
    assert_eq!(expression("aws_db_instance.no_ca"), None);
    assert_eq!(
        expression("aws_db_instance.late_ca"),
        Some(
            json!({"references": ["terraform_data.chosen_ca.output", "terraform_data.chosen_ca"]})
        )
    );
    assert_eq!(
        expression("aws_db_instance.main"),
        Some(json!({"constant_value": "rds-ca-rsa2048-g1"}))
    );
}

#[test]
fn state_json_holds_regions_partitions_and_cas_after_apply() {
    let root = &rich().state["values"]["root_module"];
    let values = |address: &str| {
        &instance(root, address).unwrap_or_else(|| panic!("no {address} in the state"))["values"]
    };
    for (address, region, arn, endpoint, ca) in [
        (
            "aws_db_instance.main",
            "eu-west-1",
            "arn:aws:rds:eu-west-1:123456789012:db:main",
            "main.abcdefghijkl.eu-west-1.rds.amazonaws.com:5432",
            json!("rds-ca-rsa2048-g1"),
        ),
        (
            "aws_db_instance.gov",
            "us-gov-west-1",
            "arn:aws-us-gov:rds:us-gov-west-1:123456789012:db:gov",
            "gov.abcdefghijkl.us-gov-west-1.rds.amazonaws.com:5432",
            json!("rds-ca-rsa4096-g1"),
        ),
        (
            "aws_db_instance.china",
            "cn-north-1",
            "arn:aws-cn:rds:cn-north-1:123456789012:db:china",
            "china.abcdefghijkl.cn-north-1.rds.amazonaws.com.cn:3306",
            json!("rds-ca-rsa2048-g1"),
        ),
        (
            "aws_db_instance.elsewhere",
            "ap-southeast-2",
            "arn:aws:rds:ap-southeast-2:123456789012:db:elsewhere",
            "elsewhere.abcdefghijkl.ap-southeast-2.rds.amazonaws.com:5432",
            json!("rds-ca-rsa4096-g1"),
        ),
        (
            "aws_db_instance.no_ca",
            "eu-west-1",
            "arn:aws:rds:eu-west-1:123456789012:db:no-ca",
            "no-ca.abcdefghijkl.eu-west-1.rds.amazonaws.com:3306",
            Value::Null,
        ),
        (
            "aws_db_instance.late_ca",
            "eu-west-1",
            "arn:aws:rds:eu-west-1:123456789012:db:late-ca",
            "late-ca.abcdefghijkl.eu-west-1.rds.amazonaws.com:5432",
            json!("rds-ca-rsa4096-g1"),
        ),
        (
            "module.a.module.b.aws_db_instance.x[\"k\"]",
            "us-west-2",
            "arn:aws:rds:us-west-2:123456789012:db:b-k",
            "b-k.abcdefghijkl.us-west-2.rds.amazonaws.com:5432",
            json!("rds-ca-rsa4096-g1"),
        ),
        (
            "module.regional[\"eu-central-1\"].aws_db_instance.this",
            "eu-central-1",
            "arn:aws:rds:eu-central-1:123456789012:db:regional",
            "regional.abcdefghijkl.eu-central-1.rds.amazonaws.com:5432",
            json!("rds-ca-rsa2048-g1"),
        ),
    ] {
        let v = values(address);
        assert_eq!(v["region"], region, "{address}");
        assert_eq!(v["arn"], arn, "{address}");
        assert_eq!(v["endpoint"], endpoint, "{address}");
        assert_eq!(v["ca_cert_identifier"], ca, "{address}");
    }

    let cluster = values("module.a.aws_rds_cluster.this");
    assert_eq!(cluster["region"], "us-west-2");
    assert_eq!(
        cluster["arn"],
        "arn:aws:rds:us-west-2:123456789012:cluster:a-cluster"
    );
    assert_eq!(
        cluster["endpoint"],
        "a-cluster.cluster-abcdefghijkl.us-west-2.rds.amazonaws.com"
    );
    assert_eq!(cluster["ca_certificate_identifier"], "rds-ca-rsa2048-g1");
    assert_eq!(
        cluster["availability_zones"],
        json!(["us-west-2a", "us-west-2b", "us-west-2c"])
    );
    let two = values("module.a.aws_rds_cluster_instance.this[\"two\"]");
    assert_eq!(two["ca_cert_identifier"], Value::Null);
    assert_eq!(two["cluster_identifier"], "a-cluster");
    assert_eq!(
        two["endpoint"],
        "a-two.abcdefghijkl.us-west-2.rds.amazonaws.com"
    );
    let legacy = values("module.legacy.aws_rds_cluster.this");
    assert_eq!(legacy["region"], "eu-north-1");
    assert_eq!(legacy["ca_certificate_identifier"], Value::Null);
    let default = values("aws_rds_certificate.default");
    assert_eq!(default["region"], "eu-west-1");
    assert_eq!(default["certificate_identifier"], "rds-ca-rsa4096-g1");
    assert_eq!(values("aws_rds_certificate.gov")["region"], "us-gov-west-1");
}

#[test]
fn raw_state_is_format_4_with_module_and_provider_addresses() {
    let raw: Value = serde_json::from_str(&rich().raw_state).unwrap();
    assert_eq!(raw["version"], 4);
    let resources = raw["resources"].as_array().unwrap();
    let find = |module: Option<&str>, name: &str, kind: &str| {
        resources
            .iter()
            .find(|r| r["module"].as_str() == module && r["name"] == name && r["type"] == kind)
            .unwrap_or_else(|| panic!("no {module:?} {kind}.{name}"))
    };
    let x = find(Some("module.a.module.b"), "x", "aws_db_instance");
    assert_eq!(x["mode"], "managed");
    assert_eq!(
        x["provider"],
        "provider[\"registry.terraform.io/hashicorp/aws\"].west"
    );
    assert_eq!(x["instances"][0]["index_key"], "k");
    assert_eq!(
        x["instances"][0]["attributes"]["ca_cert_identifier"],
        "rds-ca-rsa4096-g1"
    );
    let replicas = find(None, "replica", "aws_db_instance");
    assert_eq!(replicas["instances"][1]["index_key"], 1);
    let legacy = find(Some("module.legacy"), "this", "aws_rds_cluster");
    assert_eq!(
        legacy["provider"],
        "module.legacy.provider[\"registry.terraform.io/hashicorp/aws\"]"
    );
    let regional = find(
        Some("module.regional[\"eu-central-2\"]"),
        "this",
        "aws_db_instance",
    );
    assert_eq!(
        regional["instances"][0]["attributes"]["region"],
        "eu-central-2"
    );
    let no_ca = find(None, "no_ca", "aws_db_instance");
    assert_eq!(
        no_ca["instances"][0]["attributes"]["ca_cert_identifier"],
        Value::Null
    );
}

/// The stand-in's raw state has the shape of the real provider's, as published states show
/// (tests/fixtures/tfstate, see PROVENANCE.md there): the same keys lead to the CA.
#[test]
fn raw_state_has_the_shape_of_real_published_states() {
    let fresh: Value = serde_json::from_str(&rich().raw_state).unwrap();
    for name in [
        "ariel-infra-terraform.rds.tfstate",
        "fiap-hackaton-infra.rds.tfstate",
    ] {
        let path = workspace().join("tests/fixtures/tfstate").join(name);
        let real: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(real["version"], fresh["version"], "{name}");
        let instance = real["resources"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["mode"] == "managed" && r["type"] == "aws_db_instance")
            .flat_map(|r| r["instances"].as_array().unwrap())
            .next()
            .unwrap_or_else(|| panic!("{name}: no aws_db_instance instance"));
        let attributes = instance["attributes"].as_object().unwrap();
        assert_eq!(attributes["ca_cert_identifier"], "rds-ca-2019", "{name}");
        // Every attribute of the stand-in's aws_db_instance exists in the real one (the real
        // one has many more), but `region`, new in AWS provider 6.
        let standin = fresh["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["type"] == "aws_db_instance")
            .unwrap()["instances"][0]["attributes"]
            .as_object()
            .unwrap();
        let missing: Vec<&String> = standin
            .keys()
            .filter(|k| !attributes.contains_key(*k) && k.as_str() != "region")
            .collect();
        assert!(missing.is_empty(), "{name}: {missing:?}");
    }
}

/// The fixtures hold the rich configuration's JSON; `RDSCA_REGENERATE_TERRAFORM_JSON=1`
/// rewrites them from this run.
#[test]
fn fixtures_hold_the_rich_configuration() {
    let rich = rich();
    let dir = workspace().join(FIXTURES);
    if std::env::var_os(REGENERATE).is_some() {
        let pretty = |v: &Value| serde_json::to_string_pretty(v).unwrap() + "\n";
        std::fs::write(dir.join("plan.json"), pretty(&rich.plan)).unwrap();
        std::fs::write(dir.join("state.json"), pretty(&rich.state)).unwrap();
        std::fs::write(dir.join("raw.tfstate"), &rich.raw_state).unwrap();
    }
    let read = |name: &str| -> Value {
        let path = dir.join(name);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (regenerate with {REGENERATE}=1)", path.display()));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    };
    let plan = read("plan.json");
    let state = read("state.json");
    let raw = read("raw.tfstate");
    let hint = format!("the fixtures are stale: regenerate with {REGENERATE}=1 cargo test -p rdsca-e2e --test standin_plans");
    // What the check reads, compared field by field: each Terraform version adds fields of its
    // own (1.12 and later: resource identities), and runs differ in what is no AWS resource
    // (timestamps, lineage, serial, terraform_data's random ID).
    assert!(
        plan["configuration"]["provider_config"] == rich.plan["configuration"]["provider_config"],
        "{hint}"
    );
    assert!(aws_changes(&plan) == aws_changes(&rich.plan), "{hint}");
    assert!(aws_values(&state) == aws_values(&rich.state), "{hint}");
    let fresh_raw: Value = serde_json::from_str(&rich.raw_state).unwrap();
    assert!(aws_resources(&raw) == aws_resources(&fresh_raw), "{hint}");
    assert_eq!(raw["version"], 4);
}

/// Address → (actions, after, after_unknown) of the `aws_*` resource changes of a plan.
fn aws_changes(plan: &Value) -> BTreeMap<String, [Value; 3]> {
    plan["resource_changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["type"].as_str().is_some_and(|t| t.starts_with("aws_")))
        .map(|r| {
            let c = &r["change"];
            (
                r["address"].as_str().unwrap().to_string(),
                [
                    c["actions"].clone(),
                    c["after"].clone(),
                    c["after_unknown"].clone(),
                ],
            )
        })
        .collect()
}

/// Address → values of the `aws_*` resource instances of a `show -json` state.
fn aws_values(state: &Value) -> BTreeMap<String, Value> {
    let mut all = BTreeSet::new();
    addresses(&state["values"]["root_module"], &mut all);
    all.into_iter()
        .filter_map(|address| {
            let r = instance(&state["values"]["root_module"], &address)?;
            r["type"]
                .as_str()?
                .starts_with("aws_")
                .then(|| (address, r["values"].clone()))
        })
        .collect()
}

/// The `aws_*` resources of a raw state: their addresses and provider, and each instance's key
/// and attributes.
fn aws_resources(raw: &Value) -> Vec<Value> {
    raw["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["type"].as_str().is_some_and(|t| t.starts_with("aws_")))
        .map(|r| {
            let instances: Vec<Value> = r["instances"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| json!([i.get("index_key"), i["attributes"]]))
                .collect();
            json!([
                r.get("module"),
                r["type"],
                r["name"],
                r["provider"],
                instances
            ])
        })
        .collect()
}

#[test]
fn a_second_plan_changes_nothing_and_a_ca_change_updates_in_place() {
    let body = |ca: &str, region: &str| {
        format!(
            "{}provider \"aws\" {{\n  region = \"eu-west-1\"\n}}\n\nresource \"aws_db_instance\" \"db\" {{\n  identifier         = \"db\"\n  region             = \"{region}\"\n  engine             = \"postgres\"\n  instance_class     = \"db.t3.micro\"\n  ca_cert_identifier = \"{ca}\"\n}}\n\nresource \"aws_rds_cluster\" \"unnamed\" {{\n  engine = \"aurora-mysql\"\n}}\n",
            aws_required_providers()
        )
    };
    let w = Workdir::with_files(&[("main.tf", &body("rds-ca-rsa2048-g1", "eu-west-1"))]);
    w.init();
    w.saved_plan_json();
    w.apply_saved_plan();
    let unnamed = instance(
        &w.state_json()["values"]["root_module"],
        "aws_rds_cluster.unnamed",
    )
    .unwrap()["values"]
        .clone();
    // An unnamed cluster gets a generated `tf-<timestamp><counter>` name, as from the real one.
    let generated = unnamed["cluster_identifier"].as_str().unwrap();
    assert!(
        generated.starts_with("tf-") && generated.len() == 29,
        "{generated}"
    );
    assert_eq!(unnamed["port"], 3306);

    let again = w.saved_plan_json();
    for r in again["resource_changes"].as_array().unwrap() {
        assert_eq!(r["change"]["actions"], json!(["no-op"]), "{r}");
    }

    w.write("main.tf", &body("rds-ca-rsa4096-g1", "eu-west-1"));
    let update = w.saved_plan_json();
    let db = change(&update, "aws_db_instance.db");
    assert_eq!(db["change"]["actions"], json!(["update"]));
    assert_eq!(
        db["change"]["before"]["ca_cert_identifier"],
        "rds-ca-rsa2048-g1"
    );
    assert_eq!(
        db["change"]["after"]["ca_cert_identifier"],
        "rds-ca-rsa4096-g1"
    );
    // Nothing else about the instance changes: its ARN stays known.
    assert_eq!(
        db["change"]["after"]["arn"],
        "arn:aws:rds:eu-west-1:123456789012:db:db"
    );

    w.write("main.tf", &body("rds-ca-rsa4096-g1", "eu-west-2"));
    let moved = w.saved_plan_json();
    let db = change(&moved, "aws_db_instance.db");
    assert_eq!(db["change"]["actions"], json!(["delete", "create"]));
    assert_eq!(db["change"]["after"]["region"], "eu-west-2");
    assert_eq!(db["change"]["after_unknown"]["arn"], true);
}

#[test]
fn a_resource_without_any_region_fails_apply_naming_both_places() {
    let w = Workdir::with_files(&[(
        "main.tf",
        &format!(
            "{}resource \"aws_rds_certificate\" \"default\" {{\n  certificate_identifier = \"rds-ca-rsa4096-g1\"\n}}\n",
            aws_required_providers()
        ),
    )]);
    w.init();
    let run = w.apply();
    assert!(!run.success, "{}", run.stdout);
    let error = rdsca_e2e::only_error(&run);
    assert_eq!(error.summary, "No AWS Region");
    assert!(
        error.detail.contains("provider \"aws\"") && error.detail.contains("`region`"),
        "{error:?}"
    );
}

#[test]
fn malformed_regions_and_unknown_engines_fail_validate_naming_the_value() {
    let config = |provider_region: &str, region: &str, engine: &str| {
        format!(
            "{}provider \"aws\" {{\n  region = \"{provider_region}\"\n}}\n\nresource \"aws_db_instance\" \"db\" {{\n  region         = \"{region}\"\n  engine         = \"{engine}\"\n  instance_class = \"db.t3.micro\"\n}}\n",
            aws_required_providers()
        )
    };
    let w = Workdir::with_files(&[("main.tf", &config("eu-west-1", "us-gov-west", "postgresql"))]);
    w.init();
    let errors = w.validate().errors();
    let find = |needle: &str| {
        errors
            .iter()
            .find(|e| e.detail.contains(needle))
            .unwrap_or_else(|| panic!("no error about {needle} in {errors:#?}"))
            .clone()
    };
    let region = find("\"us-gov-west\"");
    assert_eq!(region.summary, "Invalid AWS Region");
    assert!(region.detail.contains("us-gov-west-1"), "{region:?}");
    assert!(region.snippet.contains("us-gov-west"), "{region:?}");
    let engine = find("\"postgresql\"");
    assert_eq!(engine.summary, "Unsupported engine");
    assert!(engine.detail.contains("postgres,"), "{engine:?}");
    assert!(engine.snippet.contains("postgresql"), "{engine:?}");
    assert_eq!(errors.len(), 2, "{errors:#?}");

    // The provider block's Region, on its own line.
    let w = Workdir::with_files(&[("main.tf", &config("eu-west", "eu-west-1", "postgres"))]);
    w.init();
    let error = rdsca_e2e::only_error(&w.validate());
    assert_eq!(error.summary, "Invalid AWS Region");
    assert!(error.detail.contains("\"eu-west\""), "{error:?}");
    assert_eq!(error.snippet, "  region = \"eu-west\"");
}

#[test]
fn values_known_only_after_apply_pass_through_the_plan() {
    let w = Workdir::with_files(&[(
        "main.tf",
        &format!(
            "{}provider \"aws\" {{\n  region = \"eu-west-1\"\n}}\n\nresource \"terraform_data\" \"later\" {{\n  input = {{ region = \"us-gov-east-1\", engine = \"aurora-postgresql\", name = \"late\" }}\n}}\n\nresource \"aws_rds_cluster\" \"c\" {{\n  cluster_identifier = terraform_data.later.output.name\n  region             = terraform_data.later.output.region\n  engine             = terraform_data.later.output.engine\n}}\n",
            aws_required_providers()
        ),
    )]);
    w.init();
    let plan = w.saved_plan_json();
    let c = &change(&plan, "aws_rds_cluster.c")["change"];
    for name in [
        "cluster_identifier",
        "region",
        "engine",
        "arn",
        "endpoint",
        "ca_certificate_identifier",
    ] {
        assert_eq!(c["after_unknown"][name], true, "{name}: {c}");
        assert_eq!(c["after"].get(name), None, "{name}: {c}");
    }
    w.apply_saved_plan();
    let state = w.state_json();
    let values = &instance(&state["values"]["root_module"], "aws_rds_cluster.c").unwrap()["values"];
    assert_eq!(values["region"], "us-gov-east-1");
    assert_eq!(
        values["arn"],
        "arn:aws-us-gov:rds:us-gov-east-1:123456789012:cluster:late"
    );
    assert_eq!(values["port"], 5432);
    assert_eq!(values["ca_certificate_identifier"], Value::Null);
}
