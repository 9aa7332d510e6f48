//! Which endpoint a client connects to, and so which roots it must trust: the database's own
//! endpoints present certificates of the RDS CAs; RDS Proxy (and Aurora Serverless v1) endpoints
//! present AWS Certificate Manager certificates, which chain to the Amazon Trust Services roots
//! (`AMAZON_TRUST_ROOTS`, per partition in `PROXY_TRUST`).

use crate::{Partition, ProxyTrust, ProxyTrustState, TrustRoot, AMAZON_TRUST_ROOTS, PROXY_TRUST};

/// The endpoint a client connects to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Endpoint {
    /// The database's own (instance, cluster, reader) endpoints: the RDS roots.
    #[default]
    Database,
    /// An RDS Proxy endpoint (or Aurora Serverless v1): the Amazon Trust Services roots.
    Proxy,
    /// Both, from one trust store: the RDS roots and the Amazon Trust Services roots.
    Both,
}

impl Endpoint {
    pub const ALL: [Endpoint; 3] = [Endpoint::Database, Endpoint::Proxy, Endpoint::Both];

    /// `database`, `proxy`, `both`: the values a user writes.
    pub fn as_str(self) -> &'static str {
        match self {
            Endpoint::Database => "database",
            Endpoint::Proxy => "proxy",
            Endpoint::Both => "both",
        }
    }

    /// Whether a client of this endpoint needs the RDS roots (and so the RDS bundle).
    pub fn needs_rds_roots(self) -> bool {
        matches!(self, Endpoint::Database | Endpoint::Both)
    }

    /// Whether a client of this endpoint needs the Amazon Trust Services roots.
    pub fn needs_amazon_roots(self) -> bool {
        matches!(self, Endpoint::Proxy | Endpoint::Both)
    }

    /// The Amazon Trust Services roots a client of this endpoint needs in `partition`, in the
    /// data file's order: none for `database`.
    pub fn amazon_roots(self, partition: &Partition) -> Vec<&'static TrustRoot> {
        if !self.needs_amazon_roots() {
            return Vec::new();
        }
        proxy_trust(partition)
            .roots
            .iter()
            .map(|&i| &AMAZON_TRUST_ROOTS[i])
            .collect()
    }
}

/// What the table says of RDS Proxy certificates in `partition`. The generator requires a
/// `[[proxy_partition]]` for every partition, so there always is an answer.
pub fn proxy_trust(partition: &Partition) -> &'static ProxyTrust {
    PROXY_TRUST
        .get(partition.id)
        .expect("the generator requires a [[proxy_partition]] for every partition")
}

/// The partition's proxy trust when this endpoint needs the Amazon roots there and no source
/// confirms them: a warning, never an error.
pub fn unverified_proxy_trust(
    endpoint: Endpoint,
    partition: &Partition,
) -> Option<&'static ProxyTrust> {
    let trust = proxy_trust(partition);
    (endpoint.needs_amazon_roots() && trust.state == ProxyTrustState::Unverified).then_some(trust)
}

named_values!(Endpoint, "endpoint");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_database_is_the_default() {
        for e in Endpoint::ALL {
            assert_eq!(e.as_str().parse::<Endpoint>(), Ok(e));
            assert_eq!(e.to_string(), e.as_str());
        }
        assert_eq!(Endpoint::default(), Endpoint::Database);
    }

    #[test]
    fn typos_get_a_did_you_mean_and_the_allowed_values() {
        let e = "proxi".parse::<Endpoint>().unwrap_err();
        assert_eq!(e.summary(), "Unknown endpoint \"proxi\"");
        assert_eq!(
            e.detail(),
            "\"proxi\" is not a known endpoint. Did you mean \"proxy\"? Allowed values: both, database, proxy."
        );
        let e = "Database".parse::<Endpoint>().unwrap_err();
        assert_eq!(
            e.suggestions,
            ["database"],
            "case is not ignored, but suggested"
        );
        let e = "rds-proxy-endpoint".parse::<Endpoint>().unwrap_err();
        assert!(e.suggestions.is_empty());
        assert!("".parse::<Endpoint>().is_err());
    }

    #[test]
    fn which_roots_each_endpoint_needs() {
        let aws = Partition::commercial();
        assert!(Endpoint::Database.amazon_roots(aws).is_empty());
        let names: Vec<&str> = Endpoint::Proxy
            .amazon_roots(aws)
            .iter()
            .map(|r| r.name)
            .collect();
        assert_eq!(
            names,
            [
                "Amazon Root CA 1",
                "Amazon Root CA 2",
                "Amazon Root CA 3",
                "Amazon Root CA 4",
                "Starfield Services Root Certificate Authority - G2"
            ]
        );
        assert_eq!(Endpoint::Both.amazon_roots(aws).len(), 5);
        assert!(Endpoint::Database.needs_rds_roots() && Endpoint::Both.needs_rds_roots());
        assert!(!Endpoint::Proxy.needs_rds_roots());
    }

    #[test]
    fn proxy_trust_is_unverified_outside_the_commercial_partition() {
        for p in Partition::all() {
            assert!(
                unverified_proxy_trust(Endpoint::Database, p).is_none(),
                "{}",
                p.id
            );
            for e in [Endpoint::Proxy, Endpoint::Both] {
                let unverified = unverified_proxy_trust(e, p).is_some();
                assert_eq!(unverified, p.id != "aws", "{} {e}", p.id);
            }
        }
    }
}
