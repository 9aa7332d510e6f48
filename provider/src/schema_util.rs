//! Small builders for tf-provider schemas, so each data source reads as a list of attributes.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use tf_provider::schema::{
    Attribute, AttributeConstraint, AttributeType, Block, Description, Schema,
};

pub fn attribute(
    attr_type: AttributeType,
    constraint: AttributeConstraint,
    markdown: &str,
) -> Attribute {
    Attribute {
        attr_type,
        description: Description::markdown(markdown),
        constraint,
        sensitive: false,
        deprecated: false,
    }
}

pub fn optional(attr_type: AttributeType, markdown: &str) -> Attribute {
    attribute(attr_type, AttributeConstraint::Optional, markdown)
}

pub fn optional_computed(attr_type: AttributeType, markdown: &str) -> Attribute {
    attribute(attr_type, AttributeConstraint::OptionalComputed, markdown)
}

pub fn computed(attr_type: AttributeType, markdown: &str) -> Attribute {
    attribute(attr_type, AttributeConstraint::Computed, markdown)
}

/// The same attribute, marked deprecated (Terraform warns where a configuration sets it).
pub fn deprecated(attribute: Attribute) -> Attribute {
    Attribute {
        deprecated: true,
        ..attribute
    }
}

/// The same attribute, marked sensitive (redacted in plans and logs).
pub fn sensitive(attribute: Attribute) -> Attribute {
    Attribute {
        sensitive: true,
        ..attribute
    }
}

pub fn strings() -> AttributeType {
    AttributeType::List(Box::new(AttributeType::String))
}

pub fn block(markdown: &str, attributes: Vec<(&str, Attribute)>) -> Schema {
    Schema {
        version: 1,
        block: Block {
            version: 1,
            attributes: attributes
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect::<HashMap<_, _>>(),
            description: Description::markdown(markdown),
            ..Default::default()
        },
    }
}

/// A computed list of objects, documented field by field in the description.
///
/// tf-provider 0.2 sends nested attribute types with both `type` and `nested_type` set, which
/// Terraform rejects ("Type and NestedType cannot both be set"), so lists of objects use the
/// plain `list(object({...}))` type and carry the fields' docs in the attribute's description.
/// The docs generator gets the fields' docs in a structured form from [`nested_docs`].
pub fn computed_object_list(markdown: &str, fields: Vec<(&str, AttributeType, &str)>) -> Attribute {
    let mut doc = format!("{markdown} Each element has:\n");
    for (name, _, field_doc) in &fields {
        doc.push_str(&format!("\n  - `{name}`: {field_doc}"));
    }
    let documented = computed(
        AttributeType::AttributeList(
            fields
                .iter()
                .map(|(k, t, d)| (k.to_string(), computed(t.clone(), d)))
                .collect(),
        ),
        markdown,
    );
    let object = fields
        .into_iter()
        .map(|(k, t, _)| (k.to_string(), t))
        .collect::<HashMap<_, _>>();
    let attribute = computed(
        AttributeType::List(Box::new(AttributeType::Object(object))),
        &doc,
    );
    let mut registry = nested_registry().lock().unwrap_or_else(|e| e.into_inner());
    let entries = registry.entry(doc).or_default();
    if !entries.iter().any(|(wire, _)| wire == &attribute) {
        entries.push((attribute.clone(), documented));
    }
    attribute
}

/// Wire attribute -> its documented form, keyed by the wire description.
type NestedRegistry = HashMap<String, Vec<(Attribute, Attribute)>>;

fn nested_registry() -> &'static Mutex<NestedRegistry> {
    static REGISTRY: OnceLock<Mutex<NestedRegistry>> = OnceLock::new();
    REGISTRY.get_or_init(Default::default)
}

/// The documented form of an attribute built by [`computed_object_list`]: the same attribute as
/// nested attributes (`AttributeList`), its description without the field list, and each field
/// a computed attribute with its own description. This is the schema a provider with working
/// nested attribute types would send, and what the Registry docs describe. `None` for any
/// other attribute (including one not built in this process).
pub fn nested_docs(attribute: &Attribute) -> Option<Attribute> {
    let registry = nested_registry().lock().unwrap_or_else(|e| e.into_inner());
    registry
        .get(&attribute.description.content)?
        .iter()
        .find(|(wire, _)| wire == attribute)
        .map(|(_, documented)| documented.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_lists_keep_their_field_docs_for_the_docs_generator() {
        let wire = computed_object_list(
            "Things.",
            vec![
                ("name", AttributeType::String, "The name."),
                ("tags", strings(), "Its tags."),
            ],
        );
        // On the wire: a plain list(object) documented in its description.
        assert!(
            matches!(&wire.attr_type, AttributeType::List(inner) if matches!(**inner, AttributeType::Object(_)))
        );
        assert!(wire.description.content.contains("\n  - `name`: The name."));
        // For the docs: the same list as nested attributes, each field with its own docs.
        let documented = nested_docs(&wire).unwrap();
        assert_eq!(documented.description.content, "Things.");
        assert_eq!(documented.constraint, AttributeConstraint::Computed);
        let AttributeType::AttributeList(fields) = &documented.attr_type else {
            panic!("{documented:?}");
        };
        assert_eq!(fields["name"], computed(AttributeType::String, "The name."));
        assert_eq!(fields["tags"], computed(strings(), "Its tags."));
        // Another attribute with the same description but another type is not mistaken for it.
        let other = computed(AttributeType::String, &wire.description.content);
        assert_eq!(nested_docs(&other), None);
    }
}
