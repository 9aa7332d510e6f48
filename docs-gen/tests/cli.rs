//! The built `rdsca-docs` binary, run as the test command and a maintainer run it: `--help`, the
//! check against this checkout, bad arguments, and a copy of the checkout brought back in step.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rdsca-docs"))
        .args(args)
        .output()
        .expect("rdsca-docs runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A copy of what the generator reads and writes: docs/, examples/ and templates/.
fn checkout_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["docs", "examples", "templates"] {
        copy_dir(&workspace_root().join(sub), &dir.path().join(sub));
    }
    dir
}

#[test]
fn help_shows_examples_and_exit_statuses() {
    let o = run(&["--help"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let help = stdout(&o);
    for part in [
        "Usage: rdsca-docs [OPTIONS]",
        "--check",
        "--root <DIR>",
        "Examples:\n  cargo run -p rdsca-docs ",
        "Exit status:\n  0  ",
        "\n  1  docs/ differs (--check)",
        "\n  2  bad arguments",
    ] {
        assert!(help.contains(part), "no {part:?} in:\n{help}");
    }
}

#[test]
fn the_committed_docs_pass_the_check() {
    let o = run(&["--check"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "docs are up to date\n");
}

#[test]
fn bad_arguments_are_named_with_what_is_allowed() {
    let o = run(&["--chek"]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("unexpected argument '--chek'"), "{e}");
    assert!(e.contains("a similar argument exists: '--check'"), "{e}");
    assert!(o.stdout.is_empty());

    let missing = workspace_root().join("no-such-checkout");
    let o = run(&["--check", "--root", missing.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        format!(
            "error: --root {}: not a directory (give the checkout that holds docs/, examples/ and templates/)\n",
            missing.display()
        )
    );
}

#[test]
fn a_stale_checkout_fails_the_check_then_is_brought_back_in_step() {
    let dir = checkout_copy();
    let root = dir.path();
    let root_arg = root.to_str().unwrap();
    let bundle = root.join("docs/data-sources/bundle.md");
    let committed = std::fs::read_to_string(&bundle).unwrap();
    std::fs::write(&bundle, format!("{committed}\nedited by hand\n")).unwrap();
    std::fs::remove_file(root.join("docs/functions/bundle_url.md")).unwrap();
    std::fs::create_dir_all(root.join("docs/resources")).unwrap();
    std::fs::write(root.join("docs/resources/stray.md"), "# stray\n").unwrap();

    // --check changes nothing and names every difference.
    let o = run(&["--check", "--root", root_arg]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let e = stderr(&o);
    for line in [
        "missing: docs/functions/bundle_url.md",
        "unexpected: docs/resources/stray.md (no generator writes it",
        "stale: docs/data-sources/bundle.md",
        "error: docs/ does not match what the generators write; run `cargo run -p rdsca-docs` (and `cargo run -p rdsca-codegen -- docs` for docs/guides/regions.md) and commit the result",
    ] {
        assert!(e.contains(line), "no {line:?} in:\n{e}");
    }
    assert!(std::fs::read_to_string(&bundle)
        .unwrap()
        .ends_with("edited by hand\n"));
    assert!(root.join("docs/resources/stray.md").exists());

    // Without --check: written and removed, and then the check passes.
    let o = run(&["--root", root_arg]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let mut lines: Vec<String> = stdout(&o).lines().map(String::from).collect();
    lines.sort();
    assert_eq!(
        lines,
        [
            "removed docs/resources/stray.md",
            "wrote docs/data-sources/bundle.md",
            "wrote docs/functions/bundle_url.md",
        ]
    );
    assert_eq!(std::fs::read_to_string(&bundle).unwrap(), committed);
    assert_eq!(
        std::fs::read(root.join("docs/functions/bundle_url.md")).unwrap(),
        std::fs::read(workspace_root().join("docs/functions/bundle_url.md")).unwrap()
    );
    assert!(
        !root.join("docs/resources").exists(),
        "the emptied folder goes too"
    );
    let o = run(&["--check", "--root", root_arg]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn a_missing_page_of_another_generator_is_reported_not_written() {
    let dir = checkout_copy();
    let root = dir.path();
    std::fs::remove_file(root.join("docs/guides/regions.md")).unwrap();
    let o = run(&["--root", root.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "error: missing: docs/guides/regions.md (written by `cargo run -p rdsca-codegen -- docs`)\n"
    );
    assert!(!root.join("docs/guides/regions.md").exists());
}
