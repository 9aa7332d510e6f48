//! Registry-layout docs generated from the provider's own schema and the `examples/` files, the
//! way `tfplugindocs` does it for Go providers: `docs/index.md`, `docs/data-sources/<name>.md`
//! and `docs/functions/<name>.md`. Hand-written prose lives in `templates/`; a template may use
//! `{{schema}}`, `{{description}}`, `{{example}}` and `{{example:<path>}}`. Pages without a
//! template get the standard layout.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};

use tf_provider::schema::{
    Attribute, AttributeConstraint, AttributeType, FunctionSchema, Parameter, Schema, Type,
};
use tf_provider::{Diagnostics, DynamicProvider};

const PROVIDER: &str = "rdsca";
const BINARY: &str = "terraform-provider-rdsca";

/// One generated file: its path relative to the workspace root, and its text.
pub struct Page {
    pub path: PathBuf,
    pub text: String,
}

fn type_name(t: &AttributeType) -> String {
    match t {
        AttributeType::String => "String".into(),
        AttributeType::Number => "Number".into(),
        AttributeType::Bool => "Boolean".into(),
        AttributeType::List(inner) => format!("List of {}", type_name(inner)),
        AttributeType::Set(inner) => format!("Set of {}", type_name(inner)),
        AttributeType::Map(inner) => format!("Map of {}", type_name(inner)),
        AttributeType::Object(_) | AttributeType::AttributeSingle(_) => "Object".into(),
        AttributeType::AttributeList(_) => "List of Object".into(),
        AttributeType::AttributeSet(_) => "Set of Object".into(),
        AttributeType::AttributeMap(_) => "Map of Object".into(),
        AttributeType::Tuple(_) => "Tuple".into(),
        AttributeType::Any => "Dynamic".into(),
    }
}

fn fn_type_name(t: &Type) -> String {
    match t {
        Type::String => "string".into(),
        Type::Number => "number".into(),
        Type::Bool => "bool".into(),
        Type::List(i) => format!("list({})", fn_type_name(i)),
        Type::Set(i) => format!("set({})", fn_type_name(i)),
        Type::Map(i) => format!("map({})", fn_type_name(i)),
        Type::Object(_) => "object".into(),
        Type::Tuple(_) => "tuple".into(),
        Type::Any => "dynamic".into(),
    }
}

/// The `## Schema` section: Required, Optional, Read-Only, each sorted by name.
pub fn schema_markdown(schema: &Schema) -> String {
    let mut groups: BTreeMap<u8, Vec<(&String, &Attribute)>> = BTreeMap::new();
    for (name, attr) in &schema.block.attributes {
        let group = match attr.constraint {
            AttributeConstraint::Required => 0,
            AttributeConstraint::Optional | AttributeConstraint::OptionalComputed => 1,
            AttributeConstraint::Computed => 2,
        };
        groups.entry(group).or_default().push((name, attr));
    }
    let mut out = String::from("## Schema\n");
    for (group, mut attrs) in groups {
        attrs.sort_by_key(|(name, _)| name.as_str());
        let title = ["Required", "Optional", "Read-Only"][group as usize];
        let _ = write!(out, "\n### {title}\n\n");
        for (name, attr) in attrs {
            let _ = writeln!(
                out,
                "- `{name}` ({}) {}",
                type_name(&attr.attr_type),
                attr.description.content.trim()
            );
        }
    }
    out
}

fn read_example(root: &Path, rel: &str) -> Result<String, String> {
    std::fs::read_to_string(root.join(rel)).map_err(|e| format!("{rel}: {e}"))
}

fn example_block(root: &Path, rel: &str) -> Result<String, String> {
    Ok(format!(
        "```terraform\n{}\n```",
        read_example(root, rel)?.trim_end()
    ))
}

fn front_matter(title: &str, description: &str) -> String {
    let first = description.lines().next().unwrap_or("").trim();
    format!("---\npage_title: \"{title}\"\nsubcategory: \"\"\ndescription: |-\n  {first}\n---\n\n")
}

/// Applies a template: `{{schema}}`, `{{description}}`, `{{example}}`, `{{example:<path>}}`.
fn apply(
    root: &Path,
    template: &str,
    schema: &str,
    description: &str,
    example: Option<&str>,
) -> Result<String, String> {
    let mut out = template
        .replace("{{schema}}", schema)
        .replace("{{description}}", description);
    if let Some(rel) = example {
        if out.contains("{{example}}") {
            out = out.replace("{{example}}", &example_block(root, rel)?);
        }
    }
    while let Some(start) = out.find("{{example:") {
        let end = out[start..]
            .find("}}")
            .ok_or("unterminated {{example:...}} in a template")?
            + start;
        let rel = out[start + 10..end].trim().to_string();
        out.replace_range(start..end + 2, &example_block(root, &rel)?);
    }
    Ok(out)
}

fn template(root: &Path, rel: &str) -> Option<String> {
    std::fs::read_to_string(root.join("templates").join(rel)).ok()
}

fn function_markdown(name: &str, f: &FunctionSchema) -> (String, String) {
    let param = |p: &Parameter| format!("{} {}", p.name, fn_type_name(&p.param_type));
    let mut params: Vec<String> = f.parameters.iter().map(param).collect();
    if let Some(v) = &f.variadic {
        params.push(format!("{}...", param(v)));
    }
    let signature = format!(
        "## Signature\n\n```text\n{name}({}) {}\n```\n",
        params.join(", "),
        fn_type_name(&f.return_type)
    );
    let mut args = String::from("## Arguments\n\n");
    for p in &f.parameters {
        let _ = writeln!(
            args,
            "1. `{}` ({}) {}",
            p.name,
            fn_type_name(&p.param_type),
            p.description.content.trim()
        );
    }
    if let Some(v) = &f.variadic {
        let _ = writeln!(
            args,
            "1. `{}` (Variadic, {}) {}",
            v.name,
            fn_type_name(&v.param_type),
            v.description.content.trim()
        );
    }
    (signature, args)
}

/// Renders every generated page (not `docs/regions.md`, which `rdsca-codegen` writes).
pub fn render(root: &Path, provider: &dyn DynamicProvider) -> Result<Vec<Page>, String> {
    let mut diags = Diagnostics::default();
    let mut pages = Vec::new();

    let schema = provider
        .schema(&mut diags)
        .ok_or("the provider has no schema")?;
    let description = schema.block.description.content.clone();
    let index_template =
        template(root, "index.md.tmpl").ok_or("templates/index.md.tmpl is missing")?;
    let text = apply(
        root,
        &index_template,
        &schema_markdown(&schema),
        &description,
        Some("examples/provider/provider.tf"),
    )?;
    pages.push(Page {
        path: "docs/index.md".into(),
        text,
    });

    let mut data_sources: Vec<_> = provider
        .get_data_sources(&mut diags)
        .unwrap_or_default()
        .into_iter()
        .collect();
    data_sources.sort_by(|a, b| a.0.cmp(&b.0));
    for (short, ds) in data_sources {
        let name = format!("{PROVIDER}_{short}");
        let schema = ds
            .schema(&mut diags)
            .ok_or(format!("{name} has no schema"))?;
        let description = schema.block.description.content.trim().to_string();
        let example = format!("examples/data-sources/{name}/data-source.tf");
        let default = format!(
            "{}# {name} (Data Source)\n\n{{{{description}}}}\n\n## Example Usage\n\n{{{{example}}}}\n\n{{{{schema}}}}",
            front_matter(&format!("{name} Data Source - {BINARY}"), &description)
        );
        let tmpl = template(root, &format!("data-sources/{name}.md.tmpl")).unwrap_or(default);
        let text = apply(
            root,
            &tmpl,
            &schema_markdown(&schema),
            &description,
            Some(&example),
        )?;
        pages.push(Page {
            path: format!("docs/data-sources/{name}.md").into(),
            text,
        });
    }

    let mut functions: Vec<_> = provider
        .get_functions(&mut diags)
        .unwrap_or_default()
        .into_iter()
        .collect();
    functions.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, f) in functions {
        let schema = f
            .schema(&mut diags)
            .ok_or(format!("function {name} has no schema"))?;
        let description = schema.description.content.trim().to_string();
        let (signature, args) = function_markdown(&name, &schema);
        let text = format!(
            "{}# function: {name}\n\n{}\n\n## Example Usage\n\n{}\n\n{signature}\n{args}",
            front_matter(&format!("{name} function - {BINARY}"), &schema.summary),
            description,
            example_block(root, &format!("examples/functions/{name}/function.tf"))?
        );
        pages.push(Page {
            path: format!("docs/functions/{name}.md").into(),
            text,
        });
    }
    if !diags.errors.is_empty() {
        return Err(format!("schema errors: {:?}", diags.errors));
    }
    for p in &mut pages {
        if !p.text.ends_with('\n') {
            p.text.push('\n');
        }
    }
    Ok(pages)
}

/// Writes the pages, or with `check` reports which are stale. Returns the stale/written paths.
pub fn sync(
    root: &Path,
    provider: &dyn DynamicProvider,
    check: bool,
) -> Result<Vec<PathBuf>, String> {
    let mut changed = Vec::new();
    for page in render(root, provider)? {
        let path = root.join(&page.path);
        let current = std::fs::read_to_string(&path).ok();
        if current.as_deref() == Some(page.text.as_str()) {
            continue;
        }
        if !check {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            }
            std::fs::write(&path, &page.text).map_err(|e| format!("{}: {e}", path.display()))?;
        }
        changed.push(page.path);
    }
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::RdsCaProvider;

    fn root() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
    }

    #[test]
    fn committed_docs_are_current() {
        let provider = RdsCaProvider::default();
        let stale = sync(&root(), &provider, true).unwrap();
        assert!(
            stale.is_empty(),
            "stale docs: {stale:?}; run `cargo run -p terraform-provider-rdsca --bin rdsca-docs`"
        );
    }

    #[test]
    fn schema_sections_are_grouped_and_sorted() {
        let md = schema_markdown(&crate::data_sources::bundle::schema());
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
}
