//! The `rdsca-docs` binary: writes the Registry docs from the provider's schema, examples/ and
//! templates/, exactly as terraform-plugin-docs would, and removes files in the managed layout
//! that no generator writes. `--check`: change nothing, fail when docs/ differs, file for file.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use rdsca::data_sources::nested_object_docs;
use rdsca::provider::RdsCaProvider;
use rdsca_docs::{Change, EXTERNAL_PAGES};

const REGENERATE: &str = "cargo run -p rdsca-docs";

/// Exit statuses, as `--help` documents them.
mod exit {
    pub const OK: u8 = 0;
    pub const DIFFERS: u8 = 1;
    /// clap's own status for a usage error (`Args::parse` exits with it).
    pub const BAD_ARGUMENTS: u8 = 2;
}

const AFTER_HELP: &str = "\
Examples:
  cargo run -p rdsca-docs                 write docs/ for the current schema, examples/ and templates/
  cargo run -p rdsca-docs -- --check      what the test command runs: fail when docs/ is stale
  rdsca-docs --check --root ../other-checkout

Pages: docs/index.md, docs/data-sources/*.md, docs/functions/*.md and docs/guides/* from
templates/guides/. docs/guides/regions.md is written by `cargo run -p rdsca-codegen -- docs`.
Without --check, stale and missing pages are written and files in the managed layout that no
generator writes are removed.

Exit status:
  0  docs/ matches what the generators write (--check), or was brought up to date
  1  docs/ differs (--check); a page cannot be generated; or a page another generator writes is
     missing
  2  bad arguments";

/// Writes the provider's Registry docs (docs/) from its schema, examples/ and templates/,
/// exactly as terraform-plugin-docs would.
#[derive(Parser)]
#[command(name = "rdsca-docs", version, after_help = AFTER_HELP)]
struct Args {
    /// Change nothing: list every stale, missing or unexpected file and fail if there is one.
    #[arg(long)]
    check: bool,
    /// The checkout holding docs/, examples/ and templates/ [default: the one this binary was
    /// built from]
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
}

fn main() -> ExitCode {
    // clap exits with 2 (BAD_ARGUMENTS) on a usage error, 0 (OK) after --help and --version.
    let args = Args::parse();
    let root = args
        .root
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join(".."));
    if !root.is_dir() {
        eprintln!(
            "error: --root {}: not a directory (give the checkout that holds docs/, examples/ and templates/)",
            root.display()
        );
        return ExitCode::from(exit::BAD_ARGUMENTS);
    }
    let changes = match rdsca_docs::sync(
        &root,
        &RdsCaProvider::default(),
        &nested_object_docs(),
        args.check,
    ) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(exit::DIFFERS);
        }
    };
    if args.check {
        if changes.is_empty() {
            println!("docs are up to date");
            return ExitCode::from(exit::OK);
        }
        for c in &changes {
            eprintln!("{c}");
        }
        let others: Vec<String> = EXTERNAL_PAGES
            .iter()
            .map(|(page, command)| format!(" (and `{command}` for {page})"))
            .collect();
        eprintln!(
            "error: docs/ does not match what the generators write; run `{REGENERATE}`{} and commit the result",
            others.concat()
        );
        return ExitCode::from(exit::DIFFERS);
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
    ExitCode::from(if ok { exit::OK } else { exit::DIFFERS })
}
