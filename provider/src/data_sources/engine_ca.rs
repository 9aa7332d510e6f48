//! `data "rdsca_engine_ca"`: the CA check that knows the engine. Reads, with AWS credentials,
//! the CAs an engine version supports (`DescribeDBEngineVersions`) and the account's default CA
//! in the Region (`DescribeCertificates`). With `rdsca_databases`, the only part of the provider
//! that calls AWS, and only when a configuration reads it.

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tf_provider::schema::{AttributeConstraint, AttributeType, Schema};
use tf_provider::value::Value;
use tf_provider::{AttributePath, Diagnostics};

use super::{known_set, rds_api, report, without_problems, RdscaDataSource};
use crate::provider_data::ProviderData;
use crate::schema_util::{attribute, block, computed, optional_computed, strings};
use rdsca_aws::engine::{self, closest_versions, effective_default, CaInQuestion, ENGINES};
use rdsca_aws::{EngineVersion, RdsApi, RdsError};
use rdsca_table::selection::{self, Place, Problem};
use rdsca_table::UnknownValue;

/// Versions listed in an "unknown version" error.
const VERSIONS_SHOWN: usize = 10;

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct EngineCaState {
    pub region: Value<String>,
    pub engine: Value<String>,
    pub engine_version: Value<String>,
    pub ca_identifier: Value<String>,
    pub id: Value<String>,
    pub supported_ca_identifiers: Value<Vec<Value<String>>>,
    pub supports_certificate_rotation_without_restart: Value<bool>,
    pub default_ca_identifier: Value<String>,
    pub default_ca_source: Value<String>,
    pub ca_valid_till: Value<BTreeMap<String, Value<String>>>,
}

/// The data source's name in the provider (`rdsca_engine_ca` in configurations).
pub const NAME: &str = "engine_ca";

pub struct EngineCaDataSource {
    pub shared: Arc<ProviderData>,
}

pub fn schema() -> Schema {
    let s = AttributeType::String;
    let required = |doc| attribute(AttributeType::String, AttributeConstraint::Required, doc);
    block(
        "The CA check that knows the DB engine: the CAs an engine version supports in a Region (`DescribeDBEngineVersions`) and the account's default CA there (`DescribeCertificates`), read from the RDS API with AWS credentials.\n\n\
         A `ca_identifier` the engine version does not support fails the plan on that attribute with the supported list, where AWS would reject it only at apply time (`InvalidParameterCombination: Version … doesn't support certificate …`). \
         Without `ca_identifier`, the account's default CA is checked instead: the one a database without `ca_cert_identifier` gets.\n\n\
         This and `rdsca_databases` are the only parts of the provider that call AWS, each only when a configuration reads it. Credentials come from the AWS standard chain (environment, shared config and credentials files with `aws_profile` or `AWS_PROFILE`, SSO, web identity, container and instance metadata); \
         `AWS_ENDPOINT_URL_RDS`, else `AWS_ENDPOINT_URL`, overrides the endpoint. The identity needs `rds:DescribeDBEngineVersions` and `rds:DescribeCertificates`.",
        vec![
            ("region", required("AWS Region code, for example `eu-west-1`; checked against the provider's Region table (`allow_unlisted_regions` admits newer ones).")),
            ("engine", required("DB engine, as `aws_db_instance.engine` takes it: `postgres`, `mysql`, `aurora-postgresql`, `sqlserver-se`, ...")),
            ("engine_version", required("Full engine version, as `describe-db-engine-versions` lists it: `16.3`, `15.00.4236.7.v1`, ...")),
            ("ca_identifier", optional_computed(s.clone(), "The CA the database will use (`ca_cert_identifier`). Must be among `supported_ca_identifiers`. Unset: the account's default CA in the Region (`default_ca_identifier`), which must then be supported.")),
            ("id", computed(s.clone(), "`<region>/<engine>/<engine_version>`.")),
            ("supported_ca_identifiers", computed(strings(), "The CAs this engine version supports in the Region (`SupportedCACertificateIdentifiers`).")),
            ("supports_certificate_rotation_without_restart", computed(AttributeType::Bool, "Whether the engine version rotates the server certificate without a restart (`SupportsCertificateRotationWithoutRestart`); null when the API does not say.")),
            ("default_ca_identifier", computed(s.clone(), "The account's default CA in the Region, the one a new database gets without `ca_cert_identifier`: the account's override (`aws rds modify-certificates`) where one is set, else the AWS default.")),
            ("default_ca_source", computed(s, "Where `default_ca_identifier` comes from: `account_override` (a certificate with `CustomerOverride`) or `aws_default`.")),
            ("ca_valid_till", computed(AttributeType::Map(Box::new(AttributeType::String)), "Every CA `DescribeCertificates` lists in the Region → the end of its validity (`ValidTill`, RFC 3339).")),
        ],
    )
}

impl EngineCaState {
    /// Problems found without calling AWS: the Region, empty strings.
    fn offline_problems(&self, allow_unlisted: Option<bool>) -> (Option<Place>, Vec<Problem>) {
        let mut problems = Vec::new();
        let place = known_set(&self.region).and_then(|code| {
            selection::place("region", code, allow_unlisted.unwrap_or(true))
                .map_err(|p| problems.push(p))
                .ok()
        });
        for (attribute, value) in [
            ("engine", &self.engine),
            ("engine_version", &self.engine_version),
            ("ca_identifier", &self.ca_identifier),
        ] {
            if known_set(value).is_some_and(|v| v.trim().is_empty()) {
                problems.push(Problem {
                    attribute,
                    summary: format!("Empty {attribute}"),
                    detail: format!("{attribute} must not be empty."),
                });
            }
        }
        (place, problems)
    }
}

/// How to provide credentials, or do without the check.
pub fn no_credentials_detail(cause: &str) -> String {
    credentials_help(
        "rdsca_engine_ca",
        &["rds:DescribeDBEngineVersions", "rds:DescribeCertificates"],
        cause,
    )
}

/// How to provide credentials to a data source that reads the RDS API with `actions`, or do
/// without it.
pub fn credentials_help(data_source: &str, actions: &[&str], cause: &str) -> String {
    let calls: Vec<&str> = actions
        .iter()
        .map(|a| a.trim_start_matches("rds:"))
        .collect();
    let needs = match actions {
        [.., last] if actions.len() > 1 => {
            format!("{} and {last}", actions[..actions.len() - 1].join(", "))
        }
        _ => actions.join(""),
    };
    format!(
        "data \"{data_source}\" reads the RDS API ({}), which needs AWS credentials, and the AWS standard credential chain found none ({cause}).\n\n\
         Provide them the way the AWS CLI and the aws provider take them: {}. The identity needs {needs}.\n\n\
         Or remove the data \"{data_source}\" block: every other part of the provider (rdsca_bundle, the Region check, the functions) works without AWS credentials.",
        calls.join(", "),
        rdsca_aws::credential_sources("with aws_profile in the provider \"rdsca\" block")
    )
}

/// A credential source the chain found but could not use, for `data_source`'s error.
pub fn credentials_failed_detail(data_source: &str, cause: &str) -> String {
    format!("The AWS credential chain found a source but could not use it: {cause}. Fix that source (for SSO, `aws sso login`), or remove the data \"{data_source}\" block: the rest of the provider needs no credentials.")
}

#[async_trait]
impl RdscaDataSource for EngineCaDataSource {
    type State = EngineCaState;
    const SCHEMA: fn() -> Schema = schema;

    async fn validate(&self, diags: &mut Diagnostics, config: EngineCaState) {
        let (_, problems) = config.offline_problems(self.shared.allow_unlisted_regions());
        report(diags, problems);
    }

    async fn read(
        &self,
        diags: &mut Diagnostics,
        mut config: EngineCaState,
    ) -> Option<EngineCaState> {
        // The second `?`: a Region still unknown (plan time) leaves the results unknown.
        let place = without_problems(
            diags,
            config.offline_problems(Some(self.shared.allow_unlisted_at_read())),
        )??;
        let region = place.code().to_string();
        let engine = known_set(&config.engine)?.trim().to_string();
        let version = known_set(&config.engine_version)?.trim().to_string();
        let api = rds_api(&self.shared, diags)?;
        let found = match api.engine_versions(&region, &engine, Some(&version)).await {
            Ok(v) => v,
            // RDS answers an engine it does not know with InvalidParameterValue.
            Err(RdsError::Api {
                status: 400, error, ..
            }) if error.code == "InvalidParameterValue" => Vec::new(),
            Err(e) => return fail(diags, &e, &region),
        };
        let Some(found) = found
            .into_iter()
            .find(|v| v.engine_version == version && (v.engine.is_empty() || v.engine == engine))
        else {
            unknown_engine_or_version(diags, api, &region, &engine, &version).await;
            return None;
        };
        let (certificates, default_for_new) = match api.certificates(&region).await {
            Ok(c) => c,
            Err(e) => return fail(diags, &e, &region),
        };
        let (default_id, default_source) =
            effective_default(&certificates, default_for_new.as_deref());
        check_choice(diags, &config, &found, &region, &default_id, default_source);
        if !diags.errors.is_empty() {
            return None;
        }
        config.ca_identifier = Value::Value(
            known_set(&config.ca_identifier)
                .map(|c| c.trim().to_string())
                .unwrap_or_else(|| default_id.clone()),
        );
        config.id = Value::Value(format!("{region}/{engine}/{version}"));
        config.supported_ca_identifiers = Value::Value(
            found
                .supported_ca_identifiers
                .iter()
                .map(|c| Value::Value(c.clone()))
                .collect(),
        );
        config.supports_certificate_rotation_without_restart =
            found.supports_certificate_rotation_without_restart.into();
        config.default_ca_identifier = Value::Value(default_id);
        config.default_ca_source = Value::Value(default_source.to_string());
        config.ca_valid_till = Value::Value(
            certificates
                .iter()
                .map(|c| (c.identifier.clone(), c.valid_till.clone().into()))
                .collect(),
        );
        Some(config)
    }
}

/// The chosen CA (or the account default) must be one the version supports
/// (`rdsca_aws::engine`'s rule, shared with `rdsca check --aws`).
fn check_choice(
    diags: &mut Diagnostics,
    config: &EngineCaState,
    found: &EngineVersion,
    region: &str,
    default_id: &str,
    default_source: &str,
) {
    let engine = known_set(&config.engine).unwrap_or_default();
    let (ca, attribute) = match known_set(&config.ca_identifier).map(str::trim) {
        Some(ca) => (CaInQuestion::Chosen(ca), "ca_identifier"),
        None => (
            CaInQuestion::AccountDefault {
                id: default_id,
                source: default_source,
                set_instead: "ca_identifier (and the database's ca_cert_identifier)",
            },
            "engine_version",
        ),
    };
    if let Err(e) = engine::check_support(found, engine, region, ca) {
        diags.error(e.summary, e.detail, AttributePath::new(attribute));
    }
}

/// The version is not listed: is the engine unknown, or only the version?
async fn unknown_engine_or_version(
    diags: &mut Diagnostics,
    api: &RdsApi,
    region: &str,
    engine: &str,
    version: &str,
) {
    let listed = api.engine_versions(region, engine, None).await;
    let versions: Vec<String> = match listed {
        Ok(v) => v.into_iter().map(|v| v.engine_version).collect(),
        Err(RdsError::Api {
            status: 400, error, ..
        }) if error.code == "InvalidParameterValue" => Vec::new(),
        Err(e) => {
            fail::<()>(diags, &e, region);
            return;
        }
    };
    if versions.is_empty() {
        let u = UnknownValue::new("DB engine", engine, ENGINES.iter().copied());
        let mut detail = format!("RDS lists no version of engine \"{engine}\" in {region}.");
        if let Some(d) = u.did_you_mean() {
            detail.push(' ');
            detail.push_str(&d);
        }
        detail.push_str(&format!(" RDS engines: {}.", ENGINES.join(", ")));
        diags.error(
            format!("Unknown DB engine \"{engine}\" in {region}"),
            detail,
            AttributePath::new("engine"),
        );
        return;
    }
    let closest = closest_versions(version, &versions);
    let shown: Vec<&str> = closest.iter().take(VERSIONS_SHOWN).copied().collect();
    let more = closest.len().saturating_sub(shown.len());
    let mut detail = format!(
        "RDS lists no version \"{version}\" of {engine} in {region}. The closest it lists: {}",
        shown.join(", ")
    );
    if more > 0 {
        detail.push_str(&format!(
            " (and {more} more: `aws rds describe-db-engine-versions --engine {engine} --region {region} --query 'DBEngineVersions[].EngineVersion'`)"
        ));
    }
    detail.push('.');
    diags.error(
        format!("Unknown version \"{version}\" of {engine} in {region}"),
        detail,
        AttributePath::new("engine_version"),
    );
}

/// An API or credentials failure as one diagnostic.
fn fail<T>(diags: &mut Diagnostics, e: &RdsError, region: &str) -> Option<T> {
    match e {
        RdsError::NoCredentials(cause) => diags.root_error(
            "No AWS credentials for data \"rdsca_engine_ca\"",
            no_credentials_detail(cause),
        ),
        RdsError::Credentials(cause) => diags.root_error(
            "Cannot load AWS credentials for data \"rdsca_engine_ca\"",
            credentials_failed_detail("rdsca_engine_ca", cause),
        ),
        RdsError::Api { error, .. } => {
            let hint = engine::api_error_hint(&error.code);
            diags.root_error(
                format!("The RDS API in {region} refused the engine check"),
                format!("{e}.{hint}"),
            )
        }
        RdsError::Client(e) => diags.root_error("Invalid provider configuration", e.to_string()),
        RdsError::Transport(message) => diags.root_error(
            format!("Cannot read the RDS API in {region}"),
            message.clone(),
        ),
    }
    None
}
