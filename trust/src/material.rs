//! The trust material a client needs for a selection (Region or global set, CA) and an endpoint:
//! what `root_pem`, `offered_roots_pem`, `roots_pem`, the certificate list and the PKCS#12 trust
//! store hold, decided here once for every front end.
//!
//! - `database`: the RDS set (compiled in or downloaded): the one root the CA chains to in the
//!   Region, the roots of every CA the Region offers, every root of the set.
//! - `proxy`: RDS Proxy endpoints present ACM certificates, which chain to the Amazon Trust
//!   Services roots, not to any RDS root: no single root (which of the Amazon roots signs a
//!   proxy's certificate is AWS's choice), and the RDS set is not used at all.
//! - `both`: the RDS material followed by the Amazon roots, for one trust store that verifies
//!   both kinds of endpoint.

use rdsca_table::selection::{endpoint_warning, Problem, Selection};
use rdsca_table::Endpoint;

use super::certificate::{describe, CertificateInfo};
use super::truststore::{stable_pkcs12_truststore, TrustStoreError};

/// What a client of one endpoint must trust.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustMaterial {
    pub endpoint: Endpoint,
    /// The RDS set's certificates (`database`, `both`), then the Amazon Trust Services roots
    /// (`proxy`, `both`).
    pub certificates: Vec<CertificateInfo>,
    /// The RDS root the CA chains to in the Region (`database`, `both`). `None` for a global
    /// set, and for `proxy`: a proxy has no single RDS root.
    pub root: Option<CertificateInfo>,
    /// Every root among `certificates`, PEM.
    pub roots_pem: String,
    /// In a Region: the roots of the CAs the Region offers (`database`, `both`) and the Amazon
    /// roots (`proxy`, `both`), PEM. `None` for a global set, where `roots_pem` holds them.
    pub offered_roots_pem: Option<String>,
    /// The roots a client should trust: those of `offered_roots_pem` (of `roots_pem` for a
    /// global set); what the trust store holds.
    pub trusted_roots: Vec<CertificateInfo>,
    /// The trust store's entries, `(alias, DER)`: `trusted_roots` under
    /// [`truststore_aliases`].
    pub truststore: Vec<(String, Vec<u8>)>,
    /// Things to warn about: proxy trust no source confirms in the partition.
    pub warnings: Vec<Problem>,
}

/// The RDS set lacks the root of the chosen CA: a client trusting it could not verify the
/// database.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{origin} holds {count} certificate(s), none of them the root \"{want}\". A client trusting this bundle could not verify a database that uses {ca}.")]
pub struct MissingRoot {
    pub origin: String,
    pub count: usize,
    /// The root's CN (`<region>` for a global set).
    pub want: String,
    pub ca: String,
}

/// The material for `selection` and `endpoint`. `rds` is the RDS set (compiled in or
/// downloaded; `origin` names it in errors); it is not read for `proxy`, so a caller need not
/// fetch it then (`Endpoint::needs_rds_roots`).
pub fn trust_material(
    selection: &Selection,
    endpoint: Endpoint,
    origin: &str,
    rds: &[CertificateInfo],
) -> Result<TrustMaterial, MissingRoot> {
    let rds = if endpoint.needs_rds_roots() { rds } else { &[] };
    let root = if endpoint.needs_rds_roots() {
        Some(chosen_root(selection, origin, rds)?)
    } else {
        None
    };
    let amazon: Vec<CertificateInfo> = endpoint
        .amazon_roots(selection.partition)
        .into_iter()
        .map(|r| {
            let mut info = describe(r.der).expect("the generator parsed every Amazon root");
            info.compiled_in = true;
            info
        })
        .collect();
    let offered: Vec<&CertificateInfo> = offered_roots(rds, selection).chain(&amazon).collect();
    let certificates: Vec<CertificateInfo> = rds.iter().chain(&amazon).cloned().collect();
    Ok(TrustMaterial {
        endpoint,
        roots_pem: super::roots_pem(&certificates),
        root: root.filter(|_| selection.region.is_some()).cloned(),
        offered_roots_pem: selection
            .region
            .is_some()
            .then(|| offered.iter().map(|c| c.pem()).collect()),
        truststore: truststore_aliases(offered.iter().copied())
            .into_iter()
            .zip(offered.iter().map(|c| c.der.clone()))
            .collect(),
        trusted_roots: offered.iter().map(|&c| c.clone()).collect(),
        warnings: endpoint_warning("endpoint", endpoint, selection.partition)
            .into_iter()
            .collect(),
        certificates,
    })
}

impl TrustMaterial {
    /// The PKCS#12 trust store of [`TrustMaterial::truststore`], the same bytes as last time
    /// when `cache_dir` holds a store of the same certificates and password.
    pub fn pkcs12(
        &self,
        cache_dir: Option<&std::path::Path>,
        password: &str,
    ) -> Result<Vec<u8>, TrustStoreError> {
        let entries: Vec<(&str, &[u8])> = self
            .truststore
            .iter()
            .map(|(alias, der)| (alias.as_str(), der.as_slice()))
            .collect();
        stable_pkcs12_truststore(cache_dir, &entries, password)
    }

    /// The certificate that expires first.
    pub fn soonest_not_after(&self) -> Option<&CertificateInfo> {
        super::soonest_not_after(&self.certificates)
    }
}

/// The chosen CA's root in the RDS set: in the Region, or the first one of a global set.
fn chosen_root<'a>(
    selection: &Selection,
    origin: &str,
    rds: &'a [CertificateInfo],
) -> Result<&'a CertificateInfo, MissingRoot> {
    let ca = selection.ca.as_str();
    rds.iter()
        .find(|c| {
            c.is_root
                && c.ca_identifier.as_deref() == Some(ca)
                && selection
                    .region
                    .as_ref()
                    .is_none_or(|r| c.region.as_deref() == Some(r.code()))
        })
        .ok_or_else(|| MissingRoot {
            origin: origin.to_string(),
            count: rds.len(),
            want: match &selection.region {
                Some(r) => selection.ca.authority().root_common_name_in(r.code()),
                None => selection
                    .ca
                    .authority()
                    .root_common_name
                    .replace("{region}", "<region>"),
            },
            ca: ca.to_string(),
        })
}

/// The roots of the CAs offered in the selection's Region (every root for a global set).
fn offered_roots<'a>(
    certificates: &'a [CertificateInfo],
    selection: &'a Selection,
) -> impl Iterator<Item = &'a CertificateInfo> {
    certificates.iter().filter(move |c| {
        c.is_root
            && match &selection.region {
                None => true,
                Some(place) => {
                    c.region.as_deref() == Some(place.code())
                        && c.ca_identifier.as_deref().is_some_and(|ca| {
                            selection
                                .available_cas()
                                .iter()
                                .any(|offered| offered.as_str() == ca)
                        })
                }
            }
    })
}

/// Trust store aliases, the one rule for every front end: `<region>-<CA id>` for an RDS root, the
/// CN lower-cased for anything else (Amazon roots, intermediates); `-2`, `-3`, ... after a name
/// already taken (Java compares aliases without regard to case).
pub fn truststore_aliases<'a>(
    certificates: impl IntoIterator<Item = &'a CertificateInfo>,
) -> Vec<String> {
    let mut aliases: Vec<String> = Vec::new();
    for c in certificates {
        let base = match (&c.region, &c.ca_identifier, c.is_root) {
            (Some(region), Some(ca), true) => format!("{region}-{ca}"),
            _ => c.common_name.to_lowercase(),
        };
        let mut alias = base.clone();
        let mut n = 1;
        while aliases.iter().any(|a| a.eq_ignore_ascii_case(&alias)) {
            n += 1;
            alias = format!("{base}-{n}");
        }
        aliases.push(alias);
    }
    aliases
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compiled_bundle;
    use rdsca_table::selection::select;
    use rdsca_table::{CertKind, KnownCertificate, Region, AMAZON_TRUST_ROOTS};

    const AMAZON_ALIASES: [&str; 5] = [
        "amazon root ca 1",
        "amazon root ca 2",
        "amazon root ca 3",
        "amazon root ca 4",
        "starfield services root certificate authority - g2",
    ];

    fn material(
        region: Option<&str>,
        partition: Option<&str>,
        endpoint: Endpoint,
    ) -> TrustMaterial {
        let selection = select(region, partition, None, false).unwrap();
        let rds = compiled_bundle(selection.partition.id, region).unwrap();
        trust_material(&selection, endpoint, "test", &rds.certificates).unwrap()
    }

    fn pem_count(pem: &str) -> usize {
        pem.matches("-----BEGIN CERTIFICATE-----").count()
    }

    fn aliases(m: &TrustMaterial) -> Vec<&str> {
        m.truststore.iter().map(|(a, _)| a.as_str()).collect()
    }

    /// `database`, as before the endpoint choice: for every Region and every CA it offers, the
    /// single root is the certificate the table pins, and the offered roots are the Region's.
    #[test]
    fn database_root_is_the_pinned_one_everywhere() {
        let mut checked = 0;
        for region in Region::all().filter(|r| r.partition().has_known_certificates) {
            let set = compiled_bundle(region.partition, Some(region.code)).unwrap();
            for ca in region.cas {
                let selection = select(Some(region.code), None, Some(ca.as_str()), false).unwrap();
                let m = trust_material(&selection, Endpoint::Database, "test", &set.certificates)
                    .unwrap();
                let pinned = KnownCertificate::all()
                    .iter()
                    .find(|k| {
                        k.set.is_none()
                            && k.region == region.code
                            && k.ca == *ca
                            && k.kind == CertKind::Root
                    })
                    .unwrap();
                let root = m.root.as_ref().unwrap();
                assert_eq!(
                    root.sha256_fingerprint, pinned.sha256,
                    "{} {ca}",
                    region.code
                );
                let want: Vec<String> = region
                    .cas
                    .iter()
                    .map(|c| format!("{}-{c}", region.code))
                    .collect();
                assert_eq!(aliases(&m), want, "{}", region.code);
                assert_eq!(m.certificates, set.certificates);
                assert!(m.warnings.is_empty());
                checked += 1;
            }
        }
        // 28 Regions offer all three CAs (26 commercial, 2 GovCloud), 8 only rsa2048.
        assert_eq!(checked, 28 * 3 + 8, "Regions × offered CAs");
    }

    #[test]
    fn proxy_is_the_amazon_roots_and_no_single_root() {
        let m = material(Some("eu-west-1"), None, Endpoint::Proxy);
        assert_eq!(m.root, None);
        assert_eq!(m.certificates.len(), 5);
        let fingerprints: Vec<&str> = m
            .certificates
            .iter()
            .map(|c| c.sha256_fingerprint.as_str())
            .collect();
        let compiled: Vec<&str> = AMAZON_TRUST_ROOTS.iter().map(|r| r.sha256).collect();
        assert_eq!(fingerprints, compiled);
        assert!(m.certificates.iter().all(|c| c.is_root && c.compiled_in));
        assert!(m
            .certificates
            .iter()
            .all(|c| c.region.is_none() && c.ca_identifier.is_none()));
        assert_eq!(pem_count(&m.roots_pem), 5);
        assert_eq!(m.offered_roots_pem.as_deref(), Some(m.roots_pem.as_str()));
        assert_eq!(aliases(&m), AMAZON_ALIASES);
        assert!(
            m.warnings.is_empty(),
            "confirmed in the commercial partition"
        );
    }

    #[test]
    fn proxy_reads_no_rds_set() {
        // AWS China: no RDS certificates compiled in, yet the Amazon roots, with a warning.
        let selection = select(Some("cn-north-1"), None, None, false).unwrap();
        let m = trust_material(&selection, Endpoint::Proxy, "none", &[]).unwrap();
        assert_eq!(m.certificates.len(), 5);
        assert_eq!(m.warnings.len(), 1);
        assert_eq!(m.warnings[0].attribute, "endpoint");
        assert_eq!(
            m.warnings[0].summary,
            "RDS Proxy trust is unverified in aws-cn"
        );
        // A set of another Region would fail `database`; `proxy` ignores it.
        let other = compiled_bundle("aws", Some("eu-west-2")).unwrap();
        let selection = select(Some("eu-west-1"), None, None, false).unwrap();
        assert_eq!(
            trust_material(&selection, Endpoint::Proxy, "x", &other.certificates)
                .unwrap()
                .certificates
                .len(),
            5
        );
    }

    #[test]
    fn both_is_the_rds_material_then_the_amazon_roots() {
        let database = material(Some("eu-west-1"), None, Endpoint::Database);
        let both = material(Some("eu-west-1"), None, Endpoint::Both);
        assert_eq!(both.root, database.root);
        assert!(both.root.is_some());
        assert_eq!(both.certificates.len(), 3 + 5);
        assert_eq!(both.certificates[..3], database.certificates[..]);
        let offered = both.offered_roots_pem.as_deref().unwrap();
        assert_eq!(pem_count(offered), 8);
        assert!(offered.starts_with(database.offered_roots_pem.as_deref().unwrap()));
        assert_eq!(pem_count(&both.roots_pem), 8);
        let mut want = aliases(&database);
        want.extend(AMAZON_ALIASES);
        assert_eq!(aliases(&both), want);
    }

    #[test]
    fn global_sets_have_no_single_root_and_no_offered_roots() {
        let database = material(None, None, Endpoint::Database);
        assert_eq!(
            (database.root.as_ref(), database.offered_roots_pem.as_ref()),
            (None, None)
        );
        assert_eq!(database.truststore.len(), 108);
        let both = material(None, None, Endpoint::Both);
        assert_eq!(both.truststore.len(), 108 + 5);
        assert_eq!(pem_count(&both.roots_pem), 108 + 5);
        let proxy = material(None, Some("aws-us-gov"), Endpoint::Proxy);
        assert_eq!(
            (proxy.root.as_ref(), proxy.offered_roots_pem.as_ref()),
            (None, None)
        );
        assert_eq!(aliases(&proxy), AMAZON_ALIASES);
        assert_eq!(
            proxy.warnings[0].summary,
            "RDS Proxy trust is unverified in aws-us-gov"
        );
    }

    #[test]
    fn govcloud_intermediates_stay_out_of_the_roots() {
        let m = material(Some("us-gov-west-1"), None, Endpoint::Both);
        assert_eq!(
            m.certificates.len(),
            5 + 5,
            "3 roots, 2 intermediates, 5 Amazon roots"
        );
        assert_eq!(pem_count(&m.roots_pem), 3 + 5);
        assert_eq!(m.truststore.len(), 3 + 5);
        assert_eq!(m.warnings.len(), 1);
    }

    #[test]
    fn a_set_without_the_chosen_root_is_an_error_for_database_and_both() {
        let other = compiled_bundle("aws", Some("eu-west-2")).unwrap();
        let selection = select(Some("eu-west-1"), None, Some("rds-ca-ecc384-g1"), false).unwrap();
        for endpoint in [Endpoint::Database, Endpoint::Both] {
            let e = trust_material(
                &selection,
                endpoint,
                "the mirror's file",
                &other.certificates,
            )
            .unwrap_err();
            assert_eq!(
                e.to_string(),
                "the mirror's file holds 3 certificate(s), none of them the root \"Amazon RDS eu-west-1 Root CA ECC384 G1\". A client trusting this bundle could not verify a database that uses rds-ca-ecc384-g1."
            );
        }
    }

    #[test]
    fn aliases_never_collide() {
        let m = material(Some("us-gov-west-1"), None, Endpoint::Both);
        let aliases = truststore_aliases(&m.certificates);
        assert_eq!(aliases[0], "us-gov-west-1-rds-ca-rsa2048-g1");
        assert_eq!(aliases[3], "amazon rds us-gov-west-1 rsa2048 g1");
        assert_eq!(aliases[5], "amazon root ca 1");
        let mut twice = m.certificates.clone();
        twice.extend(m.certificates.iter().cloned());
        let aliases = truststore_aliases(&twice);
        assert_eq!(aliases[10], "us-gov-west-1-rds-ca-rsa2048-g1-2");
        let mut unique = aliases.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), 20);
    }

    #[test]
    fn the_pkcs12_store_holds_the_entries() {
        use p12_keystore::{KeyStore, KeyStoreEntry, Pkcs12ImportPolicy};
        let m = material(Some("eu-central-1"), None, Endpoint::Both);
        let p12 = m.pkcs12(None, "changeit").unwrap();
        let store = KeyStore::from_pkcs12(&p12, "changeit", Pkcs12ImportPolicy::Strict).unwrap();
        assert_eq!(store.entries_len(), 8);
        assert_eq!(m.trusted_roots.len(), 8);
        for (alias, der) in &m.truststore {
            match store.entry(alias) {
                Some(KeyStoreEntry::Certificate(c)) => assert_eq!(c.as_der(), der.as_slice()),
                other => panic!("{alias}: {other:?}"),
            }
        }
        assert_eq!(
            m.soonest_not_after().unwrap().common_name,
            "Starfield Services Root Certificate Authority - G2"
        );
    }
}
