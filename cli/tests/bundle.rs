//! `rdsca bundle`, the built binary: PEM and PKCS#7 byte-identical across runs and equal to the
//! compiled-in data, PKCS#7 through `openssl pkcs7`, PKCS#12 through the real JDK's `keytool`,
//! the password rules, and `--download` from the loopback HTTPS test server serving a real
//! fixture bundle (and a tampered one, which must fail and leave nothing in the cache).
//!
//! `keytool` comes from `JAVA_HOME/bin` when set, else `PATH`; a missing one fails the tests
//! (scripts/setup.sh installs default-jdk-headless). `openssl` and `script` come from `PATH`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use rdsca_test_server::{Route, TestServer};
use rdsca_trust::{compiled_bundle, parse_bundle};

const PASSWORD: &str = "rdsca-test-pw";

fn rdsca() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rdsca"));
    // Downloads go to the loopback test server only, never through a proxy.
    for var in ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"] {
        cmd.env_remove(var);
    }
    cmd.env("NO_PROXY", "localhost,127.0.0.1")
        .env_remove("RDSCA_TEST_PW")
        .stdin(Stdio::null());
    cmd
}

fn run<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Output {
    rdsca().args(args).output().expect("rdsca runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn ok(out: &Output) -> &[u8] {
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    &out.stdout
}

/// Sorted SHA-256 fingerprints of a bundle's certificates.
fn fingerprints(bytes: &[u8]) -> Vec<String> {
    let mut f: Vec<String> = parse_bundle(bytes, "output")
        .unwrap()
        .into_iter()
        .map(|c| c.sha256_fingerprint)
        .collect();
    f.sort();
    f
}

#[test]
fn pem_is_the_compiled_data_byte_for_byte_every_time() {
    let eu = compiled_bundle("aws", Some("eu-west-1")).unwrap();
    let root = run(&["bundle", "--region", "eu-west-1"]);
    assert_eq!(text(ok(&root)), eu.certificates[0].pem());
    assert_eq!(
        eu.certificates[0].common_name,
        "Amazon RDS eu-west-1 Root CA RSA2048 G1"
    );
    let ecc = run(&[
        "bundle",
        "--region",
        "eu-west-1",
        "--ca",
        "rds-ca-ecc384-g1",
    ]);
    assert_eq!(text(ok(&ecc)), eu.certificates[2].pem());
    let offered = run(&["bundle", "--region", "eu-west-1", "--select", "offered"]);
    assert_eq!(text(ok(&offered)), eu.pem);

    let global = compiled_bundle("aws", None).unwrap();
    let first = run(&["bundle", "--partition", "aws"]);
    assert_eq!(text(ok(&first)), global.pem);
    let again = run(&["bundle", "--partition", "aws", "--select", "all"]);
    assert_eq!(ok(&again), ok(&first));

    let gov = compiled_bundle("aws-us-gov", Some("us-gov-west-1")).unwrap();
    let all = run(&["bundle", "--region", "us-gov-west-1", "--select", "all"]);
    assert_eq!(text(ok(&all)), gov.pem);
    assert_eq!(parse_bundle(ok(&all), "gov").unwrap().len(), 5);
    // Offered: roots only, never the intermediates.
    let roots = run(&["bundle", "--region", "us-gov-west-1", "--select", "offered"]);
    assert!(parse_bundle(ok(&roots), "gov")
        .unwrap()
        .iter()
        .all(|c| c.is_root));

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("root.pem");
    let written = run(&[
        "bundle",
        "--region",
        "eu-west-1",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(ok(&written).is_empty());
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        eu.certificates[0].pem()
    );
}

/// `openssl pkcs7 -print_certs` on a PKCS#7 file: the certificates' PEM.
fn openssl_pkcs7(p7b: &[u8]) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("b.p7b");
    std::fs::write(&path, p7b).unwrap();
    let out = Command::new("openssl")
        .args(["pkcs7", "-print_certs", "-inform", "DER", "-in"])
        .arg(&path)
        .output()
        .expect("openssl runs");
    assert!(out.status.success(), "openssl: {}", text(&out.stderr));
    out.stdout
}

#[test]
fn pkcs7_is_stable_and_openssl_reads_the_same_certificates() {
    for args in [
        vec!["--region", "eu-west-1", "--select", "offered"],
        vec!["--partition", "aws"],
        vec!["--region", "us-gov-east-1", "--select", "all"],
    ] {
        let pem = run(&[&["bundle"], args.as_slice()].concat());
        let p7 = [&["bundle", "--format", "pkcs7"], args.as_slice()].concat();
        let first = run(&p7);
        let second = run(&p7);
        assert_eq!(
            ok(&first),
            ok(&second),
            "{args:?}: the same bytes every run"
        );
        assert_eq!(
            fingerprints(&openssl_pkcs7(ok(&first))),
            fingerprints(ok(&pem)),
            "{args:?}"
        );
        // And rdsca reads it back as a bundle whose every certificate is compiled in.
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("b.p7b");
        std::fs::write(&file, ok(&first)).unwrap();
        let verified = run(&["verify", file.to_str().unwrap()]);
        assert_eq!(
            verified.status.code(),
            Some(0),
            "{}",
            text(&verified.stdout)
        );
    }
}

/// A JDK tool, or a failure saying how to get one.
fn keytool() -> PathBuf {
    let from_home = std::env::var_os("JAVA_HOME").map(|h| PathBuf::from(h).join("bin/keytool"));
    let from_path = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|d| d.join("keytool"))
        .find(|p| p.is_file());
    from_home.filter(|p| p.is_file()).or(from_path).expect(
        "`keytool` is missing (neither JAVA_HOME/bin nor PATH has it): run scripts/setup.sh, which installs default-jdk-headless",
    )
}

/// `keytool -list` of a PKCS#12 store: (alias, entry type, SHA-256 as lowercase hex), sorted.
fn keytool_list(store: &Path, password: &str) -> Vec<(String, String, String)> {
    let out = Command::new(keytool())
        .args([
            "-list",
            "-storetype",
            "PKCS12",
            "-storepass",
            password,
            "-keystore",
        ])
        .arg(store)
        .output()
        .expect("keytool runs");
    let listing = text(&out.stdout);
    assert!(
        out.status.success(),
        "keytool: {listing}{}",
        text(&out.stderr)
    );
    let lines: Vec<&str> = listing.lines().collect();
    let mut entries = Vec::new();
    for pair in lines.windows(2) {
        let Some(hex) = pair[1].strip_prefix("Certificate fingerprint (SHA-256): ") else {
            continue;
        };
        // `<alias>, <date>, trustedCertEntry, ` (the alias may hold no comma here).
        let fields: Vec<&str> = pair[0]
            .split(',')
            .map(str::trim)
            .filter(|f| !f.is_empty())
            .collect();
        entries.push((
            fields[0].to_string(),
            fields.last().unwrap().to_string(),
            hex.replace(':', "").to_lowercase(),
        ));
    }
    entries.sort();
    entries
}

#[test]
fn pkcs12_holds_the_same_trusted_entries_every_run_and_stays_byte_stable_with_a_cache_dir() {
    let dir = tempfile::tempdir().unwrap();
    let store = |name: &str, extra: &[&str]| {
        let path = dir.path().join(name);
        let mut args = vec![
            "bundle",
            "--region",
            "eu-central-2",
            "--select",
            "all",
            "--format",
            "pkcs12",
            "--password-env",
            "RDSCA_TEST_PW",
            "--out",
            path.to_str().unwrap(),
        ];
        args.extend(extra);
        let out = rdsca()
            .args(&args)
            .env("RDSCA_TEST_PW", PASSWORD)
            .output()
            .unwrap();
        ok(&out);
        path
    };
    let (a, b) = (store("a.p12", &[]), store("b.p12", &[]));
    let compiled = compiled_bundle("aws", Some("eu-central-2")).unwrap();
    let mut expected: Vec<(String, String, String)> = compiled
        .certificates
        .iter()
        .map(|c| {
            (
                format!("eu-central-2-{}", c.ca_identifier.as_deref().unwrap()),
                "trustedCertEntry".to_string(),
                c.sha256_fingerprint.clone(),
            )
        })
        .collect();
    expected.sort();
    assert_eq!(keytool_list(&a, PASSWORD), expected);
    // Random salts: other bytes, the same content.
    assert_ne!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    assert_eq!(keytool_list(&b, PASSWORD), expected);
    // With --cache-dir the last store is kept and returned again.
    let keep = dir.path().join("keep");
    let keep = keep.to_str().unwrap();
    let (c, d) = (
        store("c.p12", &["--cache-dir", keep]),
        store("d.p12", &["--cache-dir", keep]),
    );
    assert_eq!(std::fs::read(&c).unwrap(), std::fs::read(&d).unwrap());
    assert_eq!(keytool_list(&d, PASSWORD), expected);
}

#[test]
fn the_password_comes_from_a_file_or_the_environment_and_is_never_empty() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pw");
    std::fs::write(&file, format!("{PASSWORD}\n")).unwrap();
    let store = dir.path().join("s.p12");
    let base = [
        "bundle",
        "--region",
        "us-east-1",
        "--format",
        "pkcs12",
        "--out",
        store.to_str().unwrap(),
    ];
    let with = |extra: &[&str]| -> Vec<String> {
        base.iter().chain(extra).map(|s| s.to_string()).collect()
    };
    // The file's trailing newline is not part of the password.
    ok(&run(&with(&["--password-file", file.to_str().unwrap()])));
    let entries = keytool_list(&store, PASSWORD);
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].0, "us-east-1-rds-ca-rsa2048-g1");

    let fails = |out: Output, want: &str| {
        assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
        let err = text(&out.stderr);
        assert!(err.contains(want), "{err}");
    };
    fails(
        run(&base),
        "--format pkcs12 needs a password: --password-env VAR or --password-file FILE",
    );
    fails(
        run(&with(&["--password-env", "RDSCA_TEST_PW"])),
        "--password-env RDSCA_TEST_PW: the environment variable RDSCA_TEST_PW is not set",
    );
    fails(
        rdsca()
            .args(with(&["--password-env", "RDSCA_TEST_PW"]))
            .env("RDSCA_TEST_PW", "")
            .output()
            .unwrap(),
        "the PKCS#12 password (environment variable RDSCA_TEST_PW) is empty",
    );
    std::fs::write(&file, "\n").unwrap();
    fails(
        run(&with(&["--password-file", file.to_str().unwrap()])),
        &format!("the PKCS#12 password (file {}) is empty", file.display()),
    );
    let missing = dir.path().join("nope");
    fails(
        run(&with(&["--password-file", missing.to_str().unwrap()])),
        &format!("--password-file {}: ", missing.display()),
    );
    fails(
        rdsca()
            .args([
                "bundle",
                "--region",
                "us-east-1",
                "--password-env",
                "RDSCA_TEST_PW",
            ])
            .env("RDSCA_TEST_PW", PASSWORD)
            .output()
            .unwrap(),
        "are for --format pkcs12 only",
    );
    // Never on the command line: there is no such flag.
    fails(
        run(&with(&["--password", PASSWORD])),
        "unexpected argument '--password'",
    );
}

#[test]
fn binary_output_to_a_terminal_is_refused() {
    // `script` gives rdsca a pseudo-terminal as standard output.
    let bin = env!("CARGO_BIN_EXE_rdsca");
    for (format, extra) in [("pkcs12", " --password-env RDSCA_TEST_PW"), ("pkcs7", "")] {
        let command =
            format!("{bin} bundle --region eu-west-1 --format {format}{extra}; echo rc=$?");
        let out = Command::new("script")
            .args(["-qec", &command, "/dev/null"])
            .env("RDSCA_TEST_PW", PASSWORD)
            .stdin(Stdio::null())
            .output()
            .expect("script runs");
        let seen = text(&out.stdout);
        assert!(
            seen.contains(&format!(
                "--format {format} is binary and standard output is a terminal: use --out FILE"
            )),
            "{seen}"
        );
        assert!(seen.contains("rc=1"), "{seen}");
    }
    // PEM is text: a terminal gets it.
    let command = format!("{bin} bundle --region eu-west-1; echo rc=$?");
    let out = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let seen = text(&out.stdout);
    assert!(
        seen.contains("-----BEGIN CERTIFICATE-----") && seen.contains("rc=0"),
        "{seen}"
    );
}

#[test]
fn bad_arguments_are_exit_1_with_what_is_allowed() {
    let fails = |args: &[&str], want: &str| {
        let out = run(args);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(out.stdout.is_empty());
        let err = text(&out.stderr);
        assert!(err.contains(want), "{args:?}: {err}");
    };
    fails(
        &["bundle", "--region", "eu-wset-1"],
        "Did you mean \"eu-west-1\"?",
    );
    fails(
        &["bundle", "--partition", "aws-gov"],
        "Allowed values: aws, aws-cn, aws-us-gov.",
    );
    fails(
        &["bundle", "--region", "eu-west-1", "--ca", "rds-ca-rsa2048"],
        "Did you mean \"rds-ca-rsa2048-g1\"?",
    );
    fails(
        &[
            "bundle",
            "--region",
            "eu-central-2",
            "--ca",
            "rds-ca-ecc384-g1",
        ],
        "RDS does not offer rds-ca-ecc384-g1 in eu-central-2 (Europe (Zurich))",
    );
    fails(
        &["bundle", "--partition", "aws", "--select", "root"],
        "--select root needs --region",
    );
    fails(&["bundle", "--partition", "aws-cn"], "Use --download");
    fails(
        &["bundle", "--region", "eu-west-1", "--partition", "aws"],
        "cannot be used with",
    );
    fails(
        &[
            "bundle",
            "--region",
            "eu-west-1",
            "--expected-sha256",
            &"a".repeat(64),
        ],
        "--download",
    );
    fails(
        &["bundle", "--download", "--expected-sha256", "abc"],
        "64 hexadecimal digits",
    );
    fails(
        &["bundle", "--download", "--timeout", "0"],
        "0 is not in 1..=600",
    );
    fails(
        &[
            "bundle",
            "--download",
            "--base-url",
            "http://mirror.example",
        ],
        "HTTPS only",
    );
    fails(
        &["bundle", "--region", "eu-west-1", "--format", "der"],
        "[possible values: pem, pkcs7, pkcs12]",
    );
}

#[test]
fn help_has_examples_and_exit_statuses() {
    let help = text(ok(&run(&["bundle", "--help"])));
    assert!(
        help.contains("rdsca bundle --region eu-west-1 > rds-root.pem"),
        "{help}"
    );
    assert!(
        help.contains("A PKCS#12 file carries random salts"),
        "{help}"
    );
    assert!(
        help.contains("Exit status: 0 when the material was written; 1 for"),
        "{help}"
    );
}

/// The test server with a real bundle at its AWS path, and its CA in a file for --ca-cert-file.
fn mirror(dir: &Path, path: &str, body: Vec<u8>) -> (TestServer, String) {
    let server = TestServer::start();
    server.route(path, Route::ok(body));
    let ca = dir.join("mirror-ca.pem");
    std::fs::write(&ca, server.ca_pem()).unwrap();
    (server, ca.display().to_string())
}

fn files_in(dir: &Path) -> usize {
    std::fs::read_dir(dir).map(|d| d.count()).unwrap_or(0)
}

#[test]
fn download_serves_the_verified_bundle_and_caches_it() {
    let real = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/fixtures/bundles/us-east-1-bundle.pem"),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (server, ca) = mirror(dir.path(), "/us-east-1/us-east-1-bundle.pem", real.clone());
    let cache = dir.path().join("cache");
    let base = server.base_url();
    let download = |extra: &[&str]| {
        let mut args = vec![
            "bundle",
            "--region",
            "us-east-1",
            "--download",
            "--base-url",
            &base,
            "--ca-cert-file",
            &ca,
            "--cache-dir",
            cache.to_str().unwrap(),
        ];
        args.extend(extra);
        run(&args)
    };
    let all = download(&["--select", "all"]);
    assert_eq!(fingerprints(ok(&all)), fingerprints(&real));
    assert!(files_in(&cache) > 0, "the verified bundle is cached");
    // The root, from the download: the compiled-in one.
    let root = download(&["--expected-sha256", &rdsca_trust::sha256_hex(&real)]);
    let compiled = compiled_bundle("aws", Some("us-east-1")).unwrap();
    assert_eq!(text(ok(&root)), compiled.certificates[0].pem());
    // Within the cache's ttl the second read made no request.
    assert_eq!(server.requests("/us-east-1/us-east-1-bundle.pem"), 1);

    let pin = "0".repeat(64);
    let mismatch = run(&[
        "bundle",
        "--region",
        "us-east-1",
        "--download",
        "--no-cache",
        "--base-url",
        &base,
        "--ca-cert-file",
        &ca,
        "--expected-sha256",
        &pin,
    ]);
    assert_eq!(mismatch.status.code(), Some(1));
    let err = text(&mismatch.stderr);
    assert!(
        err.contains(&format!(
            "has SHA-256 {}, but expected_sha256 is {pin}",
            rdsca_trust::sha256_hex(&real)
        )),
        "{err}"
    );

    // Without the mirror's CA the server is not trusted.
    let untrusted = run(&[
        "bundle",
        "--region",
        "us-east-1",
        "--download",
        "--no-cache",
        "--base-url",
        &base,
    ]);
    assert_eq!(untrusted.status.code(), Some(1));
    assert!(
        text(&untrusted.stderr).contains("not trusted"),
        "{}",
        text(&untrusted.stderr)
    );
}

#[test]
fn a_tampered_download_fails_and_nothing_is_cached() {
    let real = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/fixtures/bundles/global-bundle.18a8b72.pem"),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let bad = rdsca_test_server::certs::tampered(&real);
    let (server, ca) = mirror(dir.path(), "/global/global-bundle.pem", bad);
    let cache = dir.path().join("cache");
    let out = run(&[
        "bundle",
        "--partition",
        "aws",
        "--download",
        "--base-url",
        &server.base_url(),
        "--ca-cert-file",
        &ca,
        "--cache-dir",
        cache.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = text(&out.stderr);
    assert!(
        err.contains("certificate 1 (\"Amazon RDS sa-east-1 Root CA RSA2048 G1\") failed verification: its self-signature does not verify")
            && err.contains("Nothing was cached."),
        "{err}"
    );
    assert_eq!(files_in(&cache), 0, "nothing reached the cache");
    let unique: BTreeSet<String> = server.request_log().into_iter().map(|r| r.path).collect();
    assert_eq!(
        unique.into_iter().collect::<Vec<_>>(),
        ["/global/global-bundle.pem"]
    );
}

#[test]
fn a_stalled_server_fails_within_the_timeout() {
    let dir = tempfile::tempdir().unwrap();
    let (server, ca) = mirror(dir.path(), "/eu-west-1/eu-west-1-bundle.pem", Vec::new());
    server.route("/eu-west-1/eu-west-1-bundle.pem", Route::Stall);
    let started = std::time::Instant::now();
    let out = run(&[
        "bundle",
        "--region",
        "eu-west-1",
        "--download",
        "--no-cache",
        "--timeout",
        "1",
        "--base-url",
        &server.base_url(),
        "--ca-cert-file",
        &ca,
    ]);
    let took = started.elapsed();
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("timed out"), "{err}");
    // Three attempts (the default two retries) of one second each, with the capped backoff.
    assert!(took < std::time::Duration::from_secs(10), "{took:?}");
    assert_eq!(server.requests("/eu-west-1/eu-west-1-bundle.pem"), 3);
}

#[test]
fn a_ca_the_table_cannot_confirm_is_written_with_a_warning() {
    let out = run(&[
        "bundle",
        "--region",
        "ap-east-2",
        "--ca",
        "rds-ca-ecc384-g1",
    ]);
    let pem = text(ok(&out));
    let root = parse_bundle(pem.as_bytes(), "ap-east-2").unwrap();
    assert_eq!(
        root[0].common_name,
        "Amazon RDS ap-east-2 Root CA ECC384 G1"
    );
    let err = text(&out.stderr);
    assert!(
        err.starts_with("rdsca: warning: CA \"rds-ca-ecc384-g1\" is unverified in ap-east-2: "),
        "{err}"
    );
}

/// `--endpoint`: RDS Proxy's Amazon Trust Services roots (`proxy`), or the RDS roots and then the
/// Amazon roots in one store (`both`), chosen by the core's `trust_material` like the provider's.
#[test]
fn the_endpoint_choice_gives_the_amazon_roots_alone_or_after_the_rds_roots() {
    let mut amazon: Vec<String> = rdsca_table::AMAZON_TRUST_ROOTS
        .iter()
        .map(|r| r.sha256.to_string())
        .collect();
    amazon.sort();
    let proxy = run(&["bundle", "--region", "eu-west-1", "--endpoint", "proxy"]);
    assert_eq!(fingerprints(ok(&proxy)), amazon);
    assert!(proxy.stderr.is_empty(), "{}", text(&proxy.stderr));

    let database = run(&["bundle", "--region", "eu-west-1", "--select", "offered"]);
    let both = run(&["bundle", "--region", "eu-west-1", "--endpoint", "both"]);
    let both_pem = text(ok(&both));
    assert!(
        both_pem.starts_with(&text(ok(&database))),
        "the RDS roots first"
    );
    let mut want: Vec<String> = fingerprints(ok(&database));
    want.extend(amazon.iter().cloned());
    want.sort();
    assert_eq!(fingerprints(both_pem.as_bytes()), want);

    // The Java trust store of `both`, as keytool lists it.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db-trust.p12");
    let out = rdsca()
        .args([
            "bundle",
            "--region",
            "eu-west-1",
            "--endpoint",
            "both",
            "--format",
            "pkcs12",
            "--password-env",
            "RDSCA_TEST_PW",
            "--out",
        ])
        .arg(&path)
        .env("RDSCA_TEST_PW", PASSWORD)
        .output()
        .unwrap();
    ok(&out);
    let entries = keytool_list(&path, PASSWORD);
    assert_eq!(entries.len(), 3 + 5);
    assert!(entries
        .iter()
        .all(|(_, kind, _)| kind == "trustedCertEntry"));
    let aliases: Vec<&str> = entries.iter().map(|(a, _, _)| a.as_str()).collect();
    for alias in [
        "eu-west-1-rds-ca-rsa2048-g1",
        "amazon root ca 1",
        "starfield services root certificate authority - g2",
    ] {
        assert!(aliases.contains(&alias), "{aliases:?}");
    }

    // GovCloud: the roots, with the table's warning on standard error.
    let gov = run(&["bundle", "--region", "us-gov-west-1", "--endpoint", "proxy"]);
    assert_eq!(fingerprints(ok(&gov)), amazon);
    let err = text(&gov.stderr);
    assert!(
        err.starts_with("rdsca: warning: RDS Proxy trust is unverified in aws-us-gov: "),
        "{err}"
    );
}

#[test]
fn a_bad_endpoint_choice_is_exit_1_with_what_is_allowed() {
    let fails = |args: &[&str], want: &str| {
        let out = run(args);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(out.stdout.is_empty());
        let err = text(&out.stderr);
        assert!(err.contains(want), "{args:?}: {err}");
    };
    fails(
        &["bundle", "--region", "eu-west-1", "--endpoint", "prxy"],
        "Did you mean \"proxy\"? Allowed values: both, database, proxy.",
    );
    fails(
        &[
            "bundle",
            "--region",
            "eu-west-1",
            "--endpoint",
            "proxy",
            "--select",
            "root",
        ],
        "no single root",
    );
    fails(
        &[
            "bundle",
            "--region",
            "eu-west-1",
            "--endpoint",
            "proxy",
            "--download",
        ],
        "--download with --endpoint proxy",
    );
    let help = text(ok(&run(&["bundle", "--help"])));
    assert!(
        help.contains("--endpoint proxy > proxy-roots.pem"),
        "{help}"
    );
}
