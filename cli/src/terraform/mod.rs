//! Reading what Terraform writes: `terraform show -json` of a saved plan or of the state, and a
//! raw `terraform.tfstate` (version 4). This module owns recognising the input and its format
//! version and turning it into the RDS resource instances it holds ([`Instance`]); it knows no
//! CA rules and no output format. It must not depend on `check` or `report`.
//!
//! The shapes follow Terraform's own writers: `internal/command/jsonplan/plan.go`,
//! `jsonstate/state.go`, `jsonconfig/config.go` and `internal/states/statefile/version4.go`.

mod address;
mod plan;
mod state;

use std::fmt;
use std::io::Read;

use serde_json::{Map, Value};

pub use crate::finding::InputKind;

/// The plan JSON format versions read: Terraform writes `0.1`–`0.2` (0.12–0.15) and `1.x`
/// (1.0 on); a new major version may change the shape.
const PLAN_MAJORS: &[&str] = &["0", "1"];
/// The state JSON (`terraform show -json` of a state) format versions read, likewise.
const STATE_JSON_MAJORS: &[&str] = &["0", "1"];
/// The raw state file version read: 4, written by Terraform 0.12 and later.
const STATE_FILE_VERSION: u64 = 4;

/// One input, parsed.
#[derive(Debug)]
pub struct Document {
    /// As given on the command line (`-` for stdin).
    pub name: String,
    pub kind: InputKind,
    pub json: Value,
}

/// Why an input cannot be read. Each names the input and says what is wrong and what would do.
#[derive(Debug)]
pub enum InputError {
    Read {
        name: String,
        error: std::io::Error,
    },
    NotJson {
        name: String,
        error: serde_json::Error,
    },
    /// A binary plan file (a zip archive) instead of its JSON.
    BinaryPlan {
        name: String,
    },
    NotPlanOrState {
        name: String,
        found: String,
    },
    UnsupportedVersion {
        name: String,
        what: &'static str,
        found: String,
        supported: &'static str,
    },
    /// A plan or state whose shape breaks the format (a field of the wrong type).
    Malformed {
        name: String,
        detail: String,
    },
}

fn display_name(name: &str) -> &str {
    if name == "-" {
        "stdin"
    } else {
        name
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputError::Read { name, error } => {
                write!(f, "{}: cannot read the file: {error}", display_name(name))
            }
            InputError::NotJson { name, error } => write!(
                f,
                "{}: not JSON ({error}). rdsca check reads `terraform show -json` output or a terraform.tfstate file.",
                display_name(name)
            ),
            InputError::BinaryPlan { name } => write!(
                f,
                "{}: a binary saved plan, not JSON. Convert it first: `terraform show -json {} > plan.json`, then `rdsca check plan.json`.",
                display_name(name),
                display_name(name)
            ),
            InputError::NotPlanOrState { name, found } => write!(
                f,
                "{}: not a Terraform plan or state: {found}. rdsca check reads `terraform show -json` of a saved plan (with format_version and planned_values or resource_changes), of the state (format_version and values), or a terraform.tfstate file (version 4 and resources).",
                display_name(name)
            ),
            InputError::UnsupportedVersion {
                name,
                what,
                found,
                supported,
            } => write!(
                f,
                "{}: unsupported {what} {found}; rdsca reads {supported}.",
                display_name(name)
            ),
            InputError::Malformed { name, detail } => {
                write!(f, "{}: not a well-formed Terraform file: {detail}", display_name(name))
            }
        }
    }
}

impl std::error::Error for InputError {}

/// Reads `name` (`-` for stdin) and recognises it.
pub fn read(name: &str) -> Result<Document, InputError> {
    let bytes = if name == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .map_err(|error| InputError::Read {
                name: name.into(),
                error,
            })?;
        buf
    } else {
        std::fs::read(name).map_err(|error| InputError::Read {
            name: name.into(),
            error,
        })?
    };
    parse(name, &bytes)
}

/// Parses and recognises an input's bytes.
pub fn parse(name: &str, bytes: &[u8]) -> Result<Document, InputError> {
    if bytes.starts_with(b"PK\x03\x04") {
        return Err(InputError::BinaryPlan { name: name.into() });
    }
    let json: Value = serde_json::from_slice(bytes).map_err(|error| InputError::NotJson {
        name: name.into(),
        error,
    })?;
    let kind = classify(name, &json)?;
    Ok(Document {
        name: name.into(),
        kind,
        json,
    })
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Which of the three formats `json` is, with its version checked.
fn classify(name: &str, json: &Value) -> Result<InputKind, InputError> {
    let Some(top) = json.as_object() else {
        return Err(InputError::NotPlanOrState {
            name: name.into(),
            found: format!("the JSON is {}, not an object", json_kind(json)),
        });
    };
    if let Some(format_version) = top.get("format_version") {
        let Some(version) = format_version.as_str() else {
            return Err(InputError::Malformed {
                name: name.into(),
                detail: format!(
                    "format_version is {}, not a string",
                    json_kind(format_version)
                ),
            });
        };
        let major = version.split('.').next().unwrap_or_default();
        let is_plan = top.contains_key("planned_values") || top.contains_key("resource_changes");
        let (what, majors, supported, kind) = if is_plan {
            (
                "plan format_version",
                PLAN_MAJORS,
                "plan format versions 0.x and 1.x (Terraform 0.12 and later)",
                InputKind::Plan,
            )
        } else {
            (
                "state format_version",
                STATE_JSON_MAJORS,
                "state format versions 0.x and 1.x (Terraform 0.12 and later)",
                InputKind::StateJson,
            )
        };
        if !majors.contains(&major) {
            return Err(InputError::UnsupportedVersion {
                name: name.into(),
                what,
                found: version.into(),
                supported,
            });
        }
        return Ok(kind);
    }
    if let Some(version) = top.get("version") {
        if top.contains_key("resources")
            || top.contains_key("lineage")
            || top.contains_key("terraform_version")
        {
            return match version.as_u64() {
                Some(STATE_FILE_VERSION) => Ok(InputKind::StateV4),
                _ => Err(InputError::UnsupportedVersion {
                    name: name.into(),
                    what: "state file version",
                    found: version.to_string(),
                    supported: "terraform.tfstate version 4 (Terraform 0.12 and later; `terraform show -json` converts older states)",
                }),
            };
        }
    }
    let mut keys: Vec<&str> = top.keys().map(String::as_str).take(6).collect();
    if top.len() > keys.len() {
        keys.push("...");
    }
    Err(InputError::NotPlanOrState {
        name: name.into(),
        found: if keys.is_empty() {
            "an empty object".into()
        } else {
            format!(
                "no format_version or version; its top-level keys are {}",
                keys.join(", ")
            )
        },
    })
}

/// The RDS resource types `rdsca check` reads, with the argument that names their CA.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RdsType {
    DbInstance,
    ClusterInstance,
    Cluster,
    /// The account's default CA for new databases in a Region.
    Certificate,
}

impl RdsType {
    pub fn from_type(resource_type: &str) -> Option<RdsType> {
        match resource_type {
            "aws_db_instance" => Some(RdsType::DbInstance),
            "aws_rds_cluster_instance" => Some(RdsType::ClusterInstance),
            "aws_rds_cluster" => Some(RdsType::Cluster),
            "aws_rds_certificate" => Some(RdsType::Certificate),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            RdsType::DbInstance => "aws_db_instance",
            RdsType::ClusterInstance => "aws_rds_cluster_instance",
            RdsType::Cluster => "aws_rds_cluster",
            RdsType::Certificate => "aws_rds_certificate",
        }
    }
    /// The argument that holds the CA identifier.
    pub fn ca_attribute(self) -> &'static str {
        match self {
            RdsType::DbInstance | RdsType::ClusterInstance => "ca_cert_identifier",
            RdsType::Cluster => "ca_certificate_identifier",
            RdsType::Certificate => "certificate_identifier",
        }
    }
}

/// An argument's value as the input knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attr<'a> {
    Set(&'a str),
    /// Null, empty or absent.
    NotSet,
    /// Terraform knows it only after apply.
    AfterApply,
}

/// What the plan's `configuration` says of the provider configuration a resource uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProviderRegion<'a> {
    /// Its `region` is this constant (or a root variable with this value).
    Known { key: String, code: &'a str },
    /// It sets `region` from an expression rdsca cannot evaluate.
    Unresolvable { key: String, expression: String },
    /// It sets no `region`: the AWS provider then reads `AWS_REGION` or the shared config.
    NotSet { key: String },
}

/// One instance of an RDS resource in an input, with what the input knows of it.
#[derive(Debug, Clone)]
pub struct Instance<'a> {
    pub address: String,
    pub rds_type: RdsType,
    /// `after` (plan), `values` (state JSON) or `attributes` (state file).
    values: &'a Map<String, Value>,
    /// The plan's `after_unknown` for this instance.
    unknown: Option<&'a Map<String, Value>>,
    /// The same instance's values in the plan's prior state, for Region clues an update hides.
    prior: Option<&'a Map<String, Value>>,
    /// The resource's block in the plan's `configuration` (its `expressions`).
    config_expressions: Option<&'a Map<String, Value>>,
    /// `None` for states, which carry no provider configuration.
    pub provider: Option<ProviderRegion<'a>>,
}

impl<'a> Instance<'a> {
    /// The planned or stored value of `name`.
    pub fn attr(&self, name: &str) -> Attr<'a> {
        if self
            .unknown
            .and_then(|u| u.get(name))
            .is_some_and(|v| v == &Value::Bool(true))
        {
            return Attr::AfterApply;
        }
        match self.values.get(name).and_then(Value::as_str) {
            Some(s) if !s.is_empty() => Attr::Set(s),
            _ => Attr::NotSet,
        }
    }

    /// The value of `name` in the prior state, when this is a plan that has one.
    pub fn prior_attr(&self, name: &str) -> Option<&'a str> {
        self.prior
            .and_then(|p| p.get(name))
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    }

    /// The first element of a list argument (`availability_zones`).
    pub fn first_of_list(&self, name: &str) -> Option<&'a str> {
        self.values
            .get(name)
            .and_then(Value::as_array)
            .and_then(|l| l.first())
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    }

    /// Whether the configuration sets `name`: `None` when the input has no configuration
    /// (states, or plans without it).
    pub fn configured(&self, name: &str) -> Option<bool> {
        self.config_expressions.map(|e| e.contains_key(name))
    }
}

/// Every RDS resource instance in `doc`, in the input's order.
pub fn instances(doc: &Document) -> Result<Vec<Instance<'_>>, InputError> {
    match doc.kind {
        InputKind::Plan => plan::instances(&doc.name, &doc.json),
        InputKind::StateJson => state::json_instances(&doc.name, &doc.json),
        InputKind::StateV4 => state::file_instances(&doc.name, &doc.json),
    }
}

/// The RDS type of a resource record (an entry of a module's `resources` in a state, a plan or a
/// plan's configuration; a plan's resource change; a state file's resource) when it is a managed
/// resource of one; `None` for data sources and every other type, which `rdsca check` passes over.
fn managed_rds_type(record: &Value) -> Option<RdsType> {
    let rds_type = record
        .get("type")
        .and_then(Value::as_str)
        .and_then(RdsType::from_type)?;
    (record.get("mode").and_then(Value::as_str) == Some("managed")).then_some(rds_type)
}

/// The managed RDS resources of a resource list (a module's `resources`, a plan's
/// `resource_changes`, a state file's `resources`), each with its type; `what` names the list in
/// the error when it is no array.
fn managed_rds_records<'a>(
    name: &str,
    list: &'a Value,
    what: &str,
) -> Result<impl Iterator<Item = (&'a Value, RdsType)>, InputError> {
    let records = list
        .as_array()
        .ok_or_else(|| malformed(name, format!("{what} is not an array")))?;
    Ok(records
        .iter()
        .filter_map(|r| Some((r, managed_rds_type(r)?))))
}

fn malformed(name: &str, detail: impl Into<String>) -> InputError {
    InputError::Malformed {
        name: name.into(),
        detail: detail.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn kind(v: Value) -> Result<InputKind, String> {
        parse("in.json", v.to_string().as_bytes())
            .map(|d| d.kind)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn recognises_the_three_formats() {
        assert_eq!(
            kind(
                json!({"format_version": "1.2", "terraform_version": "1.11.0", "planned_values": {}, "resource_changes": []})
            ),
            Ok(InputKind::Plan)
        );
        assert_eq!(
            kind(
                json!({"format_version": "1.0", "terraform_version": "1.11.0", "values": {"root_module": {}}})
            ),
            Ok(InputKind::StateJson)
        );
        // An empty state shows as a bare format_version.
        assert_eq!(
            kind(json!({"format_version": "1.0"})),
            Ok(InputKind::StateJson)
        );
        assert_eq!(
            kind(
                json!({"version": 4, "terraform_version": "1.11.0", "serial": 3, "lineage": "x", "outputs": {}, "resources": []})
            ),
            Ok(InputKind::StateV4)
        );
    }

    #[test]
    fn rejects_with_the_file_and_what_is_supported() {
        let e = kind(json!({"format_version": "2.0", "planned_values": {}})).unwrap_err();
        assert_eq!(e, "in.json: unsupported plan format_version 2.0; rdsca reads plan format versions 0.x and 1.x (Terraform 0.12 and later).");
        let e =
            kind(json!({"version": 3, "terraform_version": "0.11.14", "serial": 1, "modules": []}))
                .unwrap_err();
        assert!(e.starts_with("in.json: unsupported state file version 3; rdsca reads terraform.tfstate version 4"), "{e}");
        let e = kind(json!({"name": "x", "dependencies": {}})).unwrap_err();
        assert!(e.starts_with("in.json: not a Terraform plan or state: no format_version or version; its top-level keys are dependencies, name."), "{e}");
        let e = kind(json!([1, 2])).unwrap_err();
        assert!(e.contains("the JSON is an array, not an object"), "{e}");
        let e = kind(json!({"format_version": 1.2, "planned_values": {}})).unwrap_err();
        assert!(
            e.contains("format_version is a number, not a string"),
            "{e}"
        );
    }

    #[test]
    fn not_json_and_binary_plans() {
        let e = parse("plan.tfplan", b"PK\x03\x04rest of a zip").unwrap_err();
        assert!(e.to_string().starts_with("plan.tfplan: a binary saved plan, not JSON. Convert it first: `terraform show -json plan.tfplan > plan.json`"));
        let e = parse("-", b"resource \"aws_db_instance\" \"x\" {}").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("stdin: not JSON (expected value at line 1 column 1)"),
            "{e}"
        );
    }
}
