//! `--format sarif`: SARIF 2.1.0 for code-scanning dashboards. One run; `tool.driver.rules`
//! lists every rule (id, description, default level); each result has `ruleId`, `ruleIndex`,
//! `level`, `message.text`, a logical location (the resource instance address, kind
//! `resource`) and a physical location (the input file as a relative URI; none for stdin).

use std::io::{self, Write};

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
use serde_json::{json, Value};

use crate::finding::{Report, Rule, Severity};

/// What a path keeps unescaped in a URI reference: `/` separates segments; the rest is escaped
/// where RFC 3986 requires it.
const PATH: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// `UpperCamelCase` of a rule id, SARIF's `name` convention.
fn rule_name(rule: Rule) -> String {
    rule.id()
        .split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn artifact_uri(name: &str) -> String {
    let path = name.replace('\\', "/");
    utf8_percent_encode(&path, PATH).to_string()
}

pub fn document(report: &Report) -> Value {
    let rules: Vec<Value> = Rule::ALL
        .iter()
        .map(|&r| {
            json!({
                "id": r.id(),
                "name": rule_name(r),
                "shortDescription": {"text": r.description()},
                "defaultConfiguration": {"level": level(r.severity())},
            })
        })
        .collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let input = &report.inputs[f.input];
            let mut location = json!({
                "logicalLocations": [{"fullyQualifiedName": f.address, "kind": "resource"}]
            });
            if input.name != "-" {
                location["physicalLocation"] =
                    json!({"artifactLocation": {"uri": artifact_uri(&input.name)}});
            }
            let mut result = json!({
                "ruleId": f.rule.id(),
                "ruleIndex": Rule::ALL.iter().position(|r| *r == f.rule),
                "level": level(f.severity),
                "message": {"text": f.message},
                "locations": [location],
            });
            if let Some(region) = &f.region {
                result["properties"] =
                    json!({"region": region.code, "regionSource": region.source.to_string()});
            }
            result
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "rdsca",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": env!("CARGO_PKG_REPOSITORY"),
                "rules": rules,
            }},
            "results": results,
        }]
    })
}

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &document(report)).map_err(io::Error::other)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{FailOn, Finding, InputKind, InputSummary};

    #[test]
    fn results_point_at_rules_and_locations() {
        let finding = |input: usize| Finding {
            rule: Rule::CaUnverified,
            severity: Severity::Warning,
            input,
            address: "module.m[\"a b\"].aws_db_instance.x".into(),
            resource_type: "aws_db_instance".into(),
            attribute: Some("ca_cert_identifier"),
            value: Some("rds-ca-ecc384-g1".into()),
            region: None,
            message: "unverified".into(),
        };
        let report = Report::new(
            vec![
                InputSummary {
                    name: "plans/my plan#1.json".into(),
                    kind: InputKind::Plan,
                    resources: 1,
                },
                InputSummary {
                    name: "-".into(),
                    kind: InputKind::StateJson,
                    resources: 1,
                },
            ],
            vec![finding(0), finding(1)],
            FailOn::Error,
        );
        let doc = document(&report);
        assert_eq!(doc["version"], "2.1.0");
        let run = &doc["runs"][0];
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        assert_eq!(rules.len(), Rule::ALL.len());
        let results = run["results"].as_array().unwrap();
        let index = results[0]["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], "ca-unverified");
        assert_eq!(rules[index]["name"], "CaUnverified");
        assert_eq!(rules[index]["defaultConfiguration"]["level"], "warning");
        assert_eq!(results[0]["level"], "warning");
        assert_eq!(results[0]["message"]["text"], "unverified");
        assert_eq!(
            results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "plans/my%20plan%231.json"
        );
        assert_eq!(
            results[0]["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
            "module.m[\"a b\"].aws_db_instance.x"
        );
        assert!(
            results[1]["locations"][0].get("physicalLocation").is_none(),
            "stdin has no file"
        );
    }
}
