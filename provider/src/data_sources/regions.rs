//! `data "rdsca_regions"`: the whole region table, filterable by partition and by CA offered.

use std::collections::BTreeMap;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tf_provider::schema::{AttributeType, Schema};
use tf_provider::value::Value;
use tf_provider::Diagnostics;

use super::{report, RdscaDataSource};
use crate::schema_util::{block, computed, optional, strings, ObjectList};
use rdsca_table::selection;
use rdsca_table::{CaId, Region};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RegionEntry {
    pub code: String,
    pub name: String,
    pub partition: String,
    pub pem_url: String,
    pub p7b_url: Option<String>,
    pub ca_identifiers: Vec<String>,
    pub ca_availability: BTreeMap<String, String>,
    pub roots_compiled_in: bool,
}

impl From<&Region> for RegionEntry {
    fn from(r: &Region) -> Self {
        RegionEntry {
            code: r.code.into(),
            name: r.name.into(),
            partition: r.partition.into(),
            pem_url: r.pem_url.into(),
            p7b_url: r.p7b_url.map(str::to_string),
            ca_identifiers: r.cas.iter().map(|c| c.as_str().to_string()).collect(),
            ca_availability: CaId::ALL
                .iter()
                .map(|&c| {
                    (
                        c.as_str().to_string(),
                        r.availability(c).as_str().to_string(),
                    )
                })
                .collect(),
            roots_compiled_in: r.partition().has_known_certificates,
        }
    }
}

/// The fields of each element of `regions`; [`RegionEntry`] is their model.
pub fn regions_object() -> ObjectList {
    ObjectList::new(
    "The matching Regions.",
    vec![
        (
            "code",
            AttributeType::String,
            "Region code, for example `eu-west-1`.",
        ),
        (
            "name",
            AttributeType::String,
            "Display name, for example `Europe (Ireland)`.",
        ),
        ("partition", AttributeType::String, "`aws`, `aws-us-gov` or `aws-cn`."),
        (
            "pem_url",
            AttributeType::String,
            "HTTPS URL of the Region's PEM bundle.",
        ),
        (
            "p7b_url",
            AttributeType::String,
            "HTTPS URL of the Region's PKCS#7 bundle; null where none is documented (AWS China).",
        ),
        (
            "ca_identifiers",
            strings(),
            "The CAs RDS offers in the Region.",
        ),
        (
            "ca_availability",
            AttributeType::Map(Box::new(AttributeType::String)),
            "Every CA identifier → `offered`, `not_offered`, or `unverified` (no source confirms or rules it out; `rdsca_bundle` warns).",
        ),
        (
            "roots_compiled_in",
            AttributeType::Bool,
            "Whether the provider holds this Region's RDS root certificates and checks downloads against them; `false` (AWS China): verified by signature alone.",
        ),
    ],
)
}

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct RegionsState {
    pub partition: Value<String>,
    pub ca_identifier: Value<String>,
    pub id: Value<String>,
    pub codes: Value<Vec<String>>,
    pub regions: Value<Vec<RegionEntry>>,
}

/// The data source's name in the provider (`rdsca_regions` in configurations).
pub const NAME: &str = "regions";

pub struct RegionsDataSource;

pub fn schema() -> Schema {
    block(
        "Every AWS Region the provider knows, with its CA bundle URLs and the RDS CAs it offers, sorted by code. Filter by `partition` and by `ca_identifier`.",
        vec![
            ("partition", optional(AttributeType::String, "Only Regions of this partition: `aws`, `aws-us-gov` or `aws-cn`.")),
            ("ca_identifier", optional(AttributeType::String, "Only Regions that offer this CA, for example `rds-ca-ecc384-g1`.")),
            ("id", computed(AttributeType::String, "`regions`, plus the filters.")),
            ("codes", computed(strings(), "The codes of the matching Regions.")),
            ("regions", regions_object().attribute()),
        ],
    )
}

/// Filters as given; `Err` when a filter names nothing (problems reported).
fn filters(
    state: &RegionsState,
    diags: &mut Diagnostics,
) -> Option<(Option<&'static str>, Option<CaId>)> {
    let mut problems = Vec::new();
    let partition = match &state.partition {
        Value::Value(p) => selection::partition("partition", p)
            .map(|p| Some(p.id))
            .map_err(|e| problems.push(e))
            .ok(),
        _ => Some(None),
    };
    let ca = match &state.ca_identifier {
        Value::Value(c) => selection::ca("ca_identifier", c)
            .map(Some)
            .map_err(|e| problems.push(e))
            .ok(),
        _ => Some(None),
    };
    report(diags, problems);
    Some((partition?, ca?))
}

pub fn matching(
    partition: Option<&str>,
    ca: Option<CaId>,
) -> impl Iterator<Item = &'static Region> + '_ {
    Region::all().filter(move |r| {
        partition.is_none_or(|p| r.partition == p) && ca.is_none_or(|c| r.offers(c))
    })
}

#[async_trait]
impl RdscaDataSource for RegionsDataSource {
    type State = RegionsState;
    const SCHEMA: fn() -> Schema = schema;

    async fn validate(&self, diags: &mut Diagnostics, config: RegionsState) {
        filters(&config, diags);
    }

    async fn read(
        &self,
        diags: &mut Diagnostics,
        mut config: RegionsState,
    ) -> Option<RegionsState> {
        let (partition, ca) = filters(&config, diags)?;
        let regions: Vec<RegionEntry> = matching(partition, ca).map(RegionEntry::from).collect();
        config.id = Value::Value(format!(
            "regions/{}/{}",
            partition.unwrap_or("*"),
            ca.map_or("*", |c| c.as_str())
        ));
        config.codes = Value::Value(regions.iter().map(|r| r.code.clone()).collect());
        config.regions = Value::Value(regions);
        Some(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_by_partition_and_ca() {
        assert_eq!(matching(None, None).count(), 38);
        let cn: Vec<_> = matching(Some("aws-cn"), None).map(|r| r.code).collect();
        assert_eq!(cn, ["cn-north-1", "cn-northwest-1"]);
        let gov: Vec<_> = matching(Some("aws-us-gov"), None).map(|r| r.code).collect();
        assert_eq!(gov, ["us-gov-east-1", "us-gov-west-1"]);
        let ecc = matching(Some("aws"), Some(CaId::RdsCaEcc384G1)).count();
        assert_eq!(ecc, 34 - 6 - 2, "six Regions lack it, two are unverified");
    }
}
