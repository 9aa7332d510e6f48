//! The fake RDS API driven as a client drives AWS: real SigV4-signed POSTs (aws-sigv4, as the
//! provider signs) over HTTP on 127.0.0.1, every answer read with an XML parser and checked
//! element by element against botocore's RDS model (fixtures/, see PROVENANCE.md).

use std::collections::BTreeMap;
use std::time::SystemTime;

use rdsca_rds_fake::generate::{self, FleetSpec};
use rdsca_rds_fake::{iso, ClusterKind, EngineVersion, FakeRds, Fault, Fleet};
use roxmltree::{Document, Node};
use serde_json::Value;
use time::OffsetDateTime;

const NOW: OffsetDateTime = time::macros::datetime!(2026-12-02 12:00:00 UTC);
const NS: &str = "http://rds.amazonaws.com/doc/2014-10-31/";

/// A signed Query API client with static credentials.
struct Client {
    url: String,
    http: reqwest::Client,
    credentials: aws_credential_types::Credentials,
}

/// An answer: HTTP status and body.
struct Answer {
    status: u16,
    body: String,
}

impl Answer {
    fn doc(&self) -> Document<'_> {
        Document::parse(&self.body).unwrap_or_else(|e| panic!("not XML ({e}): {}", self.body))
    }

    /// The error's `(Type, Code, Message)`, checking the `ErrorResponse` shape.
    fn error(&self) -> (u16, String, String, String) {
        let doc = self.doc();
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "ErrorResponse", "{}", self.body);
        let error = child(root, "Error");
        assert!(!text(root, "RequestId").is_empty());
        (
            self.status,
            text(error, "Type"),
            text(error, "Code"),
            text(error, "Message"),
        )
    }
}

fn form(params: &[(&str, &str)]) -> String {
    let escape = |s: &str| -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect()
    };
    params
        .iter()
        .map(|(k, v)| format!("{}={}", escape(k), escape(v)))
        .collect::<Vec<_>>()
        .join("&")
}

impl Client {
    fn new(fake: &FakeRds) -> Client {
        Client::with_credentials(fake, "AKIDFLEET", "fleet-secret", None)
    }

    fn with_credentials(fake: &FakeRds, key: &str, secret: &str, token: Option<&str>) -> Client {
        Client {
            url: fake.url(),
            http: reqwest::Client::new(),
            credentials: aws_credential_types::Credentials::new(
                key,
                secret,
                token.map(str::to_string),
                None,
                "test",
            ),
        }
    }

    /// One signed call of `action` in `region` (`Version` added).
    async fn call(&self, region: &str, action: &str, params: &[(&str, &str)]) -> Answer {
        let mut all = vec![("Action", action), ("Version", "2014-10-31")];
        all.extend_from_slice(params);
        let body = form(&all);
        let content_type = "application/x-www-form-urlencoded; charset=utf-8";
        let identity = self.credentials.clone().into();
        let signing = aws_sigv4::sign::v4::SigningParams::builder()
            .identity(&identity)
            .region(region)
            .name("rds")
            .time(SystemTime::now())
            .settings(aws_sigv4::http_request::SigningSettings::default())
            .build()
            .expect("signing parameters")
            .into();
        let signable = aws_sigv4::http_request::SignableRequest::new(
            "POST",
            &self.url,
            [("content-type", content_type)].into_iter(),
            aws_sigv4::http_request::SignableBody::Bytes(body.as_bytes()),
        )
        .expect("signable");
        let (instructions, _) = aws_sigv4::http_request::sign(signable, &signing)
            .expect("signed")
            .into_parts();
        let mut request = self
            .http
            .post(&self.url)
            .header("content-type", content_type)
            .body(body);
        for (name, value) in instructions.headers() {
            request = request.header(name, value);
        }
        let response = request.send().await.expect("the fake answers");
        Answer {
            status: response.status().as_u16(),
            body: response.text().await.expect("body"),
        }
    }

    /// Every page of a listing: the records of each page (as XML strings of the list's
    /// members, identified by `id_element`) and the markers seen.
    async fn walk(
        &self,
        region: &str,
        action: &str,
        params: &[(&str, &str)],
        list: &str,
        id_element: &str,
    ) -> Walk {
        let mut walk = Walk::default();
        let mut marker: Option<String> = None;
        loop {
            let mut p = params.to_vec();
            if let Some(m) = &marker {
                p.push(("Marker", m));
            }
            let answer = self.call(region, action, &p).await;
            assert_eq!(answer.status, 200, "{}", answer.body);
            walk.checked += check_against_model(action, &answer.body);
            let doc = answer.doc();
            let result = child(doc.root_element(), &format!("{action}Result"));
            let ids: Vec<String> = child(result, list)
                .children()
                .filter(Node::is_element)
                .map(|r| text(r, id_element))
                .collect();
            walk.pages.push(ids);
            marker = result
                .children()
                .find(|n| n.has_tag_name("Marker"))
                .map(|m| m.text().unwrap_or_default().to_string());
            match &marker {
                Some(m) => walk.markers.push(m.clone()),
                None => break,
            }
            assert!(walk.pages.len() < 100, "endless paging");
        }
        walk
    }
}

#[derive(Default, Debug)]
struct Walk {
    pages: Vec<Vec<String>>,
    markers: Vec<String>,
    checked: usize,
}

impl Walk {
    fn sizes(&self) -> Vec<usize> {
        self.pages.iter().map(Vec::len).collect()
    }
    fn ids(&self) -> Vec<String> {
        self.pages.concat()
    }
}

fn child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Node<'a, 'i> {
    node.children()
        .find(|n| n.has_tag_name((NS, name)))
        .unwrap_or_else(|| panic!("no <{name}> in <{}>", node.tag_name().name()))
}

fn text(node: Node, name: &str) -> String {
    child(node, name).text().unwrap_or_default().to_string()
}

fn model() -> Value {
    serde_json::from_str(include_str!("fixtures/rds-2014-10-31-model-subset.json"))
        .expect("model JSON")
}

/// Checks an answer against the model as the Query protocol serialises it: the root
/// `{Action}Response` in the API's namespace, the `resultWrapper`, then every element of the
/// output shape (structure members by name, list members by `locationName`, booleans,
/// integers and ISO 8601 timestamps that parse), and `ResponseMetadata/RequestId`. Returns
/// how many elements were checked.
fn check_against_model(action: &str, body: &str) -> usize {
    let model = model();
    let op = &model["operations"][action];
    let doc = Document::parse(body).expect("XML");
    let root = doc.root_element();
    assert!(root.has_tag_name((NS, format!("{action}Response").as_str())));
    let elements: Vec<Node> = root.children().filter(Node::is_element).collect();
    let wrapper = op["output"]["resultWrapper"].as_str().expect("wrapper");
    assert_eq!(elements.len(), 2, "{body}");
    assert!(elements[0].has_tag_name((NS, wrapper)));
    assert!(!child(elements[1], "RequestId")
        .text()
        .unwrap_or_default()
        .is_empty());
    let shape = op["output"]["shape"].as_str().expect("output shape");
    check_node(&model, elements[0], shape, wrapper)
}

fn check_node(model: &Value, node: Node, shape_name: &str, path: &str) -> usize {
    let shape = &model["shapes"][shape_name];
    let kind = shape["type"]
        .as_str()
        .unwrap_or_else(|| panic!("{shape_name}?"));
    let value = || node.text().unwrap_or_default();
    match kind {
        "structure" => {
            let mut n = 1;
            for e in node.children().filter(Node::is_element) {
                let name = e.tag_name().name();
                assert_eq!(e.tag_name().namespace(), Some(NS), "{path}/{name}");
                let member = shape["members"]
                    .as_object()
                    .expect("members")
                    .iter()
                    .find(|(m, spec)| spec["locationName"].as_str().unwrap_or(m) == name)
                    .unwrap_or_else(|| panic!("{path}: <{name}> is not a member of {shape_name}"));
                n += check_node(
                    model,
                    e,
                    member.1["shape"].as_str().unwrap(),
                    &format!("{path}/{name}"),
                );
            }
            n
        }
        "list" => {
            assert!(shape["flattened"].is_null(), "no flattened lists here");
            let item = shape["member"]["locationName"].as_str().unwrap_or("member");
            let mut n = 1;
            for e in node.children().filter(Node::is_element) {
                assert_eq!(
                    e.tag_name().name(),
                    item,
                    "{path}: list {shape_name} wraps <{item}>"
                );
                n += check_node(
                    model,
                    e,
                    shape["member"]["shape"].as_str().unwrap(),
                    &format!("{path}/{item}"),
                );
            }
            n
        }
        "boolean" => {
            assert!(matches!(value(), "true" | "false"), "{path}: {:?}", value());
            1
        }
        "integer" | "long" => {
            value()
                .parse::<i64>()
                .unwrap_or_else(|_| panic!("{path}: {:?}", value()));
            1
        }
        "timestamp" => {
            assert!(is_iso_8601_utc(value()), "{path}: {:?}", value());
            1
        }
        "string" => {
            if let Some(allowed) = shape["enum"].as_array() {
                assert!(
                    allowed.iter().any(|a| a == value()),
                    "{path}: {:?}",
                    value()
                );
            }
            1
        }
        other => panic!("{path}: shape type {other} not expected"),
    }
}

/// `2024-08-22T17:08:50Z`, optionally with fractional seconds: how the Query protocol writes a
/// `timestamp` shape.
fn is_iso_8601_utc(s: &str) -> bool {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    let fraction = match s.get(19..) {
        Some("Z") => true,
        Some(f) => {
            f.len() > 2 && f.starts_with('.') && f.ends_with('Z') && digits(20..f.len() + 18)
        }
        None => false,
    };
    digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && b[10] == b'T'
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19)
        && fraction
}

/// One Region with at least 250 instances; exactly 250 kept, so paging by 100 gives 100, 100, 50.
fn eu_west_1_fleet() -> Fleet {
    let mut spec = FleetSpec::new(240, NOW);
    spec.regions = vec!["eu-west-1".into()];
    let mut fleet = generate::fleet(&spec);
    let data = fleet.regions.get_mut("eu-west-1").unwrap();
    assert!(data.instances.len() >= 250, "{}", data.instances.len());
    data.instances.truncate(250);
    fleet
}

#[tokio::test]
async fn instances_page_by_100_with_markers_and_match_the_model() {
    let fleet = eu_west_1_fleet();
    let fake = FakeRds::start_fleet(fleet.clone());
    let client = Client::new(&fake);
    let walk = client
        .walk(
            "eu-west-1",
            "DescribeDBInstances",
            &[("MaxRecords", "100")],
            "DBInstances",
            "DBInstanceIdentifier",
        )
        .await;
    assert_eq!(walk.sizes(), [100, 100, 50]);
    assert_eq!(walk.markers.len(), 2);
    assert_ne!(walk.markers[0], walk.markers[1]);
    let expected: Vec<String> = fleet.regions["eu-west-1"]
        .instances
        .iter()
        .map(|i| i.identifier.clone())
        .collect();
    assert_eq!(walk.ids(), expected);
    assert!(walk.checked > 250 * 30, "{} elements checked", walk.checked);
    // Without MaxRecords: 100 per page too.
    let default = client
        .walk(
            "eu-west-1",
            "DescribeDBInstances",
            &[],
            "DBInstances",
            "DBInstanceIdentifier",
        )
        .await;
    assert_eq!(default.sizes(), [100, 100, 50]);
    assert_eq!(
        fake.count("eu-west-1", "DescribeDBInstances"),
        6,
        "{:?}",
        fake.counts()
    );
}

#[tokio::test]
async fn clusters_and_pending_actions_page_and_match_the_model() {
    let fleet = eu_west_1_fleet();
    let data = &fleet.regions["eu-west-1"];
    let fake = FakeRds::start_fleet(fleet.clone());
    let client = Client::new(&fake);
    let clusters = client
        .walk(
            "eu-west-1",
            "DescribeDBClusters",
            &[("MaxRecords", "20")],
            "DBClusters",
            "DBClusterIdentifier",
        )
        .await;
    let expected: Vec<String> = data.clusters.iter().map(|c| c.identifier.clone()).collect();
    assert_eq!(clusters.ids(), expected);
    assert_eq!(clusters.pages.len(), expected.len().div_ceil(20));
    let pending = client
        .walk(
            "eu-west-1",
            "DescribePendingMaintenanceActions",
            &[("MaxRecords", "20")],
            "PendingMaintenanceActions",
            "ResourceIdentifier",
        )
        .await;
    let expected: Vec<String> = data.pending.iter().map(|p| p.resource.clone()).collect();
    assert!(expected.len() > 20, "{}", expected.len());
    assert_eq!(pending.ids(), expected);
    for (action, list, id) in [
        (
            "DescribeDBEngineVersions",
            "DBEngineVersions",
            "EngineVersion",
        ),
        (
            "DescribeCertificates",
            "Certificates",
            "CertificateIdentifier",
        ),
    ] {
        let walk = client.walk("eu-west-1", action, &[], list, id).await;
        assert!(walk.checked > 10, "{action}");
    }
}

#[tokio::test]
async fn records_carry_what_the_audit_reads() {
    let fleet = eu_west_1_fleet();
    let data = &fleet.regions["eu-west-1"];
    let fake = FakeRds::start_fleet(fleet.clone());
    let client = Client::new(&fake);

    // An Aurora member: its cluster, CA and server certificate, tags.
    let member = data
        .instances
        .iter()
        .find(|i| i.engine.starts_with("aurora"))
        .expect("an Aurora member");
    let answer = client
        .call(
            "eu-west-1",
            "DescribeDBInstances",
            &[("DBInstanceIdentifier", &member.arn)],
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let doc = answer.doc();
    let list = child(
        child(doc.root_element(), "DescribeDBInstancesResult"),
        "DBInstances",
    );
    let records: Vec<Node> = list.children().filter(Node::is_element).collect();
    assert_eq!(records.len(), 1);
    let r = records[0];
    assert_eq!(text(r, "DBInstanceIdentifier"), member.identifier);
    assert_eq!(text(r, "DBInstanceArn"), member.arn);
    assert!(member
        .arn
        .starts_with("arn:aws:rds:eu-west-1:123456789012:db:"));
    assert_eq!(text(r, "Engine"), member.engine);
    assert_eq!(text(r, "EngineVersion"), member.engine_version);
    assert_eq!(
        text(r, "DBClusterIdentifier"),
        member.cluster.clone().unwrap()
    );
    assert_eq!(text(r, "CACertificateIdentifier"), member.ca);
    let details = child(r, "CertificateDetails");
    assert_eq!(text(details, "CAIdentifier"), member.ca);
    assert_eq!(text(details, "ValidTill"), iso(member.valid_till));
    assert_eq!(text(child(r, "Endpoint"), "Address"), member.address);
    let tags: Vec<(String, String)> = child(r, "TagList")
        .children()
        .filter(Node::is_element)
        .map(|t| (text(t, "Key"), text(t, "Value")))
        .collect();
    assert_eq!(tags[0].0, "Team");

    // A Multi-AZ DB cluster: its class and its certificate details; Aurora clusters have none.
    let (maz, class, certificate) = data
        .clusters
        .iter()
        .find_map(|c| match &c.kind {
            ClusterKind::MultiAz {
                instance_class,
                certificate,
            } => Some((c, instance_class, certificate)),
            ClusterKind::Aurora => None,
        })
        .expect("a Multi-AZ cluster");
    let answer = client
        .call(
            "eu-west-1",
            "DescribeDBClusters",
            &[("DBClusterIdentifier", &maz.identifier)],
        )
        .await;
    let doc = answer.doc();
    let c = child(
        child(
            child(doc.root_element(), "DescribeDBClustersResult"),
            "DBClusters",
        ),
        "DBCluster",
    );
    assert_eq!(text(c, "DBClusterInstanceClass"), *class);
    assert_eq!(text(c, "Engine"), maz.engine);
    assert!(matches!(maz.engine.as_str(), "postgres" | "mysql"));
    let details = child(c, "CertificateDetails");
    assert_eq!(text(details, "CAIdentifier"), certificate.ca);
    assert_eq!(text(details, "ValidTill"), iso(certificate.valid_till));
    let members: Vec<String> = child(c, "DBClusterMembers")
        .children()
        .filter(Node::is_element)
        .map(|m| text(m, "DBInstanceIdentifier"))
        .collect();
    assert_eq!(members.len(), 3);
    let aurora = data
        .clusters
        .iter()
        .find(|c| c.kind == ClusterKind::Aurora)
        .unwrap();
    let answer = client
        .call(
            "eu-west-1",
            "DescribeDBClusters",
            &[("DBClusterIdentifier", &aurora.arn)],
        )
        .await;
    assert!(!answer.body.contains("<CertificateDetails>"));
    assert!(answer.body.contains("<EngineMode>provisioned</EngineMode>"));

    // A pending CA rotation with its dates.
    let (resource, action) = data
        .pending
        .iter()
        .find_map(|p| {
            p.actions
                .iter()
                .find(|a| a.action == "ca-certificate-rotation" && a.auto_applied_after.is_some())
                .map(|a| (&p.resource, a))
        })
        .expect("a scheduled rotation");
    let answer = client
        .call(
            "eu-west-1",
            "DescribePendingMaintenanceActions",
            &[("ResourceIdentifier", resource)],
        )
        .await;
    let doc = answer.doc();
    let r = child(
        child(
            child(
                doc.root_element(),
                "DescribePendingMaintenanceActionsResult",
            ),
            "PendingMaintenanceActions",
        ),
        "ResourcePendingMaintenanceActions",
    );
    assert_eq!(text(r, "ResourceIdentifier"), *resource);
    let a = child(
        child(r, "PendingMaintenanceActionDetails"),
        "PendingMaintenanceAction",
    );
    assert_eq!(text(a, "Action"), "ca-certificate-rotation");
    assert_eq!(
        text(a, "AutoAppliedAfterDate"),
        iso(action.auto_applied_after.unwrap())
    );
    assert_eq!(
        text(a, "ForcedApplyDate"),
        iso(action.forced_apply.unwrap())
    );
    assert_eq!(
        text(a, "CurrentApplyDate"),
        iso(action.current_apply.unwrap())
    );
    assert_eq!(text(a, "Description"), "Certificate rotation");
}

#[tokio::test]
async fn filters_select_as_the_model_documents() {
    let fleet = eu_west_1_fleet();
    let data = &fleet.regions["eu-west-1"];
    let fake = FakeRds::start_fleet(fleet.clone());
    let client = Client::new(&fake);
    let region = "eu-west-1";

    let walk = client
        .walk(
            region,
            "DescribeDBInstances",
            &[
                ("Filters.Filter.1.Name", "engine"),
                ("Filters.Filter.1.Values.Value.1", "postgres"),
                ("Filters.Filter.1.Values.Value.2", "aurora-postgresql"),
            ],
            "DBInstances",
            "DBInstanceIdentifier",
        )
        .await;
    let expected: Vec<String> = data
        .instances
        .iter()
        .filter(|i| i.engine == "postgres" || i.engine == "aurora-postgresql")
        .map(|i| i.identifier.clone())
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(walk.ids(), expected);

    // db-cluster-id (by ARN) gives the cluster's members; with engine too, both must hold.
    let cluster = data
        .clusters
        .iter()
        .find(|c| c.kind == ClusterKind::Aurora && c.members.len() > 1)
        .expect("an Aurora cluster of two or more");
    let walk = client
        .walk(
            region,
            "DescribeDBInstances",
            &[
                ("Filters.Filter.1.Name", "db-cluster-id"),
                ("Filters.Filter.1.Values.Value.1", &cluster.arn),
            ],
            "DBInstances",
            "DBInstanceIdentifier",
        )
        .await;
    let mut members: Vec<String> = cluster.members.iter().map(|m| m.instance.clone()).collect();
    members.sort();
    assert_eq!(walk.ids(), members);
    let walk = client
        .walk(
            region,
            "DescribeDBInstances",
            &[
                ("Filters.Filter.1.Name", "db-cluster-id"),
                ("Filters.Filter.1.Values.Value.1", &cluster.identifier),
                ("Filters.Filter.2.Name", "engine"),
                ("Filters.Filter.2.Values.Value.1", "mysql"),
            ],
            "DBInstances",
            "DBInstanceIdentifier",
        )
        .await;
    assert_eq!(walk.ids(), Vec::<String>::new());

    // db-instance-id on pending actions takes identifiers and ARNs; db-cluster-id selects
    // the cluster-level actions (Multi-AZ clusters) only.
    let instance_pending: Vec<&String> = data
        .pending
        .iter()
        .map(|p| &p.resource)
        .filter(|r| r.contains(":db:"))
        .take(2)
        .collect();
    let bare = instance_pending[0].rsplit(':').next().unwrap();
    let walk = client
        .walk(
            region,
            "DescribePendingMaintenanceActions",
            &[
                ("Filters.Filter.1.Name", "db-instance-id"),
                ("Filters.Filter.1.Values.Value.1", bare),
                ("Filters.Filter.1.Values.Value.2", instance_pending[1]),
            ],
            "PendingMaintenanceActions",
            "ResourceIdentifier",
        )
        .await;
    assert_eq!(
        walk.ids(),
        [instance_pending[0].clone(), instance_pending[1].clone()]
    );
    let cluster_pending: Vec<String> = data
        .pending
        .iter()
        .map(|p| p.resource.clone())
        .filter(|r| r.contains(":cluster:"))
        .collect();
    assert!(!cluster_pending.is_empty());
    let mut params = vec![(
        "Filters.Filter.1.Name".to_string(),
        "db-cluster-id".to_string(),
    )];
    for (k, arn) in cluster_pending.iter().enumerate() {
        params.push((
            format!("Filters.Filter.1.Values.Value.{}", k + 1),
            arn.clone(),
        ));
    }
    let params: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let walk = client
        .walk(
            region,
            "DescribePendingMaintenanceActions",
            &params,
            "PendingMaintenanceActions",
            "ResourceIdentifier",
        )
        .await;
    assert_eq!(walk.ids(), cluster_pending);
}

#[tokio::test]
async fn bad_parameters_are_the_errors_aws_gives() {
    let fleet = eu_west_1_fleet();
    let fake = FakeRds::start_fleet(fleet);
    let client = Client::new(&fake);
    let region = "eu-west-1";
    for (action, max) in [
        ("DescribeDBInstances", "19"),
        ("DescribeDBClusters", "101"),
        ("DescribePendingMaintenanceActions", "0"),
    ] {
        let e = client
            .call(region, action, &[("MaxRecords", max)])
            .await
            .error();
        assert_eq!(
            e,
            (
                400,
                "Sender".into(),
                "InvalidParameterValue".into(),
                format!("Invalid value {max} for MaxRecords. Must be between 20 and 100")
            )
        );
    }
    let e = client
        .call(
            region,
            "DescribeDBInstances",
            &[
                ("Filters.Filter.1.Name", "tag:Team"),
                ("Filters.Filter.1.Values.Value.1", "payments"),
            ],
        )
        .await
        .error();
    assert_eq!(e.2, "InvalidParameterValue");
    assert_eq!(
        e.3,
        "Unrecognized filter name: tag:Team. DescribeDBInstances supports: db-cluster-id, db-instance-id, dbi-resource-id, domain, engine"
    );
    // `member` is not the model's locationName for filter values.
    let e = client
        .call(
            region,
            "DescribeDBClusters",
            &[
                ("Filters.Filter.1.Name", "engine"),
                ("Filters.Filter.1.Values.member.1", "aurora-mysql"),
            ],
        )
        .await
        .error();
    assert_eq!((e.0, e.2.as_str()), (400, "InvalidParameterValue"));
    assert!(e.3.contains("Filters.Filter.N.Values.Value.N"), "{}", e.3);
    // A marker of another action.
    let first = client
        .call(region, "DescribeDBInstances", &[("MaxRecords", "20")])
        .await;
    let doc = first.doc();
    let marker = text(
        child(doc.root_element(), "DescribeDBInstancesResult"),
        "Marker",
    );
    let e = client
        .call(region, "DescribeDBClusters", &[("Marker", &marker)])
        .await
        .error();
    assert_eq!(e.2, "InvalidParameterValue");
    let e = client
        .call(
            region,
            "DescribeDBInstances",
            &[("DBInstanceIdentifier", "nope")],
        )
        .await
        .error();
    assert_eq!(
        e,
        (
            404,
            "Sender".into(),
            "DBInstanceNotFound".into(),
            "DBInstance nope not found.".into()
        )
    );
    let e = client
        .call(
            region,
            "DescribeDBClusters",
            &[("DBClusterIdentifier", "nope")],
        )
        .await
        .error();
    assert_eq!((e.0, e.2.as_str()), (404, "DBClusterNotFoundFault"));
    let e = client
        .call(
            region,
            "DescribePendingMaintenanceActions",
            &[(
                "ResourceIdentifier",
                "arn:aws:rds:eu-west-1:123456789012:db:nope",
            )],
        )
        .await
        .error();
    assert_eq!((e.0, e.2.as_str()), (404, "ResourceNotFoundFault"));
}

#[tokio::test]
async fn each_region_answers_with_its_own_fleet_and_counts_apart() {
    let fleet = generate::fleet(&FleetSpec::new(400, NOW));
    let fake = FakeRds::start_fleet(fleet.clone());
    let client = Client::new(&fake);
    let mut total = 0;
    for (region, data) in &fleet.regions {
        let walk = client
            .walk(
                region,
                "DescribeDBInstances",
                &[],
                "DBInstances",
                "DBInstanceArn",
            )
            .await;
        assert_eq!(walk.ids().len(), data.instances.len());
        assert!(walk
            .ids()
            .iter()
            .all(|arn| arn.starts_with(&format!("arn:aws:rds:{region}:123456789012:db:"))));
        total += data.database_count();
    }
    assert_eq!(total, 400);
    let counts = fake.counts();
    assert_eq!(counts.len(), 4, "{counts:?}");
    for ((region, action), n) in &counts {
        assert_eq!(action, "DescribeDBInstances");
        assert_eq!(*n, fleet.regions[region].instances.len().div_ceil(100));
    }
    // A Region the fake does not serve is refused, as a wrong credential scope.
    let e = client
        .call("eu-west-2", "DescribeDBInstances", &[])
        .await
        .error();
    assert_eq!((e.0, e.2.as_str()), (403, "SignatureDoesNotMatch"));
    assert!(e.3.contains("not 'eu-west-2'"), "{}", e.3);
}

#[tokio::test]
async fn faults_hit_one_region_and_action() {
    let fleet = generate::fleet(&FleetSpec::new(100, NOW));
    let fake = FakeRds::start_fleet(fleet);
    let client = Client::new(&fake);
    fake.inject("eu-west-1", "DescribeDBInstances", Fault::AccessDenied);
    fake.inject("us-east-1", "DescribeDBClusters", Fault::Throttling(2));
    fake.inject(
        "sa-east-1",
        "DescribePendingMaintenanceActions",
        Fault::InternalError(1),
    );

    let e = client
        .call("eu-west-1", "DescribeDBInstances", &[])
        .await
        .error();
    assert_eq!(
        e,
        (
            403,
            "Sender".into(),
            "AccessDenied".into(),
            "User: arn:aws:iam::123456789012:user/rdsca-test is not authorized to perform: rds:DescribeDBInstances on resource: arn:aws:rds:eu-west-1:123456789012:db:* because no identity-based policy allows the rds:DescribeDBInstances action".into()
        )
    );
    assert_eq!(
        client
            .call("eu-west-1", "DescribeDBClusters", &[])
            .await
            .status,
        200
    );
    assert_eq!(
        client
            .call("us-east-1", "DescribeDBInstances", &[])
            .await
            .status,
        200
    );

    for _ in 0..2 {
        let e = client
            .call("us-east-1", "DescribeDBClusters", &[])
            .await
            .error();
        assert_eq!(
            e,
            (
                400,
                "Sender".into(),
                "Throttling".into(),
                "Rate exceeded".into()
            )
        );
    }
    assert_eq!(
        client
            .call("us-east-1", "DescribeDBClusters", &[])
            .await
            .status,
        200
    );

    let e = client
        .call("sa-east-1", "DescribePendingMaintenanceActions", &[])
        .await
        .error();
    assert_eq!(
        (e.0, e.1.as_str(), e.2.as_str()),
        (500, "Receiver", "InternalFailure")
    );
    assert_eq!(
        client
            .call("sa-east-1", "DescribePendingMaintenanceActions", &[])
            .await
            .status,
        200
    );

    let expected: BTreeMap<(String, String), usize> = [
        ("eu-west-1", "DescribeDBInstances", 1),
        ("eu-west-1", "DescribeDBClusters", 1),
        ("us-east-1", "DescribeDBInstances", 1),
        ("us-east-1", "DescribeDBClusters", 3),
        ("sa-east-1", "DescribePendingMaintenanceActions", 2),
    ]
    .into_iter()
    .map(|(r, a, n)| ((r.to_string(), a.to_string()), n))
    .collect();
    assert_eq!(fake.counts(), expected);

    // Access stays denied until cleared.
    assert_eq!(
        client
            .call("eu-west-1", "DescribeDBInstances", &[])
            .await
            .status,
        403
    );
    fake.clear_faults();
    assert_eq!(
        client
            .call("eu-west-1", "DescribeDBInstances", &[])
            .await
            .status,
        200
    );

    // A stalled Region answers nothing; a client's timeout ends the wait; the others answer.
    fake.inject("ap-northeast-1", "DescribeDBInstances", Fault::Stall);
    let started = std::time::Instant::now();
    let stalled = client
        .http
        .post(fake.url())
        .timeout(std::time::Duration::from_millis(300))
        .header(
            "authorization",
            "AWS4-HMAC-SHA256 Credential=AKIDFLEET/20261202/ap-northeast-1/rds/aws4_request, SignedHeaders=host;x-amz-date, Signature=0",
        )
        .header("x-amz-date", "20261202T120000Z")
        .body("Action=DescribeDBInstances&Version=2014-10-31")
        .send()
        .await;
    assert!(stalled.unwrap_err().is_timeout());
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    assert_eq!(fake.count("ap-northeast-1", "DescribeDBInstances"), 1);
    assert_eq!(
        client
            .call("ap-northeast-1", "DescribeDBClusters", &[])
            .await
            .status,
        200
    );
    fake.clear_faults();
    assert_eq!(
        client
            .call("ap-northeast-1", "DescribeDBInstances", &[])
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn the_single_region_fake_of_the_engine_check_still_answers() {
    let fake = FakeRds::start(
        "eu-west-1",
        vec![
            EngineVersion::new(
                "postgres",
                "16.3",
                &["rds-ca-rsa2048-g1", "rds-ca-ecc384-g1"],
                true,
            ),
            EngineVersion::new(
                "sqlserver-se",
                "15.00.4236.7.v1",
                &["rds-ca-rsa2048-g1"],
                false,
            ),
        ],
    );
    fake.set_override(Some("rds-ca-rsa4096-g1"));
    let client = Client::new(&fake);
    let answer = client
        .call(
            "eu-west-1",
            "DescribeDBEngineVersions",
            &[("Engine", "sqlserver-se"), ("MaxRecords", "100")],
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    check_against_model("DescribeDBEngineVersions", &answer.body);
    let doc = answer.doc();
    let v = child(
        child(
            child(doc.root_element(), "DescribeDBEngineVersionsResult"),
            "DBEngineVersions",
        ),
        "DBEngineVersion",
    );
    assert_eq!(
        text(v, "SupportsCertificateRotationWithoutRestart"),
        "false"
    );
    let answer = client
        .call(
            "eu-west-1",
            "DescribeDBEngineVersions",
            &[("Engine", "postgres")],
        )
        .await;
    assert!(answer
        .body
        .contains("<SupportsCertificateRotationWithoutRestart>true</SupportsCertificateRotationWithoutRestart>"));
    let e = client
        .call(
            "eu-west-1",
            "DescribeDBEngineVersions",
            &[("Engine", "postgress")],
        )
        .await
        .error();
    assert_eq!(e.3, "Invalid DB engine: postgress");
    let answer = client.call("eu-west-1", "DescribeCertificates", &[]).await;
    check_against_model("DescribeCertificates", &answer.body);
    let doc = answer.doc();
    assert_eq!(
        text(
            child(doc.root_element(), "DescribeCertificatesResult"),
            "DefaultCertificateForNewLaunches"
        ),
        "rds-ca-rsa4096-g1"
    );
    // The fleet actions answer an empty fleet.
    let walk = client
        .walk(
            "eu-west-1",
            "DescribeDBInstances",
            &[],
            "DBInstances",
            "DBInstanceIdentifier",
        )
        .await;
    assert_eq!(walk.sizes(), [0]);
    let e = client
        .call("us-east-1", "DescribeDBInstances", &[])
        .await
        .error();
    assert_eq!(e.2, "SignatureDoesNotMatch");
    let unsigned = reqwest::Client::new()
        .post(fake.url())
        .body("Action=DescribeDBInstances&Version=2014-10-31")
        .send()
        .await
        .unwrap();
    assert_eq!(unsigned.status().as_u16(), 403);
    assert_eq!(fake.request_count(), 7);
}

#[tokio::test]
async fn signatures_are_checked_for_registered_keys() {
    let fake = FakeRds::start_fleet(generate::fleet(&FleetSpec::new(30, NOW)));
    // Before any key is registered, only the scope is read.
    let stranger = Client::with_credentials(&fake, "AKIDSTRANGER", "whatever", None);
    assert_eq!(
        stranger
            .call("eu-west-1", "DescribeDBInstances", &[])
            .await
            .status,
        200
    );

    fake.require_signatures(&[("AKIDFLEET", "fleet-secret"), ("ASIATEMP", "temp-secret")]);
    let client = Client::new(&fake);
    let filtered = [
        ("MaxRecords", "20"),
        ("Filters.Filter.1.Name", "engine"),
        ("Filters.Filter.1.Values.Value.1", "aurora-mysql"),
    ];
    let answer = client
        .call("us-east-1", "DescribeDBInstances", &filtered)
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let temporary =
        Client::with_credentials(&fake, "ASIATEMP", "temp-secret", Some("session/token+="));
    let answer = temporary.call("eu-west-1", "DescribeDBClusters", &[]).await;
    assert_eq!(answer.status, 200, "{}", answer.body);

    let wrong = Client::with_credentials(&fake, "AKIDFLEET", "not-the-secret", None);
    let e = wrong
        .call("eu-west-1", "DescribeDBInstances", &[])
        .await
        .error();
    assert_eq!((e.0, e.2.as_str()), (403, "SignatureDoesNotMatch"));
    assert!(
        e.3.starts_with("The request signature we calculated does not match"),
        "{}",
        e.3
    );
    let e = stranger
        .call("eu-west-1", "DescribeDBInstances", &[])
        .await
        .error();
    assert_eq!(
        e,
        (
            403,
            "Sender".into(),
            "InvalidClientTokenId".into(),
            "The security token included in the request is invalid.".into()
        )
    );
    // A body changed after signing: the signature covers it.
    let signed = client.call("eu-west-1", "DescribeDBInstances", &[]).await;
    assert_eq!(signed.status, 200);
    let last = fake.requests().pop().unwrap();
    let mut tampered = reqwest::Client::new().post(fake.url()).body(
        last.body
            .replace("DescribeDBInstances", "DescribeDBClusters"),
    );
    for (name, value) in &last.headers {
        if !matches!(name.as_str(), "content-length" | "host") {
            tampered = tampered.header(name, value);
        }
    }
    let answer = tampered.send().await.unwrap();
    assert_eq!(answer.status().as_u16(), 403);
    let body = answer.text().await.unwrap();
    assert!(
        body.contains("<Code>SignatureDoesNotMatch</Code>"),
        "{body}"
    );
}

#[tokio::test]
async fn a_fleet_of_2000_over_4_regions_is_listed_concurrently() {
    let fleet = generate::fleet(&FleetSpec::new(2000, NOW));
    assert_eq!(fleet.database_count(), 2000);
    let fake = FakeRds::start_fleet(fleet.clone());
    let client = std::sync::Arc::new(Client::new(&fake));
    let started = std::time::Instant::now();
    let mut listings = tokio::task::JoinSet::new();
    for region in fleet.regions.keys() {
        for (action, list, id) in [
            ("DescribeDBInstances", "DBInstances", "DBInstanceArn"),
            ("DescribeDBClusters", "DBClusters", "DBClusterArn"),
            (
                "DescribePendingMaintenanceActions",
                "PendingMaintenanceActions",
                "ResourceIdentifier",
            ),
        ] {
            let (client, region) = (client.clone(), region.clone());
            listings.spawn(async move {
                let walk = client.walk(&region, action, &[], list, id).await;
                (region, action, walk.ids())
            });
        }
    }
    let mut seen = BTreeMap::new();
    while let Some(done) = listings.join_next().await {
        let (region, action, ids) = done.expect("listing task");
        seen.insert((region, action.to_string()), ids);
    }
    eprintln!(
        "2,000 databases, 4 Regions, 3 actions: {} requests in {:?}",
        fake.request_count(),
        started.elapsed()
    );
    for (region, data) in &fleet.regions {
        let ids = |action: &str| seen[&(region.clone(), action.to_string())].clone();
        let instances: Vec<String> = data.instances.iter().map(|i| i.arn.clone()).collect();
        let clusters: Vec<String> = data.clusters.iter().map(|c| c.arn.clone()).collect();
        let pending: Vec<String> = data.pending.iter().map(|p| p.resource.clone()).collect();
        assert_eq!(ids("DescribeDBInstances"), instances);
        assert_eq!(ids("DescribeDBClusters"), clusters);
        assert_eq!(ids("DescribePendingMaintenanceActions"), pending);
        for (action, records) in [
            ("DescribeDBInstances", instances.len()),
            ("DescribeDBClusters", clusters.len()),
            ("DescribePendingMaintenanceActions", pending.len()),
        ] {
            assert_eq!(
                fake.count(region, action),
                records.div_ceil(100).max(1),
                "{region} {action}"
            );
        }
    }
}
