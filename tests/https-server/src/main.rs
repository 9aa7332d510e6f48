//! `rdsca-test-server --dir DIR --ca-out FILE --addr-out FILE`: serves the files of DIR over HTTPS
//! on 127.0.0.1 (for benchmarks and manual runs) and writes the CA and `https://localhost:PORT`.
//! Each line read on stdin prints the request count per path so far, as JSON; EOF stops it.

use std::path::{Path, PathBuf};

use rdsca_test_server::{Route, TestServer};

fn files(dir: &Path, prefix: &str, out: &mut Vec<(String, PathBuf)>) {
    for entry in std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
    {
        let path = entry.path();
        let name = format!("{prefix}/{}", entry.file_name().to_string_lossy());
        if path.is_dir() {
            files(&path, &name, out);
        } else {
            out.push((name, path));
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let (Some(dir), Some(ca_out), Some(addr_out)) =
        (arg("--dir"), arg("--ca-out"), arg("--addr-out"))
    else {
        eprintln!("usage: rdsca-test-server --dir DIR --ca-out FILE --addr-out FILE");
        std::process::exit(2);
    };
    let server = TestServer::start();
    let mut list = Vec::new();
    files(Path::new(&dir), "", &mut list);
    for (path, file) in &list {
        server.route(
            path,
            Route::ok(std::fs::read(file).expect("readable file"))
                .etag(&format!("\"{}\"", path.len())),
        );
    }
    std::fs::write(&ca_out, server.ca_pem()).expect("write CA");
    std::fs::write(&addr_out, server.base_url()).expect("write address");
    for line in std::io::stdin().lines() {
        if line.is_err() {
            break;
        }
        let mut counts = std::collections::BTreeMap::new();
        for r in server.request_log() {
            *counts.entry(r.path).or_insert(0usize) += 1;
        }
        println!("{}", serde_json::to_string(&counts).unwrap_or_default());
    }
}
