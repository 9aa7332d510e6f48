//! Small builders for tf-provider schemas, so each data source reads as a list of attributes.

use std::collections::HashMap;

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
pub fn computed_object_list(markdown: &str, fields: Vec<(&str, AttributeType, &str)>) -> Attribute {
    let mut doc = format!("{markdown} Each element has:\n");
    for (name, _, field_doc) in &fields {
        doc.push_str(&format!("\n  - `{name}`: {field_doc}"));
    }
    let object = fields
        .into_iter()
        .map(|(k, t, _)| (k.to_string(), t))
        .collect::<HashMap<_, _>>();
    computed(
        AttributeType::List(Box::new(AttributeType::Object(object))),
        &doc,
    )
}
