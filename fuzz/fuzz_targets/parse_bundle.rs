//! Arbitrary bytes as a served bundle: parse_bundle must return, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(certs) = rdsca_trust::parse_bundle(data, "fuzz") {
        let _ = rdsca_trust::roots_pem(&certs);
        let _ = rdsca_trust::soonest_not_after(&certs);
    }
});
