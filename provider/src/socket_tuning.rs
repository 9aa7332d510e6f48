//! Disabling Nagle's algorithm on the plugin's gRPC socket.
//!
//! tf-provider serves gRPC from a listener it binds itself and never sets `TCP_NODELAY`. With
//! Nagle on, a response's second small write waits for the ACK of the first, which Terraform's
//! side delays by ~40 ms: every RPC, including the final `Shutdown`, pays that (measured: 44 ms
//! from `Close` to process exit). Linux copies `TCP_NODELAY` from a listening socket to the
//! sockets it accepts, so setting it on the listener is enough, as long as that happens before
//! Terraform connects. Terraform connects only after reading the go-plugin handshake line from
//! stdout, so we route stdout through a pipe, and when the handshake line passes, set the option
//! on every listening TCP socket of this process, then forward the line.

use std::io::{BufRead, BufReader, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

/// Puts the stdout interposer in place. Errors leave stdout as it was (the provider still works,
/// only slower), so they are reported to the caller for logging, never fatal.
pub fn install() -> std::io::Result<()> {
    let (reader, writer) = std::io::pipe()?;
    // SAFETY: dup/dup2 on valid descriptors; the duplicate of the real stdout is owned below.
    let real_stdout = unsafe { libc::dup(libc::STDOUT_FILENO) };
    if real_stdout < 0 {
        return Err(std::io::Error::last_os_error());
    }
    let real_stdout = unsafe { OwnedFd::from_raw_fd(real_stdout) };
    if unsafe { libc::dup2(writer.as_raw_fd(), libc::STDOUT_FILENO) } < 0 {
        return Err(std::io::Error::last_os_error());
    }
    drop(writer);
    std::thread::Builder::new()
        .name("stdout-relay".into())
        .spawn(move || relay(reader, real_stdout))?;
    Ok(())
}

fn relay(reader: std::io::PipeReader, real_stdout: OwnedFd) {
    let mut out = std::fs::File::from(real_stdout);
    let mut lines = BufReader::new(reader);
    let mut line = String::new();
    loop {
        line.clear();
        match lines.read_line(&mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) => {
                if is_handshake(&line) {
                    set_nodelay_on_listeners();
                }
                if out
                    .write_all(line.as_bytes())
                    .and_then(|_| out.flush())
                    .is_err()
                {
                    return;
                }
            }
        }
    }
}

/// `CORE-PROTOCOL-VERSION|APP-PROTOCOL-VERSION|NETWORK-TYPE|NETWORK-ADDR|PROTOCOL|...`
pub fn is_handshake(line: &str) -> bool {
    let parts: Vec<&str> = line.trim_end().split('|').collect();
    parts.len() >= 5 && parts[0] == "1" && parts[2] == "tcp" && parts[4] == "grpc"
}

/// Sets `TCP_NODELAY` on every listening TCP socket of this process.
fn set_nodelay_on_listeners() {
    let Ok(entries) = std::fs::read_dir("/proc/self/fd") else {
        return;
    };
    for entry in entries.flatten() {
        let Some(fd) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<RawFd>().ok())
        else {
            continue;
        };
        if is_listening_tcp(fd) {
            let one: libc::c_int = 1;
            // SAFETY: setsockopt on a socket descriptor this process owns, with a c_int value.
            unsafe {
                libc::setsockopt(
                    fd,
                    libc::IPPROTO_TCP,
                    libc::TCP_NODELAY,
                    (&one as *const libc::c_int).cast(),
                    std::mem::size_of::<libc::c_int>() as libc::socklen_t,
                );
            }
        }
    }
}

fn sockopt(fd: RawFd, level: libc::c_int, name: libc::c_int) -> Option<libc::c_int> {
    let mut value: libc::c_int = 0;
    let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
    // SAFETY: getsockopt writes at most `len` bytes into `value`; non-sockets fail with ENOTSOCK.
    let rc = unsafe {
        libc::getsockopt(
            fd,
            level,
            name,
            (&mut value as *mut libc::c_int).cast(),
            &mut len,
        )
    };
    (rc == 0).then_some(value)
}

fn is_listening_tcp(fd: RawFd) -> bool {
    sockopt(fd, libc::SOL_SOCKET, libc::SO_ACCEPTCONN) == Some(1)
        && sockopt(fd, libc::SOL_SOCKET, libc::SO_PROTOCOL) == Some(libc::IPPROTO_TCP)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{TcpListener, TcpStream};
    use std::os::fd::AsRawFd;

    #[test]
    fn recognises_the_go_plugin_handshake() {
        assert!(is_handshake("1|6|tcp|127.0.0.1:1234|grpc|MIIB\n"));
        assert!(!is_handshake("hello\n"));
        assert!(!is_handshake("1|6|unix|/tmp/x|grpc\n"));
    }

    #[test]
    fn listeners_get_nodelay_and_accepted_sockets_inherit_it() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        assert!(is_listening_tcp(listener.as_raw_fd()));
        set_nodelay_on_listeners();
        let _client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (accepted, _) = listener.accept().unwrap();
        assert!(
            accepted.nodelay().unwrap(),
            "the accepted socket must have TCP_NODELAY"
        );
        assert!(!is_listening_tcp(accepted.as_raw_fd()));
    }
}
