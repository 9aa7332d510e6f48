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
//!
//! The tuning is Linux-only (it relies on Linux's inheritance of the option, and on unix
//! descriptors); elsewhere [`install`] does nothing and the provider works as it is, Nagle on.

/// Puts the stdout interposer in place (Linux; elsewhere a no-op). Errors leave stdout as it was
/// (the provider still works, only slower), so they are reported to the caller for logging,
/// never fatal.
#[cfg(target_os = "linux")]
pub use linux::install;

/// Puts the stdout interposer in place: a no-op outside Linux, where the tuning is not done.
#[cfg(not(target_os = "linux"))]
pub fn install() -> std::io::Result<()> {
    Ok(())
}

/// `CORE-PROTOCOL-VERSION|APP-PROTOCOL-VERSION|NETWORK-TYPE|NETWORK-ADDR|PROTOCOL|...`
pub fn is_handshake(line: &str) -> bool {
    let parts: Vec<&str> = line.trim_end().split('|').collect();
    parts.len() >= 5 && parts[0] == "1" && parts[2] == "tcp" && parts[4] == "grpc"
}

#[cfg(target_os = "linux")]
mod linux {
    use std::io::{BufRead, BufReader, Read, Write};
    use std::os::fd::{AsFd, AsRawFd, FromRawFd, OwnedFd, RawFd};

    use socket2::{Protocol, SockRef, Socket, Type};

    use super::is_handshake;

    /// The descriptor numbers probed for listeners: `0..PROBED_FDS`. At the handshake the process
    /// holds about a dozen descriptors (stdio, the runtime's epoll and eventfd, the relay pipe,
    /// the listener) and Linux always hands out the lowest free number, so the listener is far
    /// below this; 1024 is also Linux's default soft `RLIMIT_NOFILE`. Probing costs well under a
    /// millisecond, once per run.
    const PROBED_FDS: RawFd = 1024;

    pub fn install() -> std::io::Result<()> {
        let (reader, writer) = std::io::pipe()?;
        std::io::stdout().flush()?;
        let real_stdout = std::io::stdout().as_fd().try_clone_to_owned()?;
        // The relay starts before stdout moves: if the move fails, dropping `writer` ends it.
        std::thread::Builder::new()
            .name("stdout-relay".into())
            .spawn(move || relay(reader, std::fs::File::from(real_stdout)))?;
        // std has no safe way to put a descriptor at number 1, so this dup2 is raw libc.
        // SAFETY: `writer` is a valid descriptor owned here; dup2 atomically makes descriptor 1
        // another reference to the pipe, which Rust's `Stdout` (fd 1 by number) then writes to.
        if unsafe { libc::dup2(writer.as_raw_fd(), libc::STDOUT_FILENO) } < 0 {
            return Err(std::io::Error::last_os_error());
        }
        drop(writer);
        Ok(())
    }

    /// Forwards `input` line by line to `out`, tuning the listeners when the handshake passes.
    pub(super) fn relay(input: impl Read, mut out: impl Write) {
        let mut lines = BufReader::new(input);
        let mut line = Vec::new();
        loop {
            line.clear();
            match lines.read_until(b'\n', &mut line) {
                Ok(0) | Err(_) => return,
                Ok(_) => {
                    if std::str::from_utf8(&line).is_ok_and(is_handshake) {
                        set_nodelay_on_listeners();
                    }
                    if out.write_all(&line).and_then(|_| out.flush()).is_err() {
                        return;
                    }
                }
            }
        }
    }

    /// Sets `TCP_NODELAY` on every listening TCP socket of this process.
    pub(super) fn set_nodelay_on_listeners() {
        for fd in 0..PROBED_FDS {
            if let Some(own) = duplicate(fd) {
                let socket = SockRef::from(&own);
                if is_listening_tcp(&socket) {
                    // Socket options belong to the socket, so setting it through our duplicate
                    // sets it on the listener itself.
                    let _ = socket.set_tcp_nodelay(true);
                }
            }
        }
    }

    /// A descriptor of our own for whatever descriptor number `fd` of this process refers to
    /// right now, if it is open.
    ///
    /// Probing numbers we do not own cannot go through `BorrowedFd::borrow_raw`: its contract
    /// requires the number to be open for the borrow, and most are not (or could be closed by
    /// another thread meanwhile). `fcntl(F_DUPFD_CLOEXEC)` on a bare number is atomic instead:
    /// it fails with `EBADF`, or returns a fresh descriptor only we own, on which everything after
    /// it works through safe APIs. Hence this one raw libc call.
    fn duplicate(fd: RawFd) -> Option<OwnedFd> {
        // SAFETY: fcntl with F_DUPFD_CLOEXEC takes and returns integers and touches no memory;
        // it never affects descriptor `fd` itself.
        let dup = unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 0) };
        // SAFETY: `dup` is a fresh open descriptor, owned by nobody else.
        (dup >= 0).then(|| unsafe { OwnedFd::from_raw_fd(dup) })
    }

    pub(super) fn is_listening_tcp(socket: &Socket) -> bool {
        socket.r#type().is_ok_and(|t| t == Type::STREAM)
            && socket.is_listener().unwrap_or(false)
            && socket.protocol().ok().flatten() == Some(Protocol::TCP)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_the_go_plugin_handshake() {
        assert!(is_handshake("1|6|tcp|127.0.0.1:1234|grpc|MIIB\n"));
        assert!(!is_handshake("hello\n"));
        assert!(!is_handshake("1|6|unix|/tmp/x|grpc\n"));
    }

    #[cfg(not(target_os = "linux"))]
    #[test]
    fn install_is_a_no_op_elsewhere() {
        install().unwrap();
    }

    #[cfg(target_os = "linux")]
    mod linux {
        use super::super::linux::{is_listening_tcp, relay, set_nodelay_on_listeners};
        use socket2::SockRef;
        use std::io::{BufRead, BufReader, Write};
        use std::net::{TcpListener, TcpStream};
        use std::sync::Mutex;

        /// These tests set `TCP_NODELAY` on every listener of the test process: one at a time, so
        /// that one cannot tune the other's listener behind its back.
        static SERIAL: Mutex<()> = Mutex::new(());

        fn nodelay(listener: &TcpListener) -> bool {
            SockRef::from(listener).tcp_nodelay().unwrap()
        }

        #[test]
        fn listeners_get_nodelay_and_accepted_sockets_inherit_it() {
            let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
            let listener = TcpListener::bind("127.0.0.1:0").unwrap();
            assert!(is_listening_tcp(&SockRef::from(&listener)));
            set_nodelay_on_listeners();
            let _client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
            let (accepted, _) = listener.accept().unwrap();
            assert!(
                accepted.nodelay().unwrap(),
                "the accepted socket must have TCP_NODELAY"
            );
            assert!(!is_listening_tcp(&SockRef::from(&accepted)));
        }

        #[test]
        fn the_handshake_line_passing_through_the_relay_sets_nodelay_on_the_listener() {
            let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
            let listener = TcpListener::bind("127.0.0.1:0").unwrap();
            assert!(!nodelay(&listener), "a new listener has Nagle on");

            let (input, mut stdout) = std::io::pipe().unwrap();
            let (forwarded, forward) = std::io::pipe().unwrap();
            let relay = std::thread::spawn(move || relay(input, forward));
            let mut forwarded = BufReader::new(forwarded);
            let mut line = String::new();

            stdout.write_all(b"not a handshake\n").unwrap();
            forwarded.read_line(&mut line).unwrap();
            assert_eq!(line, "not a handshake\n");
            assert!(!nodelay(&listener), "only the handshake line tunes");

            let handshake = format!("1|6|tcp|{}|grpc|MIIBcert\n", listener.local_addr().unwrap());
            stdout.write_all(handshake.as_bytes()).unwrap();
            line.clear();
            forwarded.read_line(&mut line).unwrap();
            assert_eq!(line, handshake, "the line is forwarded unchanged");
            assert!(
                nodelay(&listener),
                "TCP_NODELAY is set before the line reaches Terraform"
            );

            let _client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
            let (accepted, _) = listener.accept().unwrap();
            assert!(accepted.nodelay().unwrap());

            drop(stdout);
            relay.join().unwrap();
        }
    }
}
