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

/// One field of a nested object: name, type and description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectField {
    pub name: &'static str,
    pub attr_type: AttributeType,
    pub description: &'static str,
}

/// A computed list of objects, declared once: the schema's attribute ([`ObjectList::attribute`])
/// and its documented form ([`ObjectList::documented`]) both derive from this declaration.
///
/// tf-provider 0.2 sends nested attribute types with both `type` and `nested_type` set, which
/// Terraform rejects ("Type and NestedType cannot both be set"), so lists of objects go on the
/// wire as plain `list(object({...}))` carrying the fields' docs in the attribute's description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectList {
    pub description: &'static str,
    pub fields: Vec<ObjectField>,
}

impl ObjectList {
    pub fn new(
        description: &'static str,
        fields: Vec<(&'static str, AttributeType, &'static str)>,
    ) -> Self {
        ObjectList {
            description,
            fields: fields
                .into_iter()
                .map(|(name, attr_type, description)| ObjectField {
                    name,
                    attr_type,
                    description,
                })
                .collect(),
        }
    }

    /// The schema attribute: a computed `list(object)`, its fields listed in the description.
    pub fn attribute(&self) -> Attribute {
        let mut doc = format!("{} Each element has:\n", self.description);
        for field in &self.fields {
            doc.push_str(&format!("\n  - `{}`: {}", field.name, field.description));
        }
        let object = self
            .fields
            .iter()
            .map(|f| (f.name.to_string(), f.attr_type.clone()))
            .collect::<HashMap<_, _>>();
        computed(
            AttributeType::List(Box::new(AttributeType::Object(object))),
            &doc,
        )
    }

    /// The same attribute as nested attributes (`AttributeList`): its description without the
    /// field list, each field a computed attribute with its own description. This is the schema
    /// a provider with working nested attribute types would send, and what the Registry docs
    /// describe.
    pub fn documented(&self) -> Attribute {
        computed(
            AttributeType::AttributeList(
                self.fields
                    .iter()
                    .map(|f| {
                        (
                            f.name.to_string(),
                            computed(f.attr_type.clone(), f.description),
                        )
                    })
                    .collect(),
            ),
            self.description,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_object_list_is_a_list_of_object_on_the_wire_and_nested_attributes_in_the_docs() {
        let things = ObjectList::new(
            "Things.",
            vec![
                ("name", AttributeType::String, "The name."),
                ("tags", strings(), "Its tags."),
            ],
        );
        // On the wire: a plain list(object) documented in its description.
        let wire = things.attribute();
        let AttributeType::List(inner) = &wire.attr_type else {
            panic!("{wire:?}");
        };
        let AttributeType::Object(object) = &**inner else {
            panic!("{wire:?}");
        };
        assert_eq!(object["name"], AttributeType::String);
        assert_eq!(object["tags"], strings());
        assert_eq!(object.len(), 2);
        assert_eq!(wire.constraint, AttributeConstraint::Computed);
        assert_eq!(
            wire.description.content,
            "Things. Each element has:\n\n  - `name`: The name.\n  - `tags`: Its tags."
        );
        // For the docs: the same list as nested attributes, each field with its own docs.
        let documented = things.documented();
        assert_eq!(documented.description.content, "Things.");
        assert_eq!(documented.constraint, AttributeConstraint::Computed);
        let AttributeType::AttributeList(fields) = &documented.attr_type else {
            panic!("{documented:?}");
        };
        assert_eq!(fields["name"], computed(AttributeType::String, "The name."));
        assert_eq!(fields["tags"], computed(strings(), "Its tags."));
        assert_eq!(fields.len(), 2);
    }
}
