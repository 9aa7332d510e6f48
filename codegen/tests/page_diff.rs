//! The page-diff command's logic on the seed copy of the AWS page, and on edited copies of it.

use std::path::{Path, PathBuf};

use rdsca_codegen::page::{diff, parse, Difference};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The copy of the AWS page the table was transcribed from (tests/fixtures/aws-page).
fn seed_path() -> PathBuf {
    root().join("tests/fixtures/aws-page/UsingWithRDS.SSL.2026-11-26.txt")
}

/// The seed page's text; its absence is a failure.
fn seed_page() -> String {
    let path = seed_path();
    let bytes = std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "the seed page {} is needed by this test: {e}",
            path.display()
        )
    });
    String::from_utf8_lossy(&bytes).into_owned()
}

fn table() -> rdsca_codegen::Table {
    rdsca_codegen::load(&root().join(rdsca_codegen::DATA_FILE)).unwrap()
}

/// The differences the data file does not already correct, as the command prints them.
fn new_differences(page: &str) -> Vec<String> {
    diff(&table(), &parse(page))
        .iter()
        .filter(|d| !d.is_known())
        .map(|d| d.to_string())
        .collect()
}

#[test]
fn the_seed_page_parses() {
    let page = parse(&seed_page());
    assert_eq!(page.rows.iter().filter(|r| r.code != "global").count(), 34);
    assert_eq!(page.rows.iter().filter(|r| r.code == "global").count(), 2);
    assert_eq!(
        page.all_cas,
        ["rds-ca-rsa2048-g1", "rds-ca-rsa4096-g1", "rds-ca-ecc384-g1"]
    );
    assert_eq!(page.limited_cas, ["rds-ca-rsa4096-g1", "rds-ca-ecc384-g1"]);
    assert_eq!(
        page.limited_regions,
        [
            "Asia Pacific (Mumbai)",
            "Asia Pacific (Melbourne)",
            "Canada West (Calgary)",
            "Europe (Zurich)",
            "Europe (Spain)",
            "Israel (Tel Aviv)"
        ]
    );
}

#[test]
fn the_seed_pages_known_errors_are_reported_not_adopted() {
    let diffs = diff(&table(), &parse(&seed_page()));
    let rendered: Vec<String> = diffs.iter().map(|d| d.to_string()).collect();
    assert_eq!(diffs.len(), 10, "{rendered:#?}");
    assert!(diffs.iter().all(Difference::is_known), "{rendered:#?}");
    assert_eq!(
        rendered[0],
        "= global bundle of aws-cn: not on the page; the data file has it from china-truststore-urls"
    );
    for code in [
        "ap-east-2",
        "ap-southeast-6",
        "cn-north-1",
        "cn-northwest-1",
    ] {
        assert!(
            rendered
                .iter()
                .any(|r| r.starts_with(&format!("= {code} ("))
                    && r.contains("not on the page; the data file has it from")),
            "{rendered:#?}"
        );
    }
    assert!(rendered[1].starts_with(
        "= ap-southeast-7 pem_url: page says \"https://truststore.pki.rds.amazonaws.com/us-west-2/ap-southeast-7-bundle.pem\", data file has \"https://truststore.pki.rds.amazonaws.com/ap-southeast-7/ap-southeast-7-bundle.pem\" (known page error"
    ));
    assert!(rendered.iter().any(|r| r.starts_with("= sa-east-1 name: page says \"South America (SÃ£o Paulo)\", data file has \"South America (São Paulo)\"")));
}

#[test]
fn a_new_region_on_the_page_is_an_addition() {
    let row = "Asia Pacific (Atlantis) | [ap-southeast-9-bundle.pem](https://truststore.pki.rds.amazonaws.com/ap-southeast-9/ap-southeast-9-bundle.pem) | [ap-southeast-9-bundle.p7b](https://truststore.pki.rds.amazonaws.com/ap-southeast-9/ap-southeast-9-bundle.p7b)  \n";
    let page = seed_page().replacen(
        "US East (N. Virginia) |",
        &format!("{row}US East (N. Virginia) |"),
        1,
    );
    let new = new_differences(&page);
    assert_eq!(
        new,
        ["+ ap-southeast-9 (Asia Pacific (Atlantis)): on the page, not in the data file"]
    );
}

#[test]
fn removed_regions_changed_urls_and_ca_availability_are_new_differences() {
    let page = seed_page()
        .lines()
        .filter(|l| !l.starts_with("Africa (Cape Town) |"))
        .collect::<Vec<_>>()
        .join("\n")
        .replace(
            "eu-west-3/eu-west-3-bundle.p7b)",
            "eu-west-3/eu-west-3-bundle-v2.p7b)",
        )
        .replace(
            "  * Israel (Tel Aviv)\n",
            "  * Israel (Tel Aviv)\n\n  * Europe (Paris)\n",
        );
    let new = new_differences(&page);
    assert_eq!(
        new,
        [
            "~ eu-west-3 p7b_url: page says \"https://truststore.pki.rds.amazonaws.com/eu-west-3/eu-west-3-bundle-v2.p7b\", data file has \"https://truststore.pki.rds.amazonaws.com/eu-west-3/eu-west-3-bundle.p7b\"",
            "~ eu-west-3 cas: page says \"rds-ca-rsa2048-g1\", data file has \"rds-ca-rsa2048-g1, rds-ca-rsa4096-g1, rds-ca-ecc384-g1\"",
            "- af-south-1 (Africa (Cape Town)): in the data file, not on the page",
        ]
    );
}

#[test]
fn the_command_exits_zero_on_known_differences_only() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_rdsca-codegen"))
        .args(["--root", root().to_str().unwrap(), "diff-page"])
        .arg(seed_path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.ends_with(
            "34 regions on the page, 38 in the data file; 10 known differences, 0 new differences\n"
        ),
        "{stdout}"
    );
}
