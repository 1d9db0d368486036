//! Online backup: `factdesk export --server` while a client keeps writing
//! gives one moment's library (no gaps in the writer's sequence), and the
//! file imports into an equal library.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use crate::harness::process::run_factdesk;
use crate::harness::{statement, strip_create_times, TestServer};
use factdesk::pb;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn online_export_while_writing_is_a_consistent_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::builder(&dir.path().join("db")).start().await;
    let mut statements = server.statements().await;
    let initial: Vec<pb::Statement> = (0..3000)
        .map(|n| {
            statement(
                &format!("a{n:05}"),
                &format!("Berth {n} was dredged in spring."),
            )
        })
        .collect();
    statements
        .import_statements(tokio_stream::iter(
            initial
                .chunks(1000)
                .map(|chunk| pb::ImportStatementsRequest {
                    statements: chunk.to_vec(),
                })
                .collect::<Vec<_>>(),
        ))
        .await
        .unwrap();

    // One writer creates w00000, w00001, ... in order until told to stop.
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let stop = Arc::clone(&stop);
        let mut statements = server.statements().await;
        tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                let created = statements
                    .create_statement(pb::CreateStatementRequest {
                        statement: Some(statement(
                            &format!("w{n:05}"),
                            &format!("Crane {n} moved."),
                        )),
                        ..Default::default()
                    })
                    .await;
                assert!(created.is_ok(), "{created:?}");
                n += 1;
            }
            n
        })
    };
    // Let some writes land before and during the export.
    while statements
        .get_statement(pb::GetStatementRequest {
            id: "w00010".into(),
        })
        .await
        .is_err()
    {
        tokio::task::yield_now().await;
    }
    let url = server.url();
    let output = tokio::task::spawn_blocking(move || run_factdesk(&["export", "--server", &url]))
        .await
        .unwrap();
    stop.store(true, Ordering::Relaxed);
    let written = writer.await.unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let exported = String::from_utf8(output.stdout).unwrap();
    let ids: Vec<String> = exported
        .lines()
        .map(|line| {
            serde_json::from_str::<serde_json::Value>(line).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    let mut sorted = ids.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted, ids, "id order, each once");
    assert_eq!(ids.iter().filter(|id| id.starts_with('a')).count(), 3000);
    let writes: Vec<&String> = ids.iter().filter(|id| id.starts_with('w')).collect();
    let expected: Vec<String> = (0..writes.len()).map(|n| format!("w{n:05}")).collect();
    assert_eq!(
        writes.iter().map(|id| id.as_str()).collect::<Vec<_>>(),
        expected.iter().map(String::as_str).collect::<Vec<_>>(),
        "a prefix of the writer's sequence: one moment, no gaps"
    );
    assert!(
        writes.len() >= 11 && writes.len() <= written,
        "{} of {written}",
        writes.len()
    );
    eprintln!(
        "exported {} statements while {written} writes went on",
        ids.len()
    );
    server.stop().await;

    // The backup imports into an equal library.
    let backup = dir.path().join("backup.jsonl");
    std::fs::write(&backup, &exported).unwrap();
    let restored = dir.path().join("restored");
    let imported = run_factdesk(&[
        "import",
        "--create",
        backup.to_str().unwrap(),
        "--db",
        restored.to_str().unwrap(),
    ]);
    assert!(imported.status.success());
    let again = run_factdesk(&["export", "--db", restored.to_str().unwrap()]);
    assert_eq!(
        strip_create_times(&String::from_utf8(again.stdout).unwrap()),
        strip_create_times(&exported)
    );
}
