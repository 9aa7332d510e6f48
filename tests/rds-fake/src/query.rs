//! The Query API request parameters every listing shares, read strictly as botocore's RDS model
//! shapes them: `MaxRecords` (default 100, 20 to 100), `Marker` (opaque, only valid for the
//! action and Region that returned it) and `Filters` (`FilterList` → `Filters.Filter.N.Name`,
//! `FilterValueList` → `Filters.Filter.N.Values.Value.N`: the list members' `locationName`s).
//! A parameter out of shape is the error AWS gives, not a silent default.

use std::collections::{BTreeMap, HashMap};

/// An error answer: `<ErrorResponse><Error><Type>…</Type><Code>…</Code><Message>…`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    pub status: u16,
    /// `Sender` (the caller's fault) or `Receiver` (the service's).
    pub kind: &'static str,
    pub code: String,
    pub message: String,
}

impl ApiError {
    pub fn sender(status: u16, code: &str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            kind: "Sender",
            code: code.into(),
            message: message.into(),
        }
    }

    pub fn invalid_parameter(message: impl Into<String>) -> ApiError {
        ApiError::sender(400, "InvalidParameterValue", message)
    }
}

/// Records per page: `MaxRecords`, 100 when absent.
pub fn max_records(params: &HashMap<String, String>) -> Result<usize, ApiError> {
    let Some(raw) = params.get("MaxRecords") else {
        return Ok(100);
    };
    match raw.trim().parse::<i64>() {
        Ok(n) if (20..=100).contains(&n) => Ok(n as usize),
        _ => Err(ApiError::invalid_parameter(format!(
            "Invalid value {raw} for MaxRecords. Must be between 20 and 100"
        ))),
    }
}

/// The marker of the page that starts at record `offset`: opaque to the client (hex), bound to
/// the action and the Region.
pub fn marker(action: &str, region: &str, offset: usize) -> String {
    format!("{action}|{region}|{offset}")
        .bytes()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Where the page asked for starts: 0 without `Marker`, else the offset a marker of this action
/// and Region carries.
pub fn start(
    params: &HashMap<String, String>,
    action: &str,
    region: &str,
) -> Result<usize, ApiError> {
    let Some(raw) = params.get("Marker").filter(|m| !m.is_empty()) else {
        return Ok(0);
    };
    let decoded = (raw.len() % 2 == 0)
        .then(|| {
            (0..raw.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(raw.get(i..i + 2)?, 16).ok())
                .collect::<Option<Vec<u8>>>()
        })
        .flatten()
        .and_then(|b| String::from_utf8(b).ok());
    let offset = decoded.as_deref().and_then(|d| {
        let mut parts = d.split('|');
        match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some(a), Some(r), Some(o), None) if a == action && r == region => o.parse().ok(),
            _ => None,
        }
    });
    offset.ok_or_else(|| {
        ApiError::invalid_parameter(format!(
            "The marker {raw} was not returned by {action} in {region}"
        ))
    })
}

/// One page of `items` and the marker of the next one, if any.
pub fn page<'a, T>(
    items: &'a [T],
    params: &HashMap<String, String>,
    action: &str,
    region: &str,
) -> Result<(&'a [T], Option<String>), ApiError> {
    let size = max_records(params)?;
    let start = start(params, action, region)?.min(items.len());
    let end = (start + size).min(items.len());
    let next = (end < items.len()).then(|| marker(action, region, end));
    Ok((&items[start..end], next))
}

/// One filter of the request: a name and its values (any value matches).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Filter {
    pub name: String,
    pub values: Vec<String>,
}

impl Filter {
    /// Whether any value equals `identifier` or `arn` (identifiers are case-insensitive in RDS).
    pub fn matches_id(&self, identifier: &str, arn: &str) -> bool {
        self.values
            .iter()
            .any(|v| v.eq_ignore_ascii_case(identifier) || v == arn)
    }

    pub fn matches(&self, value: &str) -> bool {
        self.values.iter().any(|v| v == value)
    }
}

/// The request's filters, in `N` order; a name outside `supported` (the action's list in the
/// model's documentation) or a parameter out of the model's shape is `InvalidParameterValue`.
pub fn filters(
    params: &HashMap<String, String>,
    action: &str,
    supported: &[&str],
) -> Result<Vec<Filter>, ApiError> {
    const SHAPE: &str = "Filters.Filter.N.Name and Filters.Filter.N.Values.Value.N";
    let mut by_index: BTreeMap<u32, (Option<String>, BTreeMap<u32, String>)> = BTreeMap::new();
    for (key, value) in params {
        let Some(rest) = key.strip_prefix("Filters") else {
            continue;
        };
        let parsed = rest.strip_prefix(".Filter.").and_then(|rest| {
            let (n, field) = rest.split_once('.')?;
            let n: u32 = n.parse().ok().filter(|n| *n >= 1)?;
            if field == "Name" {
                return Some((n, None));
            }
            let m: u32 = field
                .strip_prefix("Values.Value.")?
                .parse()
                .ok()
                .filter(|m| *m >= 1)?;
            Some((n, Some(m)))
        });
        match parsed {
            Some((n, None)) => by_index.entry(n).or_default().0 = Some(value.clone()),
            Some((n, Some(m))) => {
                by_index.entry(n).or_default().1.insert(m, value.clone());
            }
            // botocore sends `Filters=` for an empty list.
            None if rest.is_empty() && value.is_empty() => {}
            None => {
                return Err(ApiError::invalid_parameter(format!(
                    "Unrecognized parameter {key} for {action}: filters are {SHAPE}"
                )))
            }
        }
    }
    by_index
        .into_iter()
        .map(|(n, (name, values))| {
            let name = name.ok_or_else(|| {
                ApiError::invalid_parameter(format!(
                    "Filters.Filter.{n} has values but no Name ({SHAPE})"
                ))
            })?;
            if !supported.contains(&name.as_str()) {
                return Err(ApiError::invalid_parameter(format!(
                    "Unrecognized filter name: {name}. {action} supports: {}",
                    supported.join(", ")
                )));
            }
            if values.is_empty() {
                return Err(ApiError::invalid_parameter(format!(
                    "The filter {name} (Filters.Filter.{n}) needs at least one value ({SHAPE})"
                )));
            }
            Ok(Filter {
                name,
                values: values.into_values().collect(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn max_records_is_20_to_100_and_100_by_default() {
        assert_eq!(max_records(&params(&[])), Ok(100));
        assert_eq!(max_records(&params(&[("MaxRecords", "20")])), Ok(20));
        for bad in ["19", "101", "0", "-5", "many"] {
            let e = max_records(&params(&[("MaxRecords", bad)])).unwrap_err();
            assert_eq!((e.status, e.code.as_str()), (400, "InvalidParameterValue"));
            assert_eq!(
                e.message,
                format!("Invalid value {bad} for MaxRecords. Must be between 20 and 100")
            );
        }
    }

    #[test]
    fn a_marker_is_bound_to_its_action_and_region() {
        let m = marker("DescribeDBInstances", "eu-west-1", 100);
        assert!(!m.contains("100|"), "opaque: {m}");
        let with = |m: &str| params(&[("Marker", m)]);
        assert_eq!(
            start(&with(&m), "DescribeDBInstances", "eu-west-1"),
            Ok(100)
        );
        for (action, region) in [
            ("DescribeDBClusters", "eu-west-1"),
            ("DescribeDBInstances", "us-east-1"),
        ] {
            let e = start(&with(&m), action, region).unwrap_err();
            assert_eq!(e.code, "InvalidParameterValue");
            assert!(
                e.message.contains(&format!("{action} in {region}")),
                "{e:?}"
            );
        }
        assert!(start(&with("zz"), "DescribeDBInstances", "eu-west-1").is_err());
        assert!(start(&with("100"), "DescribeDBInstances", "eu-west-1").is_err());
    }

    #[test]
    fn paging_walks_every_record_once() {
        let items: Vec<u32> = (0..250).collect();
        let mut seen = Vec::new();
        let mut request = params(&[]);
        let mut pages = 0;
        loop {
            let (page, next) = page(&items, &request, "A", "r").unwrap();
            seen.extend_from_slice(page);
            pages += 1;
            let Some(next) = next else { break };
            request.insert("Marker".into(), next);
        }
        assert_eq!((pages, seen), (3, items));
    }

    #[test]
    fn filters_follow_the_models_location_names() {
        let got = filters(
            &params(&[
                ("Filters.Filter.2.Name", "db-instance-id"),
                ("Filters.Filter.2.Values.Value.1", "a"),
                ("Filters.Filter.1.Name", "engine"),
                ("Filters.Filter.1.Values.Value.2", "mysql"),
                ("Filters.Filter.1.Values.Value.1", "postgres"),
                ("Action", "DescribeDBInstances"),
            ]),
            "DescribeDBInstances",
            &["engine", "db-instance-id"],
        )
        .unwrap();
        assert_eq!(
            got,
            [
                Filter {
                    name: "engine".into(),
                    values: vec!["postgres".into(), "mysql".into()]
                },
                Filter {
                    name: "db-instance-id".into(),
                    values: vec!["a".into()]
                },
            ]
        );
        assert_eq!(
            filters(&params(&[("Filters", "")]), "X", &["engine"]),
            Ok(vec![])
        );
    }

    #[test]
    fn filters_out_of_shape_are_named() {
        let e = filters(
            &params(&[
                ("Filters.Filter.1.Name", "engine"),
                ("Filters.Filter.1.Values.member.1", "postgres"),
            ]),
            "DescribeDBInstances",
            &["engine"],
        )
        .unwrap_err();
        assert_eq!(e.code, "InvalidParameterValue");
        assert!(
            e.message.starts_with(
                "Unrecognized parameter Filters.Filter.1.Values.member.1 for DescribeDBInstances"
            ),
            "{e:?}"
        );
        let e = filters(
            &params(&[
                ("Filters.Filter.1.Name", "tag:team"),
                ("Filters.Filter.1.Values.Value.1", "x"),
            ]),
            "DescribeDBClusters",
            &["engine", "db-cluster-id"],
        )
        .unwrap_err();
        assert_eq!(
            e.message,
            "Unrecognized filter name: tag:team. DescribeDBClusters supports: engine, db-cluster-id"
        );
        let e = filters(
            &params(&[("Filters.Filter.1.Name", "engine")]),
            "X",
            &["engine"],
        )
        .unwrap_err();
        assert!(e.message.contains("needs at least one value"), "{e:?}");
    }
}
