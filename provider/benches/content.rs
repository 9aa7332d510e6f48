//! Bundle content: parsing the real global bundle, building roots_pem, and a disk-cache hit.
//! Reads the real bundles in tests/fixtures/bundles.

use std::path::PathBuf;
use std::time::Duration;

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use rdsca::content::cache::{CacheSettings, Content};
use rdsca::content::fetch::FetchSettings;
use rdsca::content::parse::{parse_bundle, roots_pem};
use rdsca_test_server::{Route, TestServer};

fn global_bundle() -> Vec<u8> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/bundles");
    std::fs::read(dir.join("global-bundle.18a8b72.pem"))
        .expect("the real global bundle from tests/fixtures/bundles")
}

fn content(c: &mut Criterion) {
    let bytes = global_bundle();
    c.bench_function("parse global bundle (102 certificates)", |b| {
        b.iter(|| parse_bundle(black_box(&bytes), "global").unwrap())
    });
    c.bench_function(
        "parse global bundle and serialize the certificates value",
        |b| {
            b.iter(|| {
                let certs = parse_bundle(black_box(&bytes), "global").unwrap();
                serde_json::to_vec(&certs).unwrap()
            })
        },
    );
    let certs = parse_bundle(&bytes, "global").unwrap();
    c.bench_function("roots_pem of the global bundle", |b| {
        b.iter(|| roots_pem(black_box(&certs)))
    });

    // A disk-cache hit as a fresh provider process sees it: read, hash, re-parse, no request.
    let server = TestServer::start();
    server.route("/global/global-bundle.pem", Route::ok(bytes.clone()));
    let dir = tempfile::tempdir().unwrap();
    let settings = FetchSettings {
        extra_ca_pem: Some(server.ca_pem().to_string()),
        ..FetchSettings::default()
    };
    let cache = CacheSettings {
        dir: dir.path().to_path_buf(),
        ttl: Duration::from_secs(3600),
        offline: false,
    };
    let url = server.url("/global/global-bundle.pem");
    let verify = |b: &[u8]| {
        parse_bundle(b, "global")
            .map(|_| ())
            .map_err(|e| e.to_string())
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(
        Content::new(settings.clone(), Some(cache.clone()))
            .unwrap()
            .get(&url, &verify),
    )
    .unwrap();
    c.bench_function("disk cache hit, global bundle", |b| {
        b.iter(|| {
            rt.block_on(
                Content::new(settings.clone(), Some(cache.clone()))
                    .unwrap()
                    .get(&url, &verify),
            )
            .unwrap()
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
