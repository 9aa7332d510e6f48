//! The compiled-in Amazon Trust Services roots (`rdsca_table::AMAZON_TRUST_ROOTS`, the roots RDS
//! Proxy endpoints' ACM certificates chain to) checked with real parts:
//!
//! - their certificates and fingerprints equal Debian's `ca-certificates` copies
//!   (/usr/share/ca-certificates/mozilla) and the fingerprints the data file records from Amazon;
//! - two real chains from the Amazon Trust Services issuing CAs (tests/fixtures/acm-chain) validate
//!   against the "proxy" store (the Amazon roots) and the "both" store (RDS roots and Amazon
//!   roots), and fail against the "database" store (the RDS roots alone), with `openssl verify
//!   -attime` and with Java's `CertPathValidator` (PKIX, revocation off, fixed date;
//!   tests/java/ChainCheck.java) over the PKCS#12 stores, whose entries `keytool -list` shows.
//!
//! The stores are what `rdsca_bundle` hands out: `rdsca_trust::trust_material` for each endpoint
//! choice, in one Region. Missing tools or Debian files fail the tests (they never skip):
//! scripts/setup.sh installs `ca-certificates`, `openssl` comes with it, and a JDK.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use support::{jdk_tool, keytool_list, run};

use rdsca_bundle_format::certificate_ders;
use rdsca_table::selection::select;
use rdsca_table::{
    CertKind, Endpoint, ProxyTrustState, AMAZON_TRUST_ROOTS, KNOWN_CERTIFICATES, PROXY_TRUST,
};
use rdsca_trust::certificate::describe;
use rdsca_trust::{compiled_bundle, trust_material};
use sha2::Digest;
use x509_parser::prelude::{FromDer, X509Certificate};

const PASSWORD: &str = "rdsca-test-pw";
/// Inside the fixture leaves' validity (both 2023-05-10 to 2024-06-07).
const INSIDE: &str = "2024-01-01T00:00:00Z";
/// After the fixture leaves expired.
const AFTER: &str = "2025-01-01T00:00:00Z";
const DEBIAN_DIR: &str = "/usr/share/ca-certificates/mozilla";

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Unix seconds of an RFC 3339 UTC time (GNU `date`, as `openssl -attime` wants seconds).
fn unix(rfc3339: &str) -> i64 {
    let out = run(Command::new("date").args(["-u", "-d", rfc3339, "+%s"]));
    assert!(out.status.success(), "date cannot read {rfc3339}");
    String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
}

// ---------------------------------------------------------------------------------------------
// The three stores, from `rdsca_trust::trust_material`, as `rdsca_bundle` builds them.

/// The Region whose RDS roots the "database" and "both" stores hold.
const REGION: &str = "us-east-1";

/// One trust store, as a PEM file (for openssl) and a PKCS#12 file (for Java).
struct Store {
    name: &'static str,
    pem: PathBuf,
    p12: PathBuf,
    /// `(alias, DER)`, as the material lists them.
    certs: Vec<(String, Vec<u8>)>,
}

struct Stores {
    _dir: tempfile::TempDir,
    stores: Vec<Store>,
}

impl Stores {
    fn get(&self, name: &str) -> &Store {
        self.stores
            .iter()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("no store {name}"))
    }
}

/// The "database", "proxy" and "both" stores of us-east-1's compiled-in set: `offered_roots_pem`
/// as a PEM file and the PKCS#12 trust store, once per binary.
fn stores() -> &'static Stores {
    static STORES: OnceLock<Stores> = OnceLock::new();
    STORES.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let selection = select(Some(REGION), None, None, false).unwrap();
        let rds = compiled_bundle("aws", Some(REGION)).unwrap();
        let mut stores = Vec::new();
        for endpoint in Endpoint::ALL {
            let name = endpoint.as_str();
            let material = trust_material(
                &selection,
                endpoint,
                "the compiled-in set",
                &rds.certificates,
            )
            .unwrap_or_else(|e| panic!("{name}: {e}"));
            let pem_path = dir.path().join(format!("{name}.pem"));
            std::fs::write(&pem_path, material.offered_roots_pem.as_deref().unwrap()).unwrap();
            let p12 = material
                .pkcs12(None, PASSWORD)
                .unwrap_or_else(|e| panic!("the {name} trust store: {e}"));
            let p12_path = dir.path().join(format!("{name}.p12"));
            std::fs::write(&p12_path, p12).unwrap();
            stores.push(Store {
                name,
                pem: pem_path,
                p12: p12_path,
                certs: material.truststore,
            });
        }
        Stores { _dir: dir, stores }
    })
}

#[test]
fn the_stores_hold_the_rds_roots_the_amazon_roots_or_both() {
    let sha = |der: &[u8]| hex(&sha2::Sha256::digest(der));
    let amazon: Vec<String> = AMAZON_TRUST_ROOTS
        .iter()
        .map(|r| r.sha256.to_string())
        .collect();
    let mut rds: Vec<String> = KNOWN_CERTIFICATES
        .iter()
        .filter(|c| c.region == REGION && c.set.is_none() && c.kind == CertKind::Root)
        .map(|c| c.sha256.to_string())
        .collect();
    rds.sort();
    assert_eq!(rds.len(), 3);
    let of = |name| -> Vec<String> {
        stores()
            .get(name)
            .certs
            .iter()
            .map(|(_, d)| sha(d))
            .collect()
    };
    // The RDS roots in any order (the material's is the table's CA order), then the Amazon ones.
    let sorted_head = |mut v: Vec<String>| {
        v[..3].sort();
        v
    };
    assert_eq!(sorted_head(of("database")), rds);
    assert_eq!(of("proxy"), amazon);
    let both = of("both");
    assert_eq!(both.len(), 8);
    assert_eq!(sorted_head(both), [rds, amazon].concat());
}

fn fixture(name: &str) -> PathBuf {
    workspace().join("tests/fixtures/acm-chain").join(name)
}

/// A real chain of tests/fixtures/acm-chain and the root Java must anchor it to.
struct Chain {
    leaf: &'static str,
    intermediate: &'static str,
    anchor: &'static str,
}

/// An RSA chain (Amazon RSA 2048 M02, the usual ACM issuer, under Amazon Root CA 1) and an
/// ECDSA one (Amazon ECDSA 384 M02 under Amazon Root CA 4).
const CHAINS: [Chain; 2] = [
    Chain {
        leaf: "valid.rootca1.demo.amazontrust.com.pem",
        intermediate: "amazon-rsa-2048-m02.pem",
        anchor: "CN=Amazon Root CA 1,O=Amazon,C=US",
    },
    Chain {
        leaf: "valid.rootca4.demo.amazontrust.com.pem",
        intermediate: "amazon-ecdsa-384-m02.pem",
        anchor: "CN=Amazon Root CA 4,O=Amazon,C=US",
    },
];

// ---------------------------------------------------------------------------------------------
// The roots themselves.

/// Debian's file name for a root: its CN with spaces as underscores.
fn debian_file(name: &str) -> PathBuf {
    Path::new(DEBIAN_DIR).join(format!("{}.crt", name.replace(' ', "_")))
}

#[test]
fn compiled_amazon_roots_equal_debians_copies_and_the_published_fingerprints() {
    let table = rdsca_codegen::load(&workspace().join(rdsca_codegen::DATA_FILE))
        .unwrap_or_else(|e| panic!("{e:#?}"));
    assert_eq!(AMAZON_TRUST_ROOTS.len(), 5);
    assert_eq!(AMAZON_TRUST_ROOTS.len(), table.amazon_trust.roots.len());
    for (root, declared) in AMAZON_TRUST_ROOTS.iter().zip(&table.amazon_trust.roots) {
        let path = debian_file(root.name);
        let text = std::fs::read(&path).unwrap_or_else(|e| {
            panic!(
                "{}: {e}: Debian's ca-certificates copy of {:?} is missing; run scripts/setup.sh, which installs the ca-certificates package",
                path.display(),
                root.name
            )
        });
        let ders =
            certificate_ders(&text, &path.display().to_string()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(ders.len(), 1, "{} holds one certificate", path.display());
        let debian_sha = hex(&sha2::Sha256::digest(&ders[0]));
        assert_eq!(debian_sha, root.sha256, "{}: fingerprint", root.name);
        assert_eq!(ders[0], root.der, "{}: DER", root.name);
        // The data file's values (the certificate's SHA-256 and Amazon's published key hash).
        assert_eq!(declared.name, root.name);
        assert_eq!(declared.sha256, root.sha256);
        assert_eq!(declared.spki_sha256, root.spki_sha256);
        // And Debian's copy hashes to Amazon's published key hash too.
        let (_, cert) = X509Certificate::from_der(&ders[0]).unwrap();
        assert_eq!(
            hex(&sha2::Sha256::digest(cert.public_key().raw)),
            root.spki_sha256,
            "{}: published SubjectPublicKeyInfo SHA-256",
            root.name
        );
        let info = describe(root.der).unwrap();
        assert!(
            info.is_ca && info.is_root,
            "{} is a self-issued CA",
            root.name
        );
    }
    // Amazon's published SPKI hashes (https://www.amazontrust.com/repository/), spelt out here
    // so a change to the data file must change this test as well.
    let published: Vec<&str> = AMAZON_TRUST_ROOTS.iter().map(|r| r.spki_sha256).collect();
    assert_eq!(
        published,
        [
            "fbe3018031f9586bcbf41727e417b7d1c45c2f47f93be372a17b96b50757d5a2",
            "7f4296fc5b6a4e3b35d3c369623e364ab1af381d8fa7121533c9d6c633ea2461",
            "36abc32656acfc645c61b71613c4bf21c787f5cabbee48348d58597803d7abc9",
            "f7ecded5c66047d28ed6466b543c40e0743abe81d109254dcf845d4c2c7853c5",
            "2b071c59a0a0ae76b0eadb2bad23bad4580b69c3601b630c2eaf0613afa83f92",
        ]
    );
}

#[test]
fn proxy_trust_is_confirmed_for_commercial_and_unverified_elsewhere() {
    let state = |p: &str| PROXY_TRUST.get(p).map(|t| (t.state, t.roots.len()));
    assert_eq!(state("aws"), Some((ProxyTrustState::Confirmed, 5)));
    assert_eq!(state("aws-us-gov"), Some((ProxyTrustState::Unverified, 5)));
    assert_eq!(state("aws-cn"), Some((ProxyTrustState::Unverified, 5)));
    assert!(PROXY_TRUST.get("aws-cn").unwrap().note.is_some());
}

// ---------------------------------------------------------------------------------------------
// openssl verify.

/// `openssl verify` of `chain` against `store` at `when`: only `store` is trusted (no default CA
/// file, directory or store).
fn openssl_verify(chain: &Chain, store: &Path, when: &str) -> (bool, String) {
    let out = run(Command::new("openssl")
        .env("SSL_CERT_FILE", "/nonexistent")
        .env("SSL_CERT_DIR", "/nonexistent")
        .args(["verify", "-no-CApath", "-no-CAstore", "-attime"])
        .arg(unix(when).to_string())
        .arg("-CAfile")
        .arg(store)
        .arg("-untrusted")
        .arg(fixture(chain.intermediate))
        .arg(fixture(chain.leaf)));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
fn the_leaves_are_valid_at_the_validation_date() {
    for (chain, cn, issuer) in [
        (
            &CHAINS[0],
            "valid.rootca1.demo.amazontrust.com",
            "Amazon RSA 2048 M02",
        ),
        (
            &CHAINS[1],
            "valid.rootca4.demo.amazontrust.com",
            "Amazon ECDSA 384 M02",
        ),
    ] {
        let der = certificate_ders(&std::fs::read(fixture(chain.leaf)).unwrap(), chain.leaf)
            .unwrap()
            .remove(0);
        let leaf = describe(&der).unwrap();
        assert_eq!(leaf.common_name, cn);
        assert!(leaf.issuer.contains(issuer), "{}", leaf.issuer);
        let when = unix(INSIDE);
        let not_after = leaf.not_after.unix_timestamp();
        assert!(leaf.not_before.unix_timestamp() < when && when < not_after);
        assert!(unix(AFTER) > not_after);
    }
}

#[test]
fn openssl_validates_the_acm_chains_with_the_proxy_and_both_stores() {
    for chain in &CHAINS {
        for store in ["proxy", "both"] {
            let (ok, text) = openssl_verify(chain, &stores().get(store).pem, INSIDE);
            assert!(ok, "{} with the {store} store: {text}", chain.leaf);
            assert!(text.contains(": OK"), "{store} store: {text}");
        }
    }
}

#[test]
fn openssl_rejects_the_acm_chains_with_the_database_store() {
    for chain in &CHAINS {
        let (ok, text) = openssl_verify(chain, &stores().get("database").pem, INSIDE);
        assert!(!ok, "{text}");
        assert!(
            text.contains("unable to get local issuer certificate"),
            "{text}"
        );
    }
}

#[test]
fn openssl_rejects_the_acm_chains_after_the_leaves_expired() {
    for chain in &CHAINS {
        let (ok, text) = openssl_verify(chain, &stores().get("both").pem, AFTER);
        assert!(!ok, "{text}");
        assert!(text.contains("certificate has expired"), "{text}");
    }
}

// ---------------------------------------------------------------------------------------------
// Java: keytool -list and CertPathValidator.

/// tests/java/ChainCheck.java compiled once per test binary.
fn chain_check_classes() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let source = workspace().join("tests/java/ChainCheck.java");
        let out = run(Command::new(jdk_tool("javac"))
            .arg("-d")
            .arg(dir.path())
            .arg(&source));
        assert!(out.status.success(), "javac {} failed", source.display());
        dir
    })
    .path()
}

/// ChainCheck on `chain` with `store` at `when`: (exit 0, stdout).
fn java_validate(chain: &Chain, store: &Path, when: &str) -> (bool, String) {
    let out = run(Command::new(jdk_tool("java"))
        .arg("-Duser.language=en")
        .arg("-Duser.timezone=UTC")
        .arg("-cp")
        .arg(chain_check_classes())
        .arg("ChainCheck")
        .arg(store)
        .arg(PASSWORD)
        .arg(when)
        .arg(fixture(chain.leaf))
        .arg(fixture(chain.intermediate)));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    match out.status.code() {
        Some(0) => (true, stdout),
        Some(1) => (false, stdout),
        other => panic!("ChainCheck failed to run ({other:?}): {stdout}"),
    }
}

#[test]
fn keytool_lists_the_expected_entries_of_each_store() {
    for name in ["database", "proxy", "both"] {
        let Store { p12, certs, .. } = stores().get(name);
        let (entries, count) = keytool_list(p12, PASSWORD).expect("keytool -list");
        assert_eq!(count, certs.len(), "{name} store");
        let mut want: Vec<String> = certs.iter().map(|(a, _)| a.to_lowercase()).collect();
        want.sort();
        let mut have: Vec<String> = entries
            .iter()
            .map(|(alias, kind)| {
                assert_eq!(kind, "trustedCertEntry", "{name} store, {alias}");
                alias.to_lowercase()
            })
            .collect();
        have.sort();
        assert_eq!(have, want, "{name} store");
    }
    let (entries, _) = keytool_list(&stores().get("proxy").p12, PASSWORD).expect("keytool -list");
    assert!(
        entries
            .iter()
            .any(|(a, _)| a
                .eq_ignore_ascii_case("starfield services root certificate authority - g2"))
    );
    let (database, _) =
        keytool_list(&stores().get("database").p12, PASSWORD).expect("keytool -list");
    assert!(!database
        .iter()
        .any(|(a, _)| a.to_lowercase().starts_with("amazon root ca")));
}

#[test]
fn java_validates_the_acm_chains_with_the_proxy_and_both_stores() {
    for chain in &CHAINS {
        for store in ["proxy", "both"] {
            let (ok, out) = java_validate(chain, &stores().get(store).p12, INSIDE);
            assert!(ok, "{} with the {store} store: {out}", chain.leaf);
            assert_eq!(
                out.trim(),
                format!("VALID {}", chain.anchor),
                "{store} store"
            );
        }
    }
}

#[test]
fn java_rejects_the_acm_chains_with_the_database_store() {
    for chain in &CHAINS {
        let (ok, out) = java_validate(chain, &stores().get("database").p12, INSIDE);
        assert!(!ok, "{out}");
        assert!(out.starts_with("INVALID"), "{out}");
        assert!(
            out.contains("Path does not chain with any of the trust anchors"),
            "{out}"
        );
    }
}

#[test]
fn java_rejects_the_acm_chains_after_the_leaves_expired() {
    for chain in &CHAINS {
        let (ok, out) = java_validate(chain, &stores().get("both").p12, AFTER);
        assert!(!ok, "{out}");
        assert!(
            out.contains("java.security.cert.CertificateExpiredException: NotAfter: Fri Jun 07 23:59:59 UTC 2024"),
            "{out}"
        );
    }
}
