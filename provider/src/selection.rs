//! Turning user input (region, partition, CA) into table records, or into problems that name
//! the attribute, the bad value and what is allowed. The data sources (at validate and read
//! time) and the functions share this, so a wrong CA reads the same everywhere.

use crate::table::{CaId, Partition, Region};

/// Something wrong with one input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The attribute (data sources) or parameter (functions) at fault.
    pub attribute: &'static str,
    pub summary: String,
    pub detail: String,
}

impl Problem {
    /// Summary and detail as one message, for function errors.
    pub fn message(&self) -> String {
        format!("{}: {}", self.summary, self.detail)
    }
}

/// What a bundle data source or function call resolves to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Selection {
    /// `None` for a partition's global bundle.
    pub region: Option<&'static Region>,
    pub partition: &'static Partition,
    /// The requested CA, or the default one.
    pub ca: CaId,
}

impl Selection {
    pub fn pem_url(&self) -> &'static str {
        self.region
            .map_or(self.partition.global_pem_url, |r| r.pem_url)
    }
    pub fn p7b_url(&self) -> &'static str {
        self.region
            .map_or(self.partition.global_p7b_url, |r| r.p7b_url)
    }
    /// CAs a database can use: the region's, or every CA for a global bundle.
    pub fn available_cas(&self) -> &'static [CaId] {
        self.region.map_or(CaId::ALL, |r| r.cas)
    }
}

pub fn region(attribute: &'static str, code: &str) -> Result<&'static Region, Problem> {
    Region::lookup(code).map_err(|u| Problem {
        attribute,
        summary: u.summary(),
        detail: u.detail(),
    })
}

pub fn partition(attribute: &'static str, id: &str) -> Result<&'static Partition, Problem> {
    Partition::lookup(id).map_err(|u| Problem {
        attribute,
        summary: u.summary(),
        detail: u.detail(),
    })
}

pub fn ca(attribute: &'static str, id: &str) -> Result<CaId, Problem> {
    id.parse::<CaId>().map_err(|u| Problem {
        attribute,
        summary: u.summary(),
        detail: u.detail(),
    })
}

/// The CA must be one the region offers.
pub fn offered(attribute: &'static str, region: &Region, ca: CaId) -> Result<(), Problem> {
    if region.offers(ca) {
        return Ok(());
    }
    let offered: Vec<&str> = region.cas.iter().map(|c| c.as_str()).collect();
    Err(Problem {
        attribute,
        summary: format!("CA \"{ca}\" is not offered in {}", region.code),
        detail: format!(
            "RDS does not offer {ca} in {} ({}): a database there cannot use it, and AWS would reject it only at apply time. CAs offered in {}: {}.",
            region.code,
            region.name,
            region.code,
            offered.join(", ")
        ),
    })
}

/// Resolves the inputs of `rdsca_bundle`. `None` means the argument is unset (null); callers
/// skip unknown values before calling. Every problem is reported, not only the first.
pub fn select(
    region_code: Option<&str>,
    partition_id: Option<&str>,
    ca_id: Option<&str>,
) -> Result<Selection, Vec<Problem>> {
    let mut problems = Vec::new();
    let region = region_code.and_then(|c| region("region", c).map_err(|p| problems.push(p)).ok());
    let partition =
        partition_id.and_then(|p| partition("partition", p).map_err(|p| problems.push(p)).ok());
    let ca = ca_id.and_then(|c| ca("ca_identifier", c).map_err(|p| problems.push(p)).ok());

    if let (Some(r), Some(p)) = (region, partition) {
        if r.partition != p.id {
            problems.push(Problem {
                attribute: "partition",
                summary: "Region and partition disagree".into(),
                detail: format!(
                    "Region {} is in partition \"{}\", not \"{}\". Leave partition unset to derive it from the region.",
                    r.code, r.partition, p.id
                ),
            });
        }
    }
    if let (Some(r), Some(c)) = (region, ca) {
        if let Err(p) = offered("ca_identifier", r, c) {
            problems.push(p);
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let partition = match (region, partition) {
        (Some(r), _) => r.partition(),
        (None, Some(p)) => p,
        (None, None) => Partition::commercial(),
    };
    Ok(Selection {
        region,
        partition,
        ca: ca.unwrap_or(CaId::DEFAULT),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commercial_region_with_default_ca() {
        let s = select(Some("eu-west-2"), None, None).unwrap();
        assert_eq!(s.partition.id, "aws");
        assert_eq!(s.ca, CaId::DEFAULT);
        assert_eq!(
            s.pem_url(),
            "https://truststore.pki.rds.amazonaws.com/eu-west-2/eu-west-2-bundle.pem"
        );
    }

    #[test]
    fn no_region_means_the_partitions_global_bundle() {
        let s = select(None, Some("aws-us-gov"), None).unwrap();
        assert_eq!(
            s.pem_url(),
            "https://truststore.pki.us-gov-west-1.rds.amazonaws.com/global/global-bundle.pem"
        );
        assert_eq!(s.available_cas().len(), CaId::ALL.len());
        let s = select(None, None, None).unwrap();
        assert_eq!(
            s.p7b_url(),
            "https://truststore.pki.rds.amazonaws.com/global/global-bundle.p7b"
        );
    }

    #[test]
    fn ca_not_offered_names_region_ca_and_alternatives() {
        let problems = select(Some("ap-south-1"), None, Some("rds-ca-ecc384-g1")).unwrap_err();
        assert_eq!(problems.len(), 1);
        let p = &problems[0];
        assert_eq!(p.attribute, "ca_identifier");
        assert_eq!(
            p.summary,
            "CA \"rds-ca-ecc384-g1\" is not offered in ap-south-1"
        );
        assert!(p.detail.contains("Asia Pacific (Mumbai)"), "{}", p.detail);
        assert!(
            p.detail
                .ends_with("CAs offered in ap-south-1: rds-ca-rsa2048-g1."),
            "{}",
            p.detail
        );
    }

    #[test]
    fn conflicting_partition_is_an_error_on_partition() {
        let problems = select(Some("us-gov-west-1"), Some("aws"), None).unwrap_err();
        assert_eq!(problems[0].attribute, "partition");
        assert!(problems[0]
            .detail
            .contains("Region us-gov-west-1 is in partition \"aws-us-gov\", not \"aws\""));
    }

    #[test]
    fn every_bad_input_is_reported() {
        let problems = select(Some("us-east1"), Some("aws-cn"), Some("rds-ca-2019")).unwrap_err();
        let attrs: Vec<_> = problems.iter().map(|p| p.attribute).collect();
        assert_eq!(attrs, ["region", "partition", "ca_identifier"]);
        assert!(
            problems[0].detail.contains("Did you mean \"us-east-1\"?"),
            "{}",
            problems[0].detail
        );
    }
}
