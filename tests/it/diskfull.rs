//! Hardening II, finding 8b: the disk fills while the server imports. The
//! import message that failed is invisible, all of it (GetStatement found
//! 320–466 of a failed 500); the server stops answering and says so
//! instead of reporting SERVING with every write failing; restarted once
//! there is room (here by a supervisor loop), it holds every acknowledged
//! statement and takes writes again.
//!
//! The database lives on a 24 MB tmpfs mounted in a mount namespace of the
//! server's own (`unshare`), so the test needs no privileges beyond what
//! user namespaces give; it is skipped, and says so, where neither works.

use std::os::unix::process::CommandExt;
use std::process::Command;
use std::time::Duration;

use crate::harness::process::{spawn_server_command, ServerProcess};
use crate::harness::statement;
use factdesk::pb;
use factdesk::pb::statement_service_client::StatementServiceClient;
use tonic::Code;

/// Mounts a tmpfs on $1, fills a quarter of it, and serves $1/db with $2,
/// restarting the server whenever it exits (a supervisor in miniature).
const SUPERVISOR: &str = r#"
mount -t tmpfs -o size=24m tmpfs "$1" || exit 97
head -c 6000000 /dev/zero > "$1/filler"
while true; do
  "$2" serve --db "$1/db" --listen 127.0.0.1:0 --insecure-open-writes
  echo "factdesk exited with $?" >&2
  sleep 0.2
done
"#;

/// `unshare` flags that give a private mount namespace here, if any.
fn namespace_flags() -> Option<Vec<&'static str>> {
    let candidates: [&[&'static str]; 2] = [
        &["--mount", "--propagation", "private"],
        &[
            "--user",
            "--map-root-user",
            "--mount",
            "--propagation",
            "private",
        ],
    ];
    candidates.into_iter().map(<[&str]>::to_vec).find(|flags| {
        Command::new("unshare")
            .args(flags)
            .args(["sh", "-c", "mount -t tmpfs -o size=1m tmpfs /mnt"])
            .status()
            .is_ok_and(|status| status.success())
    })
}

/// Kills the whole process group (the shell and its server) when dropped.
struct Group(ServerProcess);

impl Drop for Group {
    fn drop(&mut self) {
        let group = format!("-{}", self.0 .0.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
    }
}

fn next_serving(log: &std::sync::mpsc::Receiver<String>) -> String {
    loop {
        let line = log
            .recv_timeout(Duration::from_secs(60))
            .expect("the server logs 'serving' again");
        if let Some(address) = crate::harness::process::serving_address(&line) {
            return address;
        }
    }
}

/// Statements of about 2 KB of seeded random hex, which the store's record
/// compression cannot shrink much (repeated text would compress to almost
/// nothing and never fill the disk).
fn batch(first: usize, count: usize) -> pb::ImportStatementsRequest {
    let mut rng = fastrand::Rng::with_seed(first as u64);
    pb::ImportStatementsRequest {
        statements: (first..first + count)
            .map(|n| {
                let filler: String = (0..128).map(|_| format!("{:016x} ", rng.u64(..))).collect();
                statement(&format!("d{n:06}"), &format!("{n}: {filler}"))
            })
            .collect(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_hides_the_failed_batch_and_a_restart_recovers() {
    let Some(flags) = namespace_flags() else {
        eprintln!("SKIP diskfull: no private mount namespace here (unshare)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mount = dir.path().join("mnt");
    std::fs::create_dir(&mount).unwrap();
    let mut command = Command::new("unshare");
    command
        .args(&flags)
        .args(["sh", "-c", SUPERVISOR, "sh"])
        .arg(&mount)
        .arg(env!("CARGO_BIN_EXE_factdesk"))
        .env("FACTDESK_LOG", "info")
        .process_group(0);
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("FACTDESK_") && name != "FACTDESK_LOG" {
            command.env_remove(name);
        }
    }
    let (process, address, log) = spawn_server_command(command);
    let group = Group(process);
    let mut statements = StatementServiceClient::connect(format!("http://{address}"))
        .await
        .unwrap();

    // Import 500-statement messages (1 MB each) until one fails.
    let mut acknowledged = 0;
    let failed_at = loop {
        let sent = batch(acknowledged, 500);
        match statements
            .import_statements(tokio_stream::iter(vec![sent]))
            .await
        {
            Ok(response) => {
                assert_eq!(response.into_inner().created_count, 500);
                acknowledged += 500;
                assert!(acknowledged < 40_000, "the disk never filled");
            }
            Err(status) => {
                eprintln!("import failed after {acknowledged}: {status:?}");
                break acknowledged;
            }
        }
    };
    // None of the failed message is readable, whatever the server is doing.
    for n in failed_at..failed_at + 500 {
        let got = statements
            .get_statement(pb::GetStatementRequest {
                id: format!("d{n:06}"),
            })
            .await;
        assert!(got.is_err(), "d{n:06} of the failed message is visible");
        if let Err(status) = got {
            assert_ne!(status.code(), Code::Ok);
        }
    }

    // Make room, as an operator would; the supervisor's restart succeeds.
    let filler = format!("/proc/{}/root{}/filler", group.0 .0.id(), mount.display());
    std::fs::remove_file(&filler).unwrap();
    let address = next_serving(&log);
    let mut statements = StatementServiceClient::connect(format!("http://{address}"))
        .await
        .unwrap();
    for n in (0..failed_at).step_by(97).chain([failed_at - 1]) {
        let got = statements
            .get_statement(pb::GetStatementRequest {
                id: format!("d{n:06}"),
            })
            .await;
        assert!(got.is_ok(), "acknowledged d{n:06} survives: {got:?}");
    }
    for n in [failed_at, failed_at + 250, failed_at + 499] {
        let got = statements
            .get_statement(pb::GetStatementRequest {
                id: format!("d{n:06}"),
            })
            .await;
        assert_eq!(got.map_err(|s| s.code()).err(), Some(Code::NotFound));
    }
    let created = statements
        .create_statement(pb::CreateStatementRequest {
            statement: Some(statement("after-room", "Room again on the quay.")),
            ..Default::default()
        })
        .await;
    assert!(created.is_ok(), "writes work again: {created:?}");
    drop(group);
}
