//! A local fake of the RDS Query API for tests, over plain HTTP on 127.0.0.1 (reached through
//! `AWS_ENDPOINT_URL_RDS`), answering in the XML shapes of botocore's RDS model (2014-10-31):
//! `DescribeDBEngineVersions` and `DescribeCertificates` (the engine check), and
//! `DescribeDBInstances`, `DescribeDBClusters` and `DescribePendingMaintenanceActions` (the
//! fleet audit), with `MaxRecords` / `Marker` paging and `Filters` as the model has them.
//!
//! One fake serves several Regions of one account ([`Fleet`]): a request must carry a SigV4
//! `Authorization` header (`AWS4-HMAC-SHA256 Credential=<key>/<date>/<region>/rds/aws4_request,
//! ...`) and its credential scope's Region picks the Region's data; the signature is verified
//! only for the access keys a test registers ([`FakeRds::require_signatures`]). Faults can be injected per Region and action ([`Fault`]); every request is
//! recorded and counted per Region and action. `GET /credentials` answers container credentials
//! (`AWS_CONTAINER_CREDENTIALS_FULL_URI`). The server runs on its own thread and stops when
//! dropped. [`generate`] builds a realistic fleet of any size, deterministically.
//!
//! Test-only: depends on nothing of the provider, so the client side is tested against an
//! independent reading of the model.

mod answers;
pub mod generate;
mod query;
mod records;
mod signature;

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use rdsca_test_server::Loopback;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub use answers::iso;
pub use query::ApiError;
pub use records::*;

/// A request as the fake saw it.
#[derive(Clone, Debug)]
pub struct Request {
    pub method: String,
    pub path: String,
    /// The raw query string, without `?`.
    pub query: String,
    pub headers: HashMap<String, String>,
    /// Query API parameters (form body and query string).
    pub params: HashMap<String, String>,
    /// `(access key id, region, service)` of the Authorization header's credential scope.
    pub scope: Option<(String, String, String)>,
    pub body: String,
}

impl Request {
    pub fn action(&self) -> Option<&str> {
        self.params.get("Action").map(String::as_str)
    }
}

/// A fault to answer with instead of the data, for one Region and action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// HTTP 403 `AccessDenied`, worded as IAM words it (the principal, `rds:<Action>`, the
    /// resource), on every request until cleared.
    AccessDenied,
    /// HTTP 400 `Throttling` ("Rate exceeded") for the next `n` requests, then the data.
    Throttling(u32),
    /// HTTP 500 `InternalFailure` for the next `n` requests, then the data.
    InternalError(u32),
    /// HTTP 403 `InvalidClientTokenId`, as RDS answers in an opt-in Region the account has not
    /// enabled (the Region does not know the credentials), on every request until cleared.
    RegionNotEnabled,
    /// No answer at all, for the client's timeouts: requests stall until the fault is
    /// cleared, and a stalled connection stays open and silent until the fake is dropped.
    Stall,
}

/// The IAM user the fake's access-denied answers name.
pub const PRINCIPAL_USER: &str = "rdsca-test";

struct State {
    fleet: Fleet,
    faults: HashMap<(String, String), Fault>,
    counts: BTreeMap<(String, String), usize>,
    log: Vec<Request>,
    /// Access key → secret, when signatures are checked.
    secrets: Option<HashMap<String, String>>,
}

pub struct FakeRds {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    _server: Loopback,
}

fn lock(state: &Mutex<State>) -> std::sync::MutexGuard<'_, State> {
    state.lock().unwrap_or_else(|p| p.into_inner())
}

impl FakeRds {
    /// A fake of RDS in one Region, with these engine versions, the G1 certificates and no
    /// databases.
    pub fn start(region: &str, versions: Vec<EngineVersion>) -> FakeRds {
        let mut fleet = Fleet::new(generate::ACCOUNT);
        fleet.regions.insert(
            region.to_string(),
            RegionData::with_engine_versions(versions),
        );
        FakeRds::start_fleet(fleet)
    }

    /// A fake of RDS in every Region of `fleet`.
    pub fn start_fleet(fleet: Fleet) -> FakeRds {
        let state = Arc::new(Mutex::new(State {
            fleet,
            faults: HashMap::new(),
            counts: BTreeMap::new(),
            log: Vec::new(),
            secrets: None,
        }));
        let thread_state = state.clone();
        let server = Loopback::serve("rdsca-rds-fake", move |tcp, _| {
            let state = thread_state.clone();
            async move {
                let _ = handle(tcp, state).await;
            }
        });
        FakeRds {
            addr: server.addr,
            state,
            _server: server,
        }
    }

    /// `http://127.0.0.1:PORT`: the value for `AWS_ENDPOINT_URL_RDS`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.addr.port())
    }

    /// The URL of the container credentials route.
    pub fn credentials_url(&self) -> String {
        format!("{}/credentials", self.url())
    }

    /// Sets the account's override of the default CA (as `modify-certificates` does), in
    /// every Region.
    pub fn set_override(&self, ca: Option<&str>) {
        for region in lock(&self.state).fleet.regions.values_mut() {
            for c in &mut region.certificates {
                c.customer_override = Some(c.id.as_str()) == ca;
            }
        }
    }

    /// Answers `action` in `region` with `fault` from now on (replacing an earlier one).
    pub fn inject(&self, region: &str, action: &str, fault: Fault) {
        lock(&self.state)
            .faults
            .insert((region.to_string(), action.to_string()), fault);
    }

    /// From now on, only these `(access key, secret)` pairs are accepted, and every request's
    /// signature is checked: an unknown key is `InvalidClientTokenId`, a wrong signature
    /// `SignatureDoesNotMatch` (both HTTP 403, as AWS answers).
    pub fn require_signatures(&self, credentials: &[(&str, &str)]) {
        lock(&self.state).secrets = Some(
            credentials
                .iter()
                .map(|(k, s)| (k.to_string(), s.to_string()))
                .collect(),
        );
    }

    pub fn clear_faults(&self) {
        lock(&self.state).faults.clear();
    }

    pub fn requests(&self) -> Vec<Request> {
        lock(&self.state).log.clone()
    }

    pub fn request_count(&self) -> usize {
        lock(&self.state).log.len()
    }

    /// API requests for `action` scoped to `region`, faults included.
    pub fn count(&self, region: &str, action: &str) -> usize {
        lock(&self.state)
            .counts
            .get(&(region.to_string(), action.to_string()))
            .copied()
            .unwrap_or(0)
    }

    /// API requests per `(region, action)`, faults included.
    pub fn counts(&self) -> BTreeMap<(String, String), usize> {
        lock(&self.state).counts.clone()
    }
}

fn url_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz");
                match u8::from_str_radix(hex, 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn parse_form(s: &str, into: &mut HashMap<String, String>) {
    for pair in s.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        into.insert(url_decode(k), url_decode(v));
    }
}

/// `AWS4-HMAC-SHA256 Credential=AKID/20240101/eu-west-1/rds/aws4_request, SignedHeaders=..., Signature=...`
fn scope(authorization: &str) -> Option<(String, String, String)> {
    let rest = authorization.strip_prefix("AWS4-HMAC-SHA256 ")?;
    let credential = rest
        .split(',')
        .map(str::trim)
        .find_map(|p| p.strip_prefix("Credential="))?;
    let parts: Vec<&str> = credential.split('/').collect();
    if parts.len() != 5 || parts[4] != "aws4_request" {
        return None;
    }
    if !rest.contains("Signature=") || !rest.contains("SignedHeaders=") {
        return None;
    }
    Some((parts[0].into(), parts[2].into(), parts[3].into()))
}

async fn handle(
    mut stream: tokio::net::TcpStream,
    state: Arc<Mutex<State>>,
) -> std::io::Result<()> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break end;
        }
        if buf.len() > 256 * 1024 {
            return Ok(());
        }
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or_default().split_whitespace();
    let method = first.next().unwrap_or_default().to_string();
    let target = first.next().unwrap_or_default().to_string();
    let headers: HashMap<String, String> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let length: usize = headers
        .get("content-length")
        .and_then(|l| l.parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let mut params = HashMap::new();
    let body = String::from_utf8_lossy(&body).into_owned();
    parse_form(query, &mut params);
    parse_form(&body, &mut params);
    let request = Request {
        method,
        path: path.to_string(),
        query: query.to_string(),
        body,
        scope: headers.get("authorization").and_then(|a| scope(a)),
        headers,
        params,
    };
    let reply = {
        let mut st = lock(&state);
        st.log.push(request.clone());
        let request_id = request_id(st.log.len());
        respond(&mut st, &request, &request_id).map(|r| (r, request_id))
    };
    let Some(((status, content_type, answer), request_id)) = reply else {
        // Stalled: hold the connection until the server stops.
        return std::future::pending().await;
    };
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        500 => "Internal Server Error",
        _ => "Error",
    };
    let response = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nx-amzn-RequestId: {request_id}\r\nConnection: close\r\n\r\n{answer}",
        answer.len()
    );
    stream.write_all(response.as_bytes()).await?;
    stream.shutdown().await
}

/// A request id in the UUID shape RDS uses, distinct per request.
fn request_id(n: usize) -> String {
    format!(
        "5e1f0a3c-{:04x}-4d2e-8b7a-{:012x}",
        (n >> 48) & 0xffff,
        n & 0xffff_ffff_ffff
    )
}

fn error(fault: ApiError, request_id: &str) -> (u16, &'static str, String) {
    let body = answers::error_document(&fault, request_id);
    (fault.status, "text/xml", body)
}

/// The answer to `request`, or `None` to stall (never answer).
fn respond(
    state: &mut State,
    request: &Request,
    request_id: &str,
) -> Option<(u16, &'static str, String)> {
    if request.method == "GET" && request.path == "/credentials" {
        return Some((
            200,
            "application/json",
            "{\"AccessKeyId\":\"AKIDCONTAINER\",\"SecretAccessKey\":\"container-secret\",\"Token\":\"container-token\",\"Expiration\":\"2099-01-01T00:00:00Z\"}".into(),
        ));
    }
    let Some(authorization) = request.headers.get("authorization") else {
        return Some(error(
            ApiError::sender(
                403,
                "MissingAuthenticationToken",
                "Request is missing Authentication Token",
            ),
            request_id,
        ));
    };
    let Some((access_key, region, service)) = &request.scope else {
        return Some(error(
            ApiError::sender(
                400,
                "IncompleteSignature",
                format!("Authorization header requires a SigV4 credential scope: {authorization}"),
            ),
            request_id,
        ));
    };
    if !state.fleet.regions.contains_key(region) || service != "rds" {
        let served: Vec<String> = state
            .fleet
            .regions
            .keys()
            .map(|r| format!("'{r}'"))
            .collect();
        return Some(error(
            ApiError::sender(
                403,
                "SignatureDoesNotMatch",
                format!(
                    "Credential should be scoped to a valid region, not '{region}' (service '{service}'); this endpoint is rds in {}.",
                    served.join(", ")
                ),
            ),
            request_id,
        ));
    }
    if !request.headers.contains_key("x-amz-date") {
        return Some(error(
            ApiError::sender(400, "IncompleteSignature", "Missing X-Amz-Date"),
            request_id,
        ));
    }
    if let Some(secrets) = &state.secrets {
        let Some(secret) = secrets.get(access_key) else {
            return Some(error(
                ApiError::sender(
                    403,
                    "InvalidClientTokenId",
                    "The security token included in the request is invalid.",
                ),
                request_id,
            ));
        };
        if let Err(e) = signature::verify(request, access_key, secret) {
            return Some(error(e, request_id));
        }
    }
    let Some(action) = request.action() else {
        return Some(error(
            ApiError::sender(400, "MissingAction", "Missing Action"),
            request_id,
        ));
    };
    let key = (region.clone(), action.to_string());
    *state.counts.entry(key.clone()).or_default() += 1;
    match injected(state, &key) {
        Some(Injected::Answer(fault)) => return Some(error(fault, request_id)),
        Some(Injected::Stall) => return None,
        None => {}
    }
    let data = &state.fleet.regions[region];
    let params = &request.params;
    let answer = match action {
        "DescribeDBEngineVersions" => {
            answers::describe_db_engine_versions(region, data, params, request_id)
        }
        "DescribeCertificates" => answers::describe_certificates(region, data, params, request_id),
        "DescribeDBInstances" => answers::describe_db_instances(region, data, params, request_id),
        "DescribeDBClusters" => answers::describe_db_clusters(region, data, params, request_id),
        "DescribePendingMaintenanceActions" => {
            answers::describe_pending_maintenance_actions(region, data, params, request_id)
        }
        other => Err(ApiError::sender(
            400,
            "InvalidAction",
            format!("Could not find operation {other} for version 2014-10-31"),
        )),
    };
    Some(match answer {
        Ok(xml) => (200, "text/xml", xml),
        Err(fault) => error(fault, request_id),
    })
}

/// The injected fault for this request, if any (counting down the ones that pass).
enum Injected {
    Answer(ApiError),
    Stall,
}

fn injected(state: &mut State, key: &(String, String)) -> Option<Injected> {
    let (region, action) = key;
    let fault = state.faults.get_mut(key)?;
    let answer = match fault {
        Fault::AccessDenied => {
            let partition = partition(region);
            let account = &state.fleet.account;
            let resource = match action.as_str() {
                "DescribeDBClusters" => {
                    format!(" on resource: arn:{partition}:rds:{region}:{account}:cluster:*")
                }
                "DescribeDBEngineVersions" => String::new(),
                "DescribeCertificates" => {
                    format!(" on resource: arn:{partition}:rds:{region}:{account}:cert:*")
                }
                _ => format!(" on resource: arn:{partition}:rds:{region}:{account}:db:*"),
            };
            return Some(Injected::Answer(ApiError::sender(
                403,
                "AccessDenied",
                format!("User: arn:{partition}:iam::{account}:user/{PRINCIPAL_USER} is not authorized to perform: rds:{action}{resource} because no identity-based policy allows the rds:{action} action"),
            )));
        }
        Fault::Stall => return Some(Injected::Stall),
        Fault::RegionNotEnabled => ApiError::sender(
            403,
            "InvalidClientTokenId",
            "The security token included in the request is invalid.",
        ),
        Fault::Throttling(n) if *n > 0 => {
            *n -= 1;
            ApiError::sender(400, "Throttling", "Rate exceeded")
        }
        Fault::InternalError(n) if *n > 0 => {
            *n -= 1;
            ApiError {
                status: 500,
                kind: "Receiver",
                code: "InternalFailure".into(),
                message: "An internal error has occurred. Try your query again at a later time or contact AWS customer support.".into(),
            }
        }
        _ => {
            state.faults.remove(key);
            return None;
        }
    };
    Some(Injected::Answer(answer))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_is_read_from_the_authorization_header() {
        assert_eq!(
            scope("AWS4-HMAC-SHA256 Credential=AKID/20240101/eu-west-1/rds/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc"),
            Some(("AKID".into(), "eu-west-1".into(), "rds".into()))
        );
        assert_eq!(scope("Basic xyz"), None);
        assert_eq!(url_decode("a%20b%2F+c"), "a b/ c");
    }
}
