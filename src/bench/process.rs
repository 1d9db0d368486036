//! A `factdesk serve` child process on a free loopback port, with a fresh
//! write token, for the benchmark to import into and load.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;
use tonic_health::pb::HealthCheckRequest;

use super::BenchError;

/// How long a server may take to become SERVING (a large library rebuilds
/// its index first).
const SERVING_TIMEOUT: Duration = Duration::from_secs(600);

/// The server process; killed when dropped before [`ServerProcess::stop`].
#[derive(Debug)]
pub struct ServerProcess {
    pub child: Child,
    /// `http://127.0.0.1:PORT`.
    pub endpoint: String,
    /// A fresh random write token, given to the server in its environment.
    pub write_token: String,
    started: Instant,
}

impl ServerProcess {
    /// Starts `factdesk serve --db DB` (this same executable) with
    /// `server_args` appended.
    pub fn start(db: &Path, server_args: &[String]) -> Result<ServerProcess, BenchError> {
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let listen = format!("127.0.0.1:{port}");
        let write_token: String = std::iter::repeat_with(fastrand::alphanumeric)
            .take(32)
            .collect();
        let mut command = Command::new(std::env::current_exe()?);
        command
            .env("FACTDESK_WRITE_TOKEN", &write_token)
            .args(["serve", "--listen", &listen, "--db"])
            .arg(db)
            .args(server_args)
            .env("FACTDESK_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null());
        let started = Instant::now();
        let child = command.spawn().map_err(BenchError::Spawn)?;
        Ok(ServerProcess {
            child,
            endpoint: format!("http://{listen}"),
            write_token,
            started,
        })
    }

    /// Polls the health service until SERVING; returns the time since spawn.
    pub async fn wait_serving(&self) -> Result<Duration, BenchError> {
        let deadline = self.started + SERVING_TIMEOUT;
        while Instant::now() < deadline {
            if let Ok(channel) = super::connect(&self.endpoint).await {
                let mut health = HealthClient::new(channel);
                let request = HealthCheckRequest {
                    service: String::new(),
                };
                if let Ok(response) = health.check(request).await {
                    if response.into_inner().status == ServingStatus::Serving as i32 {
                        return Ok(self.started.elapsed());
                    }
                }
            }
            // The server is another process: there is no event to wait on,
            // and the cold-start figure needs millisecond resolution.
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        Err(BenchError::NotServing(SERVING_TIMEOUT))
    }

    /// SIGTERM (graceful: the database is flushed), then wait.
    pub fn stop(mut self) -> Result<(), BenchError> {
        let pid = self.child.id().to_string();
        let status = Command::new("kill").args(["-TERM", &pid]).status();
        if !matches!(status, Ok(s) if s.success()) {
            self.child.kill()?;
        }
        self.child.wait()?;
        Ok(())
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
