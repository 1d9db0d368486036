//! The real `factdesk` binary as a child process on an ephemeral port.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// The server process; killed if the test fails before stopping it.
pub struct ServerProcess(pub Child);

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Runs `factdesk <args>` (which must include `--listen 127.0.0.1:0`) with
/// `envs` and without `FACTDESK_EMBEDDING_MODEL`; returns the process, its address once it logs `serving`, and a
/// channel carrying the rest of its log lines.
pub fn spawn_server(
    args: &[&str],
    envs: &[(&str, &str)],
) -> (ServerProcess, String, mpsc::Receiver<String>) {
    let child = Command::new(env!("CARGO_BIN_EXE_factdesk"))
        .args(args)
        // Lexical unless a test asks for the model (CI exports it for the
        // semantic tests; embedding every import would slow these down).
        .env_remove("FACTDESK_EMBEDDING_MODEL")
        .envs(envs.iter().copied())
        .env("FACTDESK_LOG", "info")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("start factdesk");
    let mut server = ServerProcess(child);
    let stderr = server.0.stderr.take().unwrap();
    let (lines_tx, lines) = mpsc::channel();
    std::thread::spawn(move || {
        // Keeps draining after the receiver is gone, so the server never
        // writes into a closed pipe.
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = lines_tx.send(line);
        }
    });
    loop {
        let line = lines
            .recv_timeout(Duration::from_secs(120))
            .expect("server logs 'serving' within two minutes");
        if let Some(rest) = line.split("address=").nth(1) {
            let address = rest.split_whitespace().next().unwrap().to_owned();
            return (server, address, lines);
        }
    }
}
