//! Property tests over region/CA/partition input handling: arbitrary strings never panic and
//! always end in either a valid selection or problems that name the attribute and the value.

use proptest::prelude::*;
use rdsca_table::selection::{select, Place};
use rdsca_table::Availability;
use rdsca_table::{CaId, Region};

fn any_input() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        any::<String>().prop_map(Some),
        "[a-zA-Z0-9 -]{0,20}".prop_map(Some),
        prop::sample::select(
            Region::all()
                .map(|r| r.code.to_string())
                .collect::<Vec<_>>()
        )
        .prop_map(Some),
        prop::sample::select(
            CaId::ALL
                .iter()
                .map(|c| c.as_str().to_string())
                .collect::<Vec<_>>()
        )
        .prop_map(Some),
        prop::sample::select(vec![
            "aws".to_string(),
            "aws-us-gov".to_string(),
            "aws-cn".to_string()
        ])
        .prop_map(Some),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn select_never_panics_and_explains(region in any_input(), partition in any_input(), ca in any_input(), unlisted in any::<bool>()) {
        match select(region.as_deref(), partition.as_deref(), ca.as_deref(), unlisted) {
            Ok(s) => {
                if let Some(code) = &region { prop_assert_eq!(s.region.as_ref().map(|r| r.code()), Some(code.as_str())); }
                if let Some(Place::Listed(r)) = &s.region {
                    prop_assert!(r.availability(s.ca) != Availability::NotOffered);
                    prop_assert_eq!(r.partition, s.partition.id);
                }
                if let Some(Place::Unlisted { .. }) = &s.region { prop_assert!(unlisted); }
            }
            Err(problems) => {
                prop_assert!(!problems.is_empty());
                for p in problems {
                    prop_assert!(["region", "partition", "ca_identifier"].contains(&p.attribute));
                    let value = match p.attribute { "region" => &region, "partition" => &partition, _ => &ca };
                    let value = value.as_deref().unwrap_or_default();
                    // The detail names the offending value, or (for a CA the region lacks) the region and CA.
                    prop_assert!(p.detail.contains(value) || p.summary.contains(value), "{:?}", p);
                    prop_assert!(!p.summary.is_empty() && !p.detail.is_empty());
                }
            }
        }
    }

    #[test]
    fn suggestions_are_always_valid_codes(input in any::<String>()) {
        if let Err(e) = Region::lookup(&input) {
            prop_assert!(e.suggestions.len() <= 4);
            for s in &e.suggestions { prop_assert!(Region::get(s).is_some()); }
            prop_assert!(e.detail().contains("Allowed values: af-south-1"));
        }
    }
}
