//! Writes the Registry docs from the provider's schema, examples/ and templates/, exactly as
//! terraform-plugin-docs would, and removes files in the managed layout that no generator
//! writes. `--check`: change nothing, fail when docs/ differs, file for file.

use std::path::PathBuf;
use std::process::ExitCode;

use rdsca::data_sources::nested_object_docs;
use rdsca::provider::RdsCaProvider;
use rdsca_docs::Change;

const REGENERATE: &str = "cargo run -p rdsca-docs";

fn main() -> ExitCode {
    let check = std::env::args().any(|a| a == "--check");
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let changes = match rdsca_docs::sync(
        &root,
        &RdsCaProvider::default(),
        &nested_object_docs(),
        check,
    ) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    if check {
        if changes.is_empty() {
            println!("docs are up to date");
            return ExitCode::SUCCESS;
        }
        for c in &changes {
            eprintln!("{c}");
        }
        eprintln!("error: docs/ does not match what the generators write; run `{REGENERATE}` (and `cargo run -p rdsca-codegen -- docs` for the guide) and commit the result");
        return ExitCode::FAILURE;
    }
    let mut ok = true;
    for c in &changes {
        match c {
            Change::Stale(p) | Change::Missing(p) => println!("wrote {}", p.display()),
            Change::Unexpected(p) => println!("removed {}", p.display()),
            Change::MissingExternal(..) => {
                eprintln!("error: {c}");
                ok = false;
            }
        }
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
