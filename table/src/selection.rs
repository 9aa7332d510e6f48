//! Turning user input (region, partition, CA) into table records, or into problems that name
//! the attribute, the bad value and what is allowed. The data sources (at validate and read
//! time) and the functions share this, so a wrong CA reads the same everywhere.

use crate::{Availability, CaId, Partition, Region};

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

/// A Region of the table, or one the table does not list (accepted with
/// `allow_unlisted_regions`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    Listed(&'static Region),
    Unlisted {
        code: String,
        partition: &'static Partition,
    },
}

impl Place {
    pub fn code(&self) -> &str {
        match self {
            Place::Listed(r) => r.code,
            Place::Unlisted { code, .. } => code,
        }
    }
    pub fn name(&self) -> String {
        match self {
            Place::Listed(r) => r.name.to_string(),
            Place::Unlisted { code, .. } => format!("{code} (not in this provider's table)"),
        }
    }
    /// Unlisted: every CA is unverified.
    pub fn availability(&self, ca: CaId) -> Availability {
        match self {
            Place::Listed(r) => r.availability(ca),
            Place::Unlisted { .. } => Availability::Unverified,
        }
    }
}

/// What a bundle data source resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    /// `None` for a partition's global bundle.
    pub region: Option<Place>,
    pub partition: &'static Partition,
    /// The requested CA, or the default one.
    pub ca: CaId,
    /// Things to warn about: an unverified CA, an unlisted Region.
    pub warnings: Vec<Problem>,
}

impl Selection {
    pub fn pem_url(&self) -> String {
        match &self.region {
            None => self.partition.global_pem_url.to_string(),
            Some(Place::Listed(r)) => r.pem_url.to_string(),
            Some(Place::Unlisted { code, partition }) => partition.layout_url(code, "pem"),
        }
    }
    /// `None` where the partition documents no PKCS#7 bundle.
    pub fn p7b_url(&self) -> Option<String> {
        match &self.region {
            None => self.partition.global_p7b_url.map(str::to_string),
            Some(Place::Listed(r)) => r.p7b_url.map(str::to_string),
            Some(Place::Unlisted { code, partition }) => partition
                .global_p7b_url
                .map(|_| partition.layout_url(code, "p7b")),
        }
    }
    /// The Region code, or `global/<partition>`.
    pub fn id(&self) -> String {
        match &self.region {
            Some(r) => r.code().to_string(),
            None => format!("global/{}", self.partition.id),
        }
    }
    /// CAs a database can use: the Region's offered ones, or every CA for a global bundle.
    pub fn available_cas(&self) -> &'static [CaId] {
        match &self.region {
            None => CaId::ALL,
            Some(Place::Listed(r)) => r.cas,
            Some(Place::Unlisted { .. }) => &[],
        }
    }
}

/// The remedy appended to an unknown but well-formed Region code.
fn unlisted_remedy(code: &str) -> String {
    format!(" If {code} is an AWS Region newer than this provider, set allow_unlisted_regions = true in the provider block: its bundle URLs then follow its partition's truststore layout and every CA is unverified.")
}

pub fn region(attribute: &'static str, code: &str) -> Result<&'static Region, Problem> {
    Region::lookup(code).map_err(|u| {
        let mut detail = u.detail();
        if Partition::for_region_code(code).is_some() {
            detail.push_str(&unlisted_remedy(code));
        }
        Problem {
            attribute,
            summary: u.summary(),
            detail,
        }
    })
}

/// A Region of the table, or with `allow_unlisted`, any well-formed code of a known partition.
pub fn place(attribute: &'static str, code: &str, allow_unlisted: bool) -> Result<Place, Problem> {
    match region(attribute, code) {
        Ok(r) => Ok(Place::Listed(r)),
        Err(problem) => match Partition::for_region_code(code) {
            Some(partition) if allow_unlisted => Ok(Place::Unlisted {
                code: code.to_string(),
                partition,
            }),
            _ => Err(problem),
        },
    }
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

/// The CA must not be one the table says the Region lacks. `Ok(Some(warning))` when no source
/// says either way.
pub fn offered(
    attribute: &'static str,
    place: &Place,
    ca: CaId,
) -> Result<Option<Problem>, Problem> {
    let code = place.code();
    match place.availability(ca) {
        Availability::Offered => Ok(None),
        Availability::Unverified => Ok(Some(Problem {
            attribute,
            summary: format!("CA \"{ca}\" is unverified in {code}"),
            detail: format!(
                "No source this provider knows says whether RDS offers {ca} in {code} ({}). Check with `aws rds describe-certificates --region {code}` (or `describe-db-engine-versions` for your engine) before relying on it.",
                place.name()
            ),
        })),
        Availability::NotOffered => {
            let offered: Vec<&str> = match place {
                Place::Listed(r) => r.cas.iter().map(|c| c.as_str()).collect(),
                Place::Unlisted { .. } => Vec::new(),
            };
            Err(Problem {
                attribute,
                summary: format!("CA \"{ca}\" is not offered in {code}"),
                detail: format!(
                    "RDS does not offer {ca} in {code} ({}): a database there cannot use it, and AWS would reject it only at apply time. CAs offered in {code}: {}.",
                    place.name(),
                    offered.join(", ")
                ),
            })
        }
    }
}

/// Resolves the inputs of `rdsca_bundle`. `None` means the argument is unset (null); callers
/// skip unknown values before calling. Every problem is reported, not only the first.
pub fn select(
    region_code: Option<&str>,
    partition_id: Option<&str>,
    ca_id: Option<&str>,
    allow_unlisted: bool,
) -> Result<Selection, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut warnings = Vec::new();
    let place = region_code.and_then(|c| {
        place("region", c, allow_unlisted)
            .map_err(|p| problems.push(p))
            .ok()
    });
    let partition =
        partition_id.and_then(|p| partition("partition", p).map_err(|p| problems.push(p)).ok());
    let ca = ca_id.and_then(|c| ca("ca_identifier", c).map_err(|p| problems.push(p)).ok());

    let region_partition = match &place {
        Some(Place::Listed(r)) => Some(r.partition()),
        Some(Place::Unlisted { partition, .. }) => Some(*partition),
        None => None,
    };
    if let (Some(place), Some(rp), Some(p)) = (&place, region_partition, partition) {
        if rp.id != p.id {
            problems.push(Problem {
                attribute: "partition",
                summary: "Region and partition disagree".into(),
                detail: format!(
                    "Region {} is in partition \"{}\", not \"{}\". Leave partition unset to derive it from the region.",
                    place.code(), rp.id, p.id
                ),
            });
        }
    }
    if let Some(Place::Unlisted { code, .. }) = &place {
        warnings.push(Problem {
            attribute: "region",
            summary: format!("Region {code} is not in this provider's table"),
            detail: format!("{code} is accepted because allow_unlisted_regions = true: its bundle URLs follow its partition's truststore layout, and no CA is known to be offered there."),
        });
    }
    if let Some(place) = &place {
        // The chosen CA, or the default one, must not be known to be missing.
        match offered("ca_identifier", place, ca.unwrap_or(CaId::DEFAULT)) {
            Ok(Some(w)) => warnings.push(w),
            Ok(None) => {}
            Err(p) if ca.is_some() => problems.push(p),
            Err(_) => {}
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let partition = region_partition
        .or(partition)
        .unwrap_or_else(Partition::commercial);
    Ok(Selection {
        region: place,
        partition,
        ca: ca.unwrap_or(CaId::DEFAULT),
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commercial_region_with_default_ca() {
        let s = select(Some("eu-west-2"), None, None, false).unwrap();
        assert_eq!(s.partition.id, "aws");
        assert_eq!(s.ca, CaId::DEFAULT);
        assert_eq!(
            s.pem_url(),
            "https://truststore.pki.rds.amazonaws.com/eu-west-2/eu-west-2-bundle.pem"
        );
    }

    #[test]
    fn no_region_means_the_partitions_global_bundle() {
        let s = select(None, Some("aws-us-gov"), None, false).unwrap();
        assert_eq!(
            s.pem_url(),
            "https://truststore.pki.us-gov-west-1.rds.amazonaws.com/global/global-bundle.pem"
        );
        assert_eq!(s.available_cas().len(), CaId::ALL.len());
        let s = select(None, None, None, false).unwrap();
        assert_eq!(
            s.p7b_url().as_deref(),
            Some("https://truststore.pki.rds.amazonaws.com/global/global-bundle.p7b")
        );
    }

    #[test]
    fn ca_not_offered_names_region_ca_and_alternatives() {
        let problems =
            select(Some("ap-south-1"), None, Some("rds-ca-ecc384-g1"), false).unwrap_err();
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
        let problems = select(Some("us-gov-west-1"), Some("aws"), None, false).unwrap_err();
        assert_eq!(problems[0].attribute, "partition");
        assert!(problems[0]
            .detail
            .contains("Region us-gov-west-1 is in partition \"aws-us-gov\", not \"aws\""));
    }

    #[test]
    fn every_bad_input_is_reported() {
        let problems = select(
            Some("us-east1"),
            Some("aws-mars"),
            Some("rds-ca-2019"),
            false,
        )
        .unwrap_err();
        let attrs: Vec<_> = problems.iter().map(|p| p.attribute).collect();
        assert_eq!(attrs, ["region", "partition", "ca_identifier"]);
        assert!(
            problems[0].detail.contains("Did you mean \"us-east-1\"?"),
            "{}",
            problems[0].detail
        );
    }
}
