//! Arbitrary region / partition / CA strings: selection and suggestions must return, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.splitn(3, '\u{0}');
    let (a, b, c) = (parts.next(), parts.next(), parts.next());
    let _ = rdsca_table::selection::select(a, b, c, false);
    let _ = rdsca_table::Region::lookup(a.unwrap_or_default());
    let _ = rdsca::functions::bundle_url::bundle_url(a.unwrap_or_default(), b.unwrap_or("pem"));
});
