//! The stand-in's managed resources: what each one plans and "creates", with the real
//! provider's attribute names. One generic [`StandinResource`] speaks tf-provider's protocol;
//! each resource kind says, through [`Kind`], which of its values AWS computes and how.
//!
//! Plan: every value the configuration leaves unset that AWS would compute is unknown
//! ("known after apply"), and so are the computed outputs; values the configuration sets,
//! known or not, pass through as they are. Apply: the Region is the resource's `region`, else
//! the provider block's, else an error; the rest is derived from it, with no AWS call.

pub mod certificate;
pub mod cluster;
pub mod cluster_instance;
pub mod db_instance;

use std::marker::PhantomData;
use std::sync::Arc;

use async_trait::async_trait;
use serde::{de::DeserializeOwned, Serialize};
use tf_provider::schema::{
    Attribute, AttributeConstraint, AttributeType, Block, Description, Schema,
};
use tf_provider::value::{Value, ValueEmpty};
use tf_provider::{AttributePath, Diagnostics, Resource};

use crate::naming::default_port;
use crate::provider::{check_region, Shared};

/// One resource type of the stand-in.
pub trait Kind: Send + Sync + 'static {
    type State: Serialize + DeserializeOwned + Send + Sync;

    fn schema() -> Schema;

    /// The resource's own `region` (AWS provider 6 adds one to every regional resource).
    fn region(state: &mut Self::State) -> &mut Value<String>;

    /// Checks of the known values of a configuration (or of a plan, where more are known).
    fn validate(state: &Self::State, diags: &mut Diagnostics);

    /// Plan of a creation: the unset values AWS computes, and every computed output, unknown.
    fn plan_unknowns(state: &mut Self::State);

    /// The arguments whose change from `prior` replaces the resource (ForceNew in the real
    /// provider).
    fn replaced_by(prior: &Self::State, planned: &Self::State) -> Vec<&'static str>;

    /// The computed outputs made unknown by an in-place change from `prior`.
    fn plan_update_unknowns(prior: &Self::State, planned: &mut Self::State);

    /// Apply: every unknown value made known, for a resource in `region`.
    fn resolve(state: &mut Self::State, region: &str, diags: &mut Diagnostics) -> Option<()>;
}

/// A [`Kind`] served over the plugin protocol.
pub struct StandinResource<K> {
    shared: Arc<Shared>,
    kind: PhantomData<K>,
}

impl<K> StandinResource<K> {
    pub fn new(shared: Arc<Shared>) -> Self {
        StandinResource {
            shared,
            kind: PhantomData,
        }
    }

    /// The resource's Region (set on it, else the provider block's), written into `state`.
    fn resolve_region(
        &self,
        region: &mut Value<String>,
        diags: &mut Diagnostics,
    ) -> Option<String> {
        if let Value::Value(r) = region {
            return Some(r.clone());
        }
        match self.shared.region() {
            Some(r) => {
                *region = Value::Value(r.to_string());
                Some(r.to_string())
            }
            None => {
                diags.error(
                    "No AWS Region",
                    "The resource sets no `region` and neither does its provider block: set `region` in `provider \"aws\"` (or on the resource).",
                    AttributePath::new("region"),
                );
                None
            }
        }
    }
}

#[async_trait]
impl<K: Kind> Resource for StandinResource<K> {
    type State<'a> = K::State;
    type PrivateState<'a> = ValueEmpty;
    type ProviderMetaState<'a> = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(K::schema())
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, mut config: K::State) -> Option<()> {
        check_region(diags, K::region(&mut config));
        K::validate(&config, diags);
        Some(())
    }

    async fn read<'a>(
        &self,
        _diags: &mut Diagnostics,
        state: K::State,
        private_state: ValueEmpty,
        _provider_meta_state: ValueEmpty,
    ) -> Option<(K::State, ValueEmpty)> {
        // Nothing exists outside the state: it is the truth.
        Some((state, private_state))
    }

    async fn plan_create<'a>(
        &self,
        diags: &mut Diagnostics,
        mut proposed_state: K::State,
        _config_state: K::State,
        _provider_meta_state: ValueEmpty,
    ) -> Option<(K::State, ValueEmpty)> {
        check_region(diags, K::region(&mut proposed_state));
        K::validate(&proposed_state, diags);
        K::plan_unknowns(&mut proposed_state);
        Some((proposed_state, ValueEmpty::Null))
    }

    async fn plan_update<'a>(
        &self,
        diags: &mut Diagnostics,
        prior_state: K::State,
        mut proposed_state: K::State,
        _config_state: K::State,
        _prior_private_state: ValueEmpty,
        _provider_meta_state: ValueEmpty,
    ) -> Option<(K::State, ValueEmpty, Vec<AttributePath>)> {
        check_region(diags, K::region(&mut proposed_state));
        K::validate(&proposed_state, diags);
        // On a replacement Terraform plans the creation again, from no prior state.
        let replaced_by: Vec<AttributePath> = K::replaced_by(&prior_state, &proposed_state)
            .into_iter()
            .map(AttributePath::new)
            .collect();
        if replaced_by.is_empty() {
            K::plan_update_unknowns(&prior_state, &mut proposed_state);
        }
        Some((proposed_state, ValueEmpty::Null, replaced_by))
    }

    async fn plan_destroy<'a>(
        &self,
        _diags: &mut Diagnostics,
        _prior_state: K::State,
        _prior_private_state: ValueEmpty,
        _provider_meta_state: ValueEmpty,
    ) -> Option<ValueEmpty> {
        Some(ValueEmpty::Null)
    }

    async fn create<'a>(
        &self,
        diags: &mut Diagnostics,
        mut planned_state: K::State,
        _config_state: K::State,
        _planned_private_state: ValueEmpty,
        _provider_meta_state: ValueEmpty,
    ) -> Option<(K::State, ValueEmpty)> {
        let region = self.resolve_region(K::region(&mut planned_state), diags)?;
        K::resolve(&mut planned_state, &region, diags)?;
        Some((planned_state, ValueEmpty::Null))
    }

    async fn update<'a>(
        &self,
        diags: &mut Diagnostics,
        _prior_state: K::State,
        mut planned_state: K::State,
        _config_state: K::State,
        _planned_private_state: ValueEmpty,
        _provider_meta_state: ValueEmpty,
    ) -> Option<(K::State, ValueEmpty)> {
        let region = self.resolve_region(K::region(&mut planned_state), diags)?;
        K::resolve(&mut planned_state, &region, diags)?;
        Some((planned_state, ValueEmpty::Null))
    }

    async fn destroy<'a>(
        &self,
        _diags: &mut Diagnostics,
        _prior_state: K::State,
        _planned_private_state: ValueEmpty,
        _provider_meta_state: ValueEmpty,
    ) -> Option<()> {
        Some(())
    }
}

// Schema builders, so each resource reads as a list of attributes.

fn attribute(attr_type: AttributeType, constraint: AttributeConstraint, doc: &str) -> Attribute {
    Attribute {
        attr_type,
        description: Description::markdown(doc),
        constraint,
        sensitive: false,
        deprecated: false,
    }
}

pub fn required(attr_type: AttributeType, doc: &str) -> Attribute {
    attribute(attr_type, AttributeConstraint::Required, doc)
}

pub fn optional(attr_type: AttributeType, doc: &str) -> Attribute {
    attribute(attr_type, AttributeConstraint::Optional, doc)
}

pub fn optional_computed(attr_type: AttributeType, doc: &str) -> Attribute {
    attribute(attr_type, AttributeConstraint::OptionalComputed, doc)
}

pub fn computed(attr_type: AttributeType, doc: &str) -> Attribute {
    attribute(attr_type, AttributeConstraint::Computed, doc)
}

pub fn schema(doc: &str, attributes: Vec<(&str, Attribute)>) -> Schema {
    Schema {
        version: 1,
        block: Block {
            version: 1,
            attributes: attributes
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
            description: Description::markdown(doc),
            ..Default::default()
        },
    }
}

pub const REGION_DOC: &str =
    "The Region of the resource; default: the provider block's `region` (AWS provider 6).";

// Plan and apply helpers shared by the kinds.

/// An unset value AWS computes: unknown until apply.
pub fn unknown_if_null<T>(value: &mut Value<T>) {
    if value.is_null() {
        *value = Value::Unknown;
    }
}

/// A value still unknown at apply: what AWS would compute.
pub fn resolve_with<T>(value: &mut Value<T>, compute: impl FnOnce() -> T) {
    if value.is_unknown() {
        *value = Value::Value(compute());
    }
}

/// A value still unknown at apply that the stand-in leaves unset (no CA chosen: the state says
/// so with null, where the real provider would read back AWS's default).
pub fn resolve_to_null<T>(value: &mut Value<T>) {
    if value.is_unknown() {
        *value = Value::Null;
    }
}

/// Whether two planned values differ, counting unknown as a change.
pub fn changed<T: PartialEq>(prior: &Value<T>, planned: &Value<T>) -> bool {
    planned.is_unknown() || prior != planned
}

/// An error on `engine` when it is known and the stand-in has no port for it.
pub fn check_engine(engine: &Value<String>, diags: &mut Diagnostics) {
    if let Value::Value(e) = engine {
        if let Err(problem) = default_port(e) {
            diags.error("Unsupported engine", problem, AttributePath::new("engine"));
        }
    }
}

/// The port: as planned, else the engine's default.
pub fn resolve_port(
    port: &mut Value<i64>,
    engine: &Value<String>,
    diags: &mut Diagnostics,
) -> Option<()> {
    if port.is_unknown() {
        match engine {
            Value::Value(e) => match default_port(e) {
                Ok(p) => *port = Value::Value(p),
                Err(problem) => {
                    diags.error("Unsupported engine", problem, AttributePath::new("engine"));
                    return None;
                }
            },
            _ => {
                diags.error(
                    "Missing engine",
                    "`engine` is required by the stand-in (it creates no replicas and restores no snapshots).",
                    AttributePath::new("engine"),
                );
                return None;
            }
        }
    }
    Some(())
}
