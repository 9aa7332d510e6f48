//! `rdsca regions`: the Region table as text, JSON or Markdown: each Region's partition and
//! bundle URLs and what RDS offers there of each CA (offered, not offered, unverified), plus the
//! retired CAs. It reads the compiled-in table only.

use std::io::{self, Write};

use clap::{Args, ValueEnum};
use serde::Serialize;

use rdsca_table::{CaId, Region, RetiredCa};

use crate::{CliError, Outcome};

const EXAMPLES: &str = "\
Examples:
  rdsca regions                                   # one line per Region
  rdsca regions --format json | jq '.regions[] | select(.cas[\"rds-ca-ecc384-g1\"] == \"offered\") | .code'
  rdsca regions --format markdown > regions.md

JSON shape (\"schema\": \"rdsca-regions/1\"): {schema, cas: [{id, default}], retired_cas: [{id, not_after,
replaced_by}], regions: [{code, name, partition, pem_url, p7b_url, cas: {<CA id>: offered|not_offered|unverified}}]}.

Exit status: 0; 1 for a bad argument.";

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RegionsFormat {
    /// Aligned columns, one Region a line.
    Text,
    /// The stable JSON shape (`"schema": "rdsca-regions/1"`).
    Json,
    /// A Markdown table.
    Markdown,
}

/// Print the Region table.
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct RegionsArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = RegionsFormat::Text)]
    pub format: RegionsFormat,
}

#[derive(Serialize)]
struct JsonTable {
    schema: &'static str,
    cas: Vec<JsonCa>,
    retired_cas: Vec<JsonRetired>,
    regions: Vec<JsonRegion>,
}

#[derive(Serialize)]
struct JsonCa {
    id: &'static str,
    default: bool,
}

#[derive(Serialize)]
struct JsonRetired {
    id: &'static str,
    not_after: &'static str,
    replaced_by: &'static str,
}

#[derive(Serialize)]
struct JsonRegion {
    code: &'static str,
    name: &'static str,
    partition: &'static str,
    pem_url: &'static str,
    p7b_url: Option<&'static str>,
    /// CA id → availability, in the table's CA order.
    cas: serde_json::Map<String, serde_json::Value>,
}

fn json(out: &mut dyn Write) -> io::Result<()> {
    let table = JsonTable {
        schema: "rdsca-regions/1",
        cas: CaId::ALL
            .iter()
            .map(|&c| JsonCa {
                id: c.as_str(),
                default: c == CaId::DEFAULT,
            })
            .collect(),
        retired_cas: RetiredCa::all()
            .iter()
            .map(|r| JsonRetired {
                id: r.id,
                not_after: r.not_after,
                replaced_by: r.replaced_by,
            })
            .collect(),
        regions: Region::all()
            .map(|r| JsonRegion {
                code: r.code,
                name: r.name,
                partition: r.partition,
                pem_url: r.pem_url,
                p7b_url: r.p7b_url,
                cas: CaId::ALL
                    .iter()
                    .map(|&c| (c.as_str().to_string(), r.availability(c).as_str().into()))
                    .collect(),
            })
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &table).map_err(io::Error::other)?;
    writeln!(out)
}

/// `offered` → `offered`, `not_offered` → `not offered`: words for people.
fn words(availability: &str) -> String {
    availability.replace('_', " ")
}

fn text(out: &mut dyn Write) -> io::Result<()> {
    let mut header = vec!["REGION".to_string(), "NAME".into(), "PARTITION".into()];
    header.extend(CaId::ALL.iter().map(|c| c.as_str().to_string()));
    let mut rows = vec![header];
    rows.extend(Region::all().map(|r| {
        let mut row = vec![
            r.code.to_string(),
            r.name.to_string(),
            r.partition.to_string(),
        ];
        row.extend(CaId::ALL.iter().map(|&c| words(r.availability(c).as_str())));
        row
    }));
    let widths: Vec<usize> = (0..rows[0].len())
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    for row in &rows {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, w)| format!("{cell:<w$}"))
            .collect();
        writeln!(out, "{}", cells.join("  ").trim_end())?;
    }
    ca_notes(out, "")
}

fn markdown(out: &mut dyn Write) -> io::Result<()> {
    let cas: Vec<String> = CaId::ALL.iter().map(|c| format!("`{c}`")).collect();
    writeln!(out, "| Region | Name | Partition | {} |", cas.join(" | "))?;
    writeln!(out, "|---|---|---|{}", "---|".repeat(CaId::ALL.len()))?;
    for r in Region::all() {
        let cells: Vec<String> = CaId::ALL
            .iter()
            .map(|&c| words(r.availability(c).as_str()))
            .collect();
        writeln!(
            out,
            "| `{}` | {} | `{}` | {} |",
            r.code,
            r.name.replace('|', "\\|"),
            r.partition,
            cells.join(" | ")
        )?;
    }
    ca_notes(out, "`")
}

/// What follows the table, text and Markdown alike: a blank line, the default CA and the retired
/// ones, each CA identifier between two `quote`s (a Markdown code span, or nothing).
fn ca_notes(out: &mut dyn Write, quote: &str) -> io::Result<()> {
    writeln!(out)?;
    writeln!(out, "Default CA: {quote}{}{quote}.", CaId::DEFAULT)?;
    for r in RetiredCa::all() {
        writeln!(
            out,
            "Retired: {quote}{}{quote} (expired {}, replaced by {quote}{}{quote}).",
            r.id, r.not_after, r.replaced_by
        )?;
    }
    Ok(())
}

pub fn run(args: &RegionsArgs, out: &mut dyn Write) -> Result<Outcome, CliError> {
    match args.format {
        RegionsFormat::Text => text(out),
        RegionsFormat::Json => json(out),
        RegionsFormat::Markdown => markdown(out),
    }
    .map_err(CliError::Output)?;
    Ok(Outcome::Clean)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(format: RegionsFormat) -> String {
        let mut out = Vec::new();
        run(&RegionsArgs { format }, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn json_holds_every_region_with_each_cas_availability() {
        let v: serde_json::Value = serde_json::from_str(&render(RegionsFormat::Json)).unwrap();
        assert_eq!(v["schema"], "rdsca-regions/1");
        let regions = v["regions"].as_array().unwrap();
        assert_eq!(regions.len(), Region::all().count());
        let zurich = regions
            .iter()
            .find(|r| r["code"] == "eu-central-2")
            .unwrap();
        assert_eq!(zurich["name"], "Europe (Zurich)");
        assert_eq!(zurich["cas"]["rds-ca-rsa2048-g1"], "offered");
        assert_eq!(zurich["cas"]["rds-ca-ecc384-g1"], "not_offered");
        assert_eq!(v["retired_cas"][2]["id"], "rds-ca-2019");
        assert_eq!(
            v["cas"][0],
            serde_json::json!({"id": "rds-ca-rsa2048-g1", "default": true})
        );
    }

    #[test]
    fn text_and_markdown_have_a_line_per_region() {
        let text = render(RegionsFormat::Text);
        let zurich = text
            .lines()
            .find(|l| l.starts_with("eu-central-2 "))
            .unwrap();
        assert!(
            zurich.contains("Europe (Zurich)") && zurich.contains("not offered"),
            "{zurich}"
        );
        assert!(text
            .contains("Retired: rds-ca-2019 (expired 2024-08-22, replaced by rds-ca-rsa2048-g1)."));
        let md = render(RegionsFormat::Markdown);
        assert!(md.starts_with("| Region | Name | Partition | `rds-ca-rsa2048-g1` |"));
        let rows = md.lines().filter(|l| l.starts_with("| `")).count();
        assert_eq!(rows, Region::all().count());
    }
}
