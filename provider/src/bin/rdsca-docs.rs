//! Writes the Registry docs from the provider's schema and examples/ (`--check`: fail when stale).

use std::path::PathBuf;
use std::process::ExitCode;

use rdsca::provider::RdsCaProvider;

fn main() -> ExitCode {
    let check = std::env::args().any(|a| a == "--check");
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    match rdsca::docs::sync(&root, &RdsCaProvider::default(), check) {
        Ok(changed) if check && !changed.is_empty() => {
            for p in &changed {
                eprintln!("stale: {}", p.display());
            }
            eprintln!("error: docs are stale; run `cargo run -p terraform-provider-rdsca --bin rdsca-docs` and commit the result");
            ExitCode::FAILURE
        }
        Ok(changed) => {
            for p in &changed {
                println!("wrote {}", p.display());
            }
            if check {
                println!("docs are up to date");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
