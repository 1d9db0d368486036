//! The offline `import` and `export` commands of the real binary.

use std::process::{Command, Output};

fn factdesk(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_factdesk"))
        .args(args)
        .env("FACTDESK_LOG", "warn")
        .output()
        .expect("run factdesk")
}

const LINES: &str = r#"{"id": "a-1", "text": "Unemployment fell to 4 percent.", "attribution": {"speaker": {"name": "Ann Lee", "title": "Senator"}, "source": {"publisher": "PolitiFact", "publishTime": "2020-01-02T00:00:00Z"}}, "topics": ["jobs"], "rating": {"textualRating": "true", "reviewer": "PolitiFact"}}
{"id": "a-2", "text": "not closed
{"id": "a-3", "text": ""}
{"id": "a-4", "text": "Crime doubled in two years.", "unknownField": 1}

{"id": "a-5", "text": "Taxes rose twice.", "context": "a debate"}
"#;

#[test]
fn import_reports_bad_lines_and_export_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    std::fs::write(&input, LINES).unwrap();
    let first_db = dir.path().join("first");
    let output = factdesk(&[
        "import",
        input.to_str().unwrap(),
        "--db",
        first_db.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("in.jsonl:2: bad JSON"), "{stderr}");
    assert!(
        stderr.contains("in.jsonl:3: text: must not be empty"),
        "{stderr}"
    );
    assert!(
        stderr.contains("in.jsonl:4: bad JSON: unknown field `unknownField`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("2 created, 0 unchanged, 3 rejected"),
        "{stderr}"
    );

    // Importing the same file again changes nothing.
    let again = factdesk(&[
        "import",
        input.to_str().unwrap(),
        "--db",
        first_db.to_str().unwrap(),
    ]);
    assert!(String::from_utf8_lossy(&again.stderr).contains("0 created, 2 unchanged"));

    let exported = factdesk(&["export", "--db", first_db.to_str().unwrap()]);
    assert!(exported.status.success());
    let exported = String::from_utf8(exported.stdout).unwrap();
    assert_eq!(exported.lines().count(), 2);
    assert!(
        exported.contains(r#""publishTime":"2020-01-02T00:00:00Z""#),
        "{exported}"
    );

    let round_trip = dir.path().join("exported.jsonl");
    std::fs::write(&round_trip, &exported).unwrap();
    let second_db = dir.path().join("second");
    let imported = factdesk(&[
        "import",
        round_trip.to_str().unwrap(),
        "--db",
        second_db.to_str().unwrap(),
    ]);
    assert!(imported.status.success());
    let second_export = factdesk(&["export", "--db", second_db.to_str().unwrap()]);
    let second_export = String::from_utf8(second_export.stdout).unwrap();
    assert_eq!(
        strip_create_times(&second_export),
        strip_create_times(&exported)
    );
}

/// Export lines with `createTime` removed (each database stamps its own).
fn strip_create_times(jsonl: &str) -> Vec<serde_json::Value> {
    jsonl
        .lines()
        .map(|line| {
            let mut value: serde_json::Value = serde_json::from_str(line).unwrap();
            value.as_object_mut().unwrap().remove("createTime");
            value
        })
        .collect()
}

#[test]
fn env_variable_sets_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("one.jsonl");
    std::fs::write(&input, "{\"id\":\"x\",\"text\":\"hello\"}\n").unwrap();
    let db = dir.path().join("db");
    let status = Command::new(env!("CARGO_BIN_EXE_factdesk"))
        .args(["import", input.to_str().unwrap()])
        .env("FACTDESK_DB", &db)
        .output()
        .unwrap();
    assert!(status.status.success());
    let exported = factdesk(&["export", "--db", db.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&exported.stdout).contains("\"id\":\"x\""));
}

#[test]
fn newer_schema_fails_with_clear_message_and_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    {
        let db = sled::open(dir.path()).unwrap();
        let meta = db.open_tree("meta").unwrap();
        meta.insert("format", "factdesk").unwrap();
        meta.insert("schema_version", &99u32.to_be_bytes()).unwrap();
        db.flush().unwrap();
    }
    let output = factdesk(&["export", "--db", dir.path().to_str().unwrap()]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("schema version 99"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}
