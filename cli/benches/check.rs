//! `rdsca check` on a generated plan of 10,000 RDS resources: ten modules, each given an aliased
//! provider in its own Region (commercial, GovCloud, China) and holding 1,000 database instances
//! (`count`), with every kind of CA (offered, not offered, retired, unset, unknown until apply).
//! Times reading (JSON parse and recognition) and checking. The plan is also written to
//! `$CARGO_TARGET_TMPDIR/rdsca-check-10k.plan.json` for timing the release binary
//! (docs/performance.md, "rdsca check").

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use rdsca_cli::check::check_documents;
use rdsca_cli::check::region::Fallbacks;
use rdsca_cli::finding::FailOn;
use rdsca_cli::terraform;
use serde_json::{json, Value};

const REGIONS: [&str; 10] = [
    "eu-west-1",
    "us-east-1",
    "us-west-2",
    "ap-southeast-2",
    "eu-central-2",
    "il-central-1",
    "ap-east-2",
    "sa-east-1",
    "us-gov-west-1",
    "cn-north-1",
];
const PER_MODULE: usize = 1_000;
/// The CA arguments cycled through: offered everywhere, offered in some Regions, retired, a typo,
/// unset, and one known only after apply (`None` with `after_unknown`).
const CAS: [Option<&str>; 6] = [
    Some("rds-ca-rsa2048-g1"),
    Some("rds-ca-rsa4096-g1"),
    Some("rds-ca-ecc384-g1"),
    Some("rds-ca-2019"),
    None,
    Some("(after apply)"),
];

/// A plan in the shape `terraform show -json` writes (format 1.2).
fn plan() -> Value {
    let mut changes = Vec::with_capacity(REGIONS.len() * PER_MODULE);
    let mut providers = serde_json::Map::new();
    let mut calls = serde_json::Map::new();
    providers.insert(
        "aws".into(),
        json!({"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws",
               "expressions": {"region": {"constant_value": "eu-west-1"}}}),
    );
    for (m, region) in REGIONS.iter().enumerate() {
        let alias = format!("r{m}");
        let key = format!("aws.{alias}");
        providers.insert(
            key.clone(),
            json!({"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws", "alias": alias,
                   "expressions": {"region": {"constant_value": region}}}),
        );
        calls.insert(
            format!("db_{m}"),
            json!({"source": "./db", "module": {"resources": [
                {"address": "aws_db_instance.this", "mode": "managed", "type": "aws_db_instance",
                 "name": "this", "provider_config_key": key, "schema_version": 2,
                 "count_expression": {"constant_value": PER_MODULE},
                 "expressions": {"engine": {"constant_value": "postgres"},
                                 "ca_cert_identifier": {"references": ["var.ca"]}}}]}}),
        );
        for n in 0..PER_MODULE {
            let ca = CAS[(m + n) % CAS.len()];
            let mut after = json!({"identifier": format!("db-{m}-{n}"), "engine": "postgres",
                                   "engine_version": "16.3", "instance_class": "db.t3.micro",
                                   "allocated_storage": 20, "tags": {"team": "data", "n": n.to_string()}});
            let mut unknown = json!({"arn": true, "endpoint": true, "address": true, "id": true,
                                     "availability_zone": true, "region": true});
            match ca {
                Some("(after apply)") => unknown["ca_cert_identifier"] = json!(true),
                Some(id) => after["ca_cert_identifier"] = json!(id),
                None => after["ca_cert_identifier"] = Value::Null,
            }
            changes.push(json!({
                "address": format!("module.db_{m}.aws_db_instance.this[{n}]"),
                "module_address": format!("module.db_{m}"),
                "mode": "managed", "type": "aws_db_instance", "name": "this", "index": n,
                "provider_name": "registry.terraform.io/hashicorp/aws",
                "change": {"actions": ["create"], "before": null, "after": after,
                           "after_unknown": unknown, "before_sensitive": false,
                           "after_sensitive": {"tags": {}}}
            }));
        }
    }
    json!({
        "format_version": "1.2",
        "terraform_version": "1.11.4",
        "planned_values": {"root_module": {}},
        "resource_changes": changes,
        "configuration": {"provider_config": providers, "root_module": {"module_calls": calls}}
    })
}

fn check(c: &mut Criterion) {
    let bytes = serde_json::to_vec(&plan()).unwrap();
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("rdsca-check-10k.plan.json");
    std::fs::write(&path, &bytes).unwrap();
    println!("{} ({} bytes)", path.display(), bytes.len());

    let fallbacks = Fallbacks::default();
    let doc = terraform::parse("plan.json", &bytes).unwrap();
    let report = check_documents(std::slice::from_ref(&doc), &fallbacks, FailOn::Error).unwrap();
    assert_eq!(report.resources(), REGIONS.len() * PER_MODULE);
    assert!(
        report.failed(),
        "the plan holds retired and not-offered CAs"
    );

    let mut group = c.benchmark_group("rdsca check, 10,000 RDS resources");
    group.sample_size(10);
    group.bench_function("parse", |b| {
        b.iter(|| black_box(terraform::parse("plan.json", black_box(&bytes)).unwrap()))
    });
    group.bench_function("check (parsed)", |b| {
        b.iter(|| {
            black_box(
                check_documents(std::slice::from_ref(&doc), &fallbacks, FailOn::Error).unwrap(),
            )
        })
    });
    group.bench_function("parse + check + JSON report", |b| {
        b.iter(|| {
            let doc = terraform::parse("plan.json", black_box(&bytes)).unwrap();
            let report = check_documents(&[doc], &fallbacks, FailOn::Error).unwrap();
            let mut out = Vec::with_capacity(8 << 20);
            rdsca_cli::report::json::write(&report, &mut out).unwrap();
            black_box(out)
        })
    });
    group.finish();
}

criterion_group!(benches, check);
criterion_main!(benches);
