//! A real `redis-server` for tests of the Redis budget: on 127.0.0.1, at a free port,
//! without persistence, killed when the guard drops.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A throwaway `redis-server` for tests, from the machine's `redis-server` binary (Debian:
/// `apt-get install redis-server`): it listens on 127.0.0.1 only, keeps nothing on disk,
/// and is killed when the guard drops.
///
/// When the binary is missing, [`start`](Self::start) returns `None` after a loud notice on
/// stderr, so that a test can return early without passing silently; with the environment
/// variable `CI=true` it panics instead, so that CI never skips the test.
///
/// ```no_run
/// use cfzt_transport::test_util::RedisServer;
/// let Some(redis) = RedisServer::start() else { return };
/// let budget = cfzt_transport::RedisBudget::builder(&redis.url(), "test").build().unwrap();
/// ```
#[derive(Debug)]
pub struct RedisServer {
    child: Child,
    port: u16,
}

impl RedisServer {
    /// A port of 127.0.0.1 that nothing listens on now.
    ///
    /// # Panics
    ///
    /// When no port can be bound.
    pub fn free_port() -> u16 {
        TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port()
    }

    /// Starts a server at a free port and waits until it answers. `None`, after a loud
    /// notice, when `redis-server` is not installed.
    ///
    /// # Panics
    ///
    /// When `redis-server` is missing and `CI=true`, or it does not start within 10 s.
    pub fn start() -> Option<Self> {
        Self::start_on(Self::free_port())
    }

    /// Starts a server at `port`, e.g. again after [`kill`](Self::kill), as [`start`](Self::start) does.
    ///
    /// # Panics
    ///
    /// As [`start`](Self::start).
    pub fn start_on(port: u16) -> Option<Self> {
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
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Stops the server now, as a crash would (SIGKILL).
    pub fn kill(mut self) {
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
