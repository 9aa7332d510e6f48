//! Generates the typed CA table (`$OUT_DIR/table.rs`) from `data/rds-ca.toml` and the RDS
//! certificates it names under `data/roots/` and `data/amazon-trust/`.
//! A data file that fails validation stops the build with every problem listed.

use std::path::PathBuf;

fn main() {
    let manifest = PathBuf::from(
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    );
    let data = manifest.join("..").join(rdsca_codegen::DATA_FILE);
    println!("cargo:rerun-if-changed={}", data.display());
    println!("cargo:rerun-if-changed=build.rs");

    let table = match rdsca_codegen::load(&data) {
        Ok(table) => table,
        Err(errors) => {
            for e in &errors {
                println!("cargo:warning={e}");
            }
            panic!(
                "{} has {} error(s):\n{}",
                data.display(),
                errors.len(),
                errors
                    .iter()
                    .map(|e| e.to_string())
                    .collect::<Vec<_>>()
                    .join("\n")
            );
        }
    };
    for p in table
        .partitions
        .iter()
        .filter_map(|p| p.certificates.as_ref())
    {
        let file = data
            .parent()
            .expect("the data file has a folder")
            .join(&p.file);
        println!("cargo:rerun-if-changed={}", file.display());
    }
    for root in &table.amazon_trust.roots {
        let file = data
            .parent()
            .expect("the data file has a folder")
            .join(&root.file);
        println!("cargo:rerun-if-changed={}", file.display());
    }
    let out =
        PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("table.rs");
    std::fs::write(&out, rdsca_codegen::rust::generate(&table))
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", out.display()));
}
