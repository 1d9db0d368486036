//! The real `factdesk` binary as a child process, with an environment the
//! test spells out: the tests share one process, so nothing is passed by
//! setting variables on it, and nothing leaks in from the shell or CI.

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

/// `factdesk <args>` without any inherited `FACTDESK_*` variable (CI exports
/// the embedding model; a shell may hold a token or a database), logging at
/// `info`. Callers add the variables they mean to pass.
pub fn factdesk_command(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_factdesk"));
    command.args(args);
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("FACTDESK_") {
            command.env_remove(name);
        }
    }
    command.env("FACTDESK_LOG", "info");
    command
}

/// Runs `factdesk <args>` to completion, logging warnings only (no
/// embedding model: offline commands in tests are about the store).
pub fn run_factdesk(args: &[&str]) -> std::process::Output {
    factdesk_command(args)
        .env("FACTDESK_LOG", "warn")
        .output()
        .expect("run factdesk")
}

/// Runs `factdesk <args>` (which must include `--listen 127.0.0.1:0`) with
/// only `envs` set; returns the process, its address once it logs
/// `serving`, and a channel carrying the rest of its log lines.
pub fn spawn_server(
    args: &[&str],
    envs: &[(&str, &str)],
) -> (ServerProcess, String, mpsc::Receiver<String>) {
    let mut command = factdesk_command(args);
    command.envs(envs.iter().copied());
    spawn_server_command(command)
}

/// `factdesk serve --demo` on a database in `db` (created), on 127.0.0.1:0,
/// with `extra` flags; as [`spawn_server`].
pub fn spawn_demo_server(
    db: &std::path::Path,
    extra: &[&str],
) -> (ServerProcess, String, mpsc::Receiver<String>) {
    let db = db.to_str().expect("UTF-8 path");
    let mut args = vec!["serve", "--demo", "--db", db, "--listen", "127.0.0.1:0"];
    args.extend_from_slice(extra);
    spawn_server(&args, &[])
}

/// Like [`spawn_server`], for a command that runs factdesk indirectly (a
/// shell in a namespace of its own) and passes its stderr through.
pub fn spawn_server_command(
    mut command: Command,
) -> (ServerProcess, String, mpsc::Receiver<String>) {
    let child = command
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
        if let Some(address) = serving_address(&line) {
            return (server, address, lines);
        }
    }
}

/// The address in the server's `serving` log line (text or JSON format).
pub fn serving_address(line: &str) -> Option<String> {
    if let Some(rest) = line.split(" serving address=").nth(1) {
        return Some(rest.split_whitespace().next()?.to_owned());
    }
    let value: serde_json::Value = serde_json::from_str(line).ok()?;
    let fields = value.get("fields")?;
    (fields.get("message")?.as_str()? == "serving")
        .then(|| fields.get("address")?.as_str().map(str::to_owned))
        .flatten()
}
