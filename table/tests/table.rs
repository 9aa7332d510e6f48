//! The generated table, checked against the data file read independently by the codegen library.

use std::path::Path;

use rdsca_table::{Availability, CaId, Partition, Region, RetiredCa};

fn data() -> rdsca_codegen::Table {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    rdsca_codegen::load(&root.join(rdsca_codegen::DATA_FILE)).unwrap()
}

#[test]
fn every_region_of_the_data_file_looks_up() {
    let data = data();
    assert_eq!(Region::all().count(), data.regions.len());
    for want in &data.regions {
        let r = Region::get(&want.code).unwrap_or_else(|| panic!("{} missing", want.code));
        assert_eq!(r.name, want.name);
        assert_eq!(r.partition, want.partition);
        assert_eq!(r.pem_url, want.pem_url);
        assert_eq!(r.p7b_url, want.p7b_url.as_deref());
        let cas: Vec<&str> = r.cas.iter().map(|c| c.as_str()).collect();
        assert_eq!(cas, want.cas);
        for ca in CaId::ALL {
            assert_eq!(
                r.offers(*ca),
                want.cas.iter().any(|c| c == ca.as_str()),
                "{} {}",
                r.code,
                ca
            );
            assert_eq!(
                format!("{:?}", r.availability(*ca)),
                format!("{:?}", data.availability(want, ca.as_str())),
                "{} {}",
                r.code,
                ca
            );
        }
    }
    let codes: Vec<&str> = Region::all().map(|r| r.code).collect();
    let mut sorted = codes.clone();
    sorted.sort();
    assert_eq!(codes, sorted);
}

#[test]
fn six_regions_offer_only_rsa2048() {
    let limited: Vec<&str> = Region::all()
        .filter(|r| !r.offers(CaId::RdsCaRsa4096G1) && r.unverified.is_empty())
        .map(|r| r.code)
        .collect();
    assert_eq!(
        limited,
        [
            "ap-south-1",
            "ap-southeast-4",
            "ca-west-1",
            "eu-central-2",
            "eu-south-2",
            "il-central-1"
        ]
    );
    for code in &limited {
        let r = Region::get(code).unwrap();
        assert_eq!(r.cas, [CaId::RdsCaRsa2048G1]);
        assert!(!r.offers(CaId::RdsCaEcc384G1));
        assert!(r.offers(CaId::DEFAULT));
    }
}

#[test]
fn govcloud_urls_and_partition() {
    let gov = Partition::get("aws-us-gov").unwrap();
    assert_eq!(
        gov.global_pem_url,
        "https://truststore.pki.us-gov-west-1.rds.amazonaws.com/global/global-bundle.pem"
    );
    assert_eq!(
        gov.global_p7b_url,
        Some("https://truststore.pki.us-gov-west-1.rds.amazonaws.com/global/global-bundle.p7b")
    );
    let regions: Vec<&str> = gov.regions().map(|r| r.code).collect();
    assert_eq!(regions, ["us-gov-east-1", "us-gov-west-1"]);
    let west = Region::get("us-gov-west-1").unwrap();
    assert_eq!(west.pem_url, "https://truststore.pki.us-gov-west-1.rds.amazonaws.com/us-gov-west-1/us-gov-west-1-bundle.pem");
    assert_eq!(west.partition().id, "aws-us-gov");
    let rsa = CaId::RdsCaRsa2048G1.authority();
    assert_eq!(rsa.signature_algorithm_in("aws-us-gov"), "SHA384withRSA");
    assert_eq!(rsa.signature_algorithm_in("aws"), "SHA256withRSA");
    assert_eq!(
        rsa.root_common_name_in("us-gov-west-1"),
        "Amazon RDS us-gov-west-1 Root CA RSA2048 G1"
    );
}

#[test]
fn the_default_ca() {
    assert_eq!(CaId::DEFAULT, CaId::RdsCaRsa2048G1);
    assert!(CaId::DEFAULT.authority().is_default);
    assert_eq!(
        CaId::ALL
            .iter()
            .filter(|c| c.authority().is_default)
            .count(),
        1
    );
}

#[test]
fn corrected_urls_are_served_not_the_pages() {
    assert_eq!(
        Region::get("ap-southeast-7").unwrap().pem_url,
        "https://truststore.pki.rds.amazonaws.com/ap-southeast-7/ap-southeast-7-bundle.pem"
    );
    assert_eq!(
        Region::get("mx-central-1").unwrap().p7b_url,
        Some("https://truststore.pki.rds.amazonaws.com/mx-central-1/mx-central-1-bundle.p7b")
    );
    assert!(Region::get("ap-southeast-7")
        .unwrap()
        .notes
        .iter()
        .any(|n| n.contains("us-west-2/ap-southeast-7-bundle.pem")));
}

fn suggestions(input: &str) -> Vec<&'static str> {
    Region::lookup(input).unwrap_err().suggestions
}

#[test]
fn typo_suggestions() {
    assert_eq!(suggestions("us-east1"), ["us-east-1"]);
    assert_eq!(suggestions("US-EAST-1"), ["us-east-1"]);
    assert_eq!(
        suggestions("eu-west-9"),
        ["eu-west-1", "eu-west-2", "eu-west-3"]
    );
    assert_eq!(suggestions("mumbai"), ["ap-south-1"]);
    assert_eq!(suggestions("Zurich"), ["eu-central-2"]);
    assert!(suggestions("zzzzzzzzzzzz").is_empty());
    let e = Region::lookup("eu-west-9").unwrap_err();
    assert!(e.detail().starts_with("\"eu-west-9\" is not a known region. Did you mean \"eu-west-1\", \"eu-west-2\" or \"eu-west-3\"? Allowed values: af-south-1, "), "{}", e.detail());
    let e = "rds-ca-rsa4096".parse::<CaId>().unwrap_err();
    assert_eq!(e.suggestions, ["rds-ca-rsa4096-g1"]);
    assert_eq!(
        Partition::lookup("aws-us-gob").unwrap_err().suggestions,
        ["aws-us-gov"]
    );
}

#[test]
fn odd_input_never_panics() {
    let long = "a".repeat(10_000);
    for input in ["", " ", "\u{0}", "🦀", "us-east-1 ", "-", long.as_str()] {
        let _ = Region::lookup(input);
        let _ = input.parse::<CaId>();
        let _ = rdsca_table::selection::select(Some(input), Some(input), Some(input), true);
    }
    assert_eq!(
        Region::lookup(" us-east-1 ").unwrap_err().suggestions,
        ["us-east-1"]
    );
}

#[test]
fn new_regions_and_china_have_unverified_cas() {
    for code in [
        "ap-east-2",
        "ap-southeast-6",
        "cn-north-1",
        "cn-northwest-1",
    ] {
        let r = Region::get(code).unwrap();
        assert_eq!(r.availability(CaId::RdsCaRsa2048G1), Availability::Offered);
        assert_eq!(
            r.availability(CaId::RdsCaEcc384G1),
            Availability::Unverified
        );
        assert_eq!(
            r.availability(CaId::RdsCaRsa4096G1),
            Availability::Unverified
        );
    }
    assert_eq!(
        Region::get("ap-east-2").unwrap().name,
        "Asia Pacific (Taipei)"
    );
    assert_eq!(
        Region::get("ap-southeast-6").unwrap().name,
        "Asia Pacific (New Zealand)"
    );
    let cn = Partition::get("aws-cn").unwrap();
    assert_eq!(
        cn.global_pem_url,
        "https://rds-truststore.s3.cn-north-1.amazonaws.com.cn/global/global-bundle.pem"
    );
    assert_eq!(cn.global_p7b_url, None);
    assert!(!cn.has_known_certificates);
    let regions: Vec<&str> = cn.regions().map(|r| r.code).collect();
    assert_eq!(regions, ["cn-north-1", "cn-northwest-1"]);
    assert_eq!(
        Region::get("cn-northwest-1").unwrap().pem_url,
        "https://rds-truststore.s3.cn-north-1.amazonaws.com.cn/cn-northwest-1/cn-northwest-1-bundle.pem"
    );
    assert_eq!(Region::get("cn-north-1").unwrap().p7b_url, None);
}

#[test]
fn unlisted_codes_map_to_their_partition() {
    assert_eq!(Partition::for_region_code("eu-west-9").unwrap().id, "aws");
    assert_eq!(
        Partition::for_region_code("cn-south-1").unwrap().id,
        "aws-cn"
    );
    assert_eq!(
        Partition::for_region_code("us-gov-north-1").unwrap().id,
        "aws-us-gov"
    );
    assert!(Partition::for_region_code("us-isob-east-1").is_none());
    assert!(Partition::for_region_code("eu_west_9").is_none());
    assert_eq!(
        Partition::get("aws")
            .unwrap()
            .layout_url("eu-west-9", "pem"),
        "https://truststore.pki.rds.amazonaws.com/eu-west-9/eu-west-9-bundle.pem"
    );
}

#[test]
fn retired_cas_look_up_and_are_no_current_ca() {
    let data = data();
    assert_eq!(RetiredCa::all().len(), data.retired_cas.len());
    for r in &data.retired_cas {
        let got = RetiredCa::get(&r.id).expect("every retired CA of the data file looks up");
        assert_eq!(
            (got.not_after, got.replaced_by),
            (r.not_after.as_str(), r.replaced_by.as_str())
        );
        assert_eq!(
            CaId::from_id(&r.id),
            None,
            "{} is retired, not current",
            r.id
        );
    }
    let ca2019 = RetiredCa::get("rds-ca-2019").expect("rds-ca-2019 is retired");
    assert_eq!(
        (ca2019.not_after, ca2019.replaced_by),
        ("2024-08-22", "rds-ca-rsa2048-g1")
    );
    assert_eq!(RetiredCa::get("rds-ca-rsa2048-g1"), None);
}

#[test]
fn mirrored_urls_replace_the_truststore_host() {
    let aws = Partition::get("aws").unwrap();
    let url = Region::get("eu-west-1").unwrap().pem_url;
    assert_eq!(aws.mirrored_url(url, None), url);
    assert_eq!(
        aws.mirrored_url(url, Some("https://mirror.example.com/rds")),
        "https://mirror.example.com/rds/eu-west-1/eu-west-1-bundle.pem"
    );
}
