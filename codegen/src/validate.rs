//! Reading `data/rds-ca.toml`: TOML → raw records with source spans → checked [`Table`].
//!
//! Every rule failure becomes a [`TableError`] that names the file, the line and the field, so a
//! maintainer editing the table sees exactly what to fix. All failures are collected, not just
//! the first.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use rdsca_ids::{is_ca_id, is_partition_id, is_region_code};
use serde::Deserialize;
use toml::Spanned;

use crate::check::{named_records, records, Identifiers, Reporter};
pub use crate::error::TableError;
use crate::model::{
    expected_bundle_url, Ca, CertificateFile, Correction, Partition, Region, RetiredCa, Source,
    SpecialSet, Table,
};
use crate::{amazon_roots, certificates};

/// Reads and validates the data file at `path`.
pub fn load(path: &Path) -> Result<Table, Vec<TableError>> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        vec![TableError {
            file: path.display().to_string(),
            line: 0,
            field: "(file)".into(),
            message: format!("cannot read the data file: {e}"),
        }]
    })?;
    parse(&path.display().to_string(), &text)
}

/// Parses and validates `text`; `file` names it in error messages, and the certificate files
/// it refers to are read relative to `file`'s folder.
pub fn parse(file: &str, text: &str) -> Result<Table, Vec<TableError>> {
    let mut errors = Vec::new();
    let mut ctx = Ctx {
        report: Reporter {
            file,
            text,
            errors: &mut errors,
        },
        base: Path::new(file).parent().unwrap_or(Path::new(".")),
        source_ids: BTreeSet::new(),
    };
    let raw: RawFile = match toml::from_str(text) {
        Ok(raw) => raw,
        Err(e) => {
            let line = e.span().map(|s| ctx.report.line(s.start)).unwrap_or(0);
            ctx.report.errors.push(TableError {
                file: file.into(),
                line,
                field: "(syntax)".into(),
                message: e.message().trim().to_string(),
            });
            return Err(errors);
        }
    };
    let table = ctx.check(raw);
    if errors.is_empty() {
        Ok(table)
    } else {
        Err(errors)
    }
}

// ---------------------------------------------------------------------------------------------
// Raw records, as written in the file.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    source: Vec<Spanned<RawSource>>,
    #[serde(default)]
    partition: Vec<Spanned<RawPartition>>,
    #[serde(default)]
    ca: Vec<Spanned<RawCa>>,
    #[serde(default)]
    retired_ca: Vec<Spanned<RawRetiredCa>>,
    #[serde(default)]
    special_set: Vec<Spanned<RawSpecialSet>>,
    #[serde(default)]
    region: Vec<Spanned<RawRegion>>,
    #[serde(default)]
    proxy_root: Vec<Spanned<amazon_roots::RawProxyRoot>>,
    #[serde(default)]
    proxy_partition: Vec<Spanned<amazon_roots::RawProxyPartition>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRetiredCa {
    id: Spanned<String>,
    not_after: Spanned<String>,
    replaced_by: Spanned<String>,
    source: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpecialSet {
    name: Spanned<String>,
    region: Spanned<String>,
    note: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCertificateFile {
    file: String,
    source: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    id: Spanned<String>,
    title: String,
    url: String,
    retrieved: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCorrection {
    field: Spanned<String>,
    page_says: String,
    why: String,
    source: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPartition {
    id: Spanned<String>,
    name: String,
    page_label: String,
    truststore_host: Spanned<String>,
    global_pem_url: Spanned<String>,
    global_p7b_url: Option<Spanned<String>>,
    source: Spanned<String>,
    certificates: Option<RawCertificateFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCa {
    id: Spanned<String>,
    key_algorithm: Spanned<String>,
    key_size: Option<u32>,
    curve: Option<String>,
    signature_algorithm: String,
    partition_signature_algorithm: Option<Spanned<BTreeMap<String, String>>>,
    automatic_rotation: bool,
    root_common_name: Spanned<String>,
    intermediate_common_name: Option<Spanned<String>>,
    default: Spanned<bool>,
    source: Spanned<String>,
    #[serde(default)]
    correction: Vec<Spanned<RawCorrection>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRegion {
    code: Spanned<String>,
    name: Spanned<String>,
    partition: Spanned<String>,
    pem_url: Spanned<String>,
    p7b_url: Option<Spanned<String>>,
    cas: Spanned<Vec<Spanned<String>>>,
    #[serde(default)]
    unverified_cas: Vec<Spanned<String>>,
    unverified_source: Option<Spanned<String>>,
    source: Spanned<String>,
    note: Option<String>,
    #[serde(default)]
    correction: Vec<Spanned<RawCorrection>>,
}

// ---------------------------------------------------------------------------------------------
// Checks.

struct Ctx<'a> {
    report: Reporter<'a>,
    /// The folder of the data file: certificate files are relative to it.
    base: &'a Path,
    /// The declared `[[source]]` ids, once that list is checked: every other record's `source`
    /// must name one of them.
    source_ids: BTreeSet<String>,
}

impl Ctx<'_> {
    fn check(&mut self, raw: RawFile) -> Table {
        let sources = self.check_sources(raw.source);
        self.source_ids = sources.iter().map(|s| s.id.clone()).collect();
        let partitions = self.check_partitions(raw.partition);
        let cas = self.check_cas(raw.ca, &partitions);
        let retired_cas = self.check_retired_cas(raw.retired_ca, &cas);
        let regions = self.check_regions(raw.region, &partitions, &cas);
        let special_sets = self.check_special_sets(raw.special_set, &regions);
        let mut certificates = Vec::new();
        for p in &partitions {
            if let Some(file) = &p.certificates {
                let ctx = certificates::Context {
                    cas: &cas,
                    regions: &regions,
                    special_sets: &special_sets,
                };
                certificates.extend(certificates::check_file(
                    &ctx,
                    p,
                    file,
                    self.base,
                    self.report.errors,
                ));
            }
        }
        let amazon_trust = amazon_roots::check(
            &amazon_roots::Context {
                file: self.report.file,
                text: self.report.text,
                base: self.base,
                sources: &self.source_ids,
                partitions: &partitions,
                now: amazon_roots::now(),
            },
            raw.proxy_root,
            raw.proxy_partition,
            self.report.errors,
        );
        Table {
            sources,
            partitions,
            cas,
            retired_cas,
            special_sets,
            regions,
            certificates,
            amazon_trust,
        }
    }

    /// A retired CA is not also a current one, has a calendar date and is replaced by another
    /// CA the file names (current, or retired in its turn).
    fn check_retired_cas(&mut self, raw: Vec<Spanned<RawRetiredCa>>, cas: &[Ca]) -> Vec<RetiredCa> {
        let mut ids = Identifiers::new("retired CA id")
            .following(is_ca_id, "a CA identifier (like \"rds-ca-2019\")");
        let retired_ids: BTreeSet<String> = raw
            .iter()
            .map(|r| r.get_ref().id.get_ref().clone())
            .collect();
        let mut out = Vec::new();
        for (owner, r) in records("retired_ca", raw) {
            self.report
                .unique_id(&mut ids, &r.id, format!("{owner}.id"));
            if cas.iter().any(|c| &c.id == r.id.get_ref()) {
                self.report.err(
                    r.id.span(),
                    format!("{owner}.id"),
                    format!(
                        "{:?} is also a current [[ca]]: a CA is either offered or retired",
                        r.id.get_ref()
                    ),
                );
            }
            if !is_date(r.not_after.get_ref()) {
                self.report.err(
                    r.not_after.span(),
                    format!("{owner}.not_after"),
                    format!(
                        "{:?} is not a date of the form YYYY-MM-DD",
                        r.not_after.get_ref()
                    ),
                );
            }
            let replacement = r.replaced_by.get_ref();
            let known = replacement != r.id.get_ref()
                && (cas.iter().any(|c| &c.id == replacement) || retired_ids.contains(replacement));
            if !known {
                let mut ids: Vec<&str> = cas.iter().map(|c| c.id.as_str()).collect();
                ids.extend(retired_ids.iter().map(String::as_str));
                self.report.err(
                    r.replaced_by.span(),
                    format!("{owner}.replaced_by"),
                    format!(
                        "{replacement:?} is neither a [[ca]] nor another [[retired_ca]]; known: {}",
                        ids.join(", ")
                    ),
                );
            }
            self.report
                .source_ref(&self.source_ids, &r.source, format!("{owner}.source"));
            out.push(RetiredCa {
                id: r.id.into_inner(),
                not_after: r.not_after.into_inner(),
                replaced_by: r.replaced_by.into_inner(),
                source: r.source.into_inner(),
            });
        }
        out
    }

    fn check_special_sets(
        &mut self,
        raw: Vec<Spanned<RawSpecialSet>>,
        regions: &[Region],
    ) -> Vec<SpecialSet> {
        let mut names = Identifiers::new("special set").following(
            |n: &str| !n.is_empty() && n.bytes().all(|b| b.is_ascii_alphabetic()),
            "one word of letters (like \"Beta\")",
        );
        let mut out = Vec::new();
        for (owner, s) in records("special_set", raw) {
            self.report
                .unique_id(&mut names, &s.name, format!("{owner}.name"));
            if !regions.iter().any(|r| &r.code == s.region.get_ref()) {
                self.report.err(
                    s.region.span(),
                    format!("{owner}.region"),
                    format!("Region {:?} is not in the table", s.region.get_ref()),
                );
            }
            out.push(SpecialSet {
                name: s.name.into_inner(),
                region: s.region.into_inner(),
                note: s.note,
            });
        }
        out
    }

    /// A bundle's URLs, in the fields `pem` and (optional) `p7b` of the record at `owner`, must
    /// follow the truststore layout: `https://<host>/<folder>/<folder>-bundle.<pem|p7b>`.
    fn check_bundle_urls(
        &mut self,
        owner: &str,
        (host, folder): (&str, &str),
        pem: (&str, &Spanned<String>),
        p7b: (&str, Option<&Spanned<String>>),
    ) {
        for (field, url, ext) in [(pem.0, Some(pem.1), "pem"), (p7b.0, p7b.1, "p7b")] {
            let Some(url) = url else { continue };
            let want = expected_bundle_url(host, folder, ext);
            if url.get_ref() != &want {
                self.report.err(
                    url.span(),
                    format!("{owner}.{field}"),
                    format!(
                        "expected {want:?} (the truststore layout), found {:?}",
                        url.get_ref()
                    ),
                );
            }
        }
    }

    fn check_sources(&mut self, raw: Vec<Spanned<RawSource>>) -> Vec<Source> {
        let mut ids = Identifiers::new("source id");
        let mut out = Vec::new();
        if raw.is_empty() {
            self.report.err(
                0..0,
                "source",
                "the file declares no [[source]]: every fact must say where it came from",
            );
        }
        for (owner, s) in records("source", raw) {
            self.report
                .unique_id(&mut ids, &s.id, format!("{owner}.id"));
            out.push(Source {
                id: s.id.into_inner(),
                title: s.title,
                url: s.url,
                retrieved: s.retrieved,
            });
        }
        out
    }

    fn check_corrections(
        &mut self,
        raw: Vec<Spanned<RawCorrection>>,
        owner: &str,
        fields: &[&str],
    ) -> Vec<Correction> {
        let mut out = Vec::new();
        for (path, c) in records(&format!("{owner}.correction"), raw) {
            if !fields.contains(&c.field.get_ref().as_str()) {
                self.report.err(
                    c.field.span(),
                    format!("{path}.field"),
                    format!(
                        "{:?} is not a correctable field; expected one of: {}",
                        c.field.get_ref(),
                        fields.join(", ")
                    ),
                );
            }
            self.report
                .source_ref(&self.source_ids, &c.source, format!("{path}.source"));
            out.push(Correction {
                field: c.field.into_inner(),
                page_says: c.page_says,
                why: c.why,
                source: c.source.into_inner(),
            });
        }
        out
    }

    fn check_partitions(&mut self, raw: Vec<Spanned<RawPartition>>) -> Vec<Partition> {
        let mut ids = Identifiers::new("partition id").following(
            is_partition_id,
            "a partition id (like \"aws\" or \"aws-us-gov\")",
        );
        let mut out = Vec::new();
        if raw.is_empty() {
            self.report
                .err(0..0, "partition", "the file declares no [[partition]]");
        }
        for (owner, p) in records("partition", raw) {
            let id = p.id.get_ref().clone();
            self.report
                .unique_id(&mut ids, &p.id, format!("{owner}.id"));
            let host = p.truststore_host.get_ref().clone();
            if host.is_empty() || host.contains('/') || host.contains(':') {
                self.report.err(
                    p.truststore_host.span(),
                    format!("{owner}.truststore_host"),
                    format!("{host:?} is not a bare host name"),
                );
            }
            self.check_bundle_urls(
                &owner,
                (&host, "global"),
                ("global_pem_url", &p.global_pem_url),
                ("global_p7b_url", p.global_p7b_url.as_ref()),
            );
            self.report
                .source_ref(&self.source_ids, &p.source, format!("{owner}.source"));
            let certificates = p.certificates.map(|c| {
                self.report.source_ref(
                    &self.source_ids,
                    &c.source,
                    format!("{owner}.certificates.source"),
                );
                CertificateFile {
                    file: c.file,
                    source: c.source.into_inner(),
                }
            });
            out.push(Partition {
                id,
                name: p.name,
                page_label: p.page_label,
                truststore_host: host,
                global_pem_url: p.global_pem_url.into_inner(),
                global_p7b_url: p.global_p7b_url.map(Spanned::into_inner),
                source: p.source.into_inner(),
                certificates,
            });
        }
        out
    }

    fn check_cas(&mut self, raw: Vec<Spanned<RawCa>>, partitions: &[Partition]) -> Vec<Ca> {
        let mut ids = Identifiers::new("CA id")
            .following(is_ca_id, "a CA identifier (like \"rds-ca-rsa2048-g1\")");
        let mut out = Vec::new();
        let whole = raw.first().map(|c| c.span()).unwrap_or(0..0);
        let mut defaults = Vec::new();
        for (owner, c) in records("ca", raw) {
            let id = c.id.get_ref().clone();
            self.report
                .unique_id(&mut ids, &c.id, format!("{owner}.id"));
            match (
                c.key_algorithm.get_ref().as_str(),
                c.key_size,
                c.curve.as_deref(),
            ) {
                ("RSA", Some(_), None) | ("EC", None, Some(_)) => {}
                (alg, _, _) => self.report.err(
                    c.key_algorithm.span(),
                    format!("{owner}.key_algorithm"),
                    format!("{alg:?} needs key_size (RSA) or curve (EC), not both"),
                ),
            }
            let overrides = c
                .partition_signature_algorithm
                .unwrap_or_else(|| Spanned::new(0..0, BTreeMap::new()));
            for p in overrides.get_ref().keys() {
                if !partitions.iter().any(|x| &x.id == p) {
                    self.report.err(
                        overrides.span(),
                        format!("{owner}.partition_signature_algorithm"),
                        format!("unknown partition {p:?}"),
                    );
                }
            }
            if !c.root_common_name.get_ref().contains("{region}") {
                self.report.err(
                    c.root_common_name.span(),
                    format!("{owner}.root_common_name"),
                    "must contain the {region} placeholder",
                );
            }
            if let Some(form) = &c.intermediate_common_name {
                if !form.get_ref().contains("{region}") {
                    self.report.err(
                        form.span(),
                        format!("{owner}.intermediate_common_name"),
                        "must contain the {region} placeholder",
                    );
                }
            }
            if *c.default.get_ref() {
                defaults.push((id.clone(), c.default.span(), owner.clone()));
            }
            self.report
                .source_ref(&self.source_ids, &c.source, format!("{owner}.source"));
            let corrections = self.check_corrections(
                c.correction,
                &owner,
                &["root_common_name", "signature_algorithm", "key_algorithm"],
            );
            out.push(Ca {
                id,
                key_algorithm: c.key_algorithm.into_inner(),
                key_size: c.key_size,
                curve: c.curve,
                signature_algorithm: c.signature_algorithm,
                partition_signature_algorithm: overrides.into_inner(),
                automatic_rotation: c.automatic_rotation,
                root_common_name: c.root_common_name.into_inner(),
                intermediate_common_name: c.intermediate_common_name.map(Spanned::into_inner),
                default: *c.default.get_ref(),
                source: c.source.into_inner(),
                corrections,
            });
        }
        match defaults.len() {
            1 => {}
            0 => self.report.err(
                whole,
                "ca.default",
                "no CA is marked `default = true`; exactly one must be",
            ),
            _ => {
                let ids: Vec<&str> = defaults.iter().map(|d| d.0.as_str()).collect();
                let (_, span, owner) = defaults[1].clone();
                self.report.err(
                    span,
                    format!("{owner}.default"),
                    format!(
                        "exactly one CA may be the default, found {}: {}",
                        ids.len(),
                        ids.join(", ")
                    ),
                );
            }
        }
        out
    }

    fn check_regions(
        &mut self,
        raw: Vec<Spanned<RawRegion>>,
        partitions: &[Partition],
        cas: &[Ca],
    ) -> Vec<Region> {
        let mut codes = Identifiers::new("region code").following(
            is_region_code,
            "an AWS region code (like \"us-east-1\" or \"us-gov-west-1\")",
        );
        let mut names = BTreeSet::new();
        let mut out = Vec::new();
        for (owner, r) in named_records("region", raw, |r| r.code.get_ref()) {
            let code = r.code.get_ref().clone();
            self.report
                .unique_id(&mut codes, &r.code, format!("{owner}.code"));
            if !names.insert(r.name.get_ref().clone()) {
                self.report.err(
                    r.name.span(),
                    format!("{owner}.name"),
                    format!("duplicate region name {:?}", r.name.get_ref()),
                );
            }
            let partition = partitions.iter().find(|p| &p.id == r.partition.get_ref());
            match partition {
                None => {
                    let known: Vec<&str> = partitions.iter().map(|p| p.id.as_str()).collect();
                    self.report.err(
                        r.partition.span(),
                        format!("{owner}.partition"),
                        format!(
                            "unknown partition {:?}; declared: {}",
                            r.partition.get_ref(),
                            known.join(", ")
                        ),
                    );
                }
                Some(p) => self.check_bundle_urls(
                    &owner,
                    (&p.truststore_host, &code),
                    ("pem_url", &r.pem_url),
                    ("p7b_url", r.p7b_url.as_ref()),
                ),
            }
            self.report.not_empty(
                &r.cas,
                format!("{owner}.cas"),
                "a region must offer at least one CA",
            );
            // Each CA is offered (`cas`), unverified (`unverified_cas`), or else not offered.
            let mut listed: Vec<String> = Vec::new();
            let mut offered = Vec::new();
            let mut unverified = Vec::new();
            for (field, list, into) in [
                ("cas", r.cas.get_ref(), &mut offered),
                ("unverified_cas", &r.unverified_cas, &mut unverified),
            ] {
                for ca in list {
                    if !cas.iter().any(|c| &c.id == ca.get_ref()) {
                        let known: Vec<&str> = cas.iter().map(|c| c.id.as_str()).collect();
                        self.report.err(
                            ca.span(),
                            format!("{owner}.{field}"),
                            format!(
                                "unknown CA {:?}; declared CAs: {}",
                                ca.get_ref(),
                                known.join(", ")
                            ),
                        );
                    } else if listed.contains(ca.get_ref()) {
                        self.report.err(
                            ca.span(),
                            format!("{owner}.{field}"),
                            format!(
                                "CA {:?} is listed twice (a CA is offered, unverified, or neither)",
                                ca.get_ref()
                            ),
                        );
                    } else {
                        listed.push(ca.get_ref().clone());
                        into.push(ca.get_ref().clone());
                    }
                }
            }
            match (&r.unverified_source, unverified.is_empty()) {
                (None, false) => self.report.err(
                    r.code.span(),
                    format!("{owner}.unverified_source"),
                    "unverified_cas needs an unverified_source saying what was looked at",
                ),
                (Some(s), true) => self.report.err(
                    s.span(),
                    format!("{owner}.unverified_source"),
                    "unverified_source without unverified_cas",
                ),
                (Some(s), false) => self.report.source_ref(
                    &self.source_ids,
                    s,
                    format!("{owner}.unverified_source"),
                ),
                (None, true) => {}
            }
            self.report
                .source_ref(&self.source_ids, &r.source, format!("{owner}.source"));
            let corrections = self.check_corrections(
                r.correction,
                &owner,
                &["name", "pem_url", "p7b_url", "cas", "code"],
            );
            out.push(Region {
                code,
                name: r.name.into_inner(),
                partition: r.partition.into_inner(),
                pem_url: r.pem_url.into_inner(),
                p7b_url: r.p7b_url.map(Spanned::into_inner),
                cas: offered,
                unverified_cas: unverified,
                unverified_source: r.unverified_source.map(Spanned::into_inner),
                source: r.source.into_inner(),
                note: r.note,
                corrections,
            });
        }
        out
    }
}

/// `YYYY-MM-DD`, a day that exists in the calendar.
fn is_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return false;
    };
    let digits = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
    if !(digits(y, 4) && digits(m, 2) && digits(d, 2)) {
        return false;
    }
    let (Ok(y), Ok(m), Ok(d)) = (y.parse::<i32>(), m.parse::<u8>(), d.parse::<u8>()) else {
        return false;
    };
    time::Month::try_from(m).is_ok_and(|m| time::Date::from_calendar_date(y, m, d).is_ok())
}
