//! docs/regions.md as generated from the data file.

use std::path::Path;

fn doc() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    rdsca_codegen::markdown::regions_doc(
        &rdsca_codegen::load(&root.join(rdsca_codegen::DATA_FILE)).unwrap(),
    )
}

#[test]
fn one_row_per_region_with_a_mark_per_ca() {
    let doc = doc();
    let rows: Vec<&str> = doc
        .lines()
        .filter(|l| l.starts_with("| `") && l.contains("-bundle.pem") && !l.contains("/global/"))
        .collect();
    assert_eq!(rows.len(), 34);
    let mumbai = rows
        .iter()
        .find(|r| r.starts_with("| `ap-south-1`"))
        .unwrap();
    assert!(mumbai.ends_with("| ✓ | ✗ | ✗ |"), "{mumbai}");
    let virginia = rows
        .iter()
        .find(|r| r.starts_with("| `us-east-1`"))
        .unwrap();
    assert_eq!(
        *virginia,
        "| `us-east-1` | US East (N. Virginia) | `aws` | <https://truststore.pki.rds.amazonaws.com/us-east-1/us-east-1-bundle.pem> | <https://truststore.pki.rds.amazonaws.com/us-east-1/us-east-1-bundle.p7b> | ✓ | ✓ | ✓ |"
    );
}

#[test]
fn corrections_are_footnotes() {
    let doc = doc();
    let thailand = doc
        .lines()
        .find(|l| l.starts_with("| `ap-southeast-7`"))
        .unwrap();
    let marks: Vec<&str> = thailand
        .split("[^")
        .skip(1)
        .map(|s| s.split(']').next().unwrap())
        .collect();
    assert_eq!(marks.len(), 2, "{thailand}");
    for m in marks {
        let note = doc
            .lines()
            .find(|l| l.starts_with(&format!("[^{m}]: ")))
            .unwrap();
        assert!(note.contains("us-west-2/ap-southeast-7-bundle."), "{note}");
    }
}

#[test]
fn the_committed_file_is_current() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let committed = std::fs::read_to_string(root.join(rdsca_codegen::REGIONS_DOC)).unwrap();
    assert!(
        committed == doc(),
        "docs/regions.md is stale: run `cargo run -p rdsca-codegen -- docs`"
    );
}
