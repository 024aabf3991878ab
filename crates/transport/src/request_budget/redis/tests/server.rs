//! A real `redis-server` for the tests: on 127.0.0.1, at a free port, without persistence,
//! killed when the guard drops.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `redis-server`; dropping it kills the server.
#[derive(Debug)]
pub(crate) struct RedisServer {
    child: Child,
    port: u16,
}

/// A port nothing listens on now.
pub(crate) fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port()
}

impl RedisServer {
    /// Starts a server at a free port. `None`, after a loud notice, when `redis-server` is
    /// not installed; under `CI=true` that is a failure instead.
    pub(crate) fn start() -> Option<Self> {
        Self::start_on(free_port())
    }

    /// Starts a server at `port` (again, after [`kill`](Self::kill)).
    pub(crate) fn start_on(port: u16) -> Option<Self> {
        let spawned = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        let child = match spawned {
            Ok(child) => child,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return missing(),
            Err(e) => panic!("could not start redis-server: {e}"),
        };
        let server = Self { child, port };
        server.wait_ready();
        Some(server)
    }

    /// `redis://127.0.0.1:<port>/`.
    pub(crate) fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    pub(crate) fn port(&self) -> u16 {
        self.port
    }

    /// Stops the server now (as a crash would: SIGKILL).
    pub(crate) fn kill(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    fn wait_ready(&self) {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(10) {
            if ping(self.port) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("redis-server on port {} did not answer PING within 10 s", self.port);
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.stop();
    }
}

fn ping(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else { return false };
    let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
    let mut reply = [0u8; 7];
    stream.write_all(b"PING\r\n").is_ok() && stream.read_exact(&mut reply).is_ok() && &reply == b"+PONG\r\n"
}

fn missing() -> Option<RedisServer> {
    let message = "redis-server is not installed: the Redis budget tests need it \
                   (`apt-get install -y redis-server`; .ci/run installs it)";
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{message}");
    }
    eprintln!("\n!!!!!!!! SKIPPED: {message} !!!!!!!!\n");
    None
}
