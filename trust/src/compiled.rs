//! Bundles made from the RDS certificates compiled into the provider: no network, the same
//! answer on every machine. A Region's set is its root for every CA (and, in GovCloud, the
//! Region's intermediates); a partition's set is every certificate the provider holds for it,
//! Beta and Preview roots included, as in AWS's global bundle.

use super::certificate::{describe, CertificateInfo};
use super::sha256_hex;
use rdsca_table::{CaId, KnownCertificate};

/// A compiled-in set as a bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompiledBundle {
    /// The certificates' PEM, concatenated in the order of `certificates`.
    pub pem: String,
    /// SHA-256 of `pem`: not the hash of any file AWS serves.
    pub sha256: String,
    pub certificates: Vec<CertificateInfo>,
}

/// Why there is no compiled-in set.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the provider holds no RDS certificates for {what}: its roots are verified by signature when downloaded (content_source = \"download\")")]
pub struct NoCompiledCertificates {
    pub what: String,
}

/// The compiled-in set of `partition`, or of one of its Regions.
pub fn compiled_bundle(
    partition: &str,
    region: Option<&str>,
) -> Result<CompiledBundle, NoCompiledCertificates> {
    let mut chosen: Vec<&'static KnownCertificate> = KnownCertificate::all()
        .iter()
        .filter(|c| c.partition == partition)
        .filter(|c| region.is_none_or(|r| c.set.is_none() && c.region == r))
        .collect();
    if chosen.is_empty() {
        return Err(NoCompiledCertificates {
            what: region.map_or_else(|| format!("partition {partition}"), |r| r.to_string()),
        });
    }
    // Roots before intermediates; CAs in the table's order.
    let ca_rank = |ca: CaId| CaId::ALL.iter().position(|c| *c == ca);
    chosen.sort_by_key(|c| (c.set, c.region, c.kind, ca_rank(c.ca)));
    let certificates: Vec<CertificateInfo> = chosen
        .iter()
        .map(|c| {
            let mut info =
                describe(c.der).expect("the generator parsed every compiled-in certificate");
            info.compiled_in = true;
            info
        })
        .collect();
    let pem: String = certificates.iter().map(CertificateInfo::pem).collect();
    Ok(CompiledBundle {
        sha256: sha256_hex(pem.as_bytes()),
        pem,
        certificates,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_regions_set_is_its_three_roots() {
        let b = compiled_bundle("aws", Some("eu-west-1")).unwrap();
        let names: Vec<&str> = b
            .certificates
            .iter()
            .map(|c| c.common_name.as_str())
            .collect();
        assert_eq!(
            names,
            [
                "Amazon RDS eu-west-1 Root CA RSA2048 G1",
                "Amazon RDS eu-west-1 Root CA RSA4096 G1",
                "Amazon RDS eu-west-1 Root CA ECC384 G1"
            ]
        );
        assert!(b.certificates.iter().all(|c| c.is_root && c.compiled_in));
        assert_eq!(b.pem.matches("-----BEGIN CERTIFICATE-----").count(), 3);
        assert_eq!(b.sha256, sha256_hex(b.pem.as_bytes()));
    }

    #[test]
    fn govcloud_regions_have_their_intermediates() {
        let b = compiled_bundle("aws-us-gov", Some("us-gov-west-1")).unwrap();
        let roots = b.certificates.iter().filter(|c| c.is_root).count();
        assert_eq!((roots, b.certificates.len()), (3, 5));
        assert_eq!(
            b.certificates[3].common_name,
            "Amazon RDS us-gov-west-1 RSA2048 G1"
        );
    }

    #[test]
    fn a_partitions_set_matches_the_global_bundle() {
        let b = compiled_bundle("aws", None).unwrap();
        assert_eq!(b.certificates.len(), 108);
        let mut compiled: Vec<&str> = b
            .certificates
            .iter()
            .map(|c| c.sha256_fingerprint.as_str())
            .collect();
        let real = std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../tests/fixtures/bundles/global-bundle.e5bb208.pem"),
        )
        .unwrap();
        let real = crate::parse_bundle(&real, "e5bb208").unwrap();
        let mut served: Vec<&str> = real.iter().map(|c| c.sha256_fingerprint.as_str()).collect();
        compiled.sort_unstable();
        served.sort_unstable();
        assert_eq!(
            compiled, served,
            "the same certificates as AWS's global bundle"
        );
    }

    #[test]
    fn china_has_none() {
        let e = compiled_bundle("aws-cn", Some("cn-north-1")).unwrap_err();
        assert!(e.to_string().contains("cn-north-1"), "{e}");
        assert!(compiled_bundle("aws-cn", None).is_err());
        assert!(compiled_bundle("aws", Some("eu-west-9")).is_err());
    }
}
