//! The `## Schema` section of a page, by tfplugindocs' `schemamd` rules, and the block a data
//! source's page describes (its lists of objects in their documented, nested-attribute form).

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

use rdsca::data_sources::NestedObject;
use rdsca::tf_provider::schema::{Attribute, AttributeConstraint, AttributeType, Block, Type};

use crate::PROVIDER;

// ---------------------------------------------------------------------------------------------
// Types, as tfplugindocs and cty write them

/// Whose words a type is written in; both write a type the same way otherwise.
#[derive(Clone, Copy)]
enum Words {
    /// tfplugindocs' `schemamd.WriteType`: `List of String`.
    Schemamd,
    /// cty's `FriendlyName`: `list of string`.
    Cty,
}

/// `t` in `words`: its kind's word, and after a collection's word, "of" and its element.
fn written(t: &Type, words: Words) -> String {
    let (schemamd, cty) = match t {
        Type::String => ("String", "string"),
        Type::Number => ("Number", "number"),
        Type::Bool => ("Boolean", "bool"),
        Type::List(_) => ("List", "list"),
        Type::Set(_) => ("Set", "set"),
        Type::Map(_) => ("Map", "map"),
        Type::Object(_) => ("Object", "object"),
        Type::Tuple(_) => ("Tuple", "tuple"),
        Type::Any => ("Dynamic", "dynamic"),
    };
    let word = match words {
        Words::Schemamd => schemamd,
        Words::Cty => cty,
    };
    match t {
        Type::List(element) | Type::Set(element) | Type::Map(element) => {
            format!("{word} of {}", written(element, words))
        }
        _ => word.into(),
    }
}

/// `schemamd.WriteType`: the type of a function argument, or of an attribute's values.
pub(crate) fn type_name(t: &Type) -> String {
    written(t, Words::Schemamd)
}

/// cty's `FriendlyName`, used in function signatures.
pub(crate) fn friendly_name(t: &Type) -> String {
    written(t, Words::Cty)
}

/// An attribute's type as tfplugindocs writes it: nested attributes by their nesting, any other
/// attribute by the type of its values.
fn attribute_type_name(t: &AttributeType) -> String {
    match t {
        AttributeType::AttributeSingle(_) => "Attributes".into(),
        AttributeType::AttributeList(_) => "Attributes List".into(),
        AttributeType::AttributeSet(_) => "Attributes Set".into(),
        AttributeType::AttributeMap(_) => "Attributes Map".into(),
        _ => type_name(&value_type(t)),
    }
}

/// The type of an attribute's values, as tf-provider sends it to Terraform: nested attributes
/// are objects (or collections of objects) of their attributes' value types.
fn value_type(t: &AttributeType) -> Type {
    let object = |attributes: &HashMap<String, Attribute>| {
        Type::Object(
            attributes
                .iter()
                .map(|(name, a)| (name.clone(), value_type(&a.attr_type)))
                .collect(),
        )
    };
    match t {
        AttributeType::String => Type::String,
        AttributeType::Number => Type::Number,
        AttributeType::Bool => Type::Bool,
        AttributeType::List(element) => Type::List(Box::new(value_type(element))),
        AttributeType::Set(element) => Type::Set(Box::new(value_type(element))),
        AttributeType::Map(element) => Type::Map(Box::new(value_type(element))),
        AttributeType::Object(fields) => Type::Object(
            fields
                .iter()
                .map(|(name, t)| (name.clone(), value_type(t)))
                .collect(),
        ),
        AttributeType::Tuple(elements) => Type::Tuple(elements.iter().map(value_type).collect()),
        AttributeType::Any => Type::Any,
        AttributeType::AttributeSingle(a) => object(a),
        AttributeType::AttributeList(a) => Type::List(Box::new(object(a))),
        AttributeType::AttributeSet(a) => Type::Set(Box::new(object(a))),
        AttributeType::AttributeMap(a) => Type::Map(Box::new(object(a))),
    }
}

// ---------------------------------------------------------------------------------------------
// The schema section (tfplugindocs' schemamd)

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Group {
    Required,
    Optional,
    ReadOnly,
}

impl Group {
    fn of(attr: &Attribute) -> Group {
        match attr.constraint {
            AttributeConstraint::Required => Group::Required,
            AttributeConstraint::Optional | AttributeConstraint::OptionalComputed => {
                Group::Optional
            }
            AttributeConstraint::Computed => Group::ReadOnly,
        }
    }

    fn top_level_title(self) -> &'static str {
        ["### Required", "### Optional", "### Read-Only"][self as usize]
    }

    fn nested_title(self) -> &'static str {
        ["Required:", "Optional:", "Read-Only:"][self as usize]
    }
}

enum NestedKind {
    Attributes(BTreeMap<String, Attribute>),
    Object(BTreeMap<String, AttributeType>),
}

struct Nested {
    anchor: String,
    path: Vec<String>,
    kind: NestedKind,
    group: Group,
}

fn sorted<T: Clone>(map: &HashMap<String, T>) -> BTreeMap<String, T> {
    map.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
}

fn nested_attributes(t: &AttributeType) -> Option<BTreeMap<String, Attribute>> {
    match t {
        AttributeType::AttributeSingle(a)
        | AttributeType::AttributeList(a)
        | AttributeType::AttributeSet(a)
        | AttributeType::AttributeMap(a) => Some(sorted(a)),
        _ => None,
    }
}

/// The object type of an attribute that is an object or a collection of objects.
fn object_fields(t: &AttributeType) -> Option<BTreeMap<String, AttributeType>> {
    match t {
        AttributeType::Object(o) => Some(sorted(o)),
        AttributeType::List(i) | AttributeType::Set(i) | AttributeType::Map(i) => match &**i {
            AttributeType::Object(o) => Some(sorted(o)),
            _ => None,
        },
        _ => None,
    }
}

fn write_attribute(
    out: &mut String,
    path: &[String],
    attr: &Attribute,
    group: Group,
) -> Result<Vec<Nested>, String> {
    let name = path.last().expect("an attribute path is never empty");
    if matches!(attr.attr_type, AttributeType::Tuple(_)) {
        return Err(format!(
            "{name}: tuples are not supported (nor by tfplugindocs)"
        ));
    }
    let _ = write!(out, "- `{name}` ({}", attribute_type_name(&attr.attr_type));
    if attr.sensitive {
        out.push_str(", Sensitive");
    }
    if attr.deprecated {
        out.push_str(", Deprecated");
    }
    out.push(')');
    let description = attr.description.content.trim();
    if !description.is_empty() {
        let _ = write!(out, " {description}");
    }
    let anchor = format!("nestedatt--{}", path.join("--"));
    let kind = nested_attributes(&attr.attr_type)
        .map(NestedKind::Attributes)
        .or_else(|| object_fields(&attr.attr_type).map(NestedKind::Object));
    let mut nested = Vec::new();
    if let Some(kind) = kind {
        let _ = write!(out, " (see [below for nested schema](#{anchor}))");
        nested.push(Nested {
            anchor,
            path: path.to_vec(),
            kind,
            group,
        });
    }
    out.push('\n');
    Ok(nested)
}

/// `writeBlockChildren` (root) and `writeNestedAttributeChildren` (nested).
fn write_attributes(
    out: &mut String,
    parents: &[String],
    attributes: &BTreeMap<String, Attribute>,
) -> Result<(), String> {
    let root = parents.is_empty();
    let mut groups: BTreeMap<Group, Vec<(String, Attribute)>> = BTreeMap::new();
    for (name, attr) in attributes {
        let mut attr = attr.clone();
        // tfplugindocs: a root `id` without a description is Read-Only, "The ID of this resource."
        let group =
            if root && name.eq_ignore_ascii_case("id") && attr.description.content.is_empty() {
                attr.description.content = "The ID of this resource.".into();
                Group::ReadOnly
            } else {
                Group::of(&attr)
            };
        groups.entry(group).or_default().push((name.clone(), attr));
    }
    let mut nested = Vec::new();
    for (group, attrs) in groups {
        let title = if root {
            group.top_level_title()
        } else {
            group.nested_title()
        };
        let _ = write!(out, "{title}\n\n");
        for (name, attr) in attrs {
            let mut path = parents.to_vec();
            path.push(name);
            nested.extend(write_attribute(out, &path, &attr, group)?);
        }
        out.push('\n');
    }
    write_nested(out, nested)
}

/// `writeObjectChildren`: an object type's fields, with types only (an object type has no docs).
fn write_object(
    out: &mut String,
    parents: &[String],
    fields: &BTreeMap<String, AttributeType>,
    group: Group,
) -> Result<(), String> {
    let _ = write!(out, "{}\n\n", group.nested_title());
    let mut nested = Vec::new();
    for (name, t) in fields {
        if matches!(t, AttributeType::Tuple(_)) {
            return Err(format!(
                "{name}: tuples are not supported (nor by tfplugindocs)"
            ));
        }
        let mut path = parents.to_vec();
        path.push(name.clone());
        let _ = write!(out, "- `{name}` ({})", attribute_type_name(t));
        if let Some(object) = object_fields(t) {
            let anchor = format!("nestedobjatt--{}", path.join("--"));
            let _ = write!(out, " (see [below for nested schema](#{anchor}))");
            nested.push(Nested {
                anchor,
                path,
                kind: NestedKind::Object(object),
                group,
            });
        }
        out.push('\n');
    }
    out.push('\n');
    write_nested(out, nested)
}

fn write_nested(out: &mut String, nested: Vec<Nested>) -> Result<(), String> {
    for n in nested {
        let _ = write!(
            out,
            "<a id=\"{}\"></a>\n### Nested Schema for `{}`\n\n",
            n.anchor,
            n.path.join(".")
        );
        match &n.kind {
            NestedKind::Attributes(attrs) => write_attributes(out, &n.path, attrs)?,
            NestedKind::Object(fields) => write_object(out, &n.path, fields, n.group)?,
        }
        out.push('\n');
    }
    Ok(())
}

/// A data source's block as its page describes it: each of its lists of objects in `nested`
/// replaced by its documented form. An entry whose attribute the block lacks, or whose wire form
/// differs from the block's attribute, is an error: the docs would describe another schema.
pub fn documented_block(
    data_source: &str,
    block: &Block,
    nested: &[NestedObject],
) -> Result<Block, String> {
    let mut block = block.clone();
    for n in nested.iter().filter(|n| n.data_source == data_source) {
        let attribute = block.attributes.get_mut(n.attribute).ok_or(format!(
            "{PROVIDER}_{data_source}: no attribute `{}` for its nested object docs",
            n.attribute
        ))?;
        if *attribute != n.object.attribute() {
            return Err(format!(
                "{PROVIDER}_{data_source}.{}: the schema's attribute is not the one its nested object docs declare",
                n.attribute
            ));
        }
        *attribute = n.object.documented();
    }
    Ok(block)
}

/// The `## Schema` section of a block, as tfplugindocs renders it (before its `trimspace`).
pub fn schema_markdown(block: &Block) -> Result<String, String> {
    if !block.blocks.is_empty() {
        return Err("nested blocks are not supported by the docs generator".into());
    }
    let mut out = String::from("## Schema\n\n");
    write_attributes(&mut out, &[], &sorted(&block.attributes))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rdsca::data_sources::nested_object_docs;

    fn bundle_schema() -> String {
        let block = documented_block(
            rdsca::data_sources::bundle::NAME,
            &rdsca::data_sources::bundle::schema().block,
            &nested_object_docs(),
        )
        .unwrap();
        schema_markdown(&block).unwrap()
    }

    #[test]
    fn schema_sections_are_grouped_and_sorted() {
        let md = bundle_schema();
        let optional = md.find("### Optional").unwrap();
        let read_only = md.find("### Read-Only").unwrap();
        assert!(optional < read_only);
        let region = md.find("- `region` (String)").unwrap();
        let partition = md.find("- `partition` (String)").unwrap();
        assert!(
            optional < partition && partition < region && region < read_only,
            "{md}"
        );
        assert!(md.contains("- `available_ca_identifiers` (List of String)"));
    }

    #[test]
    fn object_lists_get_a_nested_schema_section_with_field_docs() {
        let md = bundle_schema();
        assert!(
            md.contains("- `certificates` (Attributes List) The certificates of the trust material, in order: the RDS bundle's, in bundle order (`endpoint` `database` and `both`), then the Amazon Trust Services roots (`proxy` and `both`). (see [below for nested schema](#nestedatt--certificates))\n"),
            "{md}"
        );
        assert!(!md.contains("Each element has"), "{md}");
        let nested = md
            .split("<a id=\"nestedatt--certificates\"></a>\n### Nested Schema for `certificates`\n\nRead-Only:\n\n")
            .nth(1)
            .unwrap_or_else(|| panic!("no nested section: {md}"));
        let fields: Vec<&str> = nested.lines().take_while(|l| !l.is_empty()).collect();
        assert_eq!(fields.len(), 19, "{nested}");
        assert!(fields.iter().any(|f| f
            .starts_with("- `compiled_in` (Boolean) Whether the certificate is byte-identical")));
        let mut names: Vec<&str> = fields
            .iter()
            .map(|l| l.split('`').nth(1).unwrap())
            .collect();
        let in_order = names.clone();
        names.sort();
        assert_eq!(names, in_order, "fields are sorted by name");
        assert!(fields.contains(&"- `is_root` (Boolean) Whether it is self-signed (a root)."));
        assert!(fields.contains(
            &"- `key_size` (Number) Key size in bits (RSA modulus, or the EC curve size)."
        ));
        assert!(
            fields.contains(&"- `subject` (String) Subject DN, as `tls_certificate` prints it.")
        );
    }

    #[test]
    fn an_object_list_without_docs_is_rendered_as_tfplugindocs_renders_list_of_object() {
        let mut fields = std::collections::HashMap::new();
        fields.insert("b".to_string(), AttributeType::Number);
        fields.insert(
            "a".to_string(),
            AttributeType::List(Box::new(AttributeType::String)),
        );
        let block = Block {
            attributes: [(
                "things".to_string(),
                rdsca::schema_util::computed(
                    AttributeType::List(Box::new(AttributeType::Object(fields))),
                    "Things.",
                ),
            )]
            .into_iter()
            .collect(),
            ..Default::default()
        };
        assert_eq!(
            schema_markdown(&block).unwrap(),
            "## Schema\n\n### Read-Only\n\n- `things` (List of Object) Things. (see [below for nested schema](#nestedatt--things))\n\n\
             <a id=\"nestedatt--things\"></a>\n### Nested Schema for `things`\n\nRead-Only:\n\n- `a` (List of String)\n- `b` (Number)\n\n\n"
        );
    }

    #[test]
    fn a_nested_object_declaration_must_be_the_schemas_attribute() {
        let block = rdsca::data_sources::regions::schema().block;
        let regions = |nested: &[NestedObject]| {
            nested
                .iter()
                .position(|n| n.data_source == "regions")
                .unwrap()
        };

        let documented = documented_block("regions", &block, &nested_object_docs()).unwrap();
        assert!(
            matches!(
                &documented.attributes["regions"].attr_type,
                AttributeType::AttributeList(fields) if fields.len() == 8
            ),
            "{documented:?}"
        );
        assert_eq!(documented.attributes["codes"], block.attributes["codes"]);

        // A declaration other than the one the schema was built from: docs of another schema.
        let mut nested = nested_object_docs();
        let i = regions(&nested);
        nested[i].object.fields[0].description = "Changed.";
        assert_eq!(
            documented_block("regions", &block, &nested).unwrap_err(),
            "rdsca_regions.regions: the schema's attribute is not the one its nested object docs declare"
        );

        let mut nested = nested_object_docs();
        let i = regions(&nested);
        nested[i].attribute = "zones";
        assert_eq!(
            documented_block("regions", &block, &nested).unwrap_err(),
            "rdsca_regions: no attribute `zones` for its nested object docs"
        );
    }
}
