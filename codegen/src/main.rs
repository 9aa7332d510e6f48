//! `rdsca-codegen`: maintenance commands for the CA table.
//!
//!   rdsca-codegen check                 validate data/rds-ca.toml
//!   rdsca-codegen docs [--check]        write (or check) docs/guides/regions.md
//!   rdsca-codegen diff-page PAGE        compare a copy of the AWS page with the data file
//!   rdsca-codegen diff-bundle FILE...   compare real bundles (PEM or PKCS#7) with the table and
//!                                       its compiled-in certificates
//!
//! `--root DIR` sets the workspace root (default: the current directory).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use rdsca_codegen::{bundle_diff, load, markdown, page, Table, DATA_FILE, REGIONS_DOC};

const USAGE: &str =
    "usage: rdsca-codegen [--root DIR] <check | docs [--check] | diff-page PAGE | diff-bundle FILE...>";

fn load_or_report(root: &Path) -> Option<Table> {
    match load(&root.join(DATA_FILE)) {
        Ok(t) => Some(t),
        Err(errors) => {
            for e in errors {
                eprintln!("error: {e}");
            }
            None
        }
    }
}

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut root = PathBuf::from(".");
    if let Some(i) = args.iter().position(|a| a == "--root") {
        if i + 1 >= args.len() {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
        root = PathBuf::from(args.remove(i + 1));
        args.remove(i);
    }
    let Some(table) = load_or_report(&root) else {
        return ExitCode::FAILURE;
    };
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["check"] => {
            println!(
                "{DATA_FILE}: {} partitions, {} CAs, {} regions: ok",
                table.partitions.len(),
                table.cas.len(),
                table.regions.len()
            );
            ExitCode::SUCCESS
        }
        ["docs"] => {
            let path = root.join(REGIONS_DOC);
            if let Err(e) = std::fs::create_dir_all(path.parent().expect("docs path has a parent"))
                .and_then(|_| std::fs::write(&path, markdown::regions_doc(&table)))
            {
                eprintln!("error: cannot write {}: {e}", path.display());
                return ExitCode::FAILURE;
            }
            println!("wrote {}", path.display());
            ExitCode::SUCCESS
        }
        ["docs", "--check"] => {
            let path = root.join(REGIONS_DOC);
            let want = markdown::regions_doc(&table);
            match std::fs::read_to_string(&path) {
                Ok(have) if have == want => {
                    println!("{REGIONS_DOC} is up to date");
                    ExitCode::SUCCESS
                }
                Ok(_) => {
                    eprintln!("error: {REGIONS_DOC} is stale: run `cargo run -p rdsca-codegen -- docs` and commit the result");
                    ExitCode::FAILURE
                }
                Err(e) => {
                    eprintln!(
                        "error: cannot read {}: {e}; run `cargo run -p rdsca-codegen -- docs`",
                        path.display()
                    );
                    ExitCode::FAILURE
                }
            }
        }
        ["diff-page", file] => {
            let text = match std::fs::read(file) {
                Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
                Err(e) => {
                    eprintln!("error: cannot read {file}: {e}");
                    return ExitCode::FAILURE;
                }
            };
            let parsed = page::parse(&text);
            if parsed.rows.is_empty() {
                eprintln!("error: {file} has no bundle table (rows of `Region | [x-bundle.pem](url) | [x-bundle.p7b](url)`)");
                return ExitCode::FAILURE;
            }
            let diffs = page::diff(&table, &parsed);
            let new = diffs.iter().filter(|d| !d.is_known()).count();
            for d in &diffs {
                println!("{d}");
            }
            println!(
                "{} regions on the page, {} in the data file; {} known differences, {} new differences",
                parsed.rows.iter().filter(|r| r.code != "global").count(),
                table.regions.len(),
                diffs.len() - new,
                new
            );
            if new == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        ["diff-bundle", files @ ..] if !files.is_empty() => {
            // Exit 0 only when every file matches the table (special sets and older generations
            // are listed apart, not differences).
            let mut clean = true;
            for file in files {
                let bytes = match std::fs::read(file) {
                    Ok(b) => b,
                    Err(e) => {
                        eprintln!("error: cannot read {file}: {e}");
                        clean = false;
                        continue;
                    }
                };
                let report = match bundle_diff::diff(&table, &bytes, file) {
                    Ok(r) => r,
                    Err(e) => {
                        eprintln!("error: {e}");
                        clean = false;
                        continue;
                    }
                };
                for d in &report.differences {
                    println!("{d}");
                }
                for line in report.special_lines() {
                    println!("{line}");
                }
                println!("{}", report.summary(file));
                clean &= report.differences.is_empty();
            }
            if clean {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}
