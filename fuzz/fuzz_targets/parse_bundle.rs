//! Arbitrary bytes as a served bundle: parse_bundle must return, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(certs) = rdsca::content::parse_bundle(data, "fuzz") {
        let _ = rdsca::content::roots_pem(&certs);
        let _ = rdsca::content::soonest_not_after(&certs);
    }
});
