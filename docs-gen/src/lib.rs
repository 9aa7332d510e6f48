//! rdsca-docs: the provider's Registry docs, generated from its own schema and the `examples/`
//! files, written exactly as HashiCorp's `terraform-plugin-docs` (`tfplugindocs generate`) writes
//! them for a Go provider, file for file.
//!
//! Owns: schema Markdown (tfplugindocs' `schemamd`), the template engine, page assembly and the
//! `docs/` layout check. Depends on the provider library only to obtain its schemas
//! ([`DynamicProvider`](rdsca::tf_provider::DynamicProvider)) and the nested object declarations
//! ([`rdsca::data_sources::nested_object_docs`]), both passed in explicitly. It must never be
//! linked into the plugin: the provider crate must not depend on this one (Cargo refuses the
//! cycle that would make).
//!
//! Pages:
//!
//! - `docs/index.md` from `templates/index.md.tmpl` (or the default provider page);
//! - `docs/data-sources/<name without "rdsca_">.md`, from `templates/data-sources/<name>.md.tmpl`
//!   or the default page, with the example files `examples/data-sources/rdsca_<name>/data-source*.tf`;
//! - `docs/functions/<name>.md`, likewise with `examples/functions/<name>/function*.tf`;
//! - `docs/guides/<file>` from `templates/guides/<file>[.tmpl]`.
//!
//! `docs/guides/regions.md` is written by `rdsca-codegen docs` (see [`EXTERNAL_PAGES`]).
//!
//! Templates ([`template`]) use tfplugindocs' Go-template syntax, limited to what a page needs:
//! fields (`{{ .Description }}`, `{{ .SchemaMarkdown }}`, ...), the functions `tffile`,
//! `codefile`, `trimspace`, `plainmarkdown`, `prefixlines`, `lower`, `upper`, trim markers and
//! comments. Anything else (`if`, `range`) is an error, never silently different output.
//!
//! The schema section ([`schema`]) follows tfplugindocs' `schemamd` rules: groups Required /
//! Optional / Read-Only sorted by name, `(Type)` as the Registry writes it, and a
//! `### Nested Schema for` section per object or nested attribute. The lists of objects the
//! provider declares in [`rdsca::data_sources::nested_object_docs`] (passed to [`render`] and
//! [`sync`] explicitly) are documented in their nested-attribute form (`(Attributes List)`, every
//! field with its type and description), after a check that each is the schema's attribute.
//!
//! Modules: [`schema`] (schema Markdown), [`markdown`] (plain text for front matter),
//! [`template`] (the template engine), [`pages`] (page assembly), [`layout`] (`docs/` kept in
//! step with the pages).

pub mod layout;
pub mod markdown;
pub mod pages;
pub mod schema;
pub mod template;

pub use layout::{layout_changes, present_layout, sync, Change, EXTERNAL_PAGES, MANAGED_DIRS};
pub use markdown::plain_markdown;
pub use pages::{render, Page};
pub use schema::{documented_block, schema_markdown};

/// The provider's short name (tfplugindocs' `ProviderShortName`), the resource type prefix.
pub(crate) const PROVIDER: &str = rdsca::provider::NAME;
/// tfplugindocs' `RenderedProviderName`, shown in page titles: the short name, as by default.
pub(crate) const RENDERED_PROVIDER_NAME: &str = PROVIDER;

/// The workspace root, where `docs/`, `examples/` and `templates/` are.
#[cfg(test)]
fn workspace_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}
