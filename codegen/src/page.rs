//! Reading the AWS documentation page (the seed's format: Markdown, the region table as links)
//! and comparing it with the data file, so a maintainer sees what AWS changed. Differences the
//! data file already corrects on purpose are reported as known, never adopted.

use std::fmt;

use crate::model::{Correction, Table};

/// One row of the page's bundle table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRow {
    /// The first cell, e.g. `US East (N. Virginia)` or `Any commercial AWS Region`.
    pub label: String,
    /// Taken from the PEM link's file name: `us-east-1-bundle.pem` → `us-east-1`, global → `global`.
    pub code: String,
    pub pem_url: String,
    pub p7b_url: String,
}

/// What the page says about bundles and CA availability.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Page {
    pub rows: Vec<PageRow>,
    /// CAs every bundle carries ("contain the following root CA certificates").
    pub all_cas: Vec<String>,
    /// CAs the page says are missing in `limited_regions`.
    pub limited_cas: Vec<String>,
    /// Display names of the regions without `limited_cas`.
    pub limited_regions: Vec<String>,
}

impl Page {
    /// The CAs the page implies for a region row.
    pub fn cas_for(&self, label: &str) -> Vec<String> {
        if self.limited_regions.iter().any(|n| n == label) {
            self.all_cas
                .iter()
                .filter(|c| !self.limited_cas.contains(c))
                .cloned()
                .collect()
        } else {
            self.all_cas.clone()
        }
    }
}

fn parse_link(cell: &str) -> Option<(String, String)> {
    let cell = cell.trim();
    let rest = cell.strip_prefix('[')?;
    let (text, rest) = rest.split_once("](")?;
    let url = rest.strip_suffix(')')?;
    Some((text.to_string(), url.to_string()))
}

fn backticked(text: &str) -> Vec<String> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// Parses the page text. Unknown parts of the page are ignored.
pub fn parse(text: &str) -> Page {
    let mut page = Page::default();
    for line in text.lines() {
        let cells: Vec<&str> = line.split(" | ").collect();
        if cells.len() != 3 {
            continue;
        }
        let (Some((pem_name, pem_url)), Some((_, p7b_url))) =
            (parse_link(cells[1]), parse_link(cells[2]))
        else {
            continue;
        };
        let Some(code) = pem_name.strip_suffix("-bundle.pem") else {
            continue;
        };
        page.rows.push(PageRow {
            label: cells[0].trim().to_string(),
            code: code.to_string(),
            pem_url,
            p7b_url,
        });
    }

    // Paragraphs: the bullet lists follow the sentence that introduces them.
    let paragraphs: Vec<String> = text
        .split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect();
    let bullets_after = |i: usize| -> Vec<String> {
        paragraphs[i + 1..]
            .iter()
            .take_while(|p| p.starts_with("* "))
            .map(|p| p.trim_start_matches("* ").trim().to_string())
            .collect()
    };
    for (i, p) in paragraphs.iter().enumerate() {
        if p.contains("contain the following root CA certificates") {
            page.all_cas = bullets_after(i)
                .iter()
                .flat_map(|b| backticked(b))
                .collect();
        } else if p.contains("not available in the following Regions") {
            page.limited_cas = backticked(p)
                .into_iter()
                .filter(|c| c.starts_with("rds-ca-"))
                .collect();
            page.limited_regions = bullets_after(i);
        }
    }
    page
}

/// One way the page and the data file disagree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Difference {
    /// On the page, not in the data file: AWS added a region.
    Added { code: String, label: String },
    /// In the data file, not on the page. `elsewhere`: the data file takes this region from
    /// another source (a region the page does not cover yet), so its absence is expected.
    Removed {
        code: String,
        name: String,
        elsewhere: Option<String>,
    },
    /// A field differs. `known` holds the data file's correction when the difference is deliberate.
    Field {
        code: String,
        field: String,
        page: String,
        data: String,
        known: Option<Correction>,
    },
    /// The page names a region (in the list of regions without some CAs) that its table does not have.
    UnknownName { label: String },
    /// A partition's global bundle row is missing or differs. `elsewhere` as for `Removed`.
    Global {
        partition: String,
        field: String,
        page: String,
        data: String,
        elsewhere: Option<String>,
    },
}

impl Difference {
    pub fn is_known(&self) -> bool {
        matches!(
            self,
            Difference::Field { known: Some(_), .. }
                | Difference::Removed {
                    elsewhere: Some(_),
                    ..
                }
                | Difference::Global {
                    elsewhere: Some(_),
                    ..
                }
        )
    }
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Difference::Added { code, label } => write!(f, "+ {code} ({label}): on the page, not in the data file"),
            Difference::Removed { code, name, elsewhere: None } => write!(f, "- {code} ({name}): in the data file, not on the page"),
            Difference::Removed { code, name, elsewhere: Some(source) } => write!(f, "= {code} ({name}): not on the page; the data file has it from {source}"),
            Difference::Field { code, field, page, data, known: None } => {
                write!(f, "~ {code} {field}: page says {page:?}, data file has {data:?}")
            }
            Difference::Field { code, field, page, data, known: Some(c) } => write!(
                f,
                "= {code} {field}: page says {page:?}, data file has {data:?} (known page error, corrected in the data file: {})",
                c.why
            ),
            Difference::UnknownName { label } => {
                write!(f, "? {label:?}: listed among regions without some CAs, but not in the page's region table")
            }
            Difference::Global { partition, field, page, data, elsewhere: None } => {
                write!(f, "~ global bundle of {partition} {field}: page says {page:?}, data file has {data:?}")
            }
            Difference::Global { partition, elsewhere: Some(source), .. } => {
                write!(f, "= global bundle of {partition}: not on the page; the data file has it from {source}")
            }
        }
    }
}

fn field_diff(
    code: &str,
    field: &str,
    page: String,
    data: String,
    corrections: &[Correction],
) -> Option<Difference> {
    if page == data {
        return None;
    }
    let known = corrections
        .iter()
        .find(|c| c.field == field && c.page_says == page)
        .cloned();
    Some(Difference::Field {
        code: code.into(),
        field: field.into(),
        page,
        data,
        known,
    })
}

/// The source id of the AWS page this module reads: data taken from any other source is
/// expected to be missing from it.
pub const PAGE_SOURCE: &str = "aws-aurora-ssl-page";

fn elsewhere(source: &str) -> Option<String> {
    (source != PAGE_SOURCE).then(|| source.to_string())
}

/// Compares the page with the table. Regions come in the page's order, then removed ones.
pub fn diff(table: &Table, page: &Page) -> Vec<Difference> {
    let mut out = Vec::new();
    for p in &table.partitions {
        match page
            .rows
            .iter()
            .find(|r| r.code == "global" && r.pem_url.contains(&p.truststore_host))
        {
            None => out.push(Difference::Global {
                partition: p.id.clone(),
                field: "row".into(),
                page: "(missing)".into(),
                data: p.global_pem_url.clone(),
                elsewhere: elsewhere(&p.source),
            }),
            Some(row) => {
                let none = String::new();
                for (field, page_v, data_v) in [
                    ("pem_url", &row.pem_url, &p.global_pem_url),
                    (
                        "p7b_url",
                        &row.p7b_url,
                        p.global_p7b_url.as_ref().unwrap_or(&none),
                    ),
                ] {
                    if page_v != data_v {
                        out.push(Difference::Global {
                            partition: p.id.clone(),
                            field: field.into(),
                            page: page_v.clone(),
                            data: data_v.clone(),
                            elsewhere: None,
                        });
                    }
                }
            }
        }
    }
    for row in page.rows.iter().filter(|r| r.code != "global") {
        let Some(region) = table.region(&row.code) else {
            out.push(Difference::Added {
                code: row.code.clone(),
                label: row.label.clone(),
            });
            continue;
        };
        let c = &region.corrections;
        out.extend(field_diff(
            &region.code,
            "name",
            row.label.clone(),
            region.name.clone(),
            c,
        ));
        out.extend(field_diff(
            &region.code,
            "pem_url",
            row.pem_url.clone(),
            region.pem_url.clone(),
            c,
        ));
        out.extend(field_diff(
            &region.code,
            "p7b_url",
            row.p7b_url.clone(),
            region.p7b_url.clone().unwrap_or_default(),
            c,
        ));
        if !page.all_cas.is_empty() {
            out.extend(field_diff(
                &region.code,
                "cas",
                page.cas_for(&row.label).join(", "),
                region.cas.join(", "),
                c,
            ));
        }
    }
    for region in &table.regions {
        if !page.rows.iter().any(|r| r.code == region.code) {
            out.push(Difference::Removed {
                code: region.code.clone(),
                name: region.name.clone(),
                elsewhere: elsewhere(&region.source),
            });
        }
    }
    for label in &page.limited_regions {
        if !page.rows.iter().any(|r| &r.label == label) {
            out.push(Difference::UnknownName {
                label: label.clone(),
            });
        }
    }
    out
}
