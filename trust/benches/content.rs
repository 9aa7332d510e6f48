//! Bundle content: parsing the real global bundles, verifying them (cold, as a fresh download,
//! and with every signature checked), building roots_pem, and a disk-cache hit.
//! Reads the real bundles in tests/fixtures/bundles.

use std::path::PathBuf;
use std::time::Duration;

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use rdsca_http::HttpSettings;
use rdsca_test_server::{Route, TestServer};
use rdsca_trust::cache::CacheSettings;
use rdsca_trust::{
    parse_bundle, roots_pem, verified_content, BundleService, ContentSettings, Signatures,
};

fn fixture(name: &str) -> Vec<u8> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/bundles");
    std::fs::read(dir.join(name)).expect("a real bundle from tests/fixtures/bundles")
}

fn content(c: &mut Criterion) {
    let bytes = fixture("global-bundle.18a8b72.pem");
    c.bench_function("parse global bundle (102 certificates)", |b| {
        b.iter(|| parse_bundle(black_box(&bytes), "global").unwrap())
    });
    let certs = parse_bundle(&bytes, "global").unwrap();
    c.bench_function("roots_pem of the global bundle", |b| {
        b.iter(|| roots_pem(black_box(&certs)))
    });

    // Verification of the newest global bundle (108 roots): as a fresh download does it (the
    // compiled-in roots by fingerprint, the rest by signature), and with every signature.
    let newest = fixture("global-bundle.e5bb208.pem");
    for (name, signatures) in [
        (
            "verify newest global bundle (108 roots), cold download",
            Signatures::Unknown,
        ),
        (
            "verify newest global bundle (108 roots), every signature",
            Signatures::All,
        ),
        (
            "verify newest global bundle (108 roots), cached entry",
            Signatures::Skip,
        ),
    ] {
        c.bench_function(name, |b| {
            b.iter(|| verified_content("global", black_box(&newest), signatures).unwrap())
        });
    }

    // A disk-cache hit as a fresh provider process sees it: read, hash, parse, check the claims;
    // no request and no signature.
    let server = TestServer::start();
    server.route("/global/global-bundle.pem", Route::ok(newest.clone()));
    let dir = tempfile::tempdir().unwrap();
    let settings = ContentSettings {
        fetch: HttpSettings {
            extra_ca_pem: Some(server.ca_pem().to_string()),
            ..HttpSettings::with_defaults("rdsca-bench")
        },
        cache: Some(CacheSettings {
            dir: dir.path().to_path_buf(),
            ttl: Duration::from_secs(3600),
            offline: false,
            stale_if_error: Duration::ZERO,
        }),
    };
    let url = server.url("/global/global-bundle.pem");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let load = || {
        rt.block_on(async {
            BundleService::new(settings.clone())
                .unwrap()
                .bundle(&url, None)
                .await
                .unwrap()
        })
    };
    load();
    c.bench_function("disk cache hit, newest global bundle", |b| {
        b.iter(|| {
            let hit = load();
            assert_eq!(hit.content.signatures_checked, 0);
            hit
        })
    });
    assert_eq!(
        server.total_requests(),
        1,
        "cache hits must not reach the server"
    );
}

criterion_group!(benches, content);
criterion_main!(benches);
