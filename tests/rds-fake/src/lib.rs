//! A local fake of the RDS Query API for tests: `DescribeDBEngineVersions` (filters `Engine`,
//! `EngineVersion`; `MaxRecords` / `Marker` paging) and `DescribeCertificates`, answered in the
//! XML shapes of the real API, over plain HTTP on 127.0.0.1 (reached through
//! `AWS_ENDPOINT_URL_RDS`). A request must carry a SigV4 `Authorization` header
//! (`AWS4-HMAC-SHA256 Credential=<key>/<date>/<region>/rds/aws4_request, ...`) scoped to the
//! fake's Region; the signature itself is not verified. Every request is recorded.
//! `GET /credentials` answers container credentials (`AWS_CONTAINER_CREDENTIALS_FULL_URI`).
//! The server runs on its own thread and stops when dropped.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use rdsca_test_server::Loopback;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// One engine version the fake lists.
#[derive(Clone, Debug)]
pub struct EngineVersion {
    pub engine: String,
    pub version: String,
    pub cas: Vec<String>,
    pub rotation_without_restart: bool,
}

impl EngineVersion {
    pub fn new(engine: &str, version: &str, cas: &[&str], rotation: bool) -> Self {
        EngineVersion {
            engine: engine.into(),
            version: version.into(),
            cas: cas.iter().map(|c| c.to_string()).collect(),
            rotation_without_restart: rotation,
        }
    }
}

/// One CA certificate of `DescribeCertificates`.
#[derive(Clone, Debug)]
pub struct Certificate {
    pub id: String,
    pub valid_from: String,
    pub valid_till: String,
    pub customer_override: bool,
}

/// The three G1 CAs with their real validity, no override.
pub fn g1_certificates() -> Vec<Certificate> {
    [
        (
            "rds-ca-rsa2048-g1",
            "2021-05-25T23:34:57Z",
            "2061-05-25T23:34:57Z",
        ),
        (
            "rds-ca-rsa4096-g1",
            "2021-05-25T23:41:21Z",
            "2121-05-25T23:41:21Z",
        ),
        (
            "rds-ca-ecc384-g1",
            "2021-05-25T23:43:08Z",
            "2121-05-25T23:43:08Z",
        ),
    ]
    .iter()
    .map(|(id, from, till)| Certificate {
        id: id.to_string(),
        valid_from: from.to_string(),
        valid_till: till.to_string(),
        customer_override: false,
    })
    .collect()
}

/// A request as the fake saw it.
#[derive(Clone, Debug)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub headers: HashMap<String, String>,
    /// Query API parameters (form body and query string).
    pub params: HashMap<String, String>,
    /// `(access key id, region, service)` of the Authorization header's credential scope.
    pub scope: Option<(String, String, String)>,
}

impl Request {
    pub fn action(&self) -> Option<&str> {
        self.params.get("Action").map(String::as_str)
    }
}

struct State {
    region: String,
    versions: Vec<EngineVersion>,
    certificates: Vec<Certificate>,
    log: Vec<Request>,
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
    /// A fake of RDS in `region`, with these engine versions and the G1 certificates.
    pub fn start(region: &str, versions: Vec<EngineVersion>) -> FakeRds {
        let state = Arc::new(Mutex::new(State {
            region: region.to_string(),
            versions,
            certificates: g1_certificates(),
            log: Vec::new(),
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

    /// Sets the account's override of the default CA (as `modify-certificates` does).
    pub fn set_override(&self, ca: Option<&str>) {
        for c in &mut lock(&self.state).certificates {
            c.customer_override = Some(c.id.as_str()) == ca;
        }
    }

    pub fn requests(&self) -> Vec<Request> {
        lock(&self.state).log.clone()
    }

    pub fn request_count(&self) -> usize {
        lock(&self.state).log.len()
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
    parse_form(query, &mut params);
    parse_form(&String::from_utf8_lossy(&body), &mut params);
    let request = Request {
        method,
        path: path.to_string(),
        scope: headers.get("authorization").and_then(|a| scope(a)),
        headers,
        params,
    };
    let (status, content_type, answer) = {
        let mut st = lock(&state);
        st.log.push(request.clone());
        respond(&st, &request)
    };
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        _ => "Error",
    };
    let response = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nx-amzn-RequestId: 00000000-0000-0000-0000-000000000000\r\nConnection: close\r\n\r\n{answer}",
        answer.len()
    );
    stream.write_all(response.as_bytes()).await?;
    stream.shutdown().await
}

const NS: &str = "http://rds.amazonaws.com/doc/2014-10-31/";
const METADATA: &str =
    "<ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata>";

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn error(status: u16, kind: &str, code: &str, message: &str) -> (u16, &'static str, String) {
    (
        status,
        "text/xml",
        format!(
            "<ErrorResponse xmlns=\"{NS}\"><Error><Type>{kind}</Type><Code>{code}</Code><Message>{}</Message></Error><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>",
            escape(message)
        ),
    )
}

fn respond(state: &State, request: &Request) -> (u16, &'static str, String) {
    if request.method == "GET" && request.path == "/credentials" {
        return (
            200,
            "application/json",
            "{\"AccessKeyId\":\"AKIDCONTAINER\",\"SecretAccessKey\":\"container-secret\",\"Token\":\"container-token\",\"Expiration\":\"2099-01-01T00:00:00Z\"}".into(),
        );
    }
    let Some(authorization) = request.headers.get("authorization") else {
        return error(
            403,
            "Sender",
            "MissingAuthenticationToken",
            "Request is missing Authentication Token",
        );
    };
    let Some((_, region, service)) = &request.scope else {
        return error(
            400,
            "Sender",
            "IncompleteSignature",
            &format!("Authorization header requires a SigV4 credential scope: {authorization}"),
        );
    };
    if region != &state.region || service != "rds" {
        return error(403, "Sender", "SignatureDoesNotMatch", &format!("Credential should be scoped to a valid region, not '{region}' (service '{service}'); this endpoint is rds in '{}'.", state.region));
    }
    if !request.headers.contains_key("x-amz-date") {
        return error(400, "Sender", "IncompleteSignature", "Missing X-Amz-Date");
    }
    match request.action() {
        Some("DescribeDBEngineVersions") => engine_versions(state, request),
        Some("DescribeCertificates") => certificates(state),
        Some(other) => error(
            400,
            "Sender",
            "InvalidAction",
            &format!("Could not find operation {other} for version 2014-10-31"),
        ),
        None => error(400, "Sender", "MissingAction", "Missing Action"),
    }
}

fn engine_versions(state: &State, request: &Request) -> (u16, &'static str, String) {
    let engine = request.params.get("Engine");
    let version = request.params.get("EngineVersion");
    if let Some(e) = engine {
        if !state.versions.iter().any(|v| &v.engine == e) {
            return error(
                400,
                "Sender",
                "InvalidParameterValue",
                &format!("Invalid DB engine: {e}"),
            );
        }
    }
    let matching: Vec<&EngineVersion> = state
        .versions
        .iter()
        .filter(|v| {
            engine.is_none_or(|e| &v.engine == e) && version.is_none_or(|x| &v.version == x)
        })
        .collect();
    let page_size: usize = request
        .params
        .get("MaxRecords")
        .and_then(|m| m.parse().ok())
        .unwrap_or(100);
    let start: usize = request
        .params
        .get("Marker")
        .and_then(|m| m.strip_prefix("page-"))
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    let page: Vec<&&EngineVersion> = matching.iter().skip(start).take(page_size).collect();
    let mut xml = format!("<DescribeDBEngineVersionsResponse xmlns=\"{NS}\"><DescribeDBEngineVersionsResult><DBEngineVersions>");
    for v in &page {
        xml.push_str(&format!(
            "<DBEngineVersion><Engine>{e}</Engine><EngineVersion>{ver}</EngineVersion><DBParameterGroupFamily>{e}{major}</DBParameterGroupFamily><DBEngineDescription>{e}</DBEngineDescription><DBEngineVersionDescription>{e} {ver}</DBEngineVersionDescription><ValidUpgradeTarget><UpgradeTarget><Engine>{e}</Engine><EngineVersion>{ver}.99</EngineVersion><IsMajorVersionUpgrade>false</IsMajorVersionUpgrade></UpgradeTarget></ValidUpgradeTarget><SupportedCACertificateIdentifiers>{cas}</SupportedCACertificateIdentifiers><SupportsCertificateRotationWithoutRestart>{rot}</SupportsCertificateRotationWithoutRestart><Status>available</Status></DBEngineVersion>",
            e = escape(&v.engine),
            ver = escape(&v.version),
            major = escape(v.version.split('.').next().unwrap_or_default()),
            cas = v.cas.iter().map(|c| format!("<member>{}</member>", escape(c))).collect::<String>(),
            rot = v.rotation_without_restart,
        ));
    }
    xml.push_str("</DBEngineVersions>");
    if start + page.len() < matching.len() {
        xml.push_str(&format!("<Marker>page-{}</Marker>", start + page.len()));
    }
    xml.push_str(&format!(
        "</DescribeDBEngineVersionsResult>{METADATA}</DescribeDBEngineVersionsResponse>"
    ));
    (200, "text/xml", xml)
}

fn certificates(state: &State) -> (u16, &'static str, String) {
    let default = state
        .certificates
        .iter()
        .find(|c| c.customer_override)
        .map_or("rds-ca-rsa2048-g1", |c| c.id.as_str());
    let mut xml = format!("<DescribeCertificatesResponse xmlns=\"{NS}\"><DescribeCertificatesResult><DefaultCertificateForNewLaunches>{default}</DefaultCertificateForNewLaunches><Certificates>");
    for c in &state.certificates {
        xml.push_str(&format!(
            "<Certificate><CertificateIdentifier>{id}</CertificateIdentifier><CertificateType>CA</CertificateType><CustomerOverride>{o}</CustomerOverride>{till_override}<Thumbprint>{thumb}</Thumbprint><ValidFrom>{from}</ValidFrom><ValidTill>{till}</ValidTill><CertificateArn>arn:aws:rds:{region}::cert:{id}</CertificateArn></Certificate>",
            id = c.id,
            o = c.customer_override,
            till_override = if c.customer_override { format!("<CustomerOverrideValidTill>{}</CustomerOverrideValidTill>", c.valid_till) } else { String::new() },
            thumb = c.id.len(),
            from = c.valid_from,
            till = c.valid_till,
            region = state.region,
        ));
    }
    xml.push_str(&format!(
        "</Certificates></DescribeCertificatesResult>{METADATA}</DescribeCertificatesResponse>"
    ));
    (200, "text/xml", xml)
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
