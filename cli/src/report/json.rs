//! `--format json`: the stable report. Its shape, `"schema": "rdsca-check/1"` (a field is
//! added, never changed or removed, within a schema version):
//!
//! ```json
//! {
//!   "schema": "rdsca-check/1",
//!   "inputs": [{"file": "plan.json", "kind": "plan", "resources": 3}],
//!   "summary": {"resources": 3, "errors": 1, "warnings": 1, "notes": 0,
//!               "fail_on": "error", "failed": true},
//!   "findings": [{
//!     "rule": "ca-not-offered", "severity": "error",
//!     "file": "plan.json", "address": "module.db[\"a\"].aws_db_instance.this[0]",
//!     "resource_type": "aws_db_instance", "attribute": "ca_cert_identifier",
//!     "value": "rds-ca-ecc384-g1", "region": "eu-central-2",
//!     "region_source": "provider configuration \"aws.zurich\"",
//!     "message": "CA \"rds-ca-ecc384-g1\" is not offered in eu-central-2 ..."
//!   }]
//! }
//! ```
//!
//! `kind` is `plan`, `state_json` or `state_v4`; `file` is `-` for stdin; `attribute`, `value`,
//! `region` and `region_source` are `null` when they do not apply. Findings are sorted by input,
//! address, severity (worst first) and rule.

use std::io::{self, Write};

use serde::Serialize;

use crate::finding::{InputKind, Report, Severity};

/// The schema name; bump the number on an incompatible change.
pub const SCHEMA: &str = "rdsca-check/1";

#[derive(Serialize)]
struct JsonReport<'a> {
    schema: &'static str,
    inputs: Vec<JsonInput<'a>>,
    summary: JsonSummary,
    findings: Vec<JsonFinding<'a>>,
}

#[derive(Serialize)]
struct JsonInput<'a> {
    file: &'a str,
    kind: InputKind,
    resources: usize,
}

#[derive(Serialize)]
struct JsonSummary {
    resources: usize,
    errors: usize,
    warnings: usize,
    notes: usize,
    fail_on: &'static str,
    failed: bool,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'static str,
    severity: Severity,
    file: &'a str,
    address: &'a str,
    resource_type: &'a str,
    attribute: Option<&'static str>,
    value: Option<&'a str>,
    region: Option<&'a str>,
    region_source: Option<String>,
    message: &'a str,
}

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let json = JsonReport {
        schema: SCHEMA,
        inputs: report
            .inputs
            .iter()
            .map(|i| JsonInput {
                file: &i.name,
                kind: i.kind,
                resources: i.resources,
            })
            .collect(),
        summary: JsonSummary {
            resources: report.resources(),
            errors: report.count(Severity::Error),
            warnings: report.count(Severity::Warning),
            notes: report.count(Severity::Note),
            fail_on: report.fail_on.as_str(),
            failed: report.failed(),
        },
        findings: report
            .findings
            .iter()
            .map(|f| JsonFinding {
                rule: f.rule.id(),
                severity: f.severity,
                file: &report.inputs[f.input].name,
                address: &f.address,
                resource_type: &f.resource_type,
                attribute: f.attribute,
                value: f.value.as_deref(),
                region: f.region.as_ref().map(|r| r.code.as_str()),
                region_source: f.region.as_ref().map(|r| r.source.to_string()),
                message: &f.message,
            })
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &json).map_err(io::Error::other)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{FailOn, Finding, InputSummary, RegionClaim, RegionSource, Rule};
    use serde_json::json;

    #[test]
    fn the_documented_shape() {
        let report = Report::new(
            vec![InputSummary {
                name: "plan.json".into(),
                kind: InputKind::Plan,
                resources: 2,
            }],
            vec![Finding {
                rule: Rule::CaRetired,
                severity: Severity::Error,
                input: 0,
                address: "aws_db_instance.a".into(),
                resource_type: "aws_db_instance".into(),
                attribute: Some("ca_cert_identifier"),
                value: Some("rds-ca-2019".into()),
                region: Some(RegionClaim {
                    code: "eu-west-1".into(),
                    source: RegionSource::Arn,
                }),
                message: "m".into(),
            }],
            FailOn::Never,
        );
        let mut out = Vec::new();
        write(&report, &mut out).unwrap();
        let got: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(
            got,
            json!({
                "schema": "rdsca-check/1",
                "inputs": [{"file": "plan.json", "kind": "plan", "resources": 2}],
                "summary": {"resources": 2, "errors": 1, "warnings": 0, "notes": 0, "fail_on": "never", "failed": false},
                "findings": [{"rule": "ca-retired", "severity": "error", "file": "plan.json",
                              "address": "aws_db_instance.a", "resource_type": "aws_db_instance",
                              "attribute": "ca_cert_identifier", "value": "rds-ca-2019",
                              "region": "eu-west-1", "region_source": "its ARN", "message": "m"}]
            })
        );
    }
}
