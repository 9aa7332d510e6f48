//! A realistic fleet of any size over several Regions, built deterministically (the same spec
//! gives the same fleet; dates are relative to `FleetSpec::now`): standalone instances of five
//! engines, Aurora clusters of one to three members, Multi-AZ DB clusters of PostgreSQL and
//! MySQL (three instances each); CAs `rds-ca-rsa2048-g1`, `rds-ca-rsa4096-g1`,
//! `rds-ca-ecc384-g1` (never on the SQL Server version, which does not support it) and the
//! expired `rds-ca-2019`; server certificates expired, expiring within 45 days, or later within
//! their lifetime (one year where the engine version rotates without restart, else three);
//! pending `ca-certificate-rotation` actions on the expired and expiring ones (scheduled, only
//! forced, or opted in to the next maintenance window), and a few `system-update` actions that
//! are not about certificates. For the fleet audit's tests and
//! its 2,000-database scale test.

use time::{Duration, OffsetDateTime};

use crate::records::*;

/// The account of the fake's ARNs.
pub const ACCOUNT: &str = "123456789012";

/// Four Regions that offer all three G1 CAs.
pub const REGIONS: [&str; 4] = ["us-east-1", "eu-west-1", "ap-northeast-1", "sa-east-1"];

/// When `rds-ca-2019` (and so every server certificate it signed) expired.
pub const RDS_CA_2019_EXPIRY: OffsetDateTime = time::macros::datetime!(2024-08-22 17:08:50 UTC);

/// What to generate.
#[derive(Clone, Debug)]
pub struct FleetSpec {
    /// Databases as the audit counts them (see [`RegionData::database_count`]).
    pub databases: usize,
    pub regions: Vec<String>,
    pub account: String,
    /// The dates (expiries, apply dates) are placed around this instant.
    pub now: OffsetDateTime,
}

impl FleetSpec {
    /// `databases` over [`REGIONS`] in [`ACCOUNT`].
    pub fn new(databases: usize, now: OffsetDateTime) -> FleetSpec {
        FleetSpec {
            databases,
            regions: REGIONS.iter().map(|r| r.to_string()).collect(),
            account: ACCOUNT.into(),
            now,
        }
    }
}

const G1: [&str; 3] = ["rds-ca-rsa2048-g1", "rds-ca-rsa4096-g1", "rds-ca-ecc384-g1"];
const NO_ECC: [&str; 2] = ["rds-ca-rsa2048-g1", "rds-ca-rsa4096-g1"];

/// `(engine, version, rotates without restart, supports ecc384, port, short name)`.
type Flavour = (&'static str, &'static str, bool, bool, u16, &'static str);

const STANDALONE: [Flavour; 7] = [
    ("postgres", "16.3", true, true, 5432, "pg"),
    ("postgres", "13.15", true, true, 5432, "pg"),
    ("mysql", "8.0.36", true, true, 3306, "mysql"),
    ("mysql", "5.7.44", false, true, 3306, "mysql"),
    ("mariadb", "10.6.16", true, true, 3306, "maria"),
    (
        "oracle-ee",
        "19.0.0.0.ru-2024-04.rur-2024-04.r1",
        false,
        true,
        1521,
        "ora",
    ),
    (
        "sqlserver-se",
        "15.00.4236.7.v1",
        false,
        false,
        1433,
        "mssql",
    ),
];

const AURORA: [Flavour; 4] = [
    ("aurora-postgresql", "15.4", true, true, 5432, "apg"),
    ("aurora-postgresql", "11.21", false, true, 5432, "apg"),
    (
        "aurora-mysql",
        "8.0.mysql_aurora.3.05.2",
        true,
        true,
        3306,
        "ams",
    ),
    (
        "aurora-mysql",
        "5.7.mysql_aurora.2.11.2",
        false,
        true,
        3306,
        "ams",
    ),
];

/// Multi-AZ DB clusters exist for RDS for PostgreSQL and MySQL only.
const MULTI_AZ: [Flavour; 2] = [STANDALONE[0], STANDALONE[2]];

const TEAMS: [&str; 4] = ["payments", "search", "platform", "analytics"];
const ENVIRONMENTS: [&str; 3] = ["prod", "staging", "dev"];

/// Every engine version a generated Region lists: each flavour above, with its CAs and
/// whether it rotates without restart.
pub fn engine_versions() -> Vec<EngineVersion> {
    STANDALONE
        .iter()
        .chain(AURORA.iter())
        .map(|(engine, version, rotation, ecc, _, _)| {
            let cas: &[&str] = if *ecc { &G1 } else { &NO_ECC };
            EngineVersion::new(engine, version, cas, *rotation)
        })
        .collect()
}

/// splitmix64: a fixed, well-mixed sequence from a seed, so the fleet is the same every run.
struct Dice(u64);

impl Dice {
    fn new(seed: impl std::hash::Hash) -> Dice {
        // FNV-1a over the seed's hash input: stable across runs and platforms (DefaultHasher's
        // keys are fixed too, but its algorithm is not promised).
        struct Fnv(u64);
        impl std::hash::Hasher for Fnv {
            fn finish(&self) -> u64 {
                self.0
            }
            fn write(&mut self, bytes: &[u8]) {
                for b in bytes {
                    self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3);
                }
            }
        }
        let mut h = Fnv(0xcbf2_9ce4_8422_2325);
        seed.hash(&mut h);
        Dice(std::hash::Hasher::finish(&h))
    }

    fn roll(&mut self, sides: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        (z ^ (z >> 31)) % sides
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.roll(items.len() as u64) as usize]
    }

    /// `len` characters of `alphabet`.
    fn word(&mut self, alphabet: &[u8], len: usize) -> String {
        (0..len).map(|_| self.pick(alphabet) as char).collect()
    }
}

const LOWER: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
const UPPER: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/// What one Region's names share: the endpoint hash and the hosted zone.
struct RegionNames {
    region: String,
    account: String,
    endpoint_hash: String,
    hosted_zone: String,
}

impl RegionNames {
    fn new(region: &str, account: &str) -> RegionNames {
        let mut dice = Dice::new(("region", region, account));
        RegionNames {
            region: region.into(),
            account: account.into(),
            endpoint_hash: dice.word(LOWER, 12),
            hosted_zone: format!("Z{}", dice.word(UPPER, 13)),
        }
    }

    fn arn(&self, kind: &str, identifier: &str) -> String {
        format!(
            "arn:{}:rds:{}:{}:{kind}:{identifier}",
            partition(&self.region),
            self.region,
            self.account
        )
    }

    fn host(&self, identifier: &str, infix: &str) -> String {
        format!(
            "{identifier}.{infix}{}.{}.{}",
            self.endpoint_hash,
            self.region,
            dns_suffix(&self.region)
        )
    }

    fn az(&self, dice: &mut Dice) -> String {
        format!("{}{}", self.region, dice.pick(&['a', 'b', 'c']))
    }
}

/// A CA for a new database: mostly G1, a tenth still on the expired `rds-ca-2019`.
fn choose_ca(dice: &mut Dice, ecc: bool) -> &'static str {
    match dice.roll(100) {
        0..50 => "rds-ca-rsa2048-g1",
        50..75 => "rds-ca-rsa4096-g1",
        75..90 if ecc => "rds-ca-ecc384-g1",
        75..90 => "rds-ca-rsa2048-g1",
        _ => "rds-ca-2019",
    }
}

/// The server certificate's expiry: `rds-ca-2019`'s, or expired, soon (within 45 days) or
/// later within the certificate's lifetime: one year when the engine version rotates without
/// restart, else three.
fn valid_till(dice: &mut Dice, ca: &str, rotation: bool, now: OffsetDateTime) -> OffsetDateTime {
    if ca == "rds-ca-2019" {
        return RDS_CA_2019_EXPIRY;
    }
    let lifetime: u64 = if rotation { 365 } else { 3 * 365 };
    let jitter = Duration::seconds(dice.roll(86_400) as i64);
    match dice.roll(10) {
        0 => now - Duration::days(1 + dice.roll(60) as i64) - jitter,
        1 | 2 => now + Duration::days(1 + dice.roll(45) as i64) + jitter,
        _ => now + Duration::days((90 + dice.roll(lifetime - 91)) as i64) + jitter,
    }
}

/// The pending actions of one database: a CA rotation when its certificate is on
/// `rds-ca-2019` or expires within 60 days, sometimes an OS update.
fn pending(
    dice: &mut Dice,
    resource: String,
    ca: &str,
    valid_till: OffsetDateTime,
    now: OffsetDateTime,
) -> Option<PendingMaintenance> {
    let mut actions = Vec::new();
    if ca == "rds-ca-2019" || valid_till < now + Duration::days(60) {
        let midnight = now.replace_time(time::Time::MIDNIGHT);
        let auto = midnight + Duration::days(7 + dice.roll(21) as i64);
        let forced = auto + Duration::days(28);
        // Some are only forced; some were opted in to the next maintenance window
        // (`apply-pending-maintenance-action --opt-in-type next-maintenance`, Sundays 05:00).
        let scheduled = dice.roll(3) != 0;
        let opted_in = dice.roll(5) == 0;
        let next_window = midnight
            + Duration::days(i64::from(7 - now.weekday().number_days_from_sunday()))
            + Duration::hours(5);
        actions.push(MaintenanceAction {
            action: "ca-certificate-rotation".into(),
            auto_applied_after: scheduled.then_some(auto),
            forced_apply: Some(forced),
            current_apply: Some(match (opted_in, scheduled) {
                (true, _) => next_window,
                (false, true) => auto,
                (false, false) => forced,
            }),
            opt_in_status: opted_in.then(|| "next-maintenance".to_string()),
            description: "Certificate rotation".into(),
        });
    }
    if dice.roll(12) == 0 {
        actions.push(MaintenanceAction {
            action: "system-update".into(),
            auto_applied_after: None,
            forced_apply: None,
            current_apply: None,
            opt_in_status: None,
            description: "New Operating System update is available".into(),
        });
    }
    (!actions.is_empty()).then_some(PendingMaintenance { resource, actions })
}

fn tags(team: &str, environment: &str) -> Vec<Tag> {
    vec![
        Tag {
            key: "Team".into(),
            value: team.into(),
        },
        Tag {
            key: "Environment".into(),
            value: environment.into(),
        },
    ]
}

/// The fleet `spec` describes: exactly `spec.databases` databases, Regions in turn.
pub fn fleet(spec: &FleetSpec) -> Fleet {
    let mut fleet = Fleet::new(&spec.account);
    let names: Vec<RegionNames> = spec
        .regions
        .iter()
        .map(|r| RegionNames::new(r, &spec.account))
        .collect();
    for r in &spec.regions {
        fleet.regions.insert(
            r.clone(),
            RegionData::with_engine_versions(engine_versions()),
        );
    }
    let now = spec.now;
    let mut made = 0;
    let mut group = 0usize;
    while made < spec.databases && !names.is_empty() {
        let n = &names[group % names.len()];
        let data = fleet
            .regions
            .get_mut(&n.region)
            .expect("every Region inserted");
        let mut dice = Dice::new(("group", &spec.account, group));
        let team = dice.pick(&TEAMS);
        let environment = dice.pick(&ENVIRONMENTS);
        let created = now - Duration::days(30 + dice.roll(1500) as i64);
        let kind = dice.roll(20);
        let left = spec.databases - made;
        if kind < 10 {
            let (engine, version, rotation, ecc, port, short) = dice.pick(&STANDALONE);
            let id = format!("{short}-{team}-{environment}-{group:04}");
            let ca = choose_ca(&mut dice, ecc);
            let till = valid_till(&mut dice, ca, rotation, now);
            let arn = n.arn("db", &id);
            data.pending
                .extend(pending(&mut dice, arn.clone(), ca, till, now));
            data.instances.push(DbInstance {
                address: n.host(&id, ""),
                arn,
                resource_id: format!("db-{}", dice.word(UPPER, 26)),
                engine: engine.into(),
                engine_version: version.into(),
                class: dice
                    .pick(&[
                        "db.t3.medium",
                        "db.m6g.large",
                        "db.r6g.xlarge",
                        "db.m7g.2xlarge",
                    ])
                    .into(),
                status: if dice.roll(40) == 0 {
                    "stopped"
                } else {
                    "available"
                }
                .into(),
                availability_zone: n.az(&mut dice),
                port,
                hosted_zone: n.hosted_zone.clone(),
                multi_az: dice.roll(3) == 0,
                cluster: None,
                promotion_tier: None,
                ca: ca.into(),
                valid_till: till,
                created,
                tags: tags(team, environment),
                identifier: id,
            });
            made += 1;
        } else if kind < 17 {
            let (engine, version, rotation, ecc, port, short) = dice.pick(&AURORA);
            let id = format!("{short}-{team}-{environment}-{group:04}");
            let members = (1 + dice.roll(3) as usize).min(left);
            let cluster_ca = choose_ca(&mut dice, ecc);
            // A tenth of the clusters are mid-rotation: the writer already on rsa4096.
            let mid_rotation = dice.roll(10) == 0;
            let class = dice.pick(&["db.r6g.large", "db.r7g.large", "db.r6g.2xlarge"]);
            let mut cluster_members = Vec::new();
            for k in 0..members {
                let member = format!("{id}-instance-{}", k + 1);
                let ca = if mid_rotation && k == 0 {
                    "rds-ca-rsa4096-g1"
                } else {
                    cluster_ca
                };
                let till = valid_till(&mut dice, ca, rotation, now);
                let arn = n.arn("db", &member);
                data.pending
                    .extend(pending(&mut dice, arn.clone(), ca, till, now));
                data.instances.push(DbInstance {
                    address: n.host(&member, ""),
                    arn,
                    resource_id: format!("db-{}", dice.word(UPPER, 26)),
                    engine: engine.into(),
                    engine_version: version.into(),
                    class: class.into(),
                    status: "available".into(),
                    availability_zone: format!("{}{}", n.region, ['a', 'b', 'c'][k % 3]),
                    port,
                    hosted_zone: n.hosted_zone.clone(),
                    multi_az: false,
                    cluster: Some(id.clone()),
                    promotion_tier: Some(1),
                    ca: ca.into(),
                    valid_till: till,
                    created,
                    tags: tags(team, environment),
                    identifier: member.clone(),
                });
                cluster_members.push(ClusterMember {
                    instance: member,
                    writer: k == 0,
                    promotion_tier: 1,
                });
            }
            data.clusters.push(DbCluster {
                arn: n.arn("cluster", &id),
                resource_id: format!("cluster-{}", dice.word(UPPER, 26)),
                engine: engine.into(),
                engine_version: version.into(),
                kind: ClusterKind::Aurora,
                status: "available".into(),
                availability_zones: ["a", "b", "c"]
                    .iter()
                    .map(|z| format!("{}{z}", n.region))
                    .collect(),
                endpoint: n.host(&id, "cluster-"),
                reader_endpoint: n.host(&id, "cluster-ro-"),
                port,
                hosted_zone: n.hosted_zone.clone(),
                multi_az: members > 1,
                members: cluster_members,
                created,
                tags: tags(team, environment),
                identifier: id,
            });
            made += members;
        } else {
            let (engine, version, rotation, ecc, port, short) = dice.pick(&MULTI_AZ);
            let id = format!("maz-{short}-{team}-{environment}-{group:04}");
            let class = dice.pick(&["db.m6gd.large", "db.r6gd.xlarge"]);
            let ca = choose_ca(&mut dice, ecc);
            let till = valid_till(&mut dice, ca, rotation, now);
            let arn = n.arn("cluster", &id);
            data.pending
                .extend(pending(&mut dice, arn.clone(), ca, till, now));
            let mut cluster_members = Vec::new();
            for k in 0..3 {
                let member = format!("{id}-instance-{}", k + 1);
                data.instances.push(DbInstance {
                    address: n.host(&member, ""),
                    arn: n.arn("db", &member),
                    resource_id: format!("db-{}", dice.word(UPPER, 26)),
                    engine: engine.into(),
                    engine_version: version.into(),
                    class: class.into(),
                    status: "available".into(),
                    availability_zone: format!("{}{}", n.region, ['a', 'b', 'c'][k]),
                    port,
                    hosted_zone: n.hosted_zone.clone(),
                    multi_az: false,
                    cluster: Some(id.clone()),
                    promotion_tier: None,
                    ca: ca.into(),
                    valid_till: till,
                    created,
                    tags: tags(team, environment),
                    identifier: member.clone(),
                });
                cluster_members.push(ClusterMember {
                    instance: member,
                    writer: k == 0,
                    promotion_tier: 1,
                });
            }
            data.clusters.push(DbCluster {
                arn,
                resource_id: format!("cluster-{}", dice.word(UPPER, 26)),
                engine: engine.into(),
                engine_version: version.into(),
                kind: ClusterKind::MultiAz {
                    instance_class: class.into(),
                    certificate: CertificateDetails {
                        ca: ca.into(),
                        valid_till: till,
                    },
                },
                status: "available".into(),
                availability_zones: ["a", "b", "c"]
                    .iter()
                    .map(|z| format!("{}{z}", n.region))
                    .collect(),
                endpoint: n.host(&id, "cluster-"),
                reader_endpoint: n.host(&id, "cluster-ro-"),
                port,
                hosted_zone: n.hosted_zone.clone(),
                multi_az: true,
                members: cluster_members,
                created,
                tags: tags(team, environment),
                identifier: id,
            });
            made += 1;
        }
        group += 1;
    }
    // RDS lists by identifier.
    for data in fleet.regions.values_mut() {
        data.instances
            .sort_by(|a, b| a.identifier.cmp(&b.identifier));
        data.clusters
            .sort_by(|a, b| a.identifier.cmp(&b.identifier));
        data.pending.sort_by(|a, b| a.resource.cmp(&b.resource));
    }
    fleet
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: OffsetDateTime = time::macros::datetime!(2026-12-02 12:00:00 UTC);

    #[test]
    fn the_same_spec_gives_the_same_fleet_of_exactly_n_databases() {
        for n in [0, 1, 7, 250, 2000] {
            let spec = FleetSpec::new(n, NOW);
            let a = fleet(&spec);
            assert_eq!(a.database_count(), n);
            assert_eq!(a, fleet(&spec));
        }
    }

    #[test]
    fn a_fleet_has_every_kind_ca_and_deadline() {
        let f = fleet(&FleetSpec::new(2000, NOW));
        let all: Vec<&RegionData> = f.regions.values().collect();
        assert_eq!(all.len(), 4);
        let instances = || all.iter().flat_map(|d| d.instances.iter());
        let clusters = || all.iter().flat_map(|d| d.clusters.iter());
        for data in &all {
            assert!(data.database_count() > 400, "{}", data.database_count());
        }
        assert!(clusters().any(|c| c.kind == ClusterKind::Aurora));
        assert!(clusters().any(|c| matches!(c.kind, ClusterKind::MultiAz { .. })));
        assert!(instances().any(|i| i.cluster.is_none()));
        for ca in G1.iter().chain(["rds-ca-2019"].iter()) {
            assert!(instances().any(|i| i.ca == *ca), "{ca}");
        }
        assert!(
            !instances().any(|i| i.engine == "sqlserver-se" && i.ca == "rds-ca-ecc384-g1"),
            "the SQL Server version does not support ecc384"
        );
        assert!(instances().any(|i| i.valid_till < NOW && i.ca != "rds-ca-2019"));
        assert!(instances().any(|i| i.valid_till > NOW && i.valid_till < NOW + Duration::days(46)));
        assert!(instances().any(|i| i.valid_till > NOW + Duration::days(90)));
        let actions: Vec<&MaintenanceAction> = all
            .iter()
            .flat_map(|d| d.pending.iter())
            .flat_map(|p| p.actions.iter())
            .collect();
        assert!(actions
            .iter()
            .any(|a| a.action == "ca-certificate-rotation"));
        assert!(actions.iter().any(|a| a.action == "system-update"));
        assert!(actions
            .iter()
            .any(|a| a.opt_in_status.as_deref() == Some("next-maintenance")));
        // A server certificate outlives its lifetime only if the version rotates with restart.
        let rotates: Vec<(String, String)> = engine_versions()
            .into_iter()
            .filter(|v| v.rotation_without_restart)
            .map(|v| (v.engine, v.version))
            .collect();
        let within_a_year = |i: &&DbInstance| i.valid_till <= NOW + Duration::days(366);
        assert!(instances()
            .filter(|i| rotates.contains(&(i.engine.clone(), i.engine_version.clone())))
            .all(|i| within_a_year(&i)));
        assert!(!instances().all(|i| within_a_year(&i)));
        // Every cluster member is listed as an instance, in the cluster's Region.
        for data in &all {
            for c in &data.clusters {
                for m in &c.members {
                    let i = data
                        .instances
                        .iter()
                        .find(|i| i.identifier == m.instance)
                        .expect("member listed");
                    assert_eq!(i.cluster.as_deref(), Some(c.identifier.as_str()));
                }
            }
        }
    }
}
