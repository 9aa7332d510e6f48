//! Plan-time validation: `terraform validate` catches what AWS would reject only at apply time.

use rdsca_e2e::{only_error, Workdir};

const LIMITED: [(&str, &str); 6] = [
    ("ap-south-1", "Asia Pacific (Mumbai)"),
    ("ap-southeast-4", "Asia Pacific (Melbourne)"),
    ("ca-west-1", "Canada West (Calgary)"),
    ("eu-central-2", "Europe (Zurich)"),
    ("eu-south-2", "Europe (Spain)"),
    ("il-central-1", "Israel (Tel Aviv)"),
];

fn bundle(region: &str, ca: &str) -> String {
    format!("data \"rdsca_bundle\" \"db\" {{\n  region        = \"{region}\"\n  ca_identifier = \"{ca}\"\n}}\n")
}

#[test]
fn the_six_limited_regions_reject_rsa4096_and_ecc384_at_validate() {
    for (region, name) in LIMITED {
        for ca in ["rds-ca-rsa4096-g1", "rds-ca-ecc384-g1"] {
            let w = Workdir::with_provider(&bundle(region, ca));
            let run = w.init().validate();
            assert!(!run.success, "{region} {ca} must fail validate");
            let e = only_error(&run);
            assert_eq!(e.summary, format!("CA \"{ca}\" is not offered in {region}"));
            assert!(e.detail.contains(&format!("({name})")), "{}", e.detail);
            assert!(
                e.detail
                    .ends_with(&format!("CAs offered in {region}: rds-ca-rsa2048-g1.")),
                "{}",
                e.detail
            );
            // The diagnostic points at the ca_identifier line (line 3 of the data block, after the 8-line header).
            assert_eq!(e.range, Some(("main.tf".to_string(), 11)), "{e:?}");
            assert!(e.snippet.contains("ca_identifier"), "{e:?}");
        }
        let ok = Workdir::with_provider(&bundle(region, "rds-ca-rsa2048-g1"));
        let run = ok.init().validate();
        assert!(
            run.success && run.errors().is_empty(),
            "{region} rsa2048: {}",
            run.stdout
        );
    }
}

#[test]
fn typos_get_suggestions_on_the_region_attribute() {
    let cases = [
        ("us-east1", "Did you mean \"us-east-1\"?"),
        ("US-EAST-1", "Did you mean \"us-east-1\"?"),
        (
            "eu-west-9",
            "Did you mean \"eu-west-1\", \"eu-west-2\" or \"eu-west-3\"?",
        ),
        ("mumbai", "Did you mean \"ap-south-1\"?"),
    ];
    for (input, suggestion) in cases {
        let w = Workdir::with_provider(&format!(
            "data \"rdsca_bundle\" \"db\" {{\n  region = \"{input}\"\n}}\n"
        ));
        let run = w.init().validate();
        let e = only_error(&run);
        assert_eq!(e.summary, format!("Unknown region \"{input}\""));
        assert!(e.detail.contains(suggestion), "{input}: {}", e.detail);
        assert!(
            e.detail.contains("Allowed values: af-south-1, "),
            "{}",
            e.detail
        );
        assert_eq!(e.range, Some(("main.tf".to_string(), 10)), "{e:?}");
    }
}

#[test]
fn unknown_ca_and_conflicting_partition() {
    let w = Workdir::with_provider(
        "data \"rdsca_bundle\" \"a\" {\n  region        = \"eu-west-1\"\n  ca_identifier = \"rds-ca-rsa4096\"\n}\n\
         data \"rdsca_bundle\" \"b\" {\n  region    = \"us-gov-east-1\"\n  partition = \"aws\"\n}\n",
    );
    let run = w.init().validate();
    let mut errors = run.errors();
    errors.sort_by(|a, b| a.summary.cmp(&b.summary));
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert_eq!(errors[0].summary, "Region and partition disagree");
    assert!(errors[0]
        .detail
        .contains("Region us-gov-east-1 is in partition \"aws-us-gov\", not \"aws\""));
    assert_eq!(errors[0].range.as_ref().unwrap().1, 15);
    assert_eq!(
        errors[1].summary,
        "Unknown CA identifier \"rds-ca-rsa4096\""
    );
    assert!(
        errors[1]
            .detail
            .contains("Did you mean \"rds-ca-rsa4096-g1\"?"),
        "{}",
        errors[1].detail
    );
}

#[test]
fn plan_fails_too_before_any_read() {
    let w = Workdir::with_provider(&bundle("il-central-1", "rds-ca-ecc384-g1"));
    let run = w.init().plan();
    assert!(!run.success);
    assert_eq!(
        only_error(&run).summary,
        "CA \"rds-ca-ecc384-g1\" is not offered in il-central-1"
    );
}
