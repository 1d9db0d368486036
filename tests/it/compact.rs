//! `factdesk compact`, and the compaction `import` runs after a bulk load,
//! on the real binary.

use std::path::Path;

use crate::harness::process::run_factdesk as factdesk;
use crate::harness::strip_create_times;

fn statements(path: &Path, from: usize, to: usize) {
    let lines: String = (from..to)
        .map(|n| {
            format!("{{\"id\": \"c-{n}\", \"text\": \"The harbour toll rose by {n} cents.\"}}\n")
        })
        .collect();
    std::fs::write(path, lines).unwrap();
}

fn import(db: &Path, file: &Path, extra: &[&str]) -> String {
    let mut args = vec![
        "import",
        "--create",
        file.to_str().unwrap(),
        "--db",
        db.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let output = factdesk(&args);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{stderr}");
    stderr
}

fn export(db: &Path) -> Vec<serde_json::Value> {
    let output = factdesk(&["export", "--db", db.to_str().unwrap()]);
    assert!(output.status.success());
    strip_create_times(&String::from_utf8(output.stdout).unwrap())
}

#[test]
fn a_bulk_import_is_compacted_and_a_small_one_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let (first, second) = (
        dir.path().join("first.jsonl"),
        dir.path().join("second.jsonl"),
    );
    statements(&first, 0, 60);
    statements(&second, 60, 70);
    let stderr = import(&db, &first, &[]);
    assert!(
        stderr
            .lines()
            .any(|line| line.starts_with(&format!("compacted {}", db.display()))),
        "{stderr}"
    );
    let stderr = import(&db, &second, &[]);
    assert!(
        !stderr.contains("compacted"),
        "10 into 60 is not a bulk load: {stderr}"
    );
    let before = export(&db);
    assert_eq!(before.len(), 70);

    let output = factdesk(&["compact", "--db", db.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    // Replaced, or kept when the copy is no smaller: either is reported.
    assert!(
        stderr
            .lines()
            .any(|line| line.starts_with("compacted ") || line.starts_with("not compacted ")),
        "{stderr}"
    );
    assert_eq!(export(&db), before);
    let siblings: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with('.'))
        .collect();
    assert!(siblings.is_empty(), "{siblings:?}");

    let other = dir.path().join("other");
    let stderr = import(&other, &first, &["--no-compact"]);
    assert!(!stderr.contains("compacted"), "{stderr}");
}

#[test]
fn compact_refuses_a_missing_or_served_database() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("typo");
    let output = factdesk(&["compact", "--db", missing.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no database at"));
    assert!(!missing.exists(), "nothing was created");

    let db = dir.path().join("db");
    let (server, _address, _log) = crate::harness::process::spawn_demo_server(&db, &[]);
    let output = factdesk(&["compact", "--db", db.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("locked by a running server"), "{stderr}");
    drop(server);
}
