//! The managed layout of `docs/`: which files the generators write, and keeping `docs/` in step
//! with them (`--check` only reports; otherwise stale and missing pages are written and files no
//! generator writes removed).

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

use rdsca::data_sources::NestedObject;
use rdsca::tf_provider::DynamicProvider;

use crate::pages::render;

/// The subdirectories of `docs/` that tfplugindocs owns (it deletes and rewrites them): every
/// file in them must be one the generators write.
pub const MANAGED_DIRS: &[&str] = &[
    "data-sources",
    "guides",
    "resources",
    "functions",
    "ephemeral-resources",
    "actions",
    "list-resources",
    "state-stores",
];

/// Pages in the managed layout that another generator writes, with the command that does.
pub const EXTERNAL_PAGES: &[(&str, &str)] = &[(
    "docs/guides/regions.md",
    "cargo run -p rdsca-codegen -- docs",
)];

/// A difference between `docs/` and what the generators write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A generated page whose committed text differs.
    Stale(PathBuf),
    /// A page the generators write that `docs/` lacks.
    Missing(PathBuf),
    /// A page another generator writes (see [`EXTERNAL_PAGES`]) that `docs/` lacks.
    MissingExternal(PathBuf, &'static str),
    /// A file in the managed layout that no generator writes.
    Unexpected(PathBuf),
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Change::Stale(p) => write!(f, "stale: {}", p.display()),
            Change::Missing(p) => write!(f, "missing: {}", p.display()),
            Change::MissingExternal(p, cmd) => {
                write!(f, "missing: {} (written by `{cmd}`)", p.display())
            }
            Change::Unexpected(p) => write!(
                f,
                "unexpected: {} (no generator writes it: a Registry page must come from the schema or templates/)",
                p.display()
            ),
        }
    }
}

fn files_under(root: &Path, rel: &Path, out: &mut BTreeSet<PathBuf>) -> Result<(), String> {
    let entries = match std::fs::read_dir(root.join(rel)) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(format!("{}: {e}", rel.display())),
    };
    for entry in entries {
        let entry = entry.map_err(|e| format!("{}: {e}", rel.display()))?;
        let path = rel.join(entry.file_name());
        if entry
            .file_type()
            .map_err(|e| format!("{}: {e}", path.display()))?
            .is_dir()
        {
            files_under(root, &path, out)?;
        } else {
            out.insert(path);
        }
    }
    Ok(())
}

/// The files of the managed layout present under `root`: `docs/index.*` and everything in
/// the [`MANAGED_DIRS`], as paths relative to `root`.
pub fn present_layout(root: &Path) -> Result<BTreeSet<PathBuf>, String> {
    let mut present = BTreeSet::new();
    if let Ok(entries) = std::fs::read_dir(root.join("docs")) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with("index.") && entry.path().is_file() {
                present.insert(Path::new("docs").join(name));
            }
        }
    }
    for dir in MANAGED_DIRS {
        files_under(root, &Path::new("docs").join(dir), &mut present)?;
    }
    Ok(present)
}

/// Compares the managed layout under `root` with the pages the generators write: `expected`
/// (this generator's) and [`EXTERNAL_PAGES`]. Missing and unexpected files, sorted by path.
pub fn layout_changes(root: &Path, expected: &BTreeSet<PathBuf>) -> Result<Vec<Change>, String> {
    let present = present_layout(root)?;
    let mut changes = Vec::new();
    for path in expected {
        if !present.contains(path) {
            changes.push(Change::Missing(path.clone()));
        }
    }
    for (path, command) in EXTERNAL_PAGES {
        if !present.contains(Path::new(path)) {
            changes.push(Change::MissingExternal(path.into(), command));
        }
    }
    let external: BTreeSet<PathBuf> = EXTERNAL_PAGES.iter().map(|(p, _)| p.into()).collect();
    for path in present {
        if !expected.contains(&path) && !external.contains(&path) {
            changes.push(Change::Unexpected(path));
        }
    }
    Ok(changes)
}

/// Brings `docs/` to what the generators write, or with `check` only reports the differences:
/// stale pages, missing pages and files no generator writes. Without `check`, stale and missing
/// pages are written and unexpected files removed; a missing external page is only reported.
pub fn sync(
    root: &Path,
    provider: &dyn DynamicProvider,
    nested: &[NestedObject],
    check: bool,
) -> Result<Vec<Change>, String> {
    let pages = render(root, provider, nested)?;
    let expected: BTreeSet<PathBuf> = pages.iter().map(|p| p.path.clone()).collect();
    let mut changes = layout_changes(root, &expected)?;
    for page in &pages {
        let path = root.join(&page.path);
        match std::fs::read_to_string(&path) {
            Ok(current) if current == page.text => continue,
            Ok(_) => changes.push(Change::Stale(page.path.clone())),
            Err(_) => {} // reported as missing by the layout check
        }
        if !check {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            }
            std::fs::write(&path, &page.text).map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    if !check {
        for change in &changes {
            if let Change::Unexpected(p) = change {
                std::fs::remove_file(root.join(p)).map_err(|e| format!("{}: {e}", p.display()))?;
                if let Some(dir) = p.parent() {
                    let _ = std::fs::remove_dir(root.join(dir)); // only when now empty
                }
            }
        }
    }
    Ok(changes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace_root as root;
    use rdsca::data_sources::nested_object_docs;
    use rdsca::provider::RdsCaProvider;

    #[test]
    fn committed_docs_are_current() {
        let provider = RdsCaProvider::default();
        let changes = sync(&root(), &provider, &nested_object_docs(), true).unwrap();
        assert!(
            changes.is_empty(),
            "docs differ: {changes:?}; run `cargo run -p rdsca-docs`"
        );
    }

    #[test]
    fn the_external_guide_is_the_one_rdsca_codegen_writes() {
        assert!(EXTERNAL_PAGES
            .iter()
            .any(|(p, _)| *p == rdsca_codegen::REGIONS_DOC));
    }

    #[test]
    fn layout_check_reports_missing_and_unexpected_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let write = |rel: &str| {
            let p = root.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "x").unwrap();
        };
        write("docs/index.md");
        write("docs/data-sources/bundle.md");
        write("docs/data-sources/rdsca_bundle.md"); // the old, prefixed name
        write("docs/resources/nothing.md");
        write("docs/regions.md"); // outside the managed layout: not the check's business
        write("docs/performance.md");
        let expected: BTreeSet<PathBuf> = [
            "docs/index.md",
            "docs/data-sources/bundle.md",
            "docs/functions/bundle_url.md",
        ]
        .into_iter()
        .map(PathBuf::from)
        .collect();
        let changes = layout_changes(root, &expected).unwrap();
        assert_eq!(
            changes,
            vec![
                Change::Missing("docs/functions/bundle_url.md".into()),
                Change::MissingExternal(
                    "docs/guides/regions.md".into(),
                    "cargo run -p rdsca-codegen -- docs"
                ),
                Change::Unexpected("docs/data-sources/rdsca_bundle.md".into()),
                Change::Unexpected("docs/resources/nothing.md".into()),
            ]
        );
        assert!(changes[2]
            .to_string()
            .starts_with("unexpected: docs/data-sources/rdsca_bundle.md"));

        write("docs/functions/bundle_url.md");
        write("docs/guides/regions.md");
        std::fs::remove_file(root.join("docs/data-sources/rdsca_bundle.md")).unwrap();
        std::fs::remove_file(root.join("docs/resources/nothing.md")).unwrap();
        assert_eq!(layout_changes(root, &expected).unwrap(), vec![]);
    }
}
