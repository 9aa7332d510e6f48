//! The default output: findings grouped by input file and resource address, then a summary.
//!
//! ```text
//! aws_db_instance.db  (plan.json; Region eu-central-2 from provider configuration "aws.zurich")
//!   error[ca-not-offered] ca_cert_identifier: CA "rds-ca-ecc384-g1" is not offered in ...
//!
//! Checked 3 RDS resources in 1 file: 1 error, 0 warnings, 0 notes. Fails (--fail-on error).
//! ```

use std::io::{self, Write};

use crate::finding::{Report, Severity};

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut current: Option<(usize, &str)> = None;
    for f in &report.findings {
        if current != Some((f.input, f.address.as_str())) {
            if current.is_some() {
                writeln!(out)?;
            }
            current = Some((f.input, f.address.as_str()));
            let file = report.inputs[f.input].display_name();
            match &f.region {
                Some(r) => writeln!(
                    out,
                    "{}  ({file}; Region {} from {})",
                    f.address, r.code, r.source
                )?,
                None => writeln!(out, "{}  ({file})", f.address)?,
            }
        }
        match f.attribute {
            Some(attribute) => writeln!(
                out,
                "  {}[{}] {attribute}: {}",
                f.severity, f.rule, f.message
            )?,
            None => writeln!(out, "  {}[{}] {}", f.severity, f.rule, f.message)?,
        }
    }
    if current.is_some() {
        writeln!(out)?;
    }
    let counts = if report.findings.is_empty() {
        "no findings".to_string()
    } else {
        format!(
            "{}, {}, {}",
            plural(report.count(Severity::Error), "error", "errors"),
            plural(report.count(Severity::Warning), "warning", "warnings"),
            plural(report.count(Severity::Note), "note", "notes")
        )
    };
    let verdict = if report.failed() {
        format!(" Fails (--fail-on {}).", report.fail_on.as_str())
    } else {
        String::new()
    };
    writeln!(
        out,
        "Checked {} in {}: {counts}.{verdict}",
        plural(report.resources(), "RDS resource", "RDS resources"),
        plural(report.inputs.len(), "file", "files"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{
        FailOn, Finding, InputKind, InputSummary, RegionClaim, RegionSource, Rule,
    };

    #[test]
    fn grouped_by_resource_with_a_summary() {
        let finding = |address: &str, rule: Rule, region: Option<RegionClaim>| Finding {
            rule,
            severity: rule.severity(),
            input: 0,
            address: address.into(),
            resource_type: "aws_db_instance".into(),
            attribute: (rule != Rule::RegionUnknown).then_some("ca_cert_identifier"),
            value: None,
            region,
            message: format!("message of {rule}"),
        };
        let zurich = RegionClaim {
            code: "eu-central-2".into(),
            source: RegionSource::ProviderConfig("aws.zurich".into()),
        };
        let report = Report::new(
            vec![InputSummary {
                name: "-".into(),
                kind: InputKind::Plan,
                resources: 3,
            }],
            vec![
                finding("aws_db_instance.b", Rule::RegionUnknown, None),
                finding(
                    "aws_db_instance.a",
                    Rule::CaNotOffered,
                    Some(zurich.clone()),
                ),
                finding("aws_db_instance.a", Rule::CaNotSet, Some(zurich)),
            ],
            FailOn::Error,
        );
        let mut out = Vec::new();
        write(&report, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "aws_db_instance.a  (stdin; Region eu-central-2 from provider configuration \"aws.zurich\")\n  \
             error[ca-not-offered] ca_cert_identifier: message of ca-not-offered\n  \
             warning[ca-not-set] ca_cert_identifier: message of ca-not-set\n\
             \n\
             aws_db_instance.b  (stdin)\n  \
             warning[region-unknown] message of region-unknown\n\
             \n\
             Checked 3 RDS resources in 1 file: 1 error, 2 warnings, 0 notes. Fails (--fail-on error).\n"
        );
        let empty = Report::new(vec![], vec![], FailOn::Error);
        let mut out = Vec::new();
        write(&empty, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "Checked 0 RDS resources in 0 files: no findings.\n"
        );
    }
}
