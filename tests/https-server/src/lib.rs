//! A real HTTPS server on 127.0.0.1 for tests: a CA made at start (rcgen), a server certificate
//! for `localhost` and `127.0.0.1` signed by it, and per-path routes with fault modes (stall,
//! 5xx then success, 404, truncated body, garbage, oversize, redirect, connection reset).
//! HTTP/1.1 is written by hand so faults are exact. Every response closes its connection.
//! The server runs on its own thread and stops when dropped.

use std::collections::HashMap;
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;

/// What a path answers.
#[derive(Clone, Debug)]
pub enum Route {
    /// 200 with the body; answers 304 to a matching `If-None-Match` or `If-Modified-Since`.
    Ok {
        body: Vec<u8>,
        etag: Option<String>,
        last_modified: Option<String>,
    },
    /// This status with a short text body.
    Status(u16),
    /// `failures` answers with `status`, then `then`.
    FailThenOk {
        failures: usize,
        status: u16,
        then: Box<Route>,
    },
    /// Accepts, reads the request, never answers.
    Stall,
    /// Announces `Content-Length` of the whole body, sends half, closes.
    Truncated(Vec<u8>),
    /// 302 to this absolute URL.
    RedirectTo(String),
    /// Closes the TCP connection without a response.
    Reset,
}

impl Route {
    pub fn ok(body: impl Into<Vec<u8>>) -> Route {
        Route::Ok {
            body: body.into(),
            etag: None,
            last_modified: None,
        }
    }
    pub fn etag(self, etag: &str) -> Route {
        match self {
            Route::Ok {
                body,
                last_modified,
                ..
            } => Route::Ok {
                body,
                etag: Some(etag.into()),
                last_modified,
            },
            other => other,
        }
    }
    pub fn last_modified(self, date: &str) -> Route {
        match self {
            Route::Ok { body, etag, .. } => Route::Ok {
                body,
                etag,
                last_modified: Some(date.into()),
            },
            other => other,
        }
    }
}

/// A request as the server saw it.
#[derive(Clone, Debug)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub headers: HashMap<String, String>,
}

#[derive(Default)]
struct State {
    routes: HashMap<String, Route>,
    log: Vec<Request>,
    served: HashMap<String, usize>,
}

pub struct TestServer {
    addr: SocketAddr,
    ca_pem: String,
    state: Arc<Mutex<State>>,
    _server: Loopback,
}

fn lock(state: &Mutex<State>) -> std::sync::MutexGuard<'_, State> {
    state.lock().unwrap_or_else(|p| p.into_inner())
}

impl TestServer {
    /// Starts a server on 127.0.0.1 with a fresh CA.
    pub fn start() -> TestServer {
        let ca_key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).expect("CA key");
        let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("CA params");
        ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "rdsca test CA");
        let ca = ca_params.self_signed(&ca_key).expect("CA certificate");
        let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).expect("server key");
        let params =
            rcgen::CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()])
                .expect("server params");
        let cert = params
            .signed_by(&key, &ca, &ca_key)
            .expect("server certificate");

        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("TLS versions")
            .with_no_client_auth()
            .with_single_cert(
                vec![cert.der().clone()],
                rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into()),
            )
            .expect("server TLS config");
        let acceptor = TlsAcceptor::from(Arc::new(config));

        let state = Arc::new(Mutex::new(State::default()));
        let thread_state = state.clone();
        let server = Loopback::serve("rdsca-test-server", move |tcp, addr| {
            let acceptor = acceptor.clone();
            let state = thread_state.clone();
            async move {
                if let Ok(tls) = acceptor.accept(tcp).await {
                    let _ = handle(tls, state, addr).await;
                }
            }
        });
        TestServer {
            addr: server.addr,
            ca_pem: ca.pem(),
            state,
            _server: server,
        }
    }

    /// The test CA, PEM: what a client must trust.
    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }
    pub fn port(&self) -> u16 {
        self.addr.port()
    }
    /// `https://localhost:PORT`
    pub fn base_url(&self) -> String {
        format!("https://localhost:{}", self.addr.port())
    }
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url())
    }
    pub fn route(&self, path: &str, route: Route) {
        lock(&self.state).routes.insert(path.to_string(), route);
    }
    /// Requests that reached `path` (conditional ones included).
    pub fn requests(&self, path: &str) -> usize {
        lock(&self.state)
            .log
            .iter()
            .filter(|r| r.path == path)
            .count()
    }
    pub fn total_requests(&self) -> usize {
        lock(&self.state).log.len()
    }
    pub fn request_log(&self) -> Vec<Request> {
        lock(&self.state).log.clone()
    }
}

/// A TCP server on 127.0.0.1 with its own thread and runtime: each accepted connection goes to
/// `handle` in a task of its own. Dropping it stops the server and cancels every connection task,
/// stalled ones included. Shared by the test servers of this workspace.
pub struct Loopback {
    pub addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Loopback {
    pub fn serve<H, F>(name: &str, handle: H) -> Loopback
    where
        H: Fn(TcpStream, SocketAddr) -> F + Send + 'static,
        F: std::future::Future<Output = ()> + Send + 'static,
    {
        let std_listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        std_listener.set_nonblocking(true).expect("nonblocking");
        let addr = std_listener.local_addr().expect("address");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name(name.into())
            .spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("runtime");
                rt.block_on(async move {
                    let listener = TcpListener::from_std(std_listener).expect("listener");
                    let serve = async {
                        loop {
                            let Ok((tcp, _)) = listener.accept().await else {
                                continue;
                            };
                            tokio::spawn(handle(tcp, addr));
                        }
                    };
                    tokio::select! {
                        _ = serve => {}
                        _ = stopped => {}
                    }
                });
                // Dropping the runtime cancels every connection task, stalled ones included.
            })
            .expect("server thread");
        Loopback {
            addr,
            stop: Some(stop),
            thread: Some(thread),
        }
    }
}

impl Drop for Loopback {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

async fn read_request<S: tokio::io::AsyncRead + Unpin>(
    stream: &mut S,
) -> io::Result<Option<Request>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).into_owned();
            let mut lines = head.split("\r\n");
            let mut first = lines.next().unwrap_or_default().split_whitespace();
            let method = first.next().unwrap_or_default().to_string();
            let path = first.next().unwrap_or_default().to_string();
            let headers = lines
                .filter_map(|l| l.split_once(':'))
                .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
                .collect();
            return Ok(Some(Request {
                method,
                path,
                headers,
            }));
        }
        if buf.len() > 64 * 1024 {
            return Ok(None);
        }
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        302 => "Found",
        304 => "Not Modified",
        404 => "Not Found",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

fn response(
    status: u16,
    headers: &[(&str, String)],
    body: &[u8],
    content_length: usize,
) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {status} {}\r\nContent-Length: {content_length}\r\nConnection: close\r\n",
        reason(status)
    )
    .into_bytes();
    for (k, v) in headers {
        out.extend_from_slice(format!("{k}: {v}\r\n").as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(body);
    out
}

async fn handle<S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin>(
    mut stream: S,
    state: Arc<Mutex<State>>,
    _addr: SocketAddr,
) -> io::Result<()> {
    let Some(req) = read_request(&mut stream).await? else {
        return Ok(());
    };
    let (route, attempt) = {
        let mut s = lock(&state);
        s.log.push(req.clone());
        let route = s.routes.get(&req.path).cloned();
        let served = s.served.entry(req.path.clone()).or_insert(0);
        *served += 1;
        (route, *served)
    };
    let mut route = route.unwrap_or(Route::Status(404));
    if let Route::FailThenOk {
        failures,
        status,
        then,
    } = route
    {
        route = if attempt <= failures {
            Route::Status(status)
        } else {
            *then
        };
    }
    let bytes = match route {
        Route::Ok {
            body,
            etag,
            last_modified,
        } => {
            let fresh_etag = etag
                .as_ref()
                .is_some_and(|e| req.headers.get("if-none-match") == Some(e));
            let fresh_date = last_modified
                .as_ref()
                .is_some_and(|d| req.headers.get("if-modified-since") == Some(d));
            let mut headers = vec![("Content-Type", "application/x-pem-file".to_string())];
            if let Some(e) = etag {
                headers.push(("ETag", e));
            }
            if let Some(d) = last_modified {
                headers.push(("Last-Modified", d));
            }
            if fresh_etag || fresh_date {
                response(304, &headers, b"", 0)
            } else {
                response(200, &headers, &body, body.len())
            }
        }
        Route::Status(status) => {
            let body = format!("{status} {}\n", reason(status));
            response(
                status,
                &[("Content-Type", "text/plain".into())],
                body.as_bytes(),
                body.len(),
            )
        }
        Route::FailThenOk { .. } => unreachable!("resolved above"),
        Route::Stall => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            return Ok(());
        }
        Route::Truncated(body) => {
            let half = &body[..body.len() / 2];
            let out = response(200, &[], half, body.len());
            stream.write_all(&out).await?;
            stream.flush().await?;
            return stream.shutdown().await;
        }
        Route::RedirectTo(location) => response(302, &[("Location", location)], b"", 0),
        Route::Reset => return Ok(()),
    };
    stream.write_all(&bytes).await?;
    stream.flush().await?;
    stream.shutdown().await
}

/// Certificates for tests of bundle verification.
pub mod certs {
    /// A self-signed CA certificate (P-384: rcgen cannot make RSA keys) with this CN, PEM.
    pub fn self_signed_ca(cn: &str) -> String {
        let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P384_SHA384).unwrap();
        let mut p = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        p.distinguished_name.push(rcgen::DnType::CommonName, cn);
        p.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        p.self_signed(&key).unwrap().pem()
    }

    /// `pem` with one base64 character changed on the 10th line of its first certificate: for
    /// an RSA root that is inside the modulus, so the certificate still parses but its
    /// signature no longer verifies.
    pub fn tampered(pem: &[u8]) -> Vec<u8> {
        let text = String::from_utf8(pem.to_vec()).unwrap();
        let start = text.find("-----BEGIN CERTIFICATE-----").unwrap();
        let line = start
            + text[start..]
                .match_indices('\n')
                .nth(9)
                .map(|(i, _)| i + 1)
                .unwrap();
        let mut bytes = text.into_bytes();
        let at = line + 20;
        bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
        bytes
    }
}
