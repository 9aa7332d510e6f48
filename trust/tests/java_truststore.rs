//! `content::pkcs12_truststore` against a real JDK: `keytool -list` must show every certificate
//! as a `trustedCertEntry`, and a Java TLS client (tests/java/TlsProbe.java, compiled here with
//! `javac`) must complete a handshake with the local HTTPS test server (rdsca-test-server)
//! trusting only our store, and fail with a PKIX error when the store lacks the server's CA.
//!
//! `java`, `javac` and `keytool` come from `JAVA_HOME/bin` when set, else `PATH`. Missing ones fail
//! the tests (they never skip): scripts/setup.sh installs `default-jdk-headless`.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use support::{jdk_tool, keytool_list, run};

use rdsca_bundle_format::certificate_ders;
use rdsca_test_server::{Route, TestServer};
use rdsca_trust::certificate::describe;
use rdsca_trust::pkcs12_truststore;

const PASSWORD: &str = "rdsca-test-pw";

/// TlsProbe.java compiled once per test binary: the directory holding TlsProbe.class.
fn probe_classes() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/java/TlsProbe.java");
        let out = run(Command::new(jdk_tool("javac"))
            .arg("-d")
            .arg(dir.path())
            .arg(&source));
        assert!(out.status.success(), "javac {} failed", source.display());
        assert!(dir.path().join("TlsProbe.class").is_file());
        dir
    })
    .path()
}

/// Runs TlsProbe against `url` with `store` as the only trust store.
fn probe(url: &str, store: &Path, password: &str) -> (bool, String) {
    let out = run(Command::new(jdk_tool("java"))
        .arg(format!("-Djavax.net.ssl.trustStore={}", store.display()))
        .arg("-Djavax.net.ssl.trustStoreType=PKCS12")
        .arg(format!("-Djavax.net.ssl.trustStorePassword={password}"))
        .arg("-Duser.language=en")
        .arg("-cp")
        .arg(probe_classes())
        .arg("TlsProbe")
        .arg(url));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    match out.status.code() {
        Some(0) => assert!(stdout.starts_with("OK "), "{stdout}"),
        Some(1) => assert!(stdout.starts_with("FAIL"), "{stdout}"),
        other => panic!("TlsProbe exited with {other:?}: {stdout}"),
    }
    (out.status.success(), stdout)
}

/// Two real RDS roots from data/roots/aws.pem: eu-west-1's RSA2048 and ECC384 CAs, aliased
/// `<region>-<ca>` as the provider names them.
fn rds_roots() -> Vec<(String, Vec<u8>)> {
    let pem = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/roots/aws.pem"))
        .expect("data/roots/aws.pem");
    let mut roots: Vec<(String, Vec<u8>)> = certificate_ders(&pem, "aws.pem")
        .expect("aws.pem")
        .into_iter()
        .filter_map(|der| {
            let info = describe(&der).expect("RDS root");
            match (info.region.as_deref(), info.ca_identifier.as_deref()) {
                (Some("eu-west-1"), Some(ca @ ("rds-ca-rsa2048-g1" | "rds-ca-ecc384-g1"))) => {
                    Some((format!("eu-west-1-{ca}"), der))
                }
                _ => None,
            }
        })
        .collect();
    roots.sort();
    assert_eq!(roots.len(), 2, "eu-west-1's RSA2048 and ECC384 roots");
    roots
}

struct Fixture {
    server: TestServer,
    dir: tempfile::TempDir,
    /// The server's CA (alias: its CN, as Java will list it lower-cased) and two RDS roots.
    full: PathBuf,
    /// The two RDS roots only.
    rds_only: PathBuf,
    full_aliases: Vec<String>,
}

fn fixture() -> Fixture {
    let server = TestServer::start();
    server.route("/", Route::ok("hello"));
    let ca_der = certificate_ders(server.ca_pem().as_bytes(), "test CA")
        .expect("test CA")
        .remove(0);
    let roots = rds_roots();
    let mut full: Vec<(&str, &[u8])> = vec![("rdsca test CA", &ca_der)];
    full.extend(roots.iter().map(|(a, d)| (a.as_str(), d.as_slice())));
    let rds: Vec<(&str, &[u8])> = roots
        .iter()
        .map(|(a, d)| (a.as_str(), d.as_slice()))
        .collect();

    let dir = tempfile::tempdir().expect("temp dir");
    let write = |name: &str, certs: &[(&str, &[u8])]| {
        let path = dir.path().join(name);
        let bytes = pkcs12_truststore(certs, PASSWORD).expect("trust store");
        std::fs::write(&path, bytes).expect("write trust store");
        path
    };
    Fixture {
        full: write("full.p12", &full),
        rds_only: write("rds-only.p12", &rds),
        full_aliases: full.iter().map(|(a, _)| a.to_string()).collect(),
        server,
        dir,
    }
}

#[test]
fn keytool_lists_every_certificate_as_a_trusted_cert_entry() {
    let f = fixture();
    let (entries, count) = keytool_list(&f.full, PASSWORD).expect("keytool -list");
    assert_eq!(count, 3, "{entries:?}");
    assert_eq!(entries.len(), 3, "{entries:?}");
    // Java lower-cases PKCS#12 aliases.
    let mut want: Vec<String> = f.full_aliases.iter().map(|a| a.to_lowercase()).collect();
    want.sort();
    let mut got: Vec<String> = entries.iter().map(|(a, _)| a.clone()).collect();
    got.sort();
    assert_eq!(got, want);
    for (alias, kind) in &entries {
        assert_eq!(kind, "trustedCertEntry", "{alias}");
    }

    let (entries, count) = keytool_list(&f.rds_only, PASSWORD).expect("keytool -list");
    assert_eq!(count, 2);
    assert!(
        entries.iter().all(|(_, t)| t == "trustedCertEntry"),
        "{entries:?}"
    );
}

#[test]
fn keytool_rejects_the_wrong_password() {
    let f = fixture();
    let err = keytool_list(&f.full, "not-the-password").expect_err("wrong password");
    assert!(err.contains("password was incorrect"), "{err}");
}

#[test]
fn java_tls_handshake_succeeds_with_the_store() {
    let f = fixture();
    let (ok, out) = probe(&f.server.url("/"), &f.full, PASSWORD);
    assert!(ok, "{out}");
    assert_eq!(out.trim(), "OK 200");
    assert_eq!(f.server.requests("/"), 1);
}

#[test]
fn java_tls_handshake_fails_without_the_server_ca() {
    let f = fixture();
    let (ok, out) = probe(&f.server.url("/"), &f.rds_only, PASSWORD);
    assert!(!ok, "{out}");
    assert!(out.contains("javax.net.ssl.SSLHandshakeException"), "{out}");
    assert!(
        out.contains("PKIX path building failed")
            && out.contains("unable to find valid certification path"),
        "{out}"
    );
    assert_eq!(
        f.server.requests("/"),
        0,
        "no request passes a failed handshake"
    );
}

#[test]
fn java_refuses_the_store_with_the_wrong_password() {
    let f = fixture();
    let (ok, out) = probe(&f.server.url("/"), &f.full, "not-the-password");
    assert!(!ok, "{out}");
    // The JDK's TLS context wraps the MAC failure without its cause.
    assert!(out.contains("problem accessing trust store"), "{out}");
    assert_eq!(f.server.requests("/"), 0);
}

/// Why `pkcs12_truststore` refuses an empty password: the JDK opens a store whose password is
/// empty without a password, skips the encrypted certificates, and trusts nothing. The store is
/// written here with the crate directly, which allows it.
#[test]
fn java_trusts_nothing_from_a_store_with_an_empty_password() {
    let f = fixture();
    let ca_der = certificate_ders(f.server.ca_pem().as_bytes(), "test CA")
        .expect("test CA")
        .remove(0);
    let mut store = p12_keystore::KeyStore::new();
    store.add_entry(
        "rdsca test ca",
        p12_keystore::KeyStoreEntry::Certificate(
            p12_keystore::Certificate::from_der(&ca_der).expect("certificate"),
        ),
    );
    let path = f.dir.path().join("empty-password.p12");
    std::fs::write(&path, store.writer("").write().expect("write")).expect("write store");
    let (ok, out) = probe(&f.server.url("/"), &path, "");
    assert!(!ok, "{out}");
    assert!(
        out.contains("the trustAnchors parameter must be non-empty"),
        "{out}"
    );
    assert_eq!(
        pkcs12_truststore(&[("rdsca test ca", &ca_der)], "").unwrap_err(),
        rdsca_trust::TrustStoreError::EmptyPassword
    );
}
